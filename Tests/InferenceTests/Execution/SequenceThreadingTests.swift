import Foundation
@testable import Inference
import ONNXProto
import TestSupport
import XCTest

/// One sequence on two threads: a convolution split into blocks of output positions (each
/// thread its own im2col and product), elementwise ops and thin products split in ranges. Each
/// kernel is checked against a reference computed here, and two threads against one.
final class SequenceThreadingTests: XCTestCase {
    /// One node `opType` from input x (of `shape`) to y, with `constants`, then `after` (a node reading z).
    func plan(_ opType: String, inputs: [String] = ["x"], shape: [Int], constants: [Onnx_TensorProto] = [],
                      attributes: [Onnx_AttributeProto] = [], after: String? = nil) throws -> ExecutionPlan {
        var builder = ModelBuilder()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: shape.map { Int64($0) })]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [])]
        builder.model.graph.initializer = constants
        builder.model.graph.node = [ModelBuilder.node(opType, inputs: inputs, outputs: [after == nil ? "y" : "z"], name: "op", attributes: attributes)]
        if let after { builder.model.graph.node.append(ModelBuilder.node(after, inputs: ["z"], outputs: ["y"], name: "after")) }
        return try ExecutionPlan(graph: ONNXImporter.load(data: builder.serialized(), modelDirectory: nil), inputShapes: ["x": shape])
    }

    func output(_ plan: ExecutionPlan, _ x: Tensor<Float>, threads: Int) throws -> Tensor<Float> {
        guard case .float(let y)? = try plan.run(["x": x], threads: threads)["y"] else { throw InferenceError("no float output") }
        return y
    }

    /// Values in [−1, 1), different for each `seed`.
    func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(($0 * 7919 + seed * 104_729) % 2003) / 1001.5 - 1 }
    }

    struct ConvCase {
        var input: [Int], weights: [Int]
        var strides: [Int], dilations: [Int], pads: [Int], group = 1
        var relu = false
    }

    /// The case's Conv (then a Relu if asked) planned, with seeded input, weights and bias.
    func convPlan(_ test: ConvCase) throws -> (plan: ExecutionPlan, x: Tensor<Float>, w: [Float], b: [Float]) {
        let w = values(test.weights.reduce(1, *), seed: 1).map { $0 / 4 }, b = values(test.weights[0], seed: 2)
        let x = Tensor(shape: test.input, scalars: values(test.input.reduce(1, *), seed: 3))
        let attributes = [ModelBuilder.intsAttribute("strides", test.strides.map(Int64.init)),
                          ModelBuilder.intsAttribute("dilations", test.dilations.map(Int64.init)),
                          ModelBuilder.intsAttribute("pads", test.pads.map(Int64.init)),
                          ModelBuilder.intAttribute("group", Int64(test.group))]
        let constants = [ModelBuilder.floatTensor("w", dims: test.weights.map(Int64.init), values: w),
                         ModelBuilder.floatTensor("b", dims: [Int64(b.count)], values: b)]
        let plan = try plan("Conv", inputs: ["x", "w", "b"], shape: test.input, constants: constants, attributes: attributes,
                            after: test.relu ? "Relu" : nil)
        return (plan, x, w, b)
    }

    /// Convolutions with padding, strides, dilations, groups, two-dimensional windows (blocks then
    /// end mid-row), Keras's unit height, a batch of three run whole, and a fused Relu: two
    /// threads, one thread and a direct sum agree.
    func testConvolutionSplitByPositionsMatchesReference() throws {
        let cases = [
            ConvCase(input: [1, 16, 3000], weights: [64, 16, 9], strides: [1], dilations: [1], pads: [4, 4], relu: true),
            ConvCase(input: [1, 16, 10000], weights: [48, 16, 7], strides: [3], dilations: [2], pads: [5, 2]),
            ConvCase(input: [1, 32, 7200], weights: [64, 16, 5], strides: [1], dilations: [1], pads: [2, 2], group: 2),
            ConvCase(input: [1, 8, 40, 300], weights: [32, 8, 3, 5], strides: [2, 1], dilations: [1, 2], pads: [1, 2, 1, 2]),
            ConvCase(input: [1, 16, 1, 5000], weights: [32, 16, 1, 7], strides: [1, 1], dilations: [1, 1], pads: [0, 3, 0, 3], relu: true),
            ConvCase(input: [3, 16, 2000], weights: [64, 16, 9], strides: [1], dilations: [1], pads: [0, 0]),
        ]
        for test in cases {
            let label = "input \(test.input), weights \(test.weights), strides \(test.strides), dilations \(test.dilations), pads \(test.pads), group \(test.group)"
            let (plan, x, w, b) = try convPlan(test)
            let one = try output(plan, x, threads: 1), two = try output(plan, x, threads: 2)
            let expected = reference(test, x: x.scalars, w: w, b: b)
            XCTAssertEqual(two.shape, expected.shape, label)
            let outPlane = expected.shape.dropFirst(2).reduce(1, *)
            let rows = test.weights.dropFirst().reduce(1, *)
            XCTAssertGreaterThanOrEqual(test.weights[0] / test.group * rows * outPlane, Conv.minimumBlockedWork, "\(label): the case must take the blocked path")
            var worst: Float = 0, worstThreads: Float = 0
            for i in expected.scalars.indices {
                worst = max(worst, abs(two.scalars[i] - expected.scalars[i]) / max(1, abs(expected.scalars[i])))
                worstThreads = max(worstThreads, abs(two.scalars[i] - one.scalars[i]) / max(1, abs(one.scalars[i])))
            }
            XCTAssertLessThan(worst, 2e-5, label)
            XCTAssertLessThanOrEqual(worstThreads, 1e-6, label)
            if test.relu { XCTAssertTrue(expected.scalars.contains(0) && expected.scalars.contains { $0 > 0 }, label) }
        }
    }

    /// y[n, f, oh, ow] = b[f] + Σ w[f, c, kh, kw] · x[n, group's c, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW],
    /// summed in double precision (1-D cases as unit height).
    func reference(_ test: ConvCase, x: [Float], w: [Float], b: [Float]) -> Tensor<Float> {
        let twoD = test.input.count == 4
        let (n, channels, filters) = (test.input[0], test.input[1], test.weights[0])
        let (inH, inW) = twoD ? (test.input[2], test.input[3]) : (1, test.input[2])
        let (kH, kW) = twoD ? (test.weights[2], test.weights[3]) : (1, test.weights[2])
        let (sH, sW) = twoD ? (test.strides[0], test.strides[1]) : (1, test.strides[0])
        let (dH, dW) = twoD ? (test.dilations[0], test.dilations[1]) : (1, test.dilations[0])
        let (pH, pW, eH, eW) = twoD ? (test.pads[0], test.pads[1], test.pads[2], test.pads[3]) : (0, test.pads[0], 0, test.pads[1])
        let outH = (inH + pH + eH - (kH - 1) * dH - 1) / sH + 1, outW = (inW + pW + eW - (kW - 1) * dW - 1) / sW + 1
        let groupChannels = channels / test.group, groupFilters = filters / test.group
        var y: [Float] = []
        for sample in 0..<n {
            for f in 0..<filters {
                let firstChannel = f / groupFilters * groupChannels
                for oh in 0..<outH {
                    for ow in 0..<outW {
                        var sum = Double(b[f])
                        for c in 0..<groupChannels {
                            for kh in 0..<kH {
                                let ih = oh * sH - pH + kh * dH
                                guard ih >= 0, ih < inH else { continue }
                                for kw in 0..<kW {
                                    let iw = ow * sW - pW + kw * dW
                                    guard iw >= 0, iw < inW else { continue }
                                    sum += Double(w[((f * groupChannels + c) * kH + kh) * kW + kw])
                                        * Double(x[((sample * channels + firstChannel + c) * inH + ih) * inW + iw])
                                }
                            }
                        }
                        y.append(test.relu ? Float(max(sum, 0)) : Float(sum))
                    }
                }
            }
        }
        return Tensor(shape: [n, filters] + (twoD ? [outH, outW] : [outW]), scalars: y)
    }

    func testPositionBlocksCoverTheOutputInWholeVectors() {
        for (extent, count) in [(1000, 2), (333, 2), (77, 2), (2960, 3), (17, 2)] {
            let blocks = (0..<count).map { Conv.block($0, of: count, extent: extent) }
            XCTAssertEqual(blocks.first?.lowerBound, 0)
            XCTAssertEqual(blocks.last?.upperBound, extent)
            for (a, b) in zip(blocks, blocks.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound, "\(extent) in \(count)") }
            for block in blocks.dropFirst() { XCTAssertEqual(block.lowerBound % Conv.blockGranule, 0, "\(extent) in \(count)") }
        }
    }

    /// Unary and broadcast binary ops over one sequence's large tensor (odd sizes: the last
    /// range is not whole vectors) give one thread's numbers, which equal element-by-element
    /// references where IEEE arithmetic defines them exactly.
    func testElementwiseOpsSplitInRangesMatchOneThread() throws {
        let shape = [1, 150, 2_001]
        let count = shape.reduce(1, *)
        XCTAssertGreaterThanOrEqual(count, minimumParallelWork)
        let x = Tensor(shape: shape, scalars: values(count, seed: 4))
        let other = values(count, seed: 5), channel = values(150, seed: 6).map { $0 + 2 }, row = values(2_001, seed: 7)
        let binary: [(String, Onnx_TensorProto, (Int, Float) -> Float)] = [
            ("Add", ModelBuilder.floatTensor("c", dims: shape.map(Int64.init), values: other), { i, v in v + other[i] }),
            ("Mul", ModelBuilder.floatTensor("c", dims: [1, 150, 1], values: channel), { i, v in v * channel[i / 2_001] }),
            ("Div", ModelBuilder.floatTensor("c", dims: [], values: [3]), { _, v in v / 3 }),
            ("Sub", ModelBuilder.floatTensor("c", dims: [2_001], values: row), { i, v in v - row[i % 2_001] }),
        ]
        for (opType, constant, expected) in binary {
            let plan = try plan(opType, inputs: ["x", "c"], shape: shape, constants: [constant])
            let two = try output(plan, x, threads: 2)
            XCTAssertEqual(two.scalars, try output(plan, x, threads: 1).scalars, opType)
            XCTAssertEqual(two.scalars, x.scalars.indices.map { expected($0, x.scalars[$0]) }, opType)
        }
        let relu = try output(plan("Relu", shape: shape), x, threads: 2)
        XCTAssertEqual(relu.scalars, x.scalars.map { $0 > 0 ? $0 : 0 })
        for opType in ["Sigmoid", "Tanh", "Exp"] {
            let plan = try plan(opType, shape: shape)
            XCTAssertEqual(try output(plan, x, threads: 2).scalars, try output(plan, x, threads: 1).scalars, opType)
        }
        // A Relu fused into the Add before it (in place, in ranges).
        let fused = try plan("Add", inputs: ["x", "c"], shape: shape, constants: [binary[0].1], after: "Relu")
        XCTAssertEqual(try output(fused, x, threads: 2).scalars, x.scalars.indices.map { max(x.scalars[$0] + other[$0], 0) })
    }

    /// MaxPool's one-dimensional fast path and general windows (2-D, padding), AveragePool
    /// counting the padding: two threads, one thread and a direct computation agree exactly.
    func testPoolsOnTwoThreadsMatchReference() throws {
        let x1 = Tensor(shape: [1, 64, 8_000], scalars: values(512_000, seed: 8))
        let fast = try plan("MaxPool", shape: [1, 64, 8_000], attributes: [ModelBuilder.intsAttribute("kernel_shape", [4]), ModelBuilder.intsAttribute("strides", [4])])
        let pooled = try output(fast, x1, threads: 2)
        XCTAssertEqual(pooled.scalars, (0..<(64 * 2_000)).map { i in x1.scalars[(i * 4)..<(i * 4 + 4)].max()! })
        let x2 = Tensor(shape: [1, 16, 40, 200], scalars: values(128_000, seed: 9))
        for opType in ["MaxPool", "AveragePool"] {
            let plan = try plan(opType, shape: [1, 16, 40, 200], attributes: [
                ModelBuilder.intsAttribute("kernel_shape", [3, 3]), ModelBuilder.intsAttribute("strides", [2, 2]),
                ModelBuilder.intsAttribute("pads", [1, 1, 1, 1]), ModelBuilder.intAttribute("count_include_pad", 1)])
            let two = try output(plan, x2, threads: 2)
            XCTAssertEqual(two.scalars, try output(plan, x2, threads: 1).scalars, opType)
            // Output (plane 5, row 0, column 3): rows −1...1, columns 5...7, the first row padding.
            let window = [0, 1].flatMap { h in (5...7).map { x2.scalars[5 * 8_000 + h * 200 + $0] } }
            let value = two.scalars[5 * 20 * 100 + 3]
            XCTAssertEqual(value, opType == "MaxPool" ? window.max()! : window.reduce(0, +) / 9, accuracy: 1e-6, opType)
        }
    }

    /// A batch-1 dense layer (a thin product) split across threads by its weights' size.
    func testThinProductSplitAcrossThreadsMatchesReference() throws {
        let (k, n) = (1_024, 1_024)
        let w = values(k * n, seed: 10).map { $0 / 32 }
        let x = Tensor(shape: [1, k], scalars: values(k, seed: 11))
        let plan = try plan("MatMul", inputs: ["x", "w"], shape: [1, k], constants: [ModelBuilder.floatTensor("w", dims: [Int64(k), Int64(n)], values: w)])
        let one = try output(plan, x, threads: 1), two = try output(plan, x, threads: 2)
        XCTAssertEqual(two.shape, [1, n])
        for j in 0..<n {
            let expected = (0..<k).reduce(0.0) { $0 + Double(x.scalars[$1]) * Double(w[$1 * n + j]) }
            XCTAssertEqual(Double(two.scalars[j]), expected, accuracy: 1e-4, "column \(j)")
            XCTAssertEqual(two.scalars[j], one.scalars[j], accuracy: 1e-6 * max(1, abs(one.scalars[j])), "column \(j)")
        }
    }
}
