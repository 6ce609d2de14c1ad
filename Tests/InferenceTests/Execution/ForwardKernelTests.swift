import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// The forward kernels rewritten for speed (issue 18) against references computed here element
/// by element: vectorised Erf and Tanh, Slice and Pad as strided copies, a Relu or Softmax
/// fused into the op before it, and a batch split across threads.
final class ForwardKernelTests: XCTestCase {
    /// One node `opType` from input x (shape `shape`, batch axis symbolic) to y, with `constants`.
    private func plan(_ opType: String, inputs: [String] = ["x"], shape: [Int64], constants: [Onnx_TensorProto] = [],
                      attributes: [Onnx_AttributeProto] = [], extraNodes: [Onnx_NodeProto] = [], batch: Int? = nil) throws -> ExecutionPlan {
        var builder = ModelBuilder()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: shape.indices.map { batch != nil && $0 == 0 ? nil : shape[$0] })]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [])]
        builder.model.graph.initializer = constants
        let last = extraNodes.isEmpty ? "y" : "z"
        builder.model.graph.node = [ModelBuilder.node(opType, inputs: inputs, outputs: [last], name: "op", attributes: attributes)] + extraNodes
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        var inputShape = shape.map(Int.init)
        if let batch { inputShape[0] = batch }
        return try ExecutionPlan(graph: graph, inputShapes: ["x": inputShape])
    }

    private func output(_ plan: ExecutionPlan, _ x: Tensor<Float>, threads: Int = 1) throws -> Tensor<Float> {
        guard case .float(let y)? = try plan.run(["x": x], threads: threads)["y"] else { throw XCTSkip("no output") }
        return y
    }

    func testErfAndTanhAgainstDoublePrecision() throws {
        // Both signs, near 0 (relative accuracy), the saturated tails, the eight-lane loop's remainder.
        var values: [Float] = (0..<203).map { Float($0 - 101) / 20 }
        values += [1e-6, -3e-8, 0, 9, -12, .infinity, -.infinity]
        let x = Tensor(shape: [values.count], scalars: values)
        let erf = try output(plan("Erf", shape: [Int64(values.count)]), x).scalars
        let tanh = try output(plan("Tanh", shape: [Int64(values.count)]), x).scalars
        for (i, v) in values.enumerated() {
            let expectedErf = Foundation.erf(Double(v)), expectedTanh = Foundation.tanh(Double(v))
            XCTAssertEqual(Double(erf[i]), expectedErf, accuracy: 3e-7 * max(abs(expectedErf), 1e-30), "erf(\(v))")
            XCTAssertEqual(Double(tanh[i]), expectedTanh, accuracy: 4e-7 * max(abs(expectedTanh), 1e-30) + 1e-12, "tanh(\(v))")
        }
        let nan = try output(plan("Erf", shape: [3]), Tensor(shape: [3], scalars: [0.5, .nan, -0.5])).scalars
        XCTAssertTrue(nan[1].isNaN, "NaN propagates")
        XCTAssertTrue(try output(plan("Tanh", shape: [3]), Tensor(shape: [3], scalars: [0.5, .nan, -0.5])).scalars[1].isNaN, "NaN propagates")
        // The gradient 1 − tanh² near saturation, where it is all that is left of the input.
        for v: Float in [5, 7.5, -8, 8.6] {
            let y = try output(plan("Tanh", shape: [1]), Tensor(shape: [1], scalars: [v])).scalars[0]
            let expected = 1 / (Foundation.cosh(Double(v)) * Foundation.cosh(Double(v)))
            XCTAssertEqual(1 - Double(y) * Double(y), expected, accuracy: 2e-7 + 0.02 * expected, "1 − tanh²(\(v))")
        }
    }

    func testSliceMatchesElementByElement() throws {
        let shape = [2, 5, 7]
        let x = Tensor(shape: shape, scalars: (0..<70).map(Float.init))
        // (starts, ends, axes, steps): a crop of the last axis, of the middle one, strided, reversed, whole rows.
        let cases: [([Int64], [Int64], [Int64], [Int64])] = [
            ([1], [6], [2], [1]), ([1], [4], [1], [1]), ([0, 1], [5, 7], [1, 2], [2, 3]),
            ([4], [-6], [1], [-1]), ([6], [-9], [2], [-2]), ([1], [2], [0], [1]),
        ]
        for (starts, ends, axes, steps) in cases {
            let constants = [ModelBuilder.int64Tensor("starts", dims: [Int64(starts.count)], values: starts),
                             ModelBuilder.int64Tensor("ends", dims: [Int64(ends.count)], values: ends),
                             ModelBuilder.int64Tensor("axes", dims: [Int64(axes.count)], values: axes),
                             ModelBuilder.int64Tensor("steps", dims: [Int64(steps.count)], values: steps)]
            let y = try output(plan("Slice", inputs: ["x", "starts", "ends", "axes", "steps"], shape: shape.map(Int64.init), constants: constants), x)
            // Reference: each axis's kept indices, the output their cartesian product.
            var kept = shape.map { Array(0..<$0) }
            for (i, axis) in axes.enumerated() {
                let n = shape[Int(axis)], step = Int(steps[i])
                func clamp(_ v: Int64) -> Int { let v = v < 0 ? Int(v) + n : Int(v); return step > 0 ? min(max(v, 0), n) : min(max(v, -1), n - 1) }
                kept[Int(axis)] = Array(stride(from: clamp(starts[i]), to: clamp(ends[i]), by: step))
            }
            var expected: [Float] = []
            for a in kept[0] { for b in kept[1] { for c in kept[2] { expected.append(x.scalars[(a * 5 + b) * 7 + c]) } } }
            XCTAssertEqual(y.shape, kept.map(\.count), "slice \(starts) \(ends) \(axes) \(steps)")
            XCTAssertEqual(y.scalars, expected, "slice \(starts) \(ends) \(axes) \(steps)")
        }
    }

    func testConstantPadMatchesElementByElement() throws {
        let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Float($0) + 1 })
        // Begins then ends, per axis: growing only, a crop of every axis (negative pads: grelu's
        // crops), and both at once, the last axis cropped at one end and padded at the other.
        for pads: [Int64] in [[0, 1, 2, 1, 0, 3], [0, -1, -1, -1, 0, -2], [1, -1, 2, 0, 1, -3]] {
            let constants = [ModelBuilder.int64Tensor("pads", dims: [6], values: pads), ModelBuilder.floatTensor("value", dims: [], values: [-7])]
            let y = try output(plan("Pad", inputs: ["x", "pads", "value"], shape: [2, 3, 4], constants: constants), x)
            let shape = (0..<3).map { [2, 3, 4][$0] + Int(pads[$0] + pads[$0 + 3]) }
            XCTAssertEqual(y.shape, shape, "pads \(pads)")
            for a in 0..<shape[0] { for b in 0..<shape[1] { for c in 0..<shape[2] {
                let (i, j, k) = (a - Int(pads[0]), b - Int(pads[1]), c - Int(pads[2]))
                let inside: Bool = i >= 0 && i < 2 && j >= 0 && j < 3 && k >= 0 && k < 4
                let expected: Float = inside ? x.scalars[(i * 3 + j) * 4 + k] : -7
                XCTAssertEqual(y.scalars[(a * shape[1] + b) * shape[2] + c], expected, "pads \(pads) at \(a), \(b), \(c)")
            } } }
        }
    }

    /// MatMul then Softmax: the Softmax runs in place on the product's output; the result equals
    /// a Softmax computed here from the product planned alone.
    func testSoftmaxFusedIntoItsProducer() throws {
        let weights: [Float] = (0..<15).map { (i: Int) -> Float in Float((i * 7) % 9) / 3 - 1 }
        let constants = [ModelBuilder.floatTensor("w", dims: [3, 5], values: weights)]
        let x = Tensor(shape: [4, 3], scalars: (0..<12).map { (i: Int) -> Float in Float((i * 5) % 7) - 3 })
        let product = try output(plan("MatMul", inputs: ["x", "w"], shape: [4, 3], constants: constants), x)
        let fused = try plan("MatMul", inputs: ["x", "w"], shape: [4, 3], constants: constants,
                             extraNodes: [ModelBuilder.node("Softmax", inputs: ["z"], outputs: ["y"], name: "softmax")])
        let y = try output(fused, x)
        for row in 0..<4 {
            let logits = product.scalars[(row * 5)..<(row * 5 + 5)].map(Double.init)
            let total = logits.map { Foundation.exp($0 - logits.max()!) }.reduce(0, +)
            for (column, logit) in logits.enumerated() {
                XCTAssertEqual(Double(y.scalars[row * 5 + column]), Foundation.exp(logit - logits.max()!) / total, accuracy: 1e-6)
            }
        }
    }

    /// Conv then Relu: the Relu runs in place on the Conv's output; the result equals Relu
    /// applied to a Conv planned alone.
    func testReluFusedIntoItsProducer() throws {
        let weights: [Float] = (0..<18).map { (i: Int) -> Float in Float((i * 37) % 11) / 5 - 1 }
        let constants = [ModelBuilder.floatTensor("w", dims: [3, 2, 3], values: weights), ModelBuilder.floatTensor("b", dims: [3], values: [0.1, -0.2, 0])]
        let x = Tensor(shape: [2, 2, 9], scalars: (0..<36).map { (i: Int) -> Float in Float((i * 13) % 17) / 8 - 1 })
        let conv = try output(plan("Conv", inputs: ["x", "w", "b"], shape: [2, 2, 9], constants: constants), x)
        let fused = try plan("Conv", inputs: ["x", "w", "b"], shape: [2, 2, 9], constants: constants,
                             extraNodes: [ModelBuilder.node("Relu", inputs: ["z"], outputs: ["y"], name: "relu")])
        let y = try output(fused, x)
        XCTAssertTrue(conv.scalars.contains { $0 < 0 }, "the test needs negative pre-activations")
        XCTAssertEqual(y.scalars, conv.scalars.map { $0 > 0 ? $0 : 0 })
    }

    /// A Reshape that folds the batch into one row, then a Softmax along it, mixes sequences:
    /// every value has a batch axis (the row's), but the probe finds parts differ; the batch runs whole.
    func testBatchMixingGraphRunsWhole() throws {
        let constants = [ModelBuilder.int64Tensor("shape", dims: [2], values: [1, -1])]
        let mixing = try plan("Reshape", inputs: ["x", "shape"], shape: [0, 3], constants: constants,
                              extraNodes: [ModelBuilder.node("Softmax", inputs: ["z"], outputs: ["y"], name: "softmax")], batch: 6)
        XCTAssertNil(try mixing.batchParts(threads: 2))
        let x = Tensor(shape: [6, 3], scalars: (0..<18).map { Float($0) / 9 })
        let total = x.scalars.map { Foundation.exp(Double($0)) }.reduce(0, +)
        let y = try output(mixing, x, threads: 2)
        XCTAssertEqual(y.shape, [1, 18])
        for (value, input) in zip(y.scalars, x.scalars) { XCTAssertEqual(Double(value), Foundation.exp(Double(input)) / total, accuracy: 1e-7) }
    }

    /// Two threads split a batch of 5 into parts of 2 and 3, each run on its own plan; the
    /// outputs equal one thread's on the whole batch.
    func testBatchSplitAcrossThreadsEqualsOneThread() throws {
        let weights: [Float] = (0..<80).map { (i: Int) -> Float in Float((i * 29) % 13) / 6 - 1 }
        let constants = [ModelBuilder.floatTensor("w", dims: [4, 4, 5], values: weights)]
        let batched = try plan("Conv", inputs: ["x", "w"], shape: [0, 4, 30], constants: constants,
                               extraNodes: [ModelBuilder.node("Relu", inputs: ["z"], outputs: ["y"], name: "relu")], batch: 5)
        let x = Tensor(shape: [5, 4, 30], scalars: (0..<600).map { (i: Int) -> Float in Float((i * 7) % 23) / 11 - 1 })
        XCTAssertEqual(try batched.batchParts(threads: 2)?.plans.map { $0.inputShapes["x"]?.first }, [2, 3])
        let one = try output(batched, x, threads: 1), two = try output(batched, x, threads: 2)
        XCTAssertEqual(two.shape, [5, 4, 26])
        XCTAssertEqual(two.scalars.count, one.scalars.count)
        for (a, b) in zip(two.scalars, one.scalars) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b))) }
    }
}
