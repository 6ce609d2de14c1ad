import Foundation
import TestSupport
import XCTest

/// `seqlens design` end to end: tangermeme's numbers (tools/make-design-fixtures.py) through the
/// real binary, the flip search on the bundled sample model checked by predicting the designed
/// FASTA, and the refusals.
final class DesignCommandTests: XCTestCase {
    let model = Fixtures.url("design/model.onnx").path
    let fasta = Fixtures.url("design/input.fa").path
    let sampleModel = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    let sampleFASTA = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func expectedCase(_ name: String) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("design/expected.json"))) as! [String: Any]
        return (json["cases"] as! [[String: Any]]).first { $0["name"] as! String == name }!
    }

    /// The TSV's rows after the header, split into fields.
    private func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
    }

    func testGreedyWithFrozenPositionsWritesTangermemesEditsAndTrajectory() throws {
        let expected = try expectedCase("greedy_min_task1_frozen")
        let output = directory.appendingPathComponent("edits.tsv").path
        let designed = directory.appendingPathComponent("designed.fa").path
        let result = try runSeqlens(["design", model, fasta, "--record", "seq1", "--target", "1", "--minimize", "--max-edits", "6",
                                     "--freeze", "10:20", "-o", output, "--fasta-out", designed, "--threads", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let steps = expected["steps"] as! [[String: Any]]
        let table = try rows(output)
        XCTAssertTrue(try String(contentsOfFile: output, encoding: .utf8).hasPrefix("record\tstep\tedit\tprediction\tdelta\nseq1\t0\t-\t"))
        XCTAssertEqual(table.count, steps.count + 1)
        XCTAssertEqual(table[0][0 ..< 3], ["seq1", "0", "-"])
        XCTAssertEqual(Double(table[0][3])!, expected["start"] as! Double, accuracy: 1e-5)
        XCTAssertEqual(table.dropFirst().map { $0[2] }, steps.map { $0["edit"] as! String })
        var before = expected["start"] as! Double
        for (row, step) in zip(table.dropFirst(), steps) {
            let prediction = step["prediction"] as! Double
            XCTAssertEqual(Double(row[3])!, prediction, accuracy: 1e-5, row[2])
            XCTAssertEqual(Double(row[4])!, prediction - before, accuracy: 2e-5, row[2])
            before = prediction
        }
        let edits = steps.map { $0["edit"] as! String }
        XCTAssertEqual(result.stdout, """
            seq1: \(String(format: "%.4f", expected["start"] as! Double)) → \(String(format: "%.4f", before)), minimized in 6 edits by greedy search (--max-edits 6 reached)
              \(edits.joined(separator: " "))

            """)
        // The designed FASTA: seq1 with the edits, listed in its header.
        let lines = try String(contentsOfFile: designed, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, ">seq1 seqlens_edits=\(edits.joined(separator: ","))")
        var sequence = Array(try String(contentsOfFile: fasta, encoding: .utf8).split(separator: "\n")[3].utf8)
        for edit in edits {
            let position = Int(edit.split(separator: ":")[0])!
            sequence[position] = edit.utf8.last!
        }
        XCTAssertEqual(String(lines[1]), String(decoding: sequence, as: UTF8.self))
    }

    func testBeamSearchDesignsTangermemesSequence() throws {
        let expected = try expectedCase("beam4_min_task0_frozen")
        let final = (expected["rounds"] as! [[String: Any]]).last!
        let output = directory.appendingPathComponent("edits.tsv").path
        let designed = directory.appendingPathComponent("designed.fa").path
        let result = try runSeqlens(["design", model, fasta, "--record", "seq0", "--target", "0", "--minimize", "--beam", "4", "--max-edits", "4",
                                     "--allow", "0:10,20:40", "-o", output, "--fasta-out", designed])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try String(contentsOfFile: designed, encoding: .utf8).split(separator: "\n")[1], Substring(final["sequence"] as! String))
        let table = try rows(output)
        XCTAssertEqual(Set(table.dropFirst().map { $0[2] }), Set(final["edits"] as! [String]))
        XCTAssertEqual(Double(table.last![3])!, final["prediction"] as! Double, accuracy: 1e-5)
        XCTAssertTrue(result.stdout.contains("minimized in 4 edits by beam search (4)"), result.stdout)
    }

    /// The flip search on the sample model, checked by predicting the designed sequences again.
    func testFlipCrossesTheThresholdAndPredictingTheDesignConfirmsIt() throws {
        let output = directory.appendingPathComponent("flip.tsv").path
        let designed = directory.appendingPathComponent("flipped.fa").path
        let records = directory.appendingPathComponent("two.fa")
        let text = try String(contentsOfFile: sampleFASTA, encoding: .utf8)
        let chunks = text.components(separatedBy: ">").filter { $0.hasPrefix("neg_1") || $0.hasPrefix("pos_gata_1") }
        try Data(chunks.map { ">" + $0 }.joined().utf8).write(to: records)
        let result = try runSeqlens(["design", sampleModel, records.path, "--target", "GATA", "--flip", "--threshold", "0.5",
                                     "--max-edits", "8", "-o", output, "--fasta-out", designed])
        XCTAssertEqual(result.status, 0, result.stderr)
        let table = try rows(output)
        let predicted = try runSeqlens(["predict", sampleModel, designed])
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        let again = Dictionary(uniqueKeysWithValues: predicted.stdout.split(separator: "\n").dropFirst().map {
            let fields = $0.split(separator: "\t"); return (String(fields[0]), Double(fields[1])!)
        })
        for (record, raises) in [("pos_gata_1", false), ("neg_1", true)] {
            let trajectory = table.filter { $0[0] == record }.map { Double($0[3])! }
            XCTAssertGreaterThan(trajectory.count, 1, record)
            XCTAssertEqual(trajectory.last!, again[record]!, accuracy: 1e-4, "\(record): the TSV's last prediction is the designed sequence's")
            // Across at the last step and at no earlier one: the search stops at the first crossing.
            XCTAssertEqual(trajectory.map { $0 >= 0.5 }, trajectory.indices.map { ($0 == trajectory.count - 1) == raises }, record)
            let edits = trajectory.count - 1
            XCTAssertTrue(result.stdout.contains("\(record): \(String(format: "%.4f", trajectory[0])) → \(String(format: "%.4f", trajectory.last!)), across 0.5000 in \(edits) edit\(edits == 1 ? "" : "s"), the fewest greedy search found (not proven minimal)"), result.stdout)
        }
    }

    func testRefusalsAreOneLineWithStatusTwo() throws {
        let output = directory.appendingPathComponent("e.tsv").path
        let base = ["design", model, fasta, "-o", output]
        assertRefusal(try runSeqlens(base + ["--maximize", "--minimize"]),
                      "--maximize and --minimize exclude each other: give one; see `seqlens design --help`")
        assertRefusal(try runSeqlens(base),
                      "say which way to move the target: --maximize, --minimize, or --flip --threshold VALUE; see `seqlens design --help`")
        assertRefusal(try runSeqlens(base + ["--flip"]),
                      "--flip needs --threshold VALUE, the value to carry each prediction across; see `seqlens design --help`")
        assertRefusal(try runSeqlens(base + ["--flip", "--threshold", "nan"]), "--threshold must be a finite number (got nan); see `seqlens design --help`")
        assertRefusal(try runSeqlens(base + ["--maximize", "--beam", "0"]), "--beam must be at least 1; see `seqlens design --help`")
        assertRefusal(try runSeqlens(base + ["--maximize", "--freeze", "30:50"]), "--freeze 30:50 is outside positions 0 to 40 (0-based, end excluded)")
        assertRefusal(try runSeqlens(base + ["--maximize", "--allow", "5-9"]),
                      "--allow '5-9' is not START:END with whole numbers (0-based, end excluded: 40:50 is ten bases; :50 and 40: leave an end open)")
        assertRefusal(try runSeqlens(base + ["--maximize", "--record", "seq1", "--freeze", "0:20,20:40"]),
                      "--freeze/--allow leave no position of 'seq1' to edit; free some positions, or pick records with --record")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "nothing written")
    }
}
