import Foundation
import TestSupport
import XCTest

/// Bad input never crashes: one clear line on stderr and exit status 2, no partial output.
final class BadInputTests: XCTestCase {
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func assertRefused(_ arguments: [String], mentioning fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try runSeqlens(arguments)
        XCTAssertEqual(result.status, 2, "exit status; stderr: \(result.stderr)", file: file, line: line)
        XCTAssert(result.stderr.contains(fragment), "stderr '\(result.stderr)' should mention '\(fragment)'", file: file, line: line)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
    }

    private func write(_ data: Data, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func testTruncatedModel() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        try assertRefused(["predict", write(bytes.prefix(bytes.count / 3), "cut.onnx"), fasta], mentioning: "cut.onnx: not an ONNX model (protobuf decoding failed: the data ends in the middle of a field; the file is cut short); export it with torch.onnx.export or tf2onnx")
    }

    func testCorruptModel() throws {
        try assertRefused(["predict", write(Data("this is not a model\n".utf8), "text.onnx"), fasta], mentioning: "text.onnx: not an ONNX model (protobuf decoding failed: the bytes are not a valid protobuf message); export it with torch.onnx.export or tf2onnx")
    }

    func testMissingModel() throws {
        try assertRefused(["predict", directory.appendingPathComponent("nope.onnx").path, fasta], mentioning: "cannot read the model file (no such file)")
    }

    func testModelWithIntegerInput() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", type: .int64, dims: [nil, 4, nil])]
        try assertRefused(["predict", builder.write(to: directory).path, fasta], mentioning: "input 'x' is int64, but seqlens feeds one-hot float32 sequences")
    }

    func testAbsurdTensorSize() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.initializer[0] = ModelBuilder.floatTensor("w", dims: [1 << 40, 1 << 30], values: [1])
        try assertRefused(["predict", builder.write(to: directory).path, fasta], mentioning: "declares an absurd size")
    }

    func testExternalDataEscapingTheModelFolder() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.initializer[1] = ModelBuilder.externalFloatTensor("b", dims: [2], location: "../../etc/passwd")
        try assertRefused(["predict", builder.write(to: directory).path, fasta], mentioning: "leaves the model's folder")
    }

    func testUnsupportedOp() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.node[3] = ModelBuilder.node("NonMaxSuppression", inputs: ["f"], outputs: ["y"], name: "nms")
        try assertRefused(["predict", builder.write(to: directory).path, fasta], mentioning: "node 'nms' uses op 'NonMaxSuppression'")
    }

    func testOpFromAnotherDomain() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.node[3] = ModelBuilder.node("Normalizer", inputs: ["f"], outputs: ["y"], name: "normalize")
        builder.model.graph.node[3].domain = "ai.onnx.ml"
        try assertRefused(["predict", builder.write(to: directory).path, fasta], mentioning: "model.onnx: node 'normalize' uses op 'Normalizer' from domain 'ai.onnx.ml', which seqlens does not support: it runs standard ONNX ops only (domain ai.onnx); export the network without other domains' ops")
    }

    func testEmptyFASTA() throws {
        try assertRefused(["predict", model, write(Data(), "empty.fa")], mentioning: "no FASTA records found")
    }

    func testBinaryFASTA() throws {
        try assertRefused(["predict", model, write(Data([0x1F, 0x8B, 0, 0] + (0..<200).map { UInt8($0) }), "reads.fa")], mentioning: "reads.fa")
        try assertRefused(["predict", model, write(Data((0..<300).map { UInt8(($0 * 37) % 256) }), "blob.fa")], mentioning: "does not look like FASTA")
    }

    func testFailedRunLeavesNoOutputFile() throws {
        let output = directory.appendingPathComponent("out.tsv")
        try assertRefused(["predict", model, write(Data(">a\nACGT\n".utf8), "short.fa"), "--output", output.path], mentioning: "has 4 nt")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    func testInspectReportsUnsupportedOpsAndExits2() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.node[3] = ModelBuilder.node("NonMaxSuppression", inputs: ["f"], outputs: ["y"], name: "nms")
        let result = try runSeqlens(["inspect", builder.write(to: directory).path])
        XCTAssertEqual(result.status, 2)
        XCTAssert(result.stdout.contains("supported    no: NonMaxSuppression not supported"), result.stdout)
    }

    // Issue 12: what fuzzing crashed now ends in one line and exit 2, through the real binary.

    func testInspectOfACutModelSaysItIsNotAnONNXModel() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        assertRefusal(try runSeqlens(["inspect", write(bytes.prefix(bytes.count / 3), "cut.onnx")]),
                      "cut.onnx: not an ONNX model (protobuf decoding failed: the data ends in the middle of a field; the file is cut short); export it with torch.onnx.export or tf2onnx")
    }

    func testInspectSurvivesAHugeKernelAttribute() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.node[1] = ModelBuilder.node("MaxPool", inputs: ["c"], outputs: ["g"], name: "pool",
                                                        attributes: [ModelBuilder.intsAttribute("kernel_shape", [.max])])
        let result = try runSeqlens(["inspect", builder.write(to: directory).path])
        XCTAssertEqual(result.status, 2, result.stderr)
        let problems = result.stdout.split(separator: "\n").filter { $0.hasPrefix("problem") }
        XCTAssertEqual(problems, ["problem      model.onnx: node 'pool' (MaxPool): kernel_shape [9223372036854775807] must lie in 1...2147483648; the model is corrupt"], result.stdout)
    }

    func testPredictRefusesAModelThatMergesTheBatch() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.initializer.append(ModelBuilder.int64Tensor("merged", dims: [2], values: [1, -1]))
        builder.model.graph.node[3] = ModelBuilder.node("Reshape", inputs: ["f", "merged"], outputs: ["y"], name: "merge")
        let twoRecords = try write(Data(">a\nACGTACGTAC\n>b\nGGGGCCCCAA\n".utf8), "two.fa")
        assertRefusal(try runSeqlens(["predict", builder.write(to: directory).path, twoRecords]),
                      "model.onnx: output 'y' has shape [1, 4] for a batch of 2 sequences; seqlens needs the batch as the output's first axis (check Reshape and reductions over axis 0)")
    }
}
