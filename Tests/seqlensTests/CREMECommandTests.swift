import Foundation
import TestSupport
import XCTest

/// `seqlens creme`: the planted CEBPB site of a sample model's test sequence is the one tile that is
/// both necessary and sufficient; seeds reproduce; refusals.
final class CREMECommandTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa").path
    var arguments: [String] { ["creme", model, fasta, "--record", "mt_test_04056", "--tile", "25", "--shuffles", "10", "--seed", "1", "--target", "CEBPB"] }

    func testThePlantedSiteIsNecessaryAndSufficient() throws {
        let result = try runSeqlens(arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows[0], ["record", "start", "end", "necessity", "necessity_sd", "sufficiency", "sufficiency_sd", "context"])
        XCTAssertEqual(rows.count, 9, "eight tiles of 25 over 200 bases")
        for row in rows.dropFirst() {
            let (necessity, sufficiency) = (Double(row[3])!, Double(row[5])!)
            XCTAssertEqual(Double(row[7])!, necessity - sufficiency, accuracy: 1e-6, "context is necessity − sufficiency")
            if row[1] == "25" {
                // CEBPB planted at 40–50: without it the prediction falls from 1 to 0, alone it rises from 0 to 1.
                XCTAssertGreaterThan(necessity, 0.99)
                XCTAssertGreaterThan(sufficiency, 0.99)
            } else {
                XCTAssertLessThan(abs(necessity), 0.01, "\(row)")
                XCTAssertLessThan(abs(sufficiency), 0.01, "\(row)")
            }
        }
        XCTAssertEqual(try runSeqlens(arguments).stdout, result.stdout, "a seed gives the same shuffles")
        XCTAssertNotEqual(try runSeqlens(arguments.dropLast(4) + ["--seed", "2", "--target", "CEBPB"]).stdout, result.stdout)
    }

    /// With -o the TSV goes to the file and the plot to stdout: a bar per test and tile.
    func testPlotWithOutputFile() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("creme-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try runSeqlens(arguments + ["-o", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try String(contentsOf: output, encoding: .utf8), try runSeqlens(arguments).stdout)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "mt_test_04056 · CEBPB · f(x) 1.000 · shuffled 0.000 · 10 shuffles")
        XCTAssertEqual(lines.count, 18, "a title, 16 bars and the final newline")
        XCTAssertEqual(lines[3], "25:50 necessity      │███████████████████████████████████████████████████ 0.999")
        XCTAssertEqual(lines[4], "25:50 sufficiency    │███████████████████████████████████████████████████ 0.999")
        XCTAssertEqual(lines[5], "50:75 necessity      │                                                    0.000")
    }

    func testRefusals() throws {
        assertRefusal(try runSeqlens(arguments + ["--tile", "0"]), "--tile must be 1 or more bases; see `seqlens creme --help`")
        assertRefusal(try runSeqlens(arguments + ["--shuffles", "0"]), "--shuffles must be from 1 to 1000; see `seqlens creme --help`")
        assertRefusal(try runSeqlens(arguments + ["--tile", "200"]), "--tile 200 covers the whole 200-base input; give a tile shorter than the input, such as 25")
        assertRefusal(try runSeqlens(arguments + ["-o", "tiles.npy"]), "--output must end in .tsv (got 'tiles.npy'); see `seqlens creme --help`")
    }
}
