import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import XCTest

/// `seqlens logo` and `seqlens heatmap` end to end on a sample model.
final class LogoCommandTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa").path

    func testLogoOfACEBPBSite() throws {
        // mt_test_04056 carries CEBPB at 40–50 (assets/sequences/multitask.tsv).
        let result = try runSeqlens(["logo", model, fasta, "--record", "mt_test_04056", "--target", "CEBPB", "--logits",
                                     "--range", "20:80", "--width", "100", "--color", "never"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.first, "mt_test_04056 · saliency · task CEBPB (logits)")
        XCTAssertFalse(result.stdout.contains("\u{1B}"), "--color never writes no escape sequences")
        XCTAssert(lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("20 ") }, "the ruler starts at the range start")
        XCTAssert(lines.contains { $0.hasPrefix("CEBPB ") }, "a bar per task")
        XCTAssert(lines.allSatisfy { $0.count <= 100 }, "width respected")
    }

    func testLogoInColourAndSVG() throws {
        let colour = try runSeqlens(["logo", model, fasta, "--record", "1", "--width", "80", "--color", "always"])
        XCTAssertEqual(colour.status, 0, colour.stderr)
        XCTAssert(colour.stdout.contains("\u{1B}["))
        let svg = try runSeqlens(["logo", model, fasta, "--record", "1", "--format", "svg"])
        XCTAssertEqual(svg.status, 0, svg.stderr)
        XCTAssert(XMLParser(data: Data(svg.stdout.utf8)).parse(), "well-formed SVG")
    }

    func testHeatmapMutatesOnlyTheRange() throws {
        let result = try runSeqlens(["heatmap", model, fasta, "--record", "mt_test_04056", "--target", "CEBPB",
                                     "--range", "30:60", "--width", "100", "--color", "never"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("90 substitutions"), result.stdout)
        for letter in ["A", "C", "G", "T"] {
            XCTAssert(result.stdout.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(letter) │") }, "heatmap row \(letter)")
        }
        XCTAssert(result.stdout.contains("scale: largest |value|"))
    }

    func testBadRecordAndMethodAreOneLine() throws {
        for (arguments, message) in [
            (["logo", model, fasta, "--record", "500"], "--record 500 is out of range"),
            (["logo", model, fasta, "--method", "gradcam"], "unknown method 'gradcam'; methods: saliency, grad-input, smoothgrad, ig"),
            (["heatmap", model, fasta, "--target", "CTCF"], "target 'CTCF' is not a task of this model; tasks: 0 Arid3a"),
        ] {
            let result = try runSeqlens(arguments)
            XCTAssertEqual(result.status, 2, result.stderr)
            let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("seqlens: error:") }
            XCTAssertEqual(errors.count, 1, result.stderr)
            XCTAssert(errors.first?.contains(message) == true, result.stderr)
        }
    }
}
