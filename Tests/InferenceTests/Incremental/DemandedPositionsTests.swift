import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Windows are cut to the positions the output reads (DemandedPositions.swift): on a small
/// BPNet-like tower (a strided pool, dilated residual layers, an off-centre crop and a mean)
/// the demanded ranges are exactly the crop widened by each kernel after it, and incremental
/// ISM still equals full passes at every position, the ends included.
final class DemandedPositionsTests: XCTestCase {
    static let length = 48

    func testDemandedRangesAreTheCropWidenedByTheKernelsAfterIt() throws {
        let evaluator = try Self.evaluator()
        // Crop [10, 19) of a2. a1 feeds a2's Add ([10, 19)) and the dilation-4 conv ([6, 23));
        // p0 feeds a1's Add and the dilation-2 conv ([4, 24), cut at the pooled length 24);
        // the stride-2 pool reads [8, 48) of r0; the first conv (k 5, pad 2) reads [6, 48) of x.
        // (Values a graph rewrite keeps: the convolutions' outputs may be fused away.)
        let expected: [(String, Range<Int>)] = [("a2", 10 ..< 19), ("a1", 6 ..< 23), ("p0", 4 ..< 24), ("r0", 8 ..< 48), ("x", 6 ..< 48)]
        for (value, positions) in expected {
            let demand = evaluator.demandedPositions(ofValue: value)
            XCTAssertEqual(demand?.axis, 2, value)
            XCTAssertEqual(demand?.positions, positions, value)
        }
        // The crop's output is averaged whole.
        XCTAssertNil(evaluator.demandedPositions(ofValue: "s"))
    }

    func testISMAtEveryPositionEqualsFullPasses() throws {
        let evaluator = try Self.evaluator()
        let graph = try Self.towerModel()
        var reference = Tensor<Float>(shape: [1, 4, Self.length], repeating: 0)
        for p in 0..<Self.length { reference.scalars[(p * 5 % 4) * Self.length + p] = 1 }
        let referenceOutput = try evaluator.setReference(reference)
        var windows = (0..<Self.length).map { ($0, 1) }
        // Across the first demanded position (6) and the end, and wider than the crop.
        windows += [(4, 4), (Self.length - 7, 7), (2, 30)]
        var largest: Float = 0
        for (start, width) in windows {
            let (patch, full) = windowVariants(of: reference, start: start, width: width)
            let incremental = try evaluator.evaluate(start: start, patch: patch)
            XCTAssertFalse(evaluator.lastRanPlainPass)
            let planM = try ExecutionPlan(graph: graph, inputShapes: ["x": full.shape])
            guard case .float(let naive)? = try planM.run(["x": full])["y"] else { return XCTFail() }
            let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "window \(start)+\(width): \(comparison)")
            let effects = incremental.scalars.map { abs($0 - referenceOutput.scalars[0]) }
            if start + width <= 6 {
                // Before the first demanded position nothing reaches the output.
                XCTAssertEqual(effects, [0, 0, 0, 0], "window \(start)+\(width)")
            } else if width == 1 {
                largest = max(largest, effects.max()!)
            }
        }
        XCTAssertGreaterThan(largest, 0.01, "substitutions inside the receptive field must change the output")
    }

    /// x (N, 4, 48) → Conv 4→3 k 5 pad 2 (c0) → Relu (r0) → MaxPool k 2 s 2 (p0, 24 long) →
    /// [Conv k 3 dilation 2 → Relu (r1), a1 = p0 + r1] → [Conv k 3 dilation 4 → Relu (r2),
    /// a2 = a1 + r2] → Slice positions [10, 19) (s) → ReduceMean → Gemm → y (N, 1).
    static func towerModel() throws -> Graph {
        typealias B = ModelBuilder
        func weights(_ count: Int, _ seed: Int) -> [Float] { (0..<count).map { Float(($0 * 37 + seed * 11) % 17 - 7) / 8 } }
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 1])]
        builder.model.graph.initializer = [
            B.floatTensor("w0", dims: [3, 4, 5], values: weights(60, 0)),
            B.floatTensor("b0", dims: [3], values: [0.5, 0.25, 0.75]),
            B.floatTensor("w1", dims: [3, 3, 3], values: weights(27, 1)),
            B.floatTensor("b1", dims: [3], values: [0.25, 0.5, 0.1]),
            B.floatTensor("w2", dims: [3, 3, 3], values: weights(27, 2)),
            B.floatTensor("b2", dims: [3], values: [0.3, 0.2, 0.6]),
            B.floatTensor("wg", dims: [1, 3], values: [1, -0.5, 0.75]),
            B.int64Tensor("starts", dims: [1], values: [10]),
            B.int64Tensor("ends", dims: [1], values: [19]),
            B.int64Tensor("axes", dims: [1], values: [2]),
        ]
        builder.model.graph.node = [
            B.node("Conv", inputs: ["x", "w0", "b0"], outputs: ["c0"], attributes: [B.intsAttribute("pads", [2, 2])]),
            B.node("Relu", inputs: ["c0"], outputs: ["r0"]),
            B.node("MaxPool", inputs: ["r0"], outputs: ["p0"], attributes: [B.intsAttribute("kernel_shape", [2]), B.intsAttribute("strides", [2])]),
            B.node("Conv", inputs: ["p0", "w1", "b1"], outputs: ["c1"], attributes: [B.intsAttribute("pads", [2, 2]), B.intsAttribute("dilations", [2])]),
            B.node("Relu", inputs: ["c1"], outputs: ["r1"]),
            B.node("Add", inputs: ["p0", "r1"], outputs: ["a1"]),
            B.node("Conv", inputs: ["a1", "w2", "b2"], outputs: ["c2"], attributes: [B.intsAttribute("pads", [4, 4]), B.intsAttribute("dilations", [4])]),
            B.node("Relu", inputs: ["c2"], outputs: ["r2"]),
            B.node("Add", inputs: ["a1", "r2"], outputs: ["a2"]),
            B.node("Slice", inputs: ["a2", "starts", "ends", "axes"], outputs: ["s"]),
            B.node("ReduceMean", inputs: ["s"], outputs: ["m"], attributes: [B.intsAttribute("axes", [2]), B.intAttribute("keepdims", 0)]),
            B.node("Gemm", inputs: ["m", "wg"], outputs: ["y"], attributes: [B.intAttribute("transB", 1)]),
        ]
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }

    static func evaluator() throws -> IncrementalEvaluator {
        let plan = try ExecutionPlan(graph: towerModel(), inputShapes: ["x": [1, 4, length]])
        return try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: 2)
    }
}
