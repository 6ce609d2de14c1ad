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

    // MARK: - The whole score range, planted sites, warnings

    /// The shipped JASPAR vertebrate collection, read once.
    private static let jaspar: [Motif] = {
        (try? MotifReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme"))) ?? []
    }()

    private func jasparMotif(_ query: String) throws -> Motif {
        XCTAssertEqual(Self.jaspar.count, 1019)
        return try Motif.find(query, in: Self.jaspar, source: "JASPAR2026_CORE_vertebrates.meme")
    }

    private func scan(_ motifs: [Motif], _ sequence: [UInt8], threshold: Double = 1e-4) -> [MotifSite] {
        FIMOScanner(motifs: motifs, pValueThreshold: threshold).scan([SequenceRecord(id: "s", sequence: sequence)])
    }

    /// The weights memelite gives a motif: log2(p + eps) − log2(background), per position and letter.
    private func weights(_ motif: Motif) -> [[Double]] {
        let background = motif.background.count == 4 ? motif.background : [0.25, 0.25, 0.25, 0.25]
        return (0 ..< motif.width).map { p in (0 ..< 4).map { log2(motif.probability($0, at: p) + 1e-4) - log2(background[$0]) } }
    }

    /// Over the whole score range: a width-7 motif with zero and uniform columns under a skewed
    /// background, scanned at p < 1 on every 7-mer there is (all 4^7 laid end to end), so that nearly
    /// every window of both strands is a site. Each site's p-value is P(binned score ≥ its bin) over
    /// the 4^7 windows weighted by the background, enumerated here.
    func testPValuesOverTheWholeScoreRangeMatchEnumeration() {
        let background = [0.3, 0.2, 0.2, 0.3]
        let toy = Motif(id: "toy1", name: "Toy", alphabet: .dna,
                        columns: [[0.7, 0.1, 0.1, 0.1], [0, 0.9, 0.1, 0], [0.25, 0.25, 0.25, 0.25], [0.05, 0.05, 0.85, 0.05],
                                  [0.4, 0, 0.6, 0], [0.3, 0.2, 0.2, 0.3], [0, 0, 0, 1]],
                        background: background)
        let w = toy.width, windows = 1 << (2 * w)
        func letters(_ code: Int) -> [Int] { (0 ..< w).map { (code >> (2 * $0)) & 3 } }
        let forward = weights(toy)
        let reverse = forward.reversed().map { column in (0 ..< 4).map { column[3 - $0] } }
        // P(S ≥ k) per strand, from the probability of each binned score.
        func tail(_ weights: [[Double]]) -> (Int) -> Double {
            var mass: [Int: Double] = [:]
            for code in 0 ..< windows {
                let window = letters(code)
                let bin = zip(0..., window).reduce(0) { $0 + Int((weights[$1.0][$1.1] / 0.1).rounded(.toNearestOrEven)) }
                mass[bin, default: 0] += window.reduce(1.0) { $0 * background[$1] }
            }
            let low = mass.keys.min()!, high = mass.keys.max()!
            var above = [Double](repeating: 0, count: high - low + 2)
            for k in stride(from: high, through: low, by: -1) { above[k - low] = above[k - low + 1] + (mass[k] ?? 0) }
            return { k in k > high ? 0 : above[max(k, low) - low] }
        }
        let tails: [Character: (Int) -> Double] = ["+": tail(forward), "-": tail(reverse)]
        let sequence = (0 ..< windows).flatMap { letters($0).map { Array("ACGT".utf8)[$0] } }
        let sites = scan([toy], sequence, threshold: 1)
        XCTAssertGreaterThan(sites.count, 2 * (sequence.count - w + 1) * 9 / 10, "nearly every window on both strands")
        for site in sites {
            let bin = Int(site.score / 0.1)
            XCTAssertEqual(site.pValue, tails[site.strand]!(bin), accuracy: 1e-12 + 1e-9 * site.pValue, "\(site)")
        }
        XCTAssertGreaterThan(Set(sites.map(\.pValue)).count, 200, "p-values across the range")
        // The best letter everywhere is the best window there is: the smallest p-value, the top bin's.
        let bestLetters = forward.map { column in Array("ACGT".utf8)[column.indices.max { column[$0] < column[$1] }!] }
        let best = sites.filter { $0.strand == "+" && Array(sequence[$0.positions]) == bestLetters }
        XCTAssertFalse(best.isEmpty)
        for site in best {
            XCTAssertEqual(site.score, forward.reduce(0) { $0 + $1.max()! }, accuracy: 1e-12)
            XCTAssertEqual(site.pValue, sites.map(\.pValue).min())
        }
    }

    func testPlantedSitesOnBothStrands() throws {
        let ctcf = try jasparMotif("MA0139.2")
        let site = Array(ctcf.consensus.utf8)
        let w = ctcf.width
        var generator = SeededGenerator(seed: 42)
        var sequence = (0 ..< 300).map { _ in Array("ACGT".utf8)[Int.random(in: 0 ..< 4, using: &generator)] }
        sequence.replaceSubrange(60 ..< 60 + w, with: site)
        sequence.replaceSubrange(200 ..< 200 + w, with: reverseComplement(site, alphabet: .dna))
        let sites = scan([ctcf], sequence)

        let plus = sites.first { $0.positions == 60 ..< 60 + w }
        XCTAssertEqual(plus?.strand, "+")
        XCTAssertLessThan(plus?.pValue ?? 1, 1e-8)
        let minus = sites.first { $0.positions == 200 ..< 200 + w }
        XCTAssertEqual(minus?.strand, "-")
        XCTAssertEqual(minus?.pValue, plus?.pValue)
        XCTAssertEqual(minus?.score ?? 0, plus?.score ?? 1, accuracy: 1e-9)
        XCTAssertEqual(plus?.score ?? 0, weights(ctcf).reduce(0) { $0 + $1.max()! }, accuracy: 1e-9, "the consensus scores the best letter everywhere")
        XCTAssertEqual(sites.map(\.pValue).min(), plus?.pValue, "the consensus is the best-scoring window there is")
        XCTAssertTrue(sites.allSatisfy { $0.pValue < 1e-4 && $0.positions.count == w })
        // Lowercase reads alike.
        XCTAssertEqual(scan([ctcf], Array(String(decoding: sequence, as: UTF8.self).lowercased().utf8)), sites)
    }

    func testNoSiteInPolyAForAGCRichMotif() throws {
        XCTAssertEqual(scan([try jasparMotif("MA0139.2")], [UInt8](repeating: UInt8(ascii: "A"), count: 500)), [])
    }

    /// N weighs 0 (memelite): a consensus with one N scores the consensus less that position's best
    /// weight, and is still a site when that passes. Shorter than the motif, or empty: no site.
    func testNWeighsZeroAndShortRecordsHaveNoSites() throws {
        let ctcf = try jasparMotif("MA0139.2")
        let site = Array(ctcf.consensus.utf8)
        let w = ctcf.width
        let flank = [UInt8](repeating: UInt8(ascii: "A"), count: 30)
        var withN = site
        withN[w / 2] = UInt8(ascii: "N")
        let sites = scan([ctcf], flank + withN + flank + site + flank).filter { $0.strand == "+" }
        XCTAssertEqual(sites.map(\.positions), [30 ..< 30 + w, 60 + w ..< 60 + 2 * w])
        let best = weights(ctcf).map { $0.max()! }
        XCTAssertEqual(sites.first?.score ?? 0, best.reduce(0, +) - best[w / 2], accuracy: 1e-9)
        XCTAssertEqual(scan([ctcf], Array(site.dropLast())), [])
        XCTAssertEqual(scan([ctcf], []), [])
    }

    /// A palindrome scores alike on both strands: FIMO reports both (the explorer keeps "+").
    func testPalindromesAreSitesOnBothStrands() {
        let ebox = Motif(id: "pal", alphabet: .dna, columns: "CACGTGCACGTG".utf8.map { b in
            (0 ..< 4).map { Alphabet.dna.index(of: b) == $0 ? 0.97 : 0.01 }
        }, sites: 100)
        let sites = scan([ebox], Array("TTTTCACGTGCACGTGTTTT".utf8))
        XCTAssertEqual(sites.map(\.positions), [4 ..< 16, 4 ..< 16])
        XCTAssertEqual(sites.map(\.strand), ["+", "-"])
        XCTAssertEqual(sites[0].pValue, sites[1].pValue)
    }

    /// Six fixed letters: the best p is 4⁻⁶ ≈ 2.4e-4, so no site at 1e-4 and the consensus at 1e-3.
    func testAShortMotifPassesOnlyAThresholdItCanReach() {
        let short = Motif(id: "short", alphabet: .dna, columns: Array(repeating: [1, 0, 0, 0], count: 6), sites: 1000)
        XCTAssertEqual(scan([short], Array("CCAAAAAACC".utf8)), [])
        let sites = scan([short], Array("CCAAAAAACC".utf8), threshold: 1e-3)
        XCTAssertEqual(sites.map(\.positions), [2 ..< 8])
        XCTAssertEqual(sites.map(\.strand), ["+"])
    }

    /// The warning names the motifs that can never pass, with their best p-value (4⁻⁶ for six fixed letters).
    func testUnreachableMotifsAreNamedWithTheirBestPValue() throws {
        let short = Motif(id: "short", name: "SIX", alphabet: .dna, columns: Array(repeating: [1, 0, 0, 0], count: 6), sites: 1000)
        let scanner = FIMOScanner(motifs: [try jasparMotif("MA0466.4"), short])
        XCTAssertEqual(scanner.unreachableMotifs.map(\.motif.id), ["short"])
        XCTAssertEqual(scanner.unreachableMotifs.first?.bestPValue ?? 0, 1.0 / 4096, accuracy: 1e-12)
        XCTAssertEqual(scanner.unreachableWarning(option: "--motif-pvalue"),
                       "warning: 1 of 2 motifs cannot reach p < 0.0001 even at their best score, so they show no hits (short SIX best p 2.4e-04); a larger --motif-pvalue shows them")
        XCTAssertNil(FIMOScanner(motifs: [short], pValueThreshold: 1e-3).unreachableWarning(option: "--motif-pvalue"))
        // Four motifs out of reach: three named, then "...".
        let many = FIMOScanner(motifs: (1 ... 4).map { Motif(id: "s\($0)", alphabet: .dna, columns: Array(repeating: [1, 0, 0, 0], count: 6)) })
        XCTAssertEqual(many.unreachableWarning(option: "--pvalue"),
                       "warning: 4 of 4 motifs cannot reach p < 0.0001 even at their best score, so they show no hits (s1 best p 2.4e-04, s2 best p 2.4e-04, s3 best p 2.4e-04, ...); a larger --pvalue shows them")
    }

    /// DNA motifs on an RNA model: a warning, and U scans as T.
    func testDNAMotifsOnRNASequencesWarnAndReadUAsT() throws {
        let cebpb = try jasparMotif("MA0466.4")
        let scanner = FIMOScanner(motifs: [cebpb])
        XCTAssertNil(scanner.alphabetWarning(sequences: .dna, source: "JASPAR.meme"))
        XCTAssertEqual(scanner.alphabetWarning(sequences: .rna, source: "JASPAR.meme"),
                       "warning: the motifs of JASPAR.meme are DNA and the model reads RNA: they are scanned with U read as T")
        let rnaMotif = Motif(id: "r1", name: "RBP", alphabet: .rna, columns: Array(repeating: [0.25, 0.25, 0.25, 0.25], count: 4))
        XCTAssertEqual(FIMOScanner(motifs: [cebpb, try jasparMotif("MA0139.2"), rnaMotif]).alphabetWarning(sequences: .rna, source: "mixed.meme"),
                       "warning: 2 motifs of mixed.meme (MA0466.4 CEBPB, ...) are DNA and the model reads RNA: they are scanned with U read as T")
        let dna = Array("GGATTGCGCAATCC".utf8)
        let rna = dna.map { $0 == UInt8(ascii: "T") ? UInt8(ascii: "U") : $0 }
        XCTAssertFalse(scan([cebpb], dna).isEmpty)
        XCTAssertEqual(scan([cebpb], rna), scan([cebpb], dna))
    }

    /// mt_test_04056 has a CEBPB site planted at 40–50 on + (multitask.tsv).
    func testFindsThePlantedCEBPBSiteInMultitask() throws {
        let cebpb = try jasparMotif("cebpb")
        XCTAssertEqual(cebpb.id, "MA0466.4")
        let records = try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa"))
        let record = try XCTUnwrap(records.first { $0.id == "mt_test_04056" })
        let sites = scan([cebpb], record.sequence)
        XCTAssertTrue(sites.contains { $0.positions == 40 ..< 50 && $0.strand == "+" && $0.pValue < 1e-4 }, "sites: \(sites)")
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
