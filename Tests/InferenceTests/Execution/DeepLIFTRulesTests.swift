import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// DeepLIFT's rules, each against what it must equal: the secant (f(x) − f(x₀))/(x − x₀) of the
/// engine's own forward values for elementwise ops, a central finite difference where x = x₀,
/// and summation-to-delta (Σ m·Δx = Σ seed·Δy) for the rules that mix positions.
final class DeepLIFTRulesTests: XCTestCase {
    /// A graph x (rows, width) → nodes → y; rows 0..<P are examples, P..<2P their references.
    private func plan(_ nodes: [Onnx_NodeProto], width: Int, outputWidth: Int? = nil, rows: Int = 2,
                      initializers: [Onnx_TensorProto] = [], opset: Int64 = 20) throws -> ExecutionPlan {
        var builder = ModelBuilder(opset: opset)
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [nil, Int64(width)])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [nil, Int64(outputWidth ?? width)])]
        builder.model.graph.initializer = initializers
        builder.model.graph.node = nodes
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        return try ExecutionPlan(graph: graph, inputShapes: ["x": [rows, width]])
    }

    private func output(_ plan: ExecutionPlan, _ x: [Float], rows: Int) throws -> [Float] {
        guard case .float(let y)? = try plan.run(["x": Tensor(shape: [rows, x.count / rows], scalars: x)])["y"] else { throw XCTSkip("no output") }
        return y.scalars
    }

    private func deepLIFT(_ plan: ExecutionPlan, example: [Float], reference: [Float], seed: [Float]? = nil) throws -> DeepLIFTPass {
        let width = example.count
        return try plan.deepLIFT(of: "y", seed: { value in
            Tensor(shape: value.shape, scalars: seed.map { $0 + $0 } ?? Array(repeating: 1, count: value.count))
        }, inputs: ["x": Tensor(shape: [2, width], scalars: example + reference)], respectTo: "x")
    }

    private let unaryOps: [(String, [Onnx_AttributeProto])] = [
        ("Relu", []), ("Sigmoid", []), ("Tanh", []), ("Exp", []), ("Elu", [ModelBuilder.floatAttribute("alpha", 0.7)]),
        ("Softplus", []), ("LeakyRelu", [ModelBuilder.floatAttribute("alpha", 0.1)]), ("Gelu", []),
        ("Gelu", [ModelBuilder.stringAttribute("approximate", "tanh")]),
        ("HardSigmoid", [ModelBuilder.floatAttribute("alpha", 0.3), ModelBuilder.floatAttribute("beta", 0.4)]),
        ("Selu", []), ("Softsign", []), ("HardSwish", []), ("Mish", []), ("Abs", []), ("Erf", []), ("Sin", []), ("Cos", []),
        ("Sign", []), ("Floor", []), ("Neg", []),
    ]

    func testRescaleRuleIsTheSecantOfEveryElementwiseNonlinearity() throws {
        let example: [Float] = [-2.5, -0.8, 0.3, 1.7, 4.0, 0.5, -1.2, 2.2]
        let reference: [Float] = [1.5, -3.0, -0.4, 1.69, -2.0, 0.5, 2.8, 2.2]
        for (opType, attributes) in unaryOps {
            let plan = try plan([ModelBuilder.node(opType, inputs: ["x"], outputs: ["y"], name: "f", attributes: attributes)], width: example.count)
            let y = try output(plan, example + reference, rows: 2)
            let pass = try deepLIFT(plan, example: example, reference: reference)
            XCTAssertEqual(pass.nodesWithoutRule, [], opType)
            for i in example.indices where abs(example[i] - reference[i]) >= 1e-6 {
                let secant = (y[i] - y[example.count + i]) / (example[i] - reference[i])
                XCTAssertEqual(pass.multipliers.scalars[i], secant, accuracy: 1e-5 * max(1, abs(secant)), "\(opType) at \(example[i]) from \(reference[i])")
            }
            // Unchanged inputs take the gradient: a central difference of the forward pass.
            for i in example.indices where example[i] == reference[i] {
                let h: Float = 1e-2
                var plus = example + reference, minus = plus
                plus[i] += h
                minus[i] -= h
                let slope = (try output(plan, plus, rows: 2)[i] - output(plan, minus, rows: 2)[i]) / (2 * h)
                XCTAssertEqual(pass.multipliers.scalars[i], slope, accuracy: 2e-3, "\(opType) gradient at \(example[i])")
            }
            let explained = zip(pass.multipliers.scalars, zip(example, reference)).map { $0 * ($1.0 - $1.1) }.reduce(0, +)
            XCTAssertEqual(explained, pass.exampleTargets[0] - pass.referenceTargets[0], accuracy: 1e-4, "\(opType) sums to delta")
        }
    }

    func testPowAndMaxWithAConstantTakeTheRescaleRule() throws {
        let example: [Float] = [0.5, 1.8, 2.5], reference: [Float] = [1.5, 0.2, 2.5]
        let exponent = ModelBuilder.floatTensor("p", dims: [], values: [3])
        let floor = ModelBuilder.floatTensor("c", dims: [3], values: [1, 1, 1])
        for node in [ModelBuilder.node("Pow", inputs: ["x", "p"], outputs: ["y"], name: "pow"),
                     ModelBuilder.node("Max", inputs: ["x", "c"], outputs: ["y"], name: "max")] {
            let plan = try plan([node], width: 3, initializers: [exponent, floor])
            let y = try output(plan, example + reference, rows: 2)
            let pass = try deepLIFT(plan, example: example, reference: reference)
            XCTAssertEqual(pass.nodesWithoutRule, [])
            for i in 0..<2 {
                XCTAssertEqual(pass.multipliers.scalars[i], (y[i] - y[3 + i]) / (example[i] - reference[i]), accuracy: 1e-5, node.name)
            }
        }
    }

    /// Overlapping windows (kernel 3, stride 1): every output's change reaches the inputs that
    /// won it in either pass, and the multipliers add up to the change of Σ seed·y.
    func testMaxPoolRoutesEachChangeToTheWinnersAndAddsUp() throws {
        var builder = ModelBuilder(opset: 17)
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [nil, 2, 9])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [nil, 2, 7])]
        builder.model.graph.node = [ModelBuilder.node("MaxPool", inputs: ["x"], outputs: ["y"], name: "pool",
                                                      attributes: [ModelBuilder.intsAttribute("kernel_shape", [3]), ModelBuilder.intsAttribute("strides", [1])])]
        let plan = try ExecutionPlan(graph: ONNXImporter.load(data: builder.serialized(), modelDirectory: nil), inputShapes: ["x": [2, 2, 9]])
        let example: [Float] = [0.1, 2.0, -1.0, 0.5, 0.5, 3.0, -2.0, 1.0, 0.0, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        let reference: [Float] = [1.0, -1.0, 0.3, 0.5, 2.5, 0.0, 0.0, 1.0, -4.0, 0, 1, 2, 3, 4, 5, 6, 7, 8]
        let seed = (0..<28).map { Float($0 % 5) - 1.5 }
        let pass = try plan.deepLIFT(of: "y", seed: { Tensor(shape: $0.shape, scalars: seed) },
                                     inputs: ["x": Tensor(shape: [2, 2, 9], scalars: example + reference)], respectTo: "x")
        let explained = zip(pass.multipliers.scalars, zip(example, reference)).map { $0 * ($1.0 - $1.1) }.reduce(0, +)
        XCTAssertEqual(explained, pass.exampleTargets[0] - pass.referenceTargets[0], accuracy: 1e-5)
        XCTAssertNotEqual(pass.exampleTargets[0], pass.referenceTargets[0])
        // Position 3 is unchanged (0.5 in both): it takes the plain gradient, the seed of the
        // one window of the example it wins (window 2: −1, 0.5, 0.5; the first maximum wins).
        XCTAssertEqual(pass.multipliers.scalars[3], seed[2])
        XCTAssertEqual(pass.nodesWithoutRule, [])
    }

    func testSoftmaxRuleAddsUpForAnyUpstreamWeights() throws {
        let node = ModelBuilder.node("Softmax", inputs: ["x"], outputs: ["y"], name: "softmax", attributes: [ModelBuilder.intAttribute("axis", 1)])
        let plan = try plan([node], width: 6, opset: 13)
        let example: [Float] = [2.0, -1.0, 0.5, 3.5, 0.0, 0.5], reference: [Float] = [0.0, 1.0, 0.5, -2.0, 4.0, 0.5000001]
        let weights: [Float] = [1.5, -0.5, 2.0, 0.25, -1.0, 3.0]
        let pass = try deepLIFT(plan, example: example, reference: reference, seed: weights)
        let y = try output(plan, example + reference, rows: 2)
        let change = (0..<6).map { weights[$0] * (y[$0] - y[6 + $0]) }.reduce(0, +)
        let explained = zip(pass.multipliers.scalars, zip(example, reference)).map { $0 * ($1.0 - $1.1) }.reduce(0, +)
        XCTAssertEqual(pass.exampleTargets[0] - pass.referenceTargets[0], change, accuracy: 1e-6)
        XCTAssertEqual(explained, change, accuracy: 1e-5)
        XCTAssertEqual(pass.nodesWithoutRule, [])
    }

    /// sigmoid(x) · tanh(x): a product of two sequence-dependent tensors, exact with the midpoint rule.
    func testProductOfTwoActivationsAddsUpWithTheMidpointRule() throws {
        let plan = try plan([
            ModelBuilder.node("Sigmoid", inputs: ["x"], outputs: ["a"], name: "gate"),
            ModelBuilder.node("Tanh", inputs: ["x"], outputs: ["b"], name: "value"),
            ModelBuilder.node("Mul", inputs: ["a", "b"], outputs: ["y"], name: "product"),
        ], width: 4)
        let example: [Float] = [1.0, -2.0, 0.3, 2.0], reference: [Float] = [-1.0, 0.5, 0.3, -0.7]
        let pass = try deepLIFT(plan, example: example, reference: reference)
        let y = try output(plan, example + reference, rows: 2)
        for i in [0, 1, 3] {
            XCTAssertEqual(pass.multipliers.scalars[i] * (example[i] - reference[i]), y[i] - y[4 + i], accuracy: 1e-6)
        }
        XCTAssertEqual(pass.nodesWithoutRule, [])
    }

    func testLayerNormalizationRuleAddsUpForAnyUpstreamWeights() throws {
        let scale = ModelBuilder.floatTensor("scale", dims: [5], values: [1.5, -0.5, 2, 0.7, 1])
        let bias = ModelBuilder.floatTensor("bias", dims: [5], values: [0.1, 0.2, -0.3, 0, 1])
        let plan = try plan([ModelBuilder.node("LayerNormalization", inputs: ["x", "scale", "bias"], outputs: ["y"], name: "norm",
                                               attributes: [ModelBuilder.intAttribute("axis", -1), ModelBuilder.floatAttribute("epsilon", 1e-3)])],
                            width: 5, initializers: [scale, bias])
        let example: [Float] = [1, -2, 3.5, 0.25, 4], reference: [Float] = [0, 1, 0.5, 1, -1]
        let weights: [Float] = [0.3, -1.2, 2.5, 1, -0.4]
        let pass = try deepLIFT(plan, example: example, reference: reference, seed: weights)
        let y = try output(plan, example + reference, rows: 2)
        let change = (0..<5).map { weights[$0] * (y[$0] - y[5 + $0]) }.reduce(0, +)
        let explained = zip(pass.multipliers.scalars, zip(example, reference)).map { $0 * ($1.0 - $1.1) }.reduce(0, +)
        XCTAssertEqual(explained, change, accuracy: 1e-5)
        XCTAssertGreaterThan(abs(change), 1e-3)
        XCTAssertEqual(pass.nodesWithoutRule, [])
    }

    func testNonlinearOpsWithoutARuleAreNamed() throws {
        let logSoftmax = try plan([ModelBuilder.node("LogSoftmax", inputs: ["x"], outputs: ["y"], name: "scores",
                                                     attributes: [ModelBuilder.intAttribute("axis", -1)])], width: 4, opset: 13)
        let pass = try deepLIFT(logSoftmax, example: [1, 2, 3, 4], reference: [0, 1, 0, 1])
        XCTAssertEqual(pass.nodesWithoutRule.map(\.name), ["scores"])
        XCTAssertEqual(pass.nodesWithoutRule.first?.description, "'scores' (LogSoftmax: LogSoftmax has no DeepLIFT rule (tangermeme has none either))")

        let ratio = try plan([
            ModelBuilder.node("Sigmoid", inputs: ["x"], outputs: ["s"], name: "s"),
            ModelBuilder.node("Div", inputs: ["x", "s"], outputs: ["y"], name: "ratio"),
        ], width: 4)
        let named = try deepLIFT(ratio, example: [1, 2, 3, 4], reference: [0, 1, 0, 1]).nodesWithoutRule
        XCTAssertEqual(named, [NodeWithoutDeepLIFTRule(name: "ratio", opType: "Div", reason: "it combines 2 sequence-dependent inputs nonlinearly")])
    }

    func testAnOddBatchIsRefused() throws {
        let plan = try plan([ModelBuilder.node("Relu", inputs: ["x"], outputs: ["y"], name: "f")], width: 2, rows: 3)
        XCTAssertThrowsError(try plan.deepLIFT(of: "y", seed: { $0 }, inputs: ["x": Tensor(shape: [3, 2], repeating: 1)], respectTo: "x")) {
            XCTAssertEqual("\($0)", "DeepLIFT needs examples and their references stacked along the batch axis (an even batch), not 3 rows")
        }
    }
}
