import Foundation
import TestSupport
import XCTest

/// `seqlens scan` against memelite's fimo table (tools/make-scan-fixtures.py), and its refusals.
final class ScanCommandTests: XCTestCase {
    let motifs = Fixtures.url("scan/motifs.meme").path
    let fasta = Fixtures.url("scan/sequences.fa").path

    private func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Every column of every row, the numbers as printed (score 6 significant digits, p and q 3).
    private func assertEqualsMemelite(_ output: String, table: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let got = rows(output)
        let expected = rows(try String(contentsOf: Fixtures.url("scan/\(table)"), encoding: .utf8))
        XCTAssertEqual(got.first, expected.first, file: file, line: line)
        func key(_ row: [String]) -> String { "\(row[0]) \(row[2]) \(row[3]) \(row[5])" }
        let reference = Dictionary(uniqueKeysWithValues: expected.dropFirst().map { (key($0), $0) })
        XCTAssertEqual(got.count, expected.count, file: file, line: line)
        for row in got.dropFirst() {
            guard let want = reference[key(row)] else { XCTFail("not in memelite's table: \(row)", file: file, line: line); continue }
            XCTAssertEqual(Array(row[0 ..< 6]) + [row[9]], Array(want[0 ..< 6]) + [want[9]], file: file, line: line)
            XCTAssertEqual(row[6], String(format: "%.6g", Double(want[6])!), file: file, line: line)
            XCTAssertEqual(row[7], String(format: "%.3g", Double(want[7])!), file: file, line: line)
            XCTAssertEqual(row[8], String(format: "%.3g", Double(want[8])!), file: file, line: line)
        }
    }

    func testTableEqualsMemelitesFimo() throws {
        let result = try runSeqlens(["scan", motifs, fasta])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        try assertEqualsMemelite(result.stdout, table: "hits.tsv")
        // Rows go by motif (file order), record, start, strand.
        XCTAssertTrue(result.stdout.hasPrefix("""
        motif_id\tmotif_alt_id\tsequence_name\tstart\tstop\tstrand\tscore\tp-value\tq-value\tmatched_sequence
        MA0139.2\tCTCF\tchr_a\t60\t75\t+\t18.8927\t2.56e-07\t0.000966\tGCCACCAGGGNNCGC

        """), result.stdout)
    }

    func testLooseThresholdToAFile() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try runSeqlens(["scan", motifs, fasta, "--pvalue", "1e-3", "-o", output.path, "--threads", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        try assertEqualsMemelite(try String(contentsOf: output, encoding: .utf8), table: "hits-1e-3.tsv")
    }

    func testOneMotifByName() throws {
        let result = try runSeqlens(["scan", motifs, fasta, "--motif", "ctcf"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let got = rows(result.stdout).dropFirst()
        XCTAssertEqual(got.count, 4)
        XCTAssertTrue(got.allSatisfy { $0[0] == "MA0139.2" })
    }

    /// A skewed background file changes the scores: log2(p + eps) − log2(bg) for the site's letters.
    func testBackgroundFile() throws {
        let background = FileManager.default.temporaryDirectory.appendingPathComponent("bg-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: background) }
        try "A 0.3\nC 0.2\nG 0.2\nT 0.3\n".write(to: background, atomically: true, encoding: .utf8)
        let uniform = rows(try runSeqlens(["scan", motifs, fasta, "--motif", "MA0139.2"]).stdout)
        let skewed = rows(try runSeqlens(["scan", motifs, fasta, "--motif", "MA0139.2", "--background", background.path]).stdout)
        let site = try XCTUnwrap(uniform.first { $0[2] == "chr_c" && $0[3] == "60" })
        let moved = try XCTUnwrap(skewed.first { $0[2] == "chr_c" && $0[3] == "60" })
        // Each letter's weight moves from log2(p + eps) + 2 to log2(p + eps) − log2(bg).
        let shift = site[9].reduce(0.0) { $0 + ("AT".contains($1) ? -log2(0.3) - 2 : -log2(0.2) - 2) }
        XCTAssertEqual(Double(moved[6])!, Double(site[6])! + shift, accuracy: 1e-3)
    }

    func testRefusals() throws {
        assertRefusal(try runSeqlens(["scan", motifs, fasta, "--pvalue", "0"]), "--pvalue must be above 0 and at most 1, such as 1e-4; see `seqlens scan --help`")
        assertRefusal(try runSeqlens(["scan", fasta, fasta]),
                      "\(fasta):2: a line of letters where counts belong; this looks like FASTA, not a JASPAR motif file")
        assertRefusal(try runSeqlens(["scan", motifs, fasta, "--motif", "NOPE"]), "\(motifs): no motif with id or name 'NOPE'; list them with 'seqlens motif FILE --list'")
        assertRefusal(try runSeqlens(["scan", motifs, "/nonexistent.fa"]), "/nonexistent.fa: no such file; check the path")
    }
}
