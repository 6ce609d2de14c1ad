import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Exporters compute shapes from the input's batch size (`x.size(0)`): reshapes to (batch, -1),
/// zeros of (batch, k) for recurrent states or padding. Planned for one sequence, those fold to
/// batch 1; the incremental evaluator must still equal naive passes over the batch of mutants.
final class BatchDependentBranchTests: XCTestCase {
    /// x (N, 4, 10) → Conv → Reshape to Concat(Shape(x)[0:1], [-1]) → Gemm (N, 5), concatenated
    /// with ConstantOfShape(Concat(Shape(x)[0:1], [2])) = 0.5s of (N, 2): a branch that depends
    /// on the batch size but not on the sequence. Output (N, 7).
    private func model() throws -> Graph {
        typealias B = ModelBuilder
        var builder = ModelBuilder()
        builder.model.graph.name = "batch-dependent"
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, 10])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 7])]
        var fill = B.floatTensor("fill", dims: [1], values: [0.5])
        fill.name = ""
        var fillAttribute = Onnx_AttributeProto()
        fillAttribute.name = "value"
        fillAttribute.type = .tensor
        fillAttribute.t = fill
        builder.model.graph.initializer = [
            B.floatTensor("w", dims: [3, 4, 3], values: (0..<36).map { Float($0 % 5) / 5 - 0.3 }),
            B.floatTensor("d", dims: [30, 5], values: (0..<150).map { Float($0 % 11) / 11 - 0.45 }),
            B.int64Tensor("zero", dims: [1], values: [0]),
            B.int64Tensor("one", dims: [1], values: [1]),
            B.int64Tensor("rest", dims: [1], values: [-1]),
            B.int64Tensor("two", dims: [1], values: [2]),
        ]
        builder.model.graph.node = [
            B.node("Conv", inputs: ["x", "w"], outputs: ["c"], name: "conv", attributes: [B.intsAttribute("pads", [1, 1])]),
            B.node("Shape", inputs: ["x"], outputs: ["s"], name: "shape"),
            B.node("Slice", inputs: ["s", "zero", "one"], outputs: ["n"], name: "batch"),
            B.node("Concat", inputs: ["n", "rest"], outputs: ["flat"], name: "flat_shape", attributes: [B.intAttribute("axis", 0)]),
            B.node("Reshape", inputs: ["c", "flat"], outputs: ["f"], name: "reshape"),
            B.node("MatMul", inputs: ["f", "d"], outputs: ["g"], name: "dense"),
            B.node("Concat", inputs: ["n", "two"], outputs: ["zshape"], name: "zeros_shape", attributes: [B.intAttribute("axis", 0)]),
            B.node("ConstantOfShape", inputs: ["zshape"], outputs: ["z"], name: "zeros", attributes: [fillAttribute]),
            B.node("Concat", inputs: ["g", "z"], outputs: ["y"], name: "join", attributes: [B.intAttribute("axis", 1)]),
        ]
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }

    func testEqualsNaivePassesOverTheBatchOfMutants() throws {
        let graph = try model()
        let reference = Tensor<Float>(shape: [1, 4, 10], scalars: (0..<40).map { Float(($0 * 7) % 4 == 0 ? 1 : 0) })
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [1, 4, 10]])
        let evaluator = try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: 2)
        try evaluator.setReference(reference)
        for (variants, start) in [(3, 4), (1, 0), (6, 9)] {
            // Variant v puts base v % 4 at `start`.
            var patch = Tensor<Float>(shape: [variants, 4, 1], repeating: 0)
            var full = Tensor<Float>(shape: [variants, 4, 10], repeating: 0)
            for v in 0..<variants {
                for base in 0..<4 {
                    for p in 0..<10 { full.scalars[v * 40 + base * 10 + p] = reference.scalars[base * 10 + p] }
                    full.scalars[v * 40 + base * 10 + start] = base == v % 4 ? 1 : 0
                    patch.scalars[v * 4 + base] = base == v % 4 ? 1 : 0
                }
            }
            let incremental = try evaluator.evaluate(start: start, patch: patch)
            XCTAssertFalse(evaluator.lastRanPlainPass, "the batch plan carries the batch-dependent branch")
            let naivePlan = try ExecutionPlan(graph: graph, inputShapes: ["x": [variants, 4, 10]])
            guard case .float(let naive)? = try naivePlan.run(["x": full])["y"] else { return XCTFail("no output") }
            XCTAssertEqual(incremental.shape, [variants, 7])
            let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "\(variants) variants at \(start): \(comparison)")
            // The batch-dependent branch is the constant 0.5 for every variant.
            XCTAssertEqual((0..<variants).map { incremental.scalars[$0 * 7 + 6] }, Array(repeating: 0.5, count: variants))
        }
    }

    /// x (N, 4, 10) → Conv (N, 3, 10) and a control track (N, 2, 10), each transposed to put
    /// the batch second and reshaped to (k·N, 10), concatenated, and turned back into (N, 50).
    /// The unchanged control track's (2, 10) meets the mutants with its batch merged into an
    /// axis of size 2: the evaluator runs a plain pass, which must equal the naive one.
    func testAReferenceValueItCannotCarryRunsAPlainPassEqualToTheNaiveOne() throws {
        typealias B = ModelBuilder
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, 10]), B.valueInfo("ctrl", dims: [nil, 2, 10])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 50])]
        builder.model.graph.initializer = [
            B.floatTensor("w", dims: [3, 4, 3], values: (0..<36).map { Float($0 % 5) / 5 - 0.3 }),
            B.int64Tensor("rows", dims: [2], values: [-1, 10]),
            B.int64Tensor("unmerged", dims: [3], values: [5, -1, 10]),
        ]
        let batchSecond = B.intsAttribute("perm", [1, 0, 2])
        builder.model.graph.node = [
            B.node("Conv", inputs: ["x", "w"], outputs: ["c"], name: "conv", attributes: [B.intsAttribute("pads", [1, 1])]),
            B.node("Transpose", inputs: ["c"], outputs: ["ct"], name: "c_batch_second", attributes: [batchSecond]),
            B.node("Reshape", inputs: ["ct", "rows"], outputs: ["cr"], name: "c_rows"),
            B.node("Transpose", inputs: ["ctrl"], outputs: ["kt"], name: "ctrl_batch_second", attributes: [batchSecond]),
            B.node("Reshape", inputs: ["kt", "rows"], outputs: ["kr"], name: "ctrl_rows"),
            B.node("Concat", inputs: ["cr", "kr"], outputs: ["joined"], name: "join", attributes: [B.intAttribute("axis", 0)]),
            B.node("Reshape", inputs: ["joined", "unmerged"], outputs: ["u"], name: "unmerge"),
            B.node("Transpose", inputs: ["u"], outputs: ["ut"], name: "batch_first", attributes: [batchSecond]),
            B.node("Flatten", inputs: ["ut"], outputs: ["y"], name: "flatten"),
        ]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        let reference = Tensor<Float>(shape: [1, 4, 10], scalars: (0..<40).map { Float(($0 * 7) % 4 == 0 ? 1 : 0) })
        let control = Tensor<Float>(shape: [1, 2, 10], scalars: (0..<20).map { Float($0) / 10 })
        let evaluator = try IncrementalEvaluator(plan: ExecutionPlan(graph: graph, inputShapes: ["x": [1, 4, 10], "ctrl": [1, 2, 10]]), input: "x", output: "y", positionalAxis: 2)
        try evaluator.setReference(reference, others: ["ctrl": control])
        let mutants = windowVariants(of: reference, start: 3, width: 2, variants: 3)
        let incremental = try evaluator.evaluate(start: 3, patch: mutants.patch)
        XCTAssertTrue(evaluator.lastRanPlainPass)
        let naivePlan = try ExecutionPlan(graph: graph, inputShapes: ["x": [3, 4, 10], "ctrl": [3, 2, 10]])
        let controls = Tensor<Float>(shape: [3, 2, 10], scalars: Array([control.scalars, control.scalars, control.scalars].joined()))
        guard case .float(let naive)? = try naivePlan.run(["x": mutants.full, "ctrl": controls])["y"] else { return XCTFail("no output") }
        XCTAssertEqual(incremental.shape, [3, 50])
        let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-6, relative: 1e-6)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
    }

    /// A reference value whose batch is merged into another axis (here (1·3, 10) from a
    /// transpose to (3, N, 10) and a reshape) may interleave with it: the evaluator runs a plain
    /// pass over the variants rather than guess the layout.
    func testABatchMergedIntoAnotherAxisRunsAPlainPass() throws {
        let value = Value.float(Tensor(shape: [3, 10], repeating: 1))
        XCTAssertThrowsError(try IncrementalEvaluator.repeated(value, to: [6, 10], batch: 2))
        guard case .float(let repeated) = try IncrementalEvaluator.repeated(.float(Tensor(shape: [3, 1, 2], scalars: [1, 2, 3, 4, 5, 6])), to: [3, 2, 2], batch: 2) else { return XCTFail() }
        XCTAssertEqual(repeated.scalars, [1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6], "repeated along the batch axis wherever it lies")
    }
}
