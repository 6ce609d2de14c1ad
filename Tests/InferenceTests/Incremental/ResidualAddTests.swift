import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Adds of two windows (ResidualAdd.swift): the operand spanning the result takes the other
/// in place, first or second, with the other's window cut by the sequence's ends; when neither
/// spans, the broadcasting rule runs it. All must equal full passes.
final class ResidualAddTests: XCTestCase {
    func testAddsOfWindowsEqualFullPassesWhicheverOperandSpans() throws {
        let length = 30
        let graph = try Self.addModel(length: length)
        var reference = Tensor<Float>(shape: [1, 4, length], repeating: 0)
        for p in 0..<length { reference.scalars[(p * 3 % 4) * length + p] = 1 }
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": reference.shape])
        let evaluator = try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: 2)
        _ = try evaluator.setReference(reference)
        for (start, width) in [(0, 1), (1, 3), (length / 2, 2), (length - 3, 3), (length - 1, 1), (5, 20)] {
            let (patch, full) = windowVariants(of: reference, start: start, width: width)
            let incremental = try evaluator.evaluate(start: start, patch: patch)
            XCTAssertEqual(evaluator.lastCounts.full, 0, "window \(start)+\(width)")
            let planM = try ExecutionPlan(graph: graph, inputShapes: ["x": full.shape])
            guard case .float(let naive)? = try planM.run(["x": full])["y"] else { return XCTFail() }
            let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "window \(start)+\(width): \(comparison)")
        }
    }

    /// x (N, 4, L) → a: Conv k 5 pads (4, 0) (a window reaches 4 positions right), b: Conv k 5
    /// pads (0, 4) (4 left), d: Conv k 9 pads (4, 4) (both ways, spanning a's and b's) →
    /// s1 = a + d (the second spans), s2 = d + b (the first spans), s3 = a + b (neither) →
    /// y = s3 + (s1 + s2), all (N, 3, L).
    static func addModel(length: Int) throws -> Graph {
        typealias B = ModelBuilder
        func weights(_ count: Int, _ seed: Int) -> [Float] { (0..<count).map { Float(($0 * 31 + seed * 7) % 23 - 11) / 8 } }
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 3, Int64(length)])]
        builder.model.graph.initializer = [
            B.floatTensor("wa", dims: [3, 4, 5], values: weights(60, 0)),
            B.floatTensor("wb", dims: [3, 4, 5], values: weights(60, 1)),
            B.floatTensor("wd", dims: [3, 4, 9], values: weights(108, 2)),
        ]
        builder.model.graph.node = [
            B.node("Conv", inputs: ["x", "wa"], outputs: ["a"], attributes: [B.intsAttribute("pads", [4, 0])]),
            B.node("Conv", inputs: ["x", "wb"], outputs: ["b"], attributes: [B.intsAttribute("pads", [0, 4])]),
            B.node("Conv", inputs: ["x", "wd"], outputs: ["d"], attributes: [B.intsAttribute("pads", [4, 4])]),
            B.node("Add", inputs: ["a", "d"], outputs: ["s1"]),
            B.node("Add", inputs: ["d", "b"], outputs: ["s2"]),
            B.node("Add", inputs: ["a", "b"], outputs: ["s3"]),
            B.node("Add", inputs: ["s1", "s2"], outputs: ["s12"]),
            B.node("Add", inputs: ["s3", "s12"], outputs: ["y"]),
        ]
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }
}
