import Foundation
@testable import Inference
import TestSupport
import XCTest

/// A MatMul over a batch of products (attention's heads) shares the batch between threads, a
/// part each, from `MatrixProduct.minimumBatchSplitWork` multiply-adds: checked against direct
/// sums, with one operand broadcast along a batch axis.
final class BatchedProductTests: XCTestCase {
    func testHeadsSharedBetweenThreadsMatchDirectSums() throws {
        // A (2, 3, m, k) · B (3, k, n): B broadcast along the first axis, as a per-head weight would be.
        let (m, k, n) = (64, 16, 64)
        XCTAssertEqual(MatrixProduct.batchParts(batches: 6, multiplyAdds: 6 * m * n * k, threads: 2), 2, "this shape must take the split")
        XCTAssertEqual(MatrixProduct.batchParts(batches: 6, multiplyAdds: 6 * 8 * 8 * 16, threads: 2), 1, "small batches stay on one thread")
        var builder = ModelBuilder()
        builder.model.graph.input = [ModelBuilder.valueInfo("a", dims: [2, 3, Int64(m), Int64(k)]), ModelBuilder.valueInfo("b", dims: [3, Int64(k), Int64(n)])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [2, 3, Int64(m), Int64(n)])]
        builder.model.graph.node = [ModelBuilder.node("MatMul", inputs: ["a", "b"], outputs: ["y"], name: "heads")]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        // Small integers: every sum is exact in float32, whatever the kernel's order.
        let a = Tensor(shape: [2, 3, m, k], scalars: (0..<(6 * m * k)).map { Float(($0 * 7) % 13) - 6 })
        let b = Tensor(shape: [3, k, n], scalars: (0..<(3 * k * n)).map { Float(($0 * 5) % 11) - 5 })
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["a": a.shape, "b": b.shape])
        for threads in [1, 2] {
            guard case .float(let y)? = try plan.run(["a": a, "b": b], threads: threads)["y"] else { return XCTFail("no output") }
            for batch in 0..<6 {
                let head = batch % 3
                for i in 0..<m {
                    for j in 0..<n {
                        var sum: Float = 0
                        for p in 0..<k { sum += a.scalars[(batch * m + i) * k + p] * b.scalars[(head * k + p) * n + j] }
                        XCTAssertEqual(y.scalars[(batch * m + i) * n + j], sum, "threads \(threads) batch \(batch) row \(i) column \(j)")
                        if y.scalars[(batch * m + i) * n + j] != sum { return }
                    }
                }
            }
        }
    }

    /// A Softmax over the last axis after a MatMul is applied by the product, head by head: the
    /// same numbers as the two ops apart, in double, for a batch of products on one and two
    /// threads (a few products, and enough for one batched call a thread), for a shared B (one
    /// tall product), and for an axis that is not the last (not fused).
    func testFusedSoftmaxMatchesTheOpsApart() throws {
        let (m, k, n) = (64, 16, 50)
        func check(aShape: [Int], bShape: [Int], axis: Int) throws {
            let outShape = Array(aShape.dropLast()) + [n]
            var builder = ModelBuilder()
            builder.model.graph.input = [ModelBuilder.valueInfo("a", dims: aShape.map { Int64($0) }), ModelBuilder.valueInfo("b", dims: bShape.map { Int64($0) })]
            builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: outShape.map { Int64($0) })]
            builder.model.graph.node = [ModelBuilder.node("MatMul", inputs: ["a", "b"], outputs: ["s"], name: "scores"),
                                        ModelBuilder.node("Softmax", inputs: ["s"], outputs: ["y"], name: "softmax", attributes: [ModelBuilder.intAttribute("axis", Int64(axis))])]
            let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
            let a = Tensor(shape: aShape, scalars: (0..<aShape.reduce(1, *)).map { Float(($0 * 7) % 13) / 8 - 0.75 })
            let b = Tensor(shape: bShape, scalars: (0..<bShape.reduce(1, *)).map { Float(($0 * 5) % 11) / 8 - 0.6 })
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["a": a.shape, "b": b.shape])
            // The products in double, B repeating along A's batch axes.
            let batches = aShape.dropLast(2).reduce(1, *), bBatches = bShape.dropLast(2).reduce(1, *)
            var scores = [Double](repeating: 0, count: batches * m * n)
            for batch in 0..<batches {
                let bBase = (batch % bBatches) * k * n
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for p in 0..<k { sum += Double(a.scalars[(batch * m + i) * k + p]) * Double(b.scalars[bBase + p * n + j]) }
                        scores[(batch * m + i) * n + j] = sum
                    }
                }
            }
            // Softmax along `axis` of (batches, m, n).
            let (length, inner) = axis == -1 ? (n, 1) : (m, n)
            var expected = scores
            for o in 0..<(scores.count / (length * inner)) {
                for i in 0..<inner {
                    let indices = (0..<length).map { o * length * inner + $0 * inner + i }
                    let maximum = indices.map { scores[$0] }.max()!
                    let sum = indices.reduce(0.0) { $0 + Foundation.exp(scores[$1] - maximum) }
                    for index in indices { expected[index] = Foundation.exp(scores[index] - maximum) / sum }
                }
            }
            for threads in [1, 2] {
                guard case .float(let y)? = try plan.run(["a": a, "b": b], threads: threads)["y"] else { return XCTFail("no output") }
                for (index, (got, want)) in zip(y.scalars, expected).enumerated() where abs(Double(got) - want) > 1e-6 * want + 1e-9 {
                    return XCTFail("a \(aShape) b \(bShape) axis \(axis) threads \(threads): \(got) at \(index), expected \(want)")
                }
            }
        }
        try check(aShape: [2, 3, m, k], bShape: [2, 3, k, n], axis: -1)
        try check(aShape: [2, 3, m, k], bShape: [k, n], axis: -1)
        try check(aShape: [2, 3, m, k], bShape: [2, 3, k, n], axis: 2)
        // Enough heads for one batched call per thread.
        XCTAssertGreaterThanOrEqual(4 * 5, 2 * BLAS.minimumBatchedProducts)
        try check(aShape: [4, 5, m, k], bShape: [4, 5, k, n], axis: -1)
    }

    /// An Add of a constant bias over the last axis after a MatMul is applied by the product
    /// (in row chunks when all rows share B, after each product of a batch): the same numbers
    /// as the two ops apart, in double, on one and two threads, with the bias on either side.
    func testFusedBiasMatchesTheOpsApart() throws {
        let (m, k, n) = (64, 16, 50)
        XCTAssertLessThan(MatrixProduct.biasChunkRows(width: n), 2 * 3 * m, "the shared-B case must take several chunks")
        func check(aShape: [Int], bShape: [Int], biasShape: [Int], biasFirst: Bool) throws {
            let outShape = Array(aShape.dropLast()) + [n]
            var builder = ModelBuilder()
            builder.model.graph.input = [ModelBuilder.valueInfo("a", dims: aShape.map { Int64($0) }), ModelBuilder.valueInfo("b", dims: bShape.map { Int64($0) })]
            builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: outShape.map { Int64($0) })]
            let bias = (0..<n).map { Float($0 % 7) - 3.5 }
            builder.model.graph.initializer = [ModelBuilder.floatTensor("bias", dims: biasShape.map { Int64($0) }, values: bias)]
            builder.model.graph.node = [ModelBuilder.node("MatMul", inputs: ["a", "b"], outputs: ["s"], name: "projection"),
                                        ModelBuilder.node("Add", inputs: biasFirst ? ["bias", "s"] : ["s", "bias"], outputs: ["y"], name: "bias")]
            let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
            let a = Tensor(shape: aShape, scalars: (0..<aShape.reduce(1, *)).map { Float(($0 * 7) % 13) / 8 - 0.75 })
            let b = Tensor(shape: bShape, scalars: (0..<bShape.reduce(1, *)).map { Float(($0 * 5) % 11) / 8 - 0.6 })
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["a": a.shape, "b": b.shape])
            let batches = aShape.dropLast(2).reduce(1, *), bBatches = bShape.dropLast(2).reduce(1, *)
            for threads in [1, 2] {
                guard case .float(let y)? = try plan.run(["a": a, "b": b], threads: threads)["y"] else { return XCTFail("no output") }
                for batch in 0..<batches {
                    let bBase = (batch % bBatches) * k * n
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = Double(bias[j])
                            for p in 0..<k { sum += Double(a.scalars[(batch * m + i) * k + p]) * Double(b.scalars[bBase + p * n + j]) }
                            let got = Double(y.scalars[(batch * m + i) * n + j])
                            if abs(got - sum) > 1e-5 * max(1, abs(sum)) {
                                return XCTFail("a \(aShape) b \(bShape) bias \(biasShape) threads \(threads): \(got) at batch \(batch) row \(i) column \(j), expected \(sum)")
                            }
                        }
                    }
                }
            }
        }
        try check(aShape: [2, 3, m, k], bShape: [k, n], biasShape: [n], biasFirst: true)
        try check(aShape: [2, 3, m, k], bShape: [k, n], biasShape: [1, 1, n], biasFirst: false)
        try check(aShape: [m, k], bShape: [k, n], biasShape: [n], biasFirst: false)
        try check(aShape: [2, 3, m, k], bShape: [2, 3, k, n], biasShape: [n], biasFirst: true)
    }
}
