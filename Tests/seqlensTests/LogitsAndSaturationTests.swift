import Foundation
import Inference
import Rendering
import TestSupport
import XCTest

/// `--logits` for heatmap and variant (ism: ArrayLabelsTests) against onnxruntime's logit changes,
/// and saturated probabilities marked where figures show predictions.
final class LogitsAndSaturationTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    let fasta = Fixtures.url("rendering/tiny-motifs-3.fa").path
    let plain = ["PATH": "/usr/bin:/bin"]

    /// onnxruntime's logit change of every substitution, (3, 4, 200): task GATA for pos_gata_1.
    private func reference() throws -> Tensor<Float> {
        guard case .float(let ism)? = try NPZ.read(contentsOf: Fixtures.url("rendering/tiny-motifs-attr.npz")).first(where: { $0.name == "ism" })?.value else {
            throw InferenceError("fixture")
        }
        return ism
    }

    func testVariantLogitsMatchOnnxRuntime() throws {
        let logits = try runSeqlens(["variant", model, fasta, "--mutations", "57:A>G", "--record", "pos_gata_1", "--logits"])
        XCTAssertEqual(logits.status, 0, logits.stderr)
        XCTAssertEqual(logits.stderr, "", "logits do not saturate")
        let row = logits.stdout.split(separator: "\n")[1].split(separator: "\t").map(String.init)
        XCTAssertEqual(Array(row.prefix(3)), ["pos_gata_1", "57:A>G", "GATA"])
        XCTAssertEqual(Float(row[5])!, try reference().scalars[2 * 200 + 57], accuracy: 1e-3, "G at 57 of pos_gata_1")
        // In probabilities the same substitution moves GATA by less than 1.
        let probabilities = try runSeqlens(["variant", model, fasta, "--mutations", "57:A>G", "--record", "pos_gata_1"])
        XCTAssertGreaterThan(Float(probabilities.stdout.split(separator: "\n")[1].split(separator: "\t")[5])!, -1)
    }

    func testHeatmapLogitsScaleIsTheLargestLogitChange() throws {
        let result = try runSeqlens(["heatmap", model, fasta, "--record", "pos_gata_1", "--target", "GATA", "--range", "50:70", "--logits",
                                     "--width", "80", "--color", "never"], environment: plain)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("pos_gata_1 · in-silico mutagenesis · task GATA (logits)\n"), result.stdout)
        let ism = try reference()
        let largest = (0 ..< 4).flatMap { letter in (50 ..< 70).map { abs(ism.scalars[letter * 200 + $0]) } }.max()!
        XCTAssertTrue(result.stdout.contains("-\(NumberFormat.short(largest)) ###==--. ░▒▒▓▓███ +\(NumberFormat.short(largest))"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\nGATA "), "bars of logits")
        XCTAssertFalse(result.stdout.contains("saturated output"), "logits are never marked saturated")
    }

    func testFiguresMarkSaturatedProbabilities() throws {
        let result = try runSeqlens(["logo", model, fasta, "--record", "pos_gata_1", "--width", "100", "--color", "never"], environment: plain)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let gata = try XCTUnwrap(lines.first { $0.hasPrefix("GATA ") })
        XCTAssertTrue(gata.hasSuffix(" 0.997!"), gata)
        XCTAssertTrue(try XCTUnwrap(lines.first { $0.hasPrefix("Ebox ") }).hasSuffix(" 0.000!"))
        XCTAssertTrue(result.stdout.contains("! saturated output"), "the legend explains the mark: \(result.stdout)")
        let logits = try runSeqlens(["logo", model, fasta, "--record", "pos_gata_1", "--logits", "--width", "80", "--color", "never"], environment: plain)
        XCTAssertTrue(try XCTUnwrap(logits.stdout.split(separator: "\n").first { $0.hasPrefix("GATA ") }).hasSuffix(" 5.883"), logits.stdout)
        XCTAssertFalse(logits.stdout.contains("saturated output"))
        let svg = try runSeqlens(["logo", model, fasta, "--record", "pos_gata_1", "--format", "svg"])
        XCTAssertTrue(svg.stdout.contains(">0.997!</text>"), "the mark in SVG too")
        XCTAssertTrue(svg.stdout.contains("! saturated output"))
    }

    func testLogitsOfAModelWithoutAFinalActivationIsRefused() throws {
        let plainModel = Fixtures.url("attribution/residual_dilated/model.onnx").path
        let fa = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-logits-\(UUID().uuidString).fa")
        try Data((">r\n" + String(repeating: "ACGT", count: 50) + "\n").utf8).write(to: fa)
        defer { try? FileManager.default.removeItem(at: fa) }
        for command in [["variant", plainModel, fa.path, "--mutations", "0:A>C"], ["ism", plainModel, fa.path, "-o", fa.path + ".npy"], ["heatmap", plainModel, fa.path]] {
            assertRefusal(try runSeqlens(command + ["--logits"]), "--logits: output 'output' does not come from a final Sigmoid or Softmax, so it already is the pre-activation value")
        }
    }
}
