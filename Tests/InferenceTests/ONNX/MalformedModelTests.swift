import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// One test per crash class fuzzing found (issue 12): each malformed model, built in code, gets
/// one InferenceError line naming what is wrong (and the node), at import or plan time, never a trap.
final class MalformedModelTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func assertFails(_ message: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    private func load(_ builder: ModelBuilder) throws -> Graph {
        try ONNXImporter.load(data: builder.serialized(), modelDirectory: directory)
    }

    /// Plans `builder`'s graph for x of shape `shape`.
    private func plan(_ builder: ModelBuilder, _ shape: [Int] = [3, 4, 10]) throws -> ExecutionPlan {
        try ExecutionPlan(graph: load(builder), inputShapes: ["x": shape])
    }

    /// x (batch, 4, length) → `nodes` → y, with `initializers`.
    private func model(_ nodes: [Onnx_NodeProto], _ initializers: [Onnx_TensorProto] = [], input: [Int64?] = [nil, 4, nil]) -> ModelBuilder {
        var builder = ModelBuilder()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: input)]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [])]
        builder.model.graph.initializer = initializers
        builder.model.graph.node = nodes
        return builder
    }

    // MARK: External data

    private func externalBias(_ entries: [(String, String)]) throws -> Graph {
        try Data(count: 16).write(to: directory.appendingPathComponent("weights.bin"))
        var builder = ModelBuilder.tinyConvModel()
        var tensor = ModelBuilder.externalFloatTensor("b", dims: [2], location: "weights.bin")
        tensor.externalData = entries.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        builder.model.graph.initializer[1] = tensor
        return try load(builder)
    }

    func testExternalDataOffsetsThatOverflowOrLieBeyondTheFileAreRefused() throws {
        assertFails("tensor 'b': external data offset 9223372036854775807 is beyond the end of 'weights.bin' (16 bytes); the file is corrupt") {
            try self.externalBias([("location", "weights.bin"), ("offset", "\(Int.max)"), ("length", "8")])
        }
        assertFails("tensor 'b': external data file 'weights.bin' is 16 bytes, too short for offset 8 + length 9223372036854775807") {
            try self.externalBias([("location", "weights.bin"), ("offset", "8"), ("length", "\(Int.max)")])
        }
        assertFails("tensor 'b': external data offset 17 is beyond the end of 'weights.bin' (16 bytes); the file is corrupt") {
            try self.externalBias([("location", "weights.bin"), ("offset", "17")])
        }
        assertFails("tensor 'b': external data offset/length are not valid numbers") {
            try self.externalBias([("location", "weights.bin"), ("offset", "99999999999999999999")])
        }
        let graph = try externalBias([("location", "weights.bin"), ("offset", "8"), ("length", "8")])
        XCTAssertEqual(graph.initializers["b"]?.shape, [2])
    }

    // MARK: Attributes, at import

    func testHugeOrNonPositiveWindowAttributesAreRefusedAtImport() throws {
        let pool = { (attributes: [Onnx_AttributeProto]) in
            self.model([ModelBuilder.node("MaxPool", inputs: ["x"], outputs: ["y"], name: "pool", attributes: attributes)])
        }
        assertFails("node 'pool' (MaxPool): kernel_shape [9223372036854775807] must lie in 1...2147483648; the model is corrupt") {
            try self.load(pool([ModelBuilder.intsAttribute("kernel_shape", [.max])]))
        }
        assertFails("node 'pool' (MaxPool): strides [0] must lie in 1...2147483648; the model is corrupt") {
            try self.load(pool([ModelBuilder.intsAttribute("kernel_shape", [2]), ModelBuilder.intsAttribute("strides", [0])]))
        }
        assertFails("node 'pool' (MaxPool): pads [-1, 4611686018427387904] must lie in 0...2147483648; the model is corrupt") {
            try self.load(pool([ModelBuilder.intsAttribute("kernel_shape", [2]), ModelBuilder.intsAttribute("pads", [-1, 1 << 62])]))
        }
        var conv = ModelBuilder.tinyConvModel()
        conv.model.graph.node[0].attribute = [ModelBuilder.intsAttribute("dilations", [1 << 40])]
        assertFails("node 'conv' (Conv): dilations [1099511627776] must lie in 1...2147483648; the model is corrupt") { try self.load(conv) }
        conv.model.graph.node[0].attribute = [ModelBuilder.intAttribute("group", .max)]
        assertFails("node 'conv' (Conv): group [9223372036854775807] must lie in 1...2147483648; the model is corrupt") { try self.load(conv) }
    }

    /// `inspect` traces the receptive field through every layer without planning: strides that
    /// compound past Int's range saturate instead of trapping.
    func testReceptiveFieldOfCompoundingStridesSaturates() throws {
        let big = Int64(Int32.max)
        let window = [ModelBuilder.intsAttribute("kernel_shape", [big]), ModelBuilder.intsAttribute("strides", [big])]
        let graph = try load(model([
            ModelBuilder.node("MaxPool", inputs: ["x"], outputs: ["a"], name: "p1", attributes: window),
            ModelBuilder.node("MaxPool", inputs: ["a"], outputs: ["b"], name: "p2", attributes: window),
            ModelBuilder.node("MaxPool", inputs: ["b"], outputs: ["y"], name: "p3", attributes: window),
        ]))
        XCTAssertEqual(ReceptiveField(graph: graph).positional, .max)
    }

    // MARK: Kernel preconditions, at plan time

    func testZeroLengthBiasesAreRefusedAtPlanTime() throws {
        var conv = ModelBuilder.tinyConvModel()
        conv.model.graph.initializer[1] = ModelBuilder.floatTensor("b", dims: [0], values: [])
        assertFails("node 'conv' (Conv): bias of shape [0] needs one value per filter, 2") { try self.plan(conv) }

        let dense = model([ModelBuilder.node("Gemm", inputs: ["x", "w", "c"], outputs: ["y"], name: "dense")],
                          [ModelBuilder.floatTensor("w", dims: [4, 1], values: [1, 2, 3, 4]), ModelBuilder.floatTensor("c", dims: [0], values: [])],
                          input: [nil, 4])
        assertFails("node 'dense' (Gemm): C of shape [0] does not broadcast to [3, 1]") { try self.plan(dense, [3, 4]) }
    }

    func testBatchNormalizationParametersMustMatchTheChannels() throws {
        let parameters = ["scale", "bias", "mean", "variance"]
        let norm = model([ModelBuilder.node("BatchNormalization", inputs: ["x"] + parameters, outputs: ["y"], name: "bn")],
                         parameters.map { ModelBuilder.floatTensor($0, dims: [3], values: [1, 1, 1]) })
        assertFails("node 'bn' (BatchNormalization): parameters [[3], [3], [3], [3]] must have 4 values, one per channel") { try self.plan(norm) }
    }

    func testLayerNormalizationAxisAndScaleAreCheckedAtPlanTime() throws {
        func layerNorm(axis: Int64, scale: [Int64]) -> ModelBuilder {
            model([ModelBuilder.node("LayerNormalization", inputs: ["x", "s"], outputs: ["y"], name: "ln", attributes: [ModelBuilder.intAttribute("axis", axis)])],
                  [ModelBuilder.floatTensor("s", dims: scale, values: [Float](repeating: 1, count: Int(scale.reduce(1, *))))])
        }
        assertFails("node 'ln' (LayerNormalization): axis 7 is outside a rank-3 tensor") { try self.plan(layerNorm(axis: 7, scale: [10])) }
        assertFails("node 'ln' (LayerNormalization): axis -9223372036854775808 is outside a rank-3 tensor") { try self.plan(layerNorm(axis: .min, scale: [10])) }
        assertFails("node 'ln' (LayerNormalization): scale of shape [5] does not broadcast to [10]") { try self.plan(layerNorm(axis: -1, scale: [5])) }
        assertFails("node 'ln' (LayerNormalization): scale of shape [2, 4, 10] does not broadcast to [4, 10]") { try self.plan(layerNorm(axis: 1, scale: [2, 4, 10])) }
        XCTAssertEqual(try plan(layerNorm(axis: 1, scale: [4, 10])).outputShapes["y"], [3, 4, 10])
    }

    func testSoftmaxAxisIsCheckedAtPlanTime() throws {
        let softmax = model([ModelBuilder.node("Softmax", inputs: ["x"], outputs: ["y"], name: "sm", attributes: [ModelBuilder.intAttribute("axis", 5)])])
        assertFails("node 'sm' (Softmax): axis 5 is outside a rank-3 tensor") { try self.plan(softmax) }
    }

    func testOverflowingShapesAreRefusedAtPlanTime() throws {
        let reshape = model([ModelBuilder.node("Reshape", inputs: ["x", "shape"], outputs: ["y"], name: "r")],
                            [ModelBuilder.int64Tensor("shape", dims: [3], values: [1 << 40, 1 << 40, -1])])
        assertFails("node 'r' (Reshape): cannot reshape [3, 4, 10] to [1099511627776, 1099511627776, -1]") { try self.plan(reshape) }
        let huge = model([ModelBuilder.node("Reshape", inputs: ["x", "shape"], outputs: ["y"], name: "r")],
                         [ModelBuilder.int64Tensor("shape", dims: [2], values: [1 << 40, 1 << 40])])
        assertFails("node 'r' (Reshape): cannot reshape [3, 4, 10] (120 elements) to [1099511627776, 1099511627776]") { try self.plan(huge) }
        // 2^33 · 2^33 · 120 wraps to 0 in unchecked arithmetic: the element count must not.
        let expand = model([ModelBuilder.node("Expand", inputs: ["x", "shape"], outputs: ["y"], name: "e")],
                           [ModelBuilder.int64Tensor("shape", dims: [5], values: [1 << 33, 1 << 33, 1, 1, 1])])
        assertFails("node 'e' (Expand) would produce an absurd shape [8589934592, 8589934592, 3, 4, 10]") { try self.plan(expand) }
        let pad = model([ModelBuilder.node("Pad", inputs: ["x", "pads"], outputs: ["y"], name: "p")],
                        [ModelBuilder.int64Tensor("pads", dims: [6], values: [0, 0, .max, 0, 0, 1])])
        assertFails("node 'p' (Pad): pads [0, 0, 9223372036854775807, 0, 0, 1] exceed the limit of 2147483648; the model is corrupt") { try self.plan(pad) }
        let split = model([ModelBuilder.node("Split", inputs: ["x", "sizes"], outputs: ["y", "z"], name: "s", attributes: [ModelBuilder.intAttribute("axis", 2)])],
                          [ModelBuilder.int64Tensor("sizes", dims: [2], values: [.max, 11])])
        assertFails("node 's' (Split): sizes [9223372036854775807, 11] do not add up to 10") { try self.plan(split) }
    }
}
