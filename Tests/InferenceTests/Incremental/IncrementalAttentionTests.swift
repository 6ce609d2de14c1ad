import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

extension IncrementalEvaluatorTests {
    /// A self-attention block as exporters write it with Einsum: the window rules cannot keep
    /// positions apart through QKᵀ and the softmax, so those nodes run as full passes, and
    /// ISM through the evaluator must still equal naive full passes of every variant.
    func testSelfAttentionWithEinsumEqualsFullPasses() throws {
        let length = 24, width = 8
        var builder = ModelBuilder(opset: 17)
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [nil, 4, Int64(length)])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [nil, 2])]
        func weights(_ name: String, _ dims: [Int64], seed: Int) -> Onnx_TensorProto {
            ModelBuilder.floatTensor(name, dims: dims, values: SingleNodeGraph.values(dims.map { Int($0) }, seed: seed).scalars)
        }
        builder.model.graph.initializer = [
            weights("wq", [4, Int64(width)], seed: 1), weights("wk", [4, Int64(width)], seed: 2),
            weights("wv", [4, Int64(width)], seed: 3), weights("wo", [Int64(width), 2], seed: 4),
            ModelBuilder.floatTensor("scale", dims: [], values: [1 / Float(width).squareRoot()]),
        ]
        let equation = { ModelBuilder.stringAttribute("equation", $0) }
        builder.model.graph.node = [
            ModelBuilder.node("Transpose", inputs: ["x"], outputs: ["t"], name: "to_positions", attributes: [ModelBuilder.intsAttribute("perm", [0, 2, 1])]),
            ModelBuilder.node("MatMul", inputs: ["t", "wq"], outputs: ["q"], name: "query"),
            ModelBuilder.node("MatMul", inputs: ["t", "wk"], outputs: ["k"], name: "key"),
            ModelBuilder.node("MatMul", inputs: ["t", "wv"], outputs: ["v"], name: "value"),
            ModelBuilder.node("Einsum", inputs: ["q", "k"], outputs: ["s"], name: "scores", attributes: [equation("bid,bjd->bij")]),
            ModelBuilder.node("Mul", inputs: ["s", "scale"], outputs: ["scaled"], name: "scale"),
            ModelBuilder.node("Softmax", inputs: ["scaled"], outputs: ["p"], name: "softmax", attributes: [ModelBuilder.intAttribute("axis", -1)]),
            ModelBuilder.node("Einsum", inputs: ["p", "v"], outputs: ["o"], name: "mix", attributes: [equation("bij,bjd->bid")]),
            ModelBuilder.node("ReduceMean", inputs: ["o"], outputs: ["m"], name: "pool",
                              attributes: [ModelBuilder.intsAttribute("axes", [1]), ModelBuilder.intAttribute("keepdims", 0)]),
            ModelBuilder.node("Einsum", inputs: ["m", "wo"], outputs: ["y"], name: "head", attributes: [equation("bd,de->be")]),
        ]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        var reference = Tensor<Float>(shape: [1, 4, length], repeating: 0)
        for p in 0..<length { reference.scalars[(p * 5 + 1) % 4 * length + p] = 1 }
        let plan1 = try ExecutionPlan(graph: graph, inputShapes: ["x": reference.shape])
        let evaluator = try IncrementalEvaluator(plan: plan1, input: "x", output: "y", positionalAxis: 2, threads: 2)
        let referenceOutput = try evaluator.setReference(reference)

        // Every substitution at every position, as `seqlens ism` asks for them.
        let variants = 3 * length
        var patches: [Float] = [], fulls: [Float] = []
        for p in 0..<length {
            let referenceBase = (0..<4).first { reference.scalars[$0 * length + p] == 1 }!
            for base in (0..<4) where base != referenceBase {
                var mutated = reference
                for b in 0..<4 { mutated.scalars[b * length + p] = b == base ? 1 : 0 }
                fulls += mutated.scalars
                patches += (0..<4).map { $0 == base ? 1 : 0 }
            }
        }
        // One call per position: the evaluator takes a window shared by its variants.
        var incremental: [Float] = []
        for p in 0..<length {
            let patch = Tensor(shape: [3, 4, 1], scalars: Array(patches[(p * 12)..<(p * 12 + 12)]))
            incremental += try evaluator.evaluate(start: p, patch: patch).scalars
        }
        let planM = try ExecutionPlan(graph: graph, inputShapes: ["x": [variants, 4, length]])
        guard case .float(let naive)? = try planM.run(["x": Tensor(shape: [variants, 4, length], scalars: fulls)])["y"] else { return XCTFail() }
        XCTAssertEqual(naive.shape, [variants, 2])
        let comparison = compare(incremental, naive.scalars, absolute: 1e-5, relative: 1e-5)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
        // Most variants move the output by far more than the tolerance: the check is not vacuous
        // (counting distinct floats was, at 69–73 of 144, at the mercy of the softmax's rounding).
        let moved = (0..<variants).filter { v in (0..<2).contains { abs(naive.scalars[v * 2 + $0] - referenceOutput.scalars[$0]) > 1e-3 } }
        XCTAssertGreaterThan(moved.count, variants / 2, "variants whose output moved by more than 1e-3")
    }
}
