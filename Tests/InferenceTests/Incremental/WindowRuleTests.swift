import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Edge cases of the windowed rules that the exported models do not reach.
final class WindowRuleTests: XCTestCase {
    /// Clip(x, min: c) where c is computed from the input but no window reaches it: a Conv
    /// with stride L reads position 0 only, so an edit elsewhere leaves c at its reference
    /// value. The windowed Clip must still apply that bound (it used to drop non-constant
    /// inputs and clip without it).
    func testPointwiseStepReadsAnUnchangedComputedInputFromTheReference() throws {
        typealias B = ModelBuilder
        let length = 12
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 4, Int64(length)])]
        builder.model.graph.initializer = [B.floatTensor("w", dims: [1, 4, 1], values: [0.25, 0.25, 0.25, 0.25])]
        builder.model.graph.node = [
            B.node("Conv", inputs: ["x", "w"], outputs: ["c"], attributes: [B.intsAttribute("strides", [Int64(length)])]),
            B.node("Clip", inputs: ["x", "c"], outputs: ["y"]),
        ]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        var reference = Tensor<Float>(shape: [1, 4, length], repeating: 0)
        for p in 0..<length { reference.scalars[(p % 4) * length + p] = 1 }
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": reference.shape])
        let evaluator = try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: 2)
        try evaluator.setReference(reference)

        // Two variants of positions 5..<7: another base, and N (all zeros).
        let (start, width) = (5, 2)
        var patches: [Float] = [], fulls: [Float] = []
        for variant in 0..<2 {
            var mutated = reference
            for p in start..<(start + width) {
                for base in 0..<4 { mutated.scalars[base * length + p] = variant == 0 && base == (p + 1) % 4 ? 1 : 0 }
            }
            patches += mutated.slice(axis: 2, start, start + width).scalars
            fulls += mutated.scalars
        }
        let incremental = try evaluator.evaluate(start: start, patch: Tensor(shape: [2, 4, width], scalars: patches))
        XCTAssertEqual(evaluator.lastCounts.windowed, 2, "Conv (untouched) and Clip on the window")
        XCTAssertEqual(evaluator.lastCounts.full, 0)
        // One full pass per variant (the bound is one element only at batch 1).
        var naive: [Float] = []
        for variant in 0..<2 {
            let input = Tensor(shape: [1, 4, length], scalars: Array(fulls[(variant * 4 * length)..<((variant + 1) * 4 * length)]))
            guard case .float(let y)? = try plan.run(["x": input])["y"] else { return XCTFail() }
            naive += y.scalars
        }
        // Every zero is clipped up to c = 0.25 (the one-hot column at position 0 sums to 1).
        XCTAssertEqual(naive.filter { $0 == 0.25 }.count, 2 * 3 * length + 2)
        XCTAssertEqual(incremental.scalars, naive)
    }
}
