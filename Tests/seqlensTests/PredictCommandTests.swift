import Foundation
import TestSupport
import XCTest

/// `seqlens predict` end to end, on the bundled tiny model.
final class PredictCommandTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// The model card holds PyTorch's own predictions (rounded to 4 decimals) for the bundled FASTA.
    func testTSVMatchesPyTorchPredictionsInTheModelCard() throws {
        let result = try runSeqlens(["predict", model, fasta])
        XCTAssertEqual(result.status, 0, result.stderr)
        let card = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model).deletingPathExtension().appendingPathExtension("json"))) as! [String: Any]
        let reference = card["example_predictions"] as! [String: [Double]]
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(lines.first, ["id", "GATA", "Ebox"])
        XCTAssertEqual(lines.count - 1, reference.count)
        for row in lines.dropFirst() {
            let expected = try XCTUnwrap(reference[row[0]], "unexpected record \(row[0])")
            for (value, want) in zip(row.dropFirst().map { Double($0)! }, expected) {
                XCTAssertEqual(value, want, accuracy: 6e-5, row[0])
            }
        }
        XCTAssert(result.stderr.contains("1 of 8 records contains 5 non-ACGT letters"), result.stderr)
    }

    func testNPYOutputHasShapeNByT() throws {
        let output = directory.appendingPathComponent("p.npy").path
        let result = try runSeqlens(["predict", model, fasta, "--output", output, "--threads", "1", "--batch", "3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let header = String(decoding: data.prefix(128), as: UTF8.self)
        XCTAssert(header.contains("'descr': '<f4'") && header.contains("'shape': (8, 2)"), header)
    }

    func testLengthMismatchNeedsPadOrCrop() throws {
        let short = directory.appendingPathComponent("short.fa")
        try Data(">short\nACGTAGATAAACGT\n".utf8).write(to: short)
        let refused = try runSeqlens(["predict", model, short.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssert(refused.stderr.contains("has 14 nt but the model takes exactly 200"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)

        let padded = try runSeqlens(["predict", model, short.path, "--pad", "center"])
        XCTAssertEqual(padded.status, 0, padded.stderr)
        XCTAssert(padded.stdout.hasPrefix("id\tGATA\tEbox\nshort\t"), padded.stdout)
    }

    func testUnknownOutputExtensionIsAUsageError() throws {
        let result = try runSeqlens(["predict", model, fasta, "--output", directory.appendingPathComponent("p.csv").path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssert(result.stderr.contains("--output must end in .tsv, .npy, .bw or .bedgraph"), result.stderr)
    }
}
