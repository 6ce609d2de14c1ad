import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

final class ONNXImporterTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func assertLoadFails(_ data: Data, mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ONNXImporter.load(data: data, modelDirectory: directory), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssert(message.contains(fragment), "message '\(message)' should mention '\(fragment)'", file: file, line: line)
            XCTAssertFalse(message.contains("\n"), "errors are one line", file: file, line: line)
        }
    }

    func testLoadsAWorkingModelAndRunsIt() throws {
        let graph = try ONNXImporter.load(data: ModelBuilder.tinyConvModel().serialized(), modelDirectory: nil)
        XCTAssertEqual(graph.inputs.map(\.name), ["x"])
        XCTAssertEqual(graph.parameterCount, 26)
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [3, 4, 10]])
        XCTAssertEqual(plan.outputShapes["y"], [3, 2])
    }

    func testTruncatedModelIsRefused() throws {
        let data = try ModelBuilder.tinyConvModel().serialized()
        assertLoadFails(data.prefix(data.count / 2), mentioning: "not an ONNX model (protobuf decoding failed: the data ends in the middle of a field; the file is cut short); export it with torch.onnx.export or tf2onnx")
    }

    func testRandomBytesAreRefused() {
        var generator = SystemRandomNumberGenerator()
        assertLoadFails(Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }), mentioning: "not an ONNX model")
        assertLoadFails(Data(), mentioning: "empty")
    }

    func testAbsurdTensorSizeIsRefusedBeforeAllocating() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.initializer[0] = ModelBuilder.floatTensor("w", dims: [1 << 20, 1 << 20, 1 << 10], values: [1])
        assertLoadFails(try builder.serialized(), mentioning: "absurd size")
    }

    func testDeclaredSizeMustMatchData() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.initializer[1] = ModelBuilder.floatTensor("b", dims: [5], values: [1, 2])
        assertLoadFails(try builder.serialized(), mentioning: "corrupt")
    }

    private func externalModel(location: String) throws -> Data {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.initializer[1] = ModelBuilder.externalFloatTensor("b", dims: [2], location: location, offset: 4)
        return try builder.serialized()
    }

    func testExternalDataIsReadRelativeToTheModel() throws {
        var bytes = Data([0, 0, 0, 0])
        for value: Float in [0.5, -2] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try bytes.write(to: directory.appendingPathComponent("weights.bin"))
        let graph = try ONNXImporter.load(data: externalModel(location: "weights.bin"), modelDirectory: directory)
        guard case .float(let bias)? = graph.initializers["b"] else { return XCTFail("bias not loaded") }
        XCTAssertEqual(bias.scalars, [0.5, -2])
    }

    func testExternalDataMayNotLeaveTheModelFolder() throws {
        assertLoadFails(try externalModel(location: "../outside.bin"), mentioning: "leaves the model's folder")
        assertLoadFails(try externalModel(location: "/etc/passwd"), mentioning: "absolute")
        assertLoadFails(try externalModel(location: "missing.bin"), mentioning: "cannot open external data")
    }

    func testUnsupportedOpIsNamedWithNodeAndSupportedList() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.node[3] = ModelBuilder.node("NonMaxSuppression", inputs: ["f"], outputs: ["y"], name: "nms")
        assertLoadFails(try builder.serialized(), mentioning: "node 'nms' uses op 'NonMaxSuppression', which seqlens does not support; supported ops: Abs, Add")
    }

    func testCustomDomainOpIsRefused() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.node[3].domain = "com.microsoft"
        assertLoadFails(try builder.serialized(), mentioning: "domain 'com.microsoft'")
    }

    /// tf2onnx declares ai.onnx.ml (opset 2) beside the default domain without using its ops;
    /// the default domain's opset is the one that counts, wherever it is listed.
    func testTf2onnxOpsetImportsAreAccepted() throws {
        var builder = ModelBuilder.tinyConvModel()
        var ml = Onnx_OperatorSetIdProto()
        ml.domain = "ai.onnx.ml"
        ml.version = 2
        builder.model.opsetImport.insert(ml, at: 0)
        builder.model.producerName = "tf2onnx"
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        XCTAssertEqual(graph.opset, 17)
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [1, 4, 6]])
        guard case .float(let y)? = try plan.run(["x": Tensor(shape: [1, 4, 6], repeating: 0.25)])["y"] else { return XCTFail("no output") }
        XCTAssertEqual(y.shape, [1, 2])

        // A node that does use the declared domain is refused, naming op, node and domain.
        builder.model.graph.node[3] = ModelBuilder.node("Normalizer", inputs: ["f"], outputs: ["y"], name: "normalize")
        builder.model.graph.node[3].domain = "ai.onnx.ml"
        XCTAssertThrowsError(try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)) { error in
            XCTAssertEqual("\(error)", "node 'normalize' uses op 'Normalizer' from domain 'ai.onnx.ml', which seqlens does not support: it runs standard ONNX ops only (domain ai.onnx); export the network without other domains' ops (no custom ops, no onnxruntime-optimised file)")
        }
    }

    func testNodesAreSortedTopologically() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.node.reverse()
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        XCTAssertEqual(graph.nodes.map(\.opType), ["Conv", "GlobalAveragePool", "Flatten", "Sigmoid"])
    }

    func testMissingProducerAndCycleAreRefused() throws {
        var missing = ModelBuilder.tinyConvModel()
        missing.model.graph.node[1].input = ["nowhere"]
        assertLoadFails(try missing.serialized(), mentioning: "reads 'nowhere'")

        var cycle = ModelBuilder.tinyConvModel()
        cycle.model.graph.node[0].input[0] = "y"  // conv reads the sigmoid's output
        assertLoadFails(try cycle.serialized(), mentioning: "cycle")
    }

    /// Before opset 13 Softmax flattened to 2-D at `axis` (default 1): all of a (1, 2, 3) input sums to 1.
    func testLegacySoftmaxCoercesTo2D() throws {
        for (opset, expectedSum) in [(Int64(11), Float(1)), (13, 2)] {
            var builder = ModelBuilder(opset: opset)
            builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [1, 2, 3])]
            builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [1, 2, 3])]
            builder.model.graph.node = [ModelBuilder.node("Softmax", inputs: ["x"], outputs: ["y"], attributes: opset < 13 ? [] : [ModelBuilder.intAttribute("axis", -1)])]
            let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [1, 2, 3]])
            guard case .float(let y)? = try plan.run(["x": Tensor(shape: [1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])])["y"] else { return XCTFail() }
            XCTAssertEqual(y.scalars.reduce(0, +), expectedSum, accuracy: 1e-5, "opset \(opset)")
        }
    }

    /// Opset-11 Squeeze carries axes as an attribute; the importer makes it an input.
    func testLegacySqueezeAxesAttribute() throws {
        var builder = ModelBuilder(opset: 11)
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [1, 3, 1])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [1, 3])]
        builder.model.graph.node = [ModelBuilder.node("Squeeze", inputs: ["x"], outputs: ["y"], attributes: [ModelBuilder.intsAttribute("axes", [2])])]
        let plan = try ExecutionPlan(graph: ONNXImporter.load(data: builder.serialized(), modelDirectory: nil), inputShapes: ["x": [1, 3, 1]])
        XCTAssertEqual(plan.outputShapes["y"], [1, 3])
    }
}
