import Foundation
import Inference
import TestSupport
import XCTest

/// With --pad/--crop every output keeps the record's own positions: rulers, TSV positions, .npz
/// starts, --range and mutations; padding is drawn as padding and heavy padding is warned about.
final class FittedCoordinatesTests: XCTestCase {
    /// A fixed-length model: 200 nt.
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
    let plain = ["PATH": "/usr/bin:/bin"]
    private var directory: URL!
    /// mt_test_04056 of assets/sequences/multitask.fa (CEBPB planted at 40–50).
    private var site = ""

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
        let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix(">mt_test_04056") })
        site = lines[(header + 1)...].prefix { !$0.hasPrefix(">") }.joined()
        XCTAssertEqual(site.count, 200)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func fasta(_ name: String, _ records: [(String, String)]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(records.map { ">\($0.0)\n\($0.1)\n" }.joined().utf8).write(to: url)
        return url.path
    }

    private func bases(_ from: Int, _ to: Int) -> String { String(Array(site)[from ..< to]) }

    /// 40 extra bases on the left and 40 on the right: --crop center keeps positions 40–240.
    private var long: String { String(repeating: "ACGT", count: 10) + site + String(repeating: "TTGCA", count: 8) }

    func testCroppedRecordKeepsItsPositions() throws {
        let path = try fasta("long.fa", [("long", long)])
        let logo = try runSeqlens(["logo", model, path, "--crop", "center", "--target", "CEBPB", "--range", "70:100", "--width", "100", "--color", "never"], environment: plain)
        XCTAssertEqual(logo.status, 0, logo.stderr)
        let lines = logo.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("long is 280 nt, cropped to the model's 200: positions 40 to 239"), logo.stdout)
        XCTAssertTrue(lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("70 ") }, "ruler from 70\n\(logo.stdout)")
        XCTAssertTrue(lines.contains { $0.replacingOccurrences(of: " ", with: "") == String(Array(long)[70 ..< 100]) }, "the record's bases 70–100")
        assertRefusal(try runSeqlens(["logo", model, path, "--crop", "center", "--range", "10:100"]),
                      "--range 10:100 is outside positions 40 to 240 of record 'long' that the model sees (0-based, end excluded)")

        let tsv = directory.appendingPathComponent("crop.tsv").path
        XCTAssertEqual(try runSeqlens(["attr", model, path, "--crop", "center", "--range", "100:", "-o", tsv]).status, 0)
        let positions = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n").dropFirst().map { Int($0.split(separator: "\t")[1])! }
        XCTAssertEqual(positions.first, 100)
        XCTAssertEqual(positions.last, 239)
    }

    func testAnnotationsOutsideTheModelsWindowAreReported() throws {
        let path = try fasta("long.fa", [("long", long)])
        let bed = directory.appendingPathComponent("sites.bed")
        try Data("long\t10\t30\tleft\nlong\t80\t90\tCEBPB\nlong\t230\t250\tedge\nother\t1\t5\tx\n".utf8).write(to: bed)
        let result = try runSeqlens(["heatmap", model, path, "--crop", "center", "--annotations", bed.path, "--range", "75:95",
                                     "--width", "80", "--color", "never"], environment: plain)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "seqlens: warning: 2 of 3 annotations of 'long' lie outside positions 40 to 240 that the model sees: left 10–30, edge 230–250\n")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let ruler = try XCTUnwrap(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("75 ") }, result.stdout)
        // Three columns per position: CEBPB's 80–90 starts 15 columns into the plot.
        let track = lines[ruler + 2]
        XCTAssertTrue(track.contains("CEBPB"), track)
        XCTAssertEqual(track.firstIndex(of: "├").map { track.distance(from: track.startIndex, to: $0) },
                       lines[ruler].range(of: "80").map { lines[ruler].distance(from: lines[ruler].startIndex, to: $0.lowerBound) }, "the interval starts under 80\n\(result.stdout)")
    }

    func testMutationsNameTheRecordsPositions() throws {
        // Position 60 of the long record is position 20 of the site, where the model's input starts at 40.
        let long = try runSeqlens(["variant", model, try fasta("long.fa", [("long", self.long)]), "--crop", "center",
                                   "--mutations", "60:\(Array(self.long)[60])>C", "--logits"])
        XCTAssertEqual(long.status, 0, long.stderr)
        let plain = try runSeqlens(["variant", model, try fasta("site.fa", [("long", site)]), "--mutations", "20:\(Array(site)[20])>C", "--logits"])
        let rows = { (text: String) in text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").dropFirst(2).joined(separator: "\t") } }
        XCTAssertEqual(long.stdout.split(separator: "\n")[1].split(separator: "\t")[1], "60:\(Array(self.long)[60])>C")
        XCTAssertEqual(rows(long.stdout), rows(plain.stdout), "same scores, own positions")
        XCTAssertEqual(rows(long.stdout).count, 12)
        assertRefusal(try runSeqlens(["variant", model, try fasta("long.fa", [("long", self.long)]), "--crop", "center", "--mutations", "10:A>G"]),
                      "mutation 10:A>G is outside positions 40 to 240 of record 'long' that the model sees")
    }

    func testPaddingIsDrawnAsPaddingAndStoredAsStarts() throws {
        let path = try fasta("short.fa", [("short", bases(20, 140))])
        let logo = try runSeqlens(["logo", model, path, "--pad", "center", "--target", "CEBPB", "--range=-4:6", "--width", "80", "--color", "never"], environment: plain)
        XCTAssertEqual(logo.status, 0, logo.stderr)
        XCTAssertEqual(logo.stderr, "", "40% padding is no warning")
        let lines = logo.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(logo.stdout.replacingOccurrences(of: "\n", with: " ").contains("short is 120 nt, padded to the model's 200: positions -40 to -1 and 120 to 159 are padding (·)"), logo.stdout)
        let ruler = try XCTUnwrap(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("-4 ") }, "ruler from -4\n\(logo.stdout)")
        XCTAssertEqual(lines[ruler + 1].replacingOccurrences(of: " ", with: ""), "····" + bases(20, 26), "padding, then the record's first bases")

        let npz = directory.appendingPathComponent("pad.npz").path
        XCTAssertEqual(try runSeqlens(["attr", model, path, "--pad", "center", "-o", npz]).status, 0)
        let stored = Dictionary(uniqueKeysWithValues: try NPZ.read(contentsOf: URL(fileURLWithPath: npz)).map { ($0.name, $0.value) })
        guard case .int(let starts)? = stored["starts"], case .int(let lengths)? = stored["lengths"] else { return XCTFail("labels") }
        XCTAssertEqual(starts.scalars, [-40])
        XCTAssertEqual(lengths.scalars, [120])
        let show = try runSeqlens(["show", npz, "--range", "115:125", "--width", "80", "--color", "never"], environment: plain)
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.replacingOccurrences(of: "\n", with: " ").contains("the record has 120 nt: positions -40 to -1 and 120 to 159 are padding (·)"), show.stdout)
        let shownLines = show.stdout.split(separator: "\n").map(String.init)
        let shownRuler = try XCTUnwrap(shownLines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("116 ") }, show.stdout)
        XCTAssertEqual(shownLines[shownRuler + 1].replacingOccurrences(of: " ", with: ""), bases(135, 140) + "·····")
    }

    func testHeavyPaddingIsOneWarningLine() throws {
        let path = try fasta("tiny.fa", [("tiny", bases(30, 80)), ("half", bases(0, 120)), ("tinier", bases(30, 70))])
        let result = try runSeqlens(["predict", model, path, "--pad", "center"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "seqlens: warning: 'tiny' is 50 nt, padded to the model's 200 (75% padding) (and 1 more record); the model sees mostly padding there\n")
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 4)
    }
}
