import Foundation
import Genomics
import TestSupport
import XCTest

/// `FIMOScanner` against memelite's fimo (tools/make-scan-fixtures.py wrote its hit tables) and
/// against brute-force enumeration where memelite has no counterpart (another background).
final class FIMOScannerTests: XCTestCase {
    private func fixtureMotifs() throws -> [Motif] { try MotifReader.read(contentsOf: Fixtures.url("scan/motifs.meme")) }
    private func fixtureRecords() throws -> [SequenceRecord] { try FASTAReader.read(contentsOf: Fixtures.url("scan/sequences.fa")) }

    /// memelite's rows: every column equal, numbers to the precision of doubles.
    private func assertMatchesMemelite(threshold: Double, table: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let motifs = try fixtureMotifs(), records = try fixtureRecords()
        let sites = FIMOScanner(motifs: motifs, pValueThreshold: threshold).scan(records, threads: 2)
        let expected = try String(contentsOf: Fixtures.url("scan/\(table)"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        func key(_ row: [String]) -> String { "\(row[0]) \(row[2]) \(row[3]) \(row[5])" }
        let byKey = Dictionary(uniqueKeysWithValues: expected.map { (key($0), $0) })
        XCTAssertEqual(sites.count, expected.count, "number of sites", file: file, line: line)
        for site in sites {
            let motif = motifs[site.motifIndex], record = records[site.recordIndex]
            let row = [motif.id, motif.name, record.id, "\(site.positions.lowerBound)", "\(site.positions.upperBound)", String(site.strand)]
            guard let reference = byKey[key(row)] else { XCTFail("site not in memelite's table: \(row)", file: file, line: line); continue }
            XCTAssertEqual(row, Array(reference[0 ..< 6]), file: file, line: line)
            XCTAssertEqual(site.score, Double(reference[6])!, accuracy: 1e-9, "\(row)", file: file, line: line)
            XCTAssertEqual(site.pValue, Double(reference[7])!, accuracy: 1e-9 * Double(reference[7])!, "\(row)", file: file, line: line)
            XCTAssertEqual(site.qValue, Double(reference[8])!, accuracy: 1e-9 * Double(reference[8])!, "\(row)", file: file, line: line)
        }
    }

    func testMatchesMemeliteAtTheDefaultThreshold() throws {
        try assertMatchesMemelite(threshold: 1e-4, table: "hits.tsv")
    }

    func testMatchesMemeliteAtALooseThreshold() throws {
        try assertMatchesMemelite(threshold: 1e-3, table: "hits-1e-3.tsv")
    }

    /// One thread or several give the same sites in the same order.
    func testThreadsDoNotChangeTheSites() throws {
        let scanner = FIMOScanner(motifs: try fixtureMotifs(), pValueThreshold: 1e-3)
        XCTAssertEqual(scanner.scan(try fixtureRecords(), threads: 1), scanner.scan(try fixtureRecords(), threads: 3))
    }

    /// Under a skewed background the p-value of each site is P(binned score ≥ its bin) over all 4^5
    /// windows weighted by the background, enumerated here; the scores use log2(p + eps) − log2(bg).
    func testPValuesUnderASkewedBackgroundMatchEnumeration() {
        let background = [0.35, 0.15, 0.15, 0.35]
        let columns: [[Double]] = [[0.7, 0.1, 0.1, 0.1], [0, 0.9, 0.1, 0], [0.25, 0.25, 0.25, 0.25], [0.05, 0.05, 0.85, 0.05], [0.4, 0, 0.6, 0]]
        let motif = Motif(id: "toy", alphabet: .dna, columns: columns, background: background)
        let weights = columns.map { column in (0 ..< 4).map { log2(column[$0] + 1e-4) - log2(background[$0]) } }
        var generator = SeededGenerator(seed: 7)
        let sequence = (0 ..< 400).map { _ in Array("ACGT".utf8)[Int.random(in: 0 ..< 4, using: &generator)] }
        let sites = FIMOScanner(motifs: [motif], pValueThreshold: 0.05).scan([SequenceRecord(id: "s", sequence: sequence)])
        XCTAssertGreaterThan(sites.count, 10)
        for site in sites {
            var letters = sequence[site.positions].map { Alphabet.dna.index(of: $0)! }
            var w = weights
            if site.strand == "-" {
                letters = letters.reversed().map { 3 - $0 }
            }
            XCTAssertEqual(site.score, zip(0..., letters).reduce(0) { $0 + w[$1.0][$1.1] }, accuracy: 1e-12)
            let bin = Int(site.score / 0.1)
            // The reverse strand is scored on forward letters: the null draws those from the background.
            if site.strand == "-" { w = w.reversed().map { column in (0 ..< 4).map { column[3 - $0] } } }
            var p = 0.0
            for code in 0 ..< 1024 {
                let window = (0 ..< 5).map { (code >> (2 * $0)) & 3 }
                let binned = zip(0..., window).reduce(0) { $0 + Int((w[$1.0][$1.1] / 0.1).rounded(.toNearestOrEven)) }
                if binned >= bin { p += window.reduce(1.0) { $0 * background[$1] } }
            }
            XCTAssertEqual(site.pValue, p, accuracy: 1e-12, "\(site)")
            XCTAssertLessThan(site.pValue, 0.05)
        }
    }

    /// A motif too short to reach the threshold, and a sequence shorter than the motif, give no sites.
    func testUnreachableThresholdsAndShortSequencesGiveNoSites() throws {
        let max = try Motif.find("MA0058.4", in: try fixtureMotifs(), source: "motifs.meme")
        XCTAssertEqual(FIMOScanner(motifs: [max]).scan([SequenceRecord(id: "s", sequence: "CACGTGCACGTG")]), [])
        XCTAssertEqual(FIMOScanner(motifs: [max], pValueThreshold: 1e-2).scan([SequenceRecord(id: "s", sequence: "CACG")]), [])
    }

    func testBackgroundFiles() throws {
        let text = "# fasta-get-markov\n# order 0\nA 3.000e-01\nC 2.000e-01\nG 2.000e-01\nT 3.000e-01\nAA 0.09\n"
        XCTAssertEqual(try MotifReader.parseBackground(text, source: "bg.txt"), [0.3, 0.2, 0.2, 0.3])
        assertGenomicsError("bg.txt: gives 3 of the 4 letter frequencies; write one line per letter of A, C, G, T") { try MotifReader.parseBackground("A 0.3\nC 0.2\nG 0.5\n", source: "bg.txt") }
        assertGenomicsError("bg.txt:2: expected a letter and its frequency, such as 'A 0.295'") { try MotifReader.parseBackground("A 0.3\nC\n", source: "bg.txt") }
        assertGenomicsError("bg.txt:2: 'X' is not one of the letters A, C, G, T") { try MotifReader.parseBackground("A 0.3\nX 0.2\n", source: "bg.txt") }
        assertGenomicsError("bg.txt:1: the frequency of A is 0; every letter needs a frequency above 0") { try MotifReader.parseBackground("A 0\n", source: "bg.txt") }
    }
}
