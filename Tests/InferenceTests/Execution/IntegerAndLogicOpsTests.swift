import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// What ONNX's conformance cases leave out of the elementwise and logic family: integer
/// arithmetic as exporters emit it for shapes, bools computed from data, and refusals.
final class IntegerAndLogicOpsTests: XCTestCase {
    private typealias B = ModelBuilder

    private func run(_ builder: ModelBuilder, _ inputs: [String: Tensor<Float>] = [:], integers: [String: Tensor<Int64>] = [:]) throws -> [String: Value] {
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        let plan = try ExecutionPlan(graph: graph, inputShapes: inputs.mapValues(\.shape), integerInputs: integers)
        return try plan.run(inputs)
    }

    private func ints(_ value: Value?) -> [Int64]? {
        if case .int(let t)? = value { t.scalars } else { nil }
    }

    /// Division truncates toward zero and Mod follows the divisor's sign (fmod = 0) or the
    /// dividend's (fmod = 1), as onnxruntime computes int64; Int64.min / −1 wraps, not traps.
    func testIntegerArithmeticMatchesOnnxruntime() throws {
        let a: [Int64] = [-7, 7, -7, 7, .min, 9, 4], b: [Int64] = [2, -2, -2, 2, -1, 3, 4]
        let expected: [(String, [Onnx_AttributeProto], [String], [Int64])] = [
            ("Div", [], ["a", "b"], [-3, -3, 3, 3, .min, 3, 1]),
            ("Mod", [], ["a", "b"], [1, -1, -1, 1, 0, 0, 0]),
            ("Mod", [B.intAttribute("fmod", 1)], ["a", "b"], [-1, 1, -1, 1, 0, 0, 0]),
            ("Neg", [], ["a"], [7, -7, 7, -7, .min, -9, -4]),
            ("Abs", [], ["a"], [7, 7, 7, 7, .min, 9, 4]),
            ("Sign", [], ["a"], [-1, 1, -1, 1, -1, 1, 1]),
            ("Max", [], ["a", "b"], [2, 7, -2, 7, -1, 9, 4]),
            ("Min", [], ["a", "b", "a"], [-7, -2, -7, 2, .min, 3, 4]),
            ("Sum", [], ["a", "b"], [-5, 5, -9, 9, .max, 12, 8]),
            ("Equal", [], ["a", "b"], [0, 0, 0, 0, 0, 0, 1]),
            ("Greater", [], ["a", "b"], [0, 1, 0, 1, 0, 1, 0]),
            ("LessOrEqual", [], ["a", "b"], [1, 0, 1, 0, 1, 0, 1]),
        ]
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("a", type: .int64, dims: [7]), B.valueInfo("b", type: .int64, dims: [7])]
        builder.model.graph.output = expected.indices.map { B.valueInfo("y\($0)", type: .int64, dims: [7]) }
        builder.model.graph.node = expected.enumerated().map { index, entry in
            B.node(entry.0, inputs: entry.2, outputs: ["y\(index)"], name: "n\(index)", attributes: entry.1)
        }
        let outputs = try run(builder, integers: ["a": Tensor(shape: [7], scalars: a), "b": Tensor(shape: [7], scalars: b)])
        for (index, entry) in expected.enumerated() {
            XCTAssertEqual(ints(outputs["y\(index)"]), entry.3, "\(entry.0) \(entry.1.map(\.name))")
        }
    }

    /// ChromBPNet-style cropping: (length − output length) / 2 from Shape, through integer
    /// Sub, Div and Add, feeds a Slice.
    func testCroppingArithmeticFromShapeFeedsSlice() throws {
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [1, 4, 20])]
        builder.model.graph.output = [B.valueInfo("y", dims: [1, 4, 12])]
        builder.model.graph.initializer = [
            B.int64Tensor("two", dims: [], values: [2]), B.int64Tensor("target", dims: [], values: [12]),
            B.int64Tensor("axis", dims: [1], values: [2]), B.int64Tensor("zero", dims: [1], values: [0]),
        ]
        builder.model.graph.node = [
            B.node("Shape", inputs: ["x"], outputs: ["shape"]),
            B.node("Gather", inputs: ["shape", "two"], outputs: ["length"]),
            B.node("Sub", inputs: ["length", "target"], outputs: ["excess"]),
            B.node("Div", inputs: ["excess", "two"], outputs: ["crop"]),
            B.node("Add", inputs: ["crop", "target"], outputs: ["end"]),
            B.node("Unsqueeze", inputs: ["crop", "zero"], outputs: ["starts"]),
            B.node("Unsqueeze", inputs: ["end", "zero"], outputs: ["ends"]),
            B.node("Slice", inputs: ["x", "starts", "ends", "axis"], outputs: ["y"]),
        ]
        let x = Tensor(shape: [1, 4, 20], scalars: (0..<80).map(Float.init))
        guard case .float(let y)? = try run(builder, ["x": x])["y"] else { return XCTFail("no float output") }
        XCTAssertEqual(y, x.slice(axis: 2, 4, 16))
    }

    /// Bools computed from float data: Cast to bool tests for nonzero (0.5 is true, where a
    /// cast to int64 truncates it to 0), and the logic ops combine them.
    func testBoolsComputedFromData() throws {
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [6]), B.valueInfo("special", dims: [4])]
        let names = ["nonzero", "not", "positive", "xor", "and", "or", "inf", "nan", "truncated"]
        builder.model.graph.output = names.map { B.valueInfo($0, type: .bool, dims: [6]) }
        builder.model.graph.node = [
            B.node("Cast", inputs: ["x"], outputs: ["nonzero"], attributes: [B.intAttribute("to", Int64(Onnx_TensorProto.DataType.bool.rawValue))]),
            B.node("Cast", inputs: ["x"], outputs: ["truncated"], attributes: [B.intAttribute("to", Int64(Onnx_TensorProto.DataType.int64.rawValue))]),
            B.node("Not", inputs: ["nonzero"], outputs: ["not"]),
            B.node("Greater", inputs: ["x", "zero"], outputs: ["positive"]),
            B.node("Xor", inputs: ["nonzero", "positive"], outputs: ["xor"]),
            B.node("And", inputs: ["not", "positive"], outputs: ["and"]),
            B.node("Or", inputs: ["not", "positive"], outputs: ["or"]),
            B.node("IsInf", inputs: ["special"], outputs: ["inf"], attributes: [B.intAttribute("detect_negative", 0)]),
            B.node("IsNaN", inputs: ["special"], outputs: ["nan"]),
        ]
        builder.model.graph.initializer = [B.floatTensor("zero", dims: [], values: [0])]
        let outputs = try run(builder, ["x": Tensor(shape: [6], scalars: [0, 0.5, -2, 0, 3, -0.25]),
                                        "special": Tensor(shape: [4], scalars: [.infinity, -.infinity, .nan, 1])])
        XCTAssertEqual(ints(outputs["nonzero"]), [0, 1, 1, 0, 1, 1])
        XCTAssertEqual(ints(outputs["truncated"]), [0, 0, -2, 0, 3, 0])
        XCTAssertEqual(ints(outputs["not"]), [1, 0, 0, 1, 0, 0])
        XCTAssertEqual(ints(outputs["positive"]), [0, 1, 0, 0, 1, 0])
        XCTAssertEqual(ints(outputs["xor"]), [0, 0, 1, 0, 0, 1])
        XCTAssertEqual(ints(outputs["and"]), [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(ints(outputs["or"]), [1, 1, 0, 1, 1, 0])
        XCTAssertEqual(ints(outputs["inf"]), [1, 0, 0, 0])
        XCTAssertEqual(ints(outputs["nan"]), [0, 0, 1, 0])
    }

    private func assertRefused(_ builder: ModelBuilder, integers: [String: Tensor<Int64>] = [:], _ expected: String, line: UInt = #line) {
        XCTAssertThrowsError(try run(builder, integers: integers), line: line) { error in
            XCTAssertEqual("\(error)", expected, line: line)
        }
    }

    func testRefusalsNameTheNodeAndTheReason() throws {
        let pair = ["a": Tensor<Int64>(shape: [2], scalars: [3, 4]), "b": Tensor<Int64>(shape: [2], scalars: [1, 0])]
        func integerGraph(_ opType: String) -> ModelBuilder {
            var builder = ModelBuilder()
            builder.model.graph.input = [B.valueInfo("a", type: .int64, dims: [2]), B.valueInfo("b", type: .int64, dims: [2])]
            builder.model.graph.output = [B.valueInfo("y", type: .int64, dims: [2])]
            builder.model.graph.node = [B.node(opType, inputs: ["a", "b"], outputs: ["y"], name: "n")]
            return builder
        }
        assertRefused(integerGraph("Mod"), integers: pair, "node 'n' (Mod): integer division by zero")
        assertRefused(integerGraph("Mean"), integers: pair, "node 'n' (Mean): integer inputs; ONNX defines Mean for floating-point tensors only")

        // Opset 6's PRelu ran a 1-D slope along channels, not numpy's last axis.
        var legacy = ModelBuilder(opset: 6)
        legacy.model.graph.input = [B.valueInfo("x", dims: [2, 3, 3])]
        legacy.model.graph.output = [B.valueInfo("y", dims: [2, 3, 3])]
        legacy.model.graph.initializer = [B.floatTensor("slope", dims: [3], values: [0.1, 0.2, 0.3])]
        legacy.model.graph.node = [B.node("PRelu", inputs: ["x", "slope"], outputs: ["y"], name: "p")]
        XCTAssertThrowsError(try ONNXImporter.load(data: legacy.serialized(), modelDirectory: nil)) { error in
            XCTAssertEqual("\(error)", "node 'p' (PRelu) has a per-channel slope under opset 6's legacy broadcasting, which seqlens does not support; re-export the model with opset_version=17")
        }
    }
}
