import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// selene-sdk's NonStrandSpecific runs its model on the sequence and on its reverse
/// complement; PyTorch's dynamo exporter writes the flip as two GatherNDs with reversed
/// arange indices between Transposes and Reshapes that fold the batch into another axis.
final class ReverseComplementFlipTests: XCTestCase {
    private typealias B = ModelBuilder
    static let length = 12

    /// The strand-specific part: Conv(4→2, k 3, same padding) → Relu, (N, 4, L) → (N, 2, L).
    private static func strandNodes(_ input: String, _ output: String) -> [Onnx_NodeProto] {
        [B.node("Conv", inputs: [input, "w", "b"], outputs: ["\(output)_conv"], name: "\(output)_conv", attributes: [B.intsAttribute("pads", [1, 1])]),
         B.node("Relu", inputs: ["\(output)_conv"], outputs: [output], name: "\(output)_relu")]
    }

    private static func strandModel(_ nodes: [Onnx_NodeProto], extraInitializers: [Onnx_TensorProto] = []) -> ModelBuilder {
        var builder = ModelBuilder(opset: 20)
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 2, Int64(length)])]
        builder.model.graph.initializer = extraInitializers + [
            B.floatTensor("w", dims: [2, 4, 3], values: (0..<24).map { Float(($0 * 5 + 3) % 13) / 13 - 0.4 }),
            B.floatTensor("b", dims: [2], values: [0.05, -0.1]),
        ]
        builder.model.graph.node = nodes
        return builder
    }

    /// y = strand(x) + strand(reverse complement of x), the flip as the dynamo export has it:
    /// (N, 4, L) → (4, N, L) → GatherND [[3], [2], [1], [0]] → (N, 4, L) → (4N, L, 1) → (L, 4N, 1)
    /// → GatherND [[L−1], …, [0]] → (4N, L, 1) → (N, 4, L).
    static func model() -> ModelBuilder {
        let length = Int64(length)
        let flip = [
            B.node("Reshape", inputs: ["x", "channels_shape"], outputs: ["view"], name: "view"),
            B.node("Transpose", inputs: ["view"], outputs: ["channels_first"], name: "t1", attributes: [B.intsAttribute("perm", [1, 0, 2])]),
            B.node("GatherND", inputs: ["channels_first", "complement"], outputs: ["complemented"], name: "complement_flip", attributes: [B.intAttribute("batch_dims", 0)]),
            B.node("Transpose", inputs: ["complemented"], outputs: ["batch_first"], name: "t2", attributes: [B.intsAttribute("perm", [1, 0, 2])]),
            B.node("Reshape", inputs: ["batch_first", "positions_shape"], outputs: ["rows"], name: "rows"),
            B.node("Transpose", inputs: ["rows"], outputs: ["positions_first"], name: "t3", attributes: [B.intsAttribute("perm", [1, 0, 2])]),
            B.node("GatherND", inputs: ["positions_first", "reversal"], outputs: ["reversed"], name: "reverse_flip"),
            B.node("Transpose", inputs: ["reversed"], outputs: ["rows_back"], name: "t4", attributes: [B.intsAttribute("perm", [1, 0, 2])]),
            B.node("Reshape", inputs: ["rows_back", "channels_shape"], outputs: ["rc"], name: "rc", attributes: [B.intAttribute("allowzero", 1)]),
        ]
        return strandModel(flip + strandNodes("x", "forward") + strandNodes("rc", "backward") + [B.node("Add", inputs: ["forward", "backward"], outputs: ["y"], name: "mean")], extraInitializers: [
            B.int64Tensor("channels_shape", dims: [3], values: [-1, 4, length]),
            B.int64Tensor("positions_shape", dims: [3], values: [-1, length, 1]),
            B.int64Tensor("complement", dims: [4, 1], values: [3, 2, 1, 0]),
            B.int64Tensor("reversal", dims: [length, 1], values: (0..<length).reversed().map { $0 }),
        ])
    }

    /// Sequence s of a batch: one-hot with a few all-zero (N) columns.
    static func sequences(_ count: Int) -> Tensor<Float> {
        var x = Tensor<Float>(shape: [count, 4, length], repeating: 0)
        for s in 0..<count {
            for p in 0..<length where (p + s) % 5 != 4 { x.scalars[(s * 4 + (p * 3 + s) % 4) * length + p] = 1 }
        }
        return x
    }

    private func run(_ builder: ModelBuilder, _ x: Tensor<Float>) throws -> [Float] {
        let plan = try ExecutionPlan(graph: ONNXImporter.load(data: builder.serialized(), modelDirectory: nil), inputShapes: ["x": x.shape])
        guard case .float(let y)? = try plan.run(["x": x])["y"] else { throw InferenceError("no float output") }
        XCTAssertEqual(y.shape, [x.shape[0], 2, Self.length])
        return y.scalars
    }

    /// The reference reverse-complements by hand and runs the strand model without GatherND.
    func testFlipFeedsTheReverseComplement() throws {
        let x = Self.sequences(3), length = Self.length
        var rc = x
        for s in 0..<3 {
            for base in 0..<4 {
                for p in 0..<length { rc.scalars[(s * 4 + base) * length + p] = x.scalars[(s * 4 + 3 - base) * length + length - 1 - p] }
            }
        }
        let strand = Self.strandModel(Self.strandNodes("x", "y"))
        let expected = zip(try run(strand, x), try run(strand, rc)).map { $0 + $1 }
        let comparison = compare(try run(Self.model(), x), expected, absolute: 1e-6, relative: 1e-6)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
    }

    /// Every position reaches the flipped strand's whole output: ISM must still equal
    /// full passes over the mutants, with the batch folded into the flip's axes.
    func testISMThroughTheFlipEqualsFullPasses() throws {
        let graph = try ONNXImporter.load(data: Self.model().serialized(), modelDirectory: nil)
        let reference = Self.sequences(1), length = Self.length
        let evaluator = try IncrementalEvaluator(plan: ExecutionPlan(graph: graph, inputShapes: ["x": reference.shape]), input: "x", output: "y", positionalAxis: 2)
        try evaluator.setReference(reference)
        for (start, width) in [(0, 1), (5, 3), (length - 2, 2)] {
            let variants = 4
            let mutants = windowVariants(of: reference, start: start, width: width, variants: variants)
            let incremental = try evaluator.evaluate(start: start, patch: mutants.patch)
            let naive = try run(Self.model(), mutants.full)
            let comparison = compare(incremental.scalars, naive, absolute: 1e-5, relative: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "window \(start)+\(width): \(comparison)")
        }
    }
}
