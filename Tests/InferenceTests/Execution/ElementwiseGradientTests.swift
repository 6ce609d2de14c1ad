import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Finite differences for the elementwise and logic family on graphs built here, with the
/// broadcasting shapes (a channel column, a position row) that ONNX's own cases leave out.
extension GradientTests {
    private typealias B = ModelBuilder

    /// Deterministic values spread over [offset − 4, offset + 4).
    private static func values(_ shape: [Int], seed: Int, offset: Float = 0) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { Float(($0 * 37 + seed * 17 + 11) % 83) / 83 * 8 - 4 + offset })
    }

    /// A one-node graph over float inputs; checks every input's gradient.
    private func checkNode(
        _ opType: String, inputs: [(name: String, values: Tensor<Float>)], attributes: [Onnx_AttributeProto] = [],
        constants: [Onnx_TensorProto] = [], constantInputs: [String] = [], outputShape: [Int]
    ) throws -> [String] {
        var builder = ModelBuilder()
        builder.model.graph.input = inputs.map { B.valueInfo($0.name, dims: $0.values.shape.map { Int64($0) }) }
        builder.model.graph.output = [B.valueInfo("y", dims: outputShape.map { Int64($0) })]
        builder.model.graph.initializer = constants
        builder.model.graph.node = [B.node(opType, inputs: constantInputs + inputs.map(\.name), outputs: ["y"], name: opType, attributes: attributes)]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        var feeds: [String: Tensor<Float>] = [:]
        for input in inputs { feeds[input.name] = input.values }
        let plan = try ExecutionPlan(graph: graph, inputShapes: feeds.mapValues(\.shape))
        XCTAssertEqual(plan.shape(of: "y"), outputShape, opType)
        return try inputs.compactMap { input in
            try check(plan: plan, inputs: feeds, input: input.name, output: "y", samples: 30).map { "\(opType): \($0)" }
        }
    }

    func testElementwiseActivationsAgainstFiniteDifferences() throws {
        let shape = [2, 3, 5]
        var failures: [String] = []
        let unary: [(String, [Onnx_AttributeProto], Float)] = [
            ("Sin", [], 0), ("Cos", [], 0), ("Softsign", [], 0), ("HardSwish", [], 0), ("Mish", [], 0),
            ("HardSigmoid", [B.floatAttribute("alpha", 0.3), B.floatAttribute("beta", 0.4)], 0), ("HardSigmoid", [], 0),
            // Away from the pole at 0.
            ("Reciprocal", [], 5),
            // Zero almost everywhere; the jumps are skipped by `check`.
            ("Sign", [], 0.05), ("Floor", [], 0.05), ("Ceil", [], 0.05), ("Round", [], 0.05),
        ]
        for (opType, attributes, offset) in unary {
            failures += try checkNode(opType, inputs: [("x", Self.values(shape, seed: 1, offset: offset))], attributes: attributes, outputShape: shape)
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testBroadcastingOpsAgainstFiniteDifferences() throws {
        let x = Self.values([2, 3, 5], seed: 1), column = Self.values([3, 1], seed: 2), row = Self.values([5], seed: 3)
        var failures: [String] = []
        // A slope per channel, as PyTorch exports nn.PReLU(C) for (N, C, L) inputs.
        failures += try checkNode("PRelu", inputs: [("x", x), ("slope", column)], outputShape: [2, 3, 5])
        // Divisors of both signs kept away from 0, where Mod is undefined.
        let divisor = Tensor<Float>(shape: [5], scalars: [1.5, -1.7, 2.3, -2.9, 1.1])
        failures += try checkNode("Mod", inputs: [("x", x), ("d", divisor)], attributes: [B.intAttribute("fmod", 1)], outputShape: [2, 3, 5])
        failures += try checkNode("Mod", inputs: [("x", x), ("d", divisor)], outputShape: [2, 3, 5])
        for opType in ["Min", "Max", "Sum", "Mean"] {
            failures += try checkNode(opType, inputs: [("x", x), ("c", column), ("r", row)], outputShape: [2, 3, 5])
            failures += try checkNode(opType, inputs: [("c", column)], outputShape: [3, 1])
        }
        // Where: a constant mask over positions; both branches take gradients.
        let mask = B.boolTensor("mask", dims: [1, 1, 5], values: [true, false, false, true, true])
        failures += try checkNode("Where", inputs: [("x", x), ("other", column)], constants: [mask], constantInputs: ["mask"], outputShape: [2, 3, 5])
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    /// Ties split the gradient evenly among the tied inputs (PyTorch's maximum gives each of
    /// two tied inputs half); onnxruntime has no Max gradient to follow.
    func testMinAndMaxSplitTheGradientAmongTies() throws {
        let a = Tensor<Float>(shape: [4], scalars: [1, 2, 3, 4])
        let b = Tensor<Float>(shape: [4], scalars: [1, 5, 3, 0])
        let c = Tensor<Float>(shape: [4], scalars: [1, 5, 0, 4])
        for (opType, expected) in [("Max", [1 / 3, 0, 0.5, 0.5]), ("Min", [1 / 3, 1, 0, 0])] as [(String, [Float])] {
            var builder = ModelBuilder()
            builder.model.graph.input = ["a", "b", "c"].map { B.valueInfo($0, dims: [4]) }
            builder.model.graph.output = [B.valueInfo("y", dims: [4])]
            builder.model.graph.node = [B.node(opType, inputs: ["a", "b", "c"], outputs: ["y"])]
            let plan = try ExecutionPlan(graph: ONNXImporter.load(data: builder.serialized(), modelDirectory: nil), inputShapes: ["a": [4], "b": [4], "c": [4]])
            let seed = Tensor<Float>(shape: [4], repeating: 1)
            let (_, gradient) = try plan.gradient(of: "y", outputGradient: seed, inputs: ["a": a, "b": b, "c": c], respectTo: "a")
            XCTAssertEqual(gradient.scalars, expected, opType)
        }
    }
}
