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
}
