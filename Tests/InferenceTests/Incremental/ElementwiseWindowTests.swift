import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// ISM through the elementwise and logic family after a convolution: the incremental
/// evaluator must equal a plain full pass per variant, windowed where the rules allow.
final class ElementwiseWindowTests: XCTestCase {
    private typealias B = ModelBuilder
    private static let length = 24

    private static func weights(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(($0 * 29 + seed * 13 + 5) % 41) / 41 * 2 - 1 }
    }

    /// x (1, 4, L) → Conv(4→3, k 5, same padding) → `nodes` → Conv(3→2, k 3) → y.
    private static func model(_ nodes: [Onnx_NodeProto], last: String, initializers: [Onnx_TensorProto]) -> ModelBuilder {
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 2, Int64(length - 2)])]
        builder.model.graph.initializer = initializers + [
            B.floatTensor("w1", dims: [3, 4, 5], values: weights(60, seed: 1)),
            B.floatTensor("b1", dims: [3], values: [0.1, -0.3, 0.2]),
            B.floatTensor("w2", dims: [2, 3, 3], values: weights(18, seed: 2)),
        ]
        builder.model.graph.node = [B.node("Conv", inputs: ["x", "w1", "b1"], outputs: ["c"], name: "conv1", attributes: [B.intsAttribute("pads", [2, 2])])]
            + nodes + [B.node("Conv", inputs: [last, "w2"], outputs: ["y"], name: "conv2")]
        return builder
    }

    /// Compares incremental ISM with full passes over windows at both ends and the middle;
    /// returns the evaluator's counts for the last window.
    private func checkISM(_ builder: ModelBuilder, file: StaticString = #filePath, line: UInt = #line) throws -> (windowed: Int, delta: Int, full: Int) {
        let length = Self.length
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        var reference = Tensor<Float>(shape: [1, 4, length], repeating: 0)
        for p in 0..<length { reference.scalars[((p * 7) % 4) * length + p] = 1 }
        let plan1 = try ExecutionPlan(graph: graph, inputShapes: ["x": reference.shape])
        let evaluator = try IncrementalEvaluator(plan: plan1, input: "x", output: "y", positionalAxis: 2)
        try evaluator.setReference(reference)
        for (start, width) in [(0, 1), (length / 2, 3), (length - 4, 4)] {
            let variants = 4
            let mutants = windowVariants(of: reference, start: start, width: width, variants: variants)
            let incremental = try evaluator.evaluate(start: start, patch: mutants.patch)
            let planM = try ExecutionPlan(graph: graph, inputShapes: ["x": [variants, 4, length]])
            guard case .float(let naive)? = try planM.run(["x": mutants.full])["y"] else {
                XCTFail("no float output", file: file, line: line)
                return (0, 0, 0)
            }
            let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "window \(start)+\(width): \(comparison)", file: file, line: line)
        }
        return evaluator.lastCounts
    }

    func testActivationsMinMaxWhereMeanRunOnWindows() throws {
        let length = Int64(Self.length)
        let builder = Self.model([
            B.node("PRelu", inputs: ["c", "slope"], outputs: ["p"]),
            B.node("HardSwish", inputs: ["p"], outputs: ["h"]),
            B.node("Mish", inputs: ["c"], outputs: ["mish"]),
            B.node("HardSigmoid", inputs: ["c"], outputs: ["hs"]),
            B.node("Max", inputs: ["h", "mish", "floor"], outputs: ["m"]),
            B.node("Sin", inputs: ["c"], outputs: ["s"]),
            // A constant mask over positions and a constant row along them: both sliced to the window.
            B.node("Where", inputs: ["mask", "m", "s"], outputs: ["w"]),
            B.node("Mean", inputs: ["w", "hs", "row"], outputs: ["e"]),
            B.node("Min", inputs: ["e", "c"], outputs: ["n"]),
            B.node("Mod", inputs: ["n", "divisor"], outputs: ["mod"], attributes: [B.intAttribute("fmod", 1)]),
        ], last: "mod", initializers: [
            B.floatTensor("slope", dims: [3, 1], values: [0.1, 0.25, -0.2]),
            B.floatTensor("floor", dims: [3, 1], values: [-0.1, 0, 0.05]),
            B.boolTensor("mask", dims: [1, 1, length], values: (0..<Self.length).map { $0 % 3 != 1 }),
            B.floatTensor("row", dims: [length], values: Self.weights(Self.length, seed: 3)),
            B.floatTensor("divisor", dims: [], values: [0.7]),
        ])
        let counts = try checkISM(builder)
        XCTAssertEqual(counts.full, 0, "every op runs on windows")
        XCTAssertEqual(counts.windowed, 12)
    }

    /// A comparison yields integers, which windows do not hold: the rest runs in full
    /// passes, and ISM is still exact.
    func testComparisonFeedingWhereFallsBackToFullPasses() throws {
        let builder = Self.model([
            B.node("Greater", inputs: ["c", "zero"], outputs: ["positive"]),
            B.node("Mul", inputs: ["c", "tenth"], outputs: ["scaled"]),
            B.node("Where", inputs: ["positive", "c", "scaled"], outputs: ["leaky"]),
        ], last: "leaky", initializers: [B.floatTensor("zero", dims: [], values: [0]), B.floatTensor("tenth", dims: [], values: [0.1])])
        let counts = try checkISM(builder)
        XCTAssertEqual(counts.windowed, 2, "conv1 and Mul")
        XCTAssertEqual(counts.full, 3, "Greater, Where and conv2")
    }
}
