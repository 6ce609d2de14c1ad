import Foundation
import Genomics
import TestSupport
import XCTest

/// `seqlens modisco` through the real binary, on modisco-lite's own output (Tests/Fixtures/modisco).
final class ModiscoCommandTests: XCTestCase {
    let results = Fixtures.url("modisco/results.h5").path
    let plain = ["PATH": "/usr/bin:/bin"]

    private func modisco(_ arguments: [String]) throws -> CommandResult {
        try runSeqlens(["modisco"] + arguments, environment: plain)
    }

    /// expected.json's patterns in modisco's order: name, n_seqlets, width, trimmed range, consensus.
    func expectedRows() throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("modisco/expected.json"))) as! [String: Any]
        let groups = json["groups"] as! [String: [String: [String: Any]]]
        var rows: [String] = []
        for group in ["pos_patterns", "neg_patterns"] {
            let patterns = groups[group] ?? [:]
            for name in patterns.keys.sorted(by: { Int($0.dropFirst(8))! < Int($1.dropFirst(8))! }) {
                let pattern = patterns[name]!
                let width = (pattern["sequence"] as! [String: Any])["shape"] as! [Int]
                let trimmed = pattern["trimmed"] as! [Int]
                rows.append("\(group).\(name)\t\(pattern["n_seqlets"] as! Int)\t\(width[0])\t\(trimmed[0]):\(trimmed[1])\t\(pattern["consensus"] as! String)")
            }
        }
        return rows
    }

    func testListsEveryPatternAsH5pyAndModiscosTrimmingSeeIt() throws {
        let result = try modisco([results])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, (["pattern\tseqlets\twidth\tcore\tconsensus"] + (try expectedRows())).joined(separator: "\n") + "\n")
    }

    func testMotifsAddTheThreeNearestByTomtom() throws {
        let jaspar = Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme").path
        let result = try modisco([results, "--motifs", jaspar])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(lines[0], ["pattern", "seqlets", "width", "core", "consensus", "match0", "pval0", "match1", "pval1", "match2", "pval2"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("modisco/tomtom.json"))) as! [String: Any]
        let reference = json["normalised"] as! [String: [[String: Any]]]
        XCTAssertEqual(lines.count - 1, reference.count)
        for row in lines.dropFirst() {
            let best = try XCTUnwrap(reference[row[0]]?.first, row[0])
            XCTAssertEqual(row[5], best["target"] as? String, row[0])
            XCTAssertEqual(row[6], String(format: "%.3g", best["p_value"] as! Double), row[0])
        }
        let drawn = try modisco([results, "--pattern", "pattern_2", "--motifs", jaspar, "--width", "200", "--color", "never"])
        XCTAssertEqual(drawn.stdout.split(separator: "\n")[2], "TOMTOM matches of the core in JASPAR2026_CORE_vertebrates.meme: MA0083.3 SRF (p 2.4e-10), MA0482.3 GATA4 (p 0.005), MA2552.1 ZNF367 (p 0.0091)")
    }

    func testDrawsAPatternsLogos() throws {
        let cwm = try modisco([results, "--pattern", "pattern_0", "--width", "100", "--color", "never"])
        XCTAssertEqual(cwm.status, 0, cwm.stderr)
        let lines = cwm.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let row = try XCTUnwrap(expectedRows().first).split(separator: "\t")
        XCTAssertEqual(lines[0], "pos_patterns.pattern_0 · contribution weight matrix")
        XCTAssertEqual(lines[1], "results.h5 · \(row[1]) seqlets · \(row[2]) positions · core \(row[3])")
        XCTAssertTrue(cwm.stdout.contains(row[4].map { String($0) }.joined(separator: "  ")), "the consensus of the core is in the sequence row")
        try assertSnapshot(cwm.stdout, "modisco-pattern_0-cwm-100.txt")

        let ppm = try modisco([results, "--pattern", "pos_patterns.pattern_0", "--logo", "ppm", "--trim", "--width", "100", "--color", "never"])
        XCTAssertEqual(ppm.status, 0, ppm.stderr)
        XCTAssertTrue(ppm.stdout.hasPrefix("pos_patterns.pattern_0 · base frequencies in bits\nresults.h5 · \(row[1]) seqlets · "))
        XCTAssertTrue(ppm.stdout.contains("bits per row"))
        let hcwm = try modisco([results, "--pattern", "pattern_1", "--logo", "hcwm", "--format", "svg"])
        XCTAssertEqual(hcwm.status, 0, hcwm.stderr)
        XCTAssertEqual(svgElementCounts(hcwm.stdout)["path"], 120, "30 positions × 4 letters, every hypothetical contribution non-zero")
        XCTAssertTrue(hcwm.stdout.contains("pos_patterns.pattern_1 · hypothetical contributions"))
    }

    func testExportsTheSameMotifsAsModiscoMeme() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modisco-meme-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("patterns.meme").path
        let result = try modisco([results, "--export-meme", output])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        let ours = try MotifReader.read(contentsOf: URL(fileURLWithPath: output))
        let theirs = try MotifReader.read(contentsOf: Fixtures.url("modisco/patterns.meme"))
        XCTAssertEqual(ours.map(\.id), theirs.map(\.id))
        XCTAssertEqual(ours.map(\.sites), try expectedRows().map { Int($0.split(separator: "\t")[1]) })
        for (motif, reference) in zip(ours, theirs) {
            XCTAssertEqual(motif.width, reference.width, motif.id)
            XCTAssertEqual(compare(motif.probabilities.map { Float($0) }, reference.probabilities.map { Float($0) }, absolute: 2e-6, relative: 0).failures, 0, motif.id)
        }
        let trimmed = directory.appendingPathComponent("cores.meme").path
        XCTAssertEqual(try modisco([results, "--export-meme", trimmed, "--trim"]).status, 0)
        let cores = try MotifReader.read(contentsOf: URL(fileURLWithPath: trimmed))
        XCTAssertEqual(cores.map(\.consensus), try expectedRows().map { String($0.split(separator: "\t")[4]) })
    }

    func testRefusalsAreOneLine() throws {
        let hostile = Fixtures.url("modisco/hostile/wide-contrib-scores.h5").path
        assertRefusal(try modisco([hostile]), "\(hostile): pos_patterns/pattern_0/contrib_scores has shape [8, 5], expected (width, 4) with width 1 to 100000 (A, C, G, T per position)")
        assertRefusal(try modisco(["absent.h5"]), "absent.h5: no such file; check the path")
        let fasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa").path
        assertRefusal(try modisco([fasta]), "\(fasta): is not an HDF5 file; give modisco-lite's results (modisco motifs -o RESULTS.h5)")
        let names = try expectedRows().prefix(8).map { String($0.split(separator: "\t")[0]) }.joined(separator: ", ")
        assertRefusal(try modisco([results, "--pattern", "pattern_99"]), "\(results): no pattern 'pattern_99'; give one of \(names)\(try expectedRows().count > 8 ? ", ..." : "")")
        assertRefusal(try modisco([results, "--pattern", "pattern_0", "--export-meme", "x.meme"]), "--export-meme writes every pattern; leave out --pattern; see `seqlens modisco --help`")
        assertRefusal(try modisco([Fixtures.url("modisco").path]), "\(Fixtures.url("modisco").path): is a directory; give the path of modisco-lite's results (.h5)")
    }
}
