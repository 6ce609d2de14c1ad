import Foundation
import XCTest
import Genomics

final class MotifScannerTests: XCTestCase {
    private static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("assets")

    /// The shipped JASPAR vertebrate collection, read once.
    private static let jaspar: [Motif] = {
        (try? MotifReader.read(contentsOf: assets.appendingPathComponent("motifs/JASPAR2026_CORE_vertebrates.meme"))) ?? []
    }()

    private func jasparMotif(_ query: String) throws -> Motif {
        XCTAssertEqual(Self.jaspar.count, 1019)
        return try Motif.find(query, in: Self.jaspar, source: "JASPAR2026_CORE_vertebrates.meme")
    }

    /// A width-7 motif with mixed columns (some zeros, some near-uniform) and a skewed background.
    private let toy = Motif(
        id: "toy1", name: "Toy", alphabet: .dna,
        columns: [[0.7, 0.1, 0.1, 0.1], [0, 0.9, 0.1, 0], [0.25, 0.25, 0.25, 0.25], [0.05, 0.05, 0.85, 0.05],
                  [0.4, 0, 0.6, 0], [0.3, 0.2, 0.2, 0.3], [0, 0, 0, 1]],
        background: [0.3, 0.2, 0.2, 0.3], sites: 20)

    // MARK: - Scores and p-values

    /// FIMO's pseudocount: p' = (p·n + pseudo·bg) / (n + pseudo), score log2(p' / bg).
    func testLogOddsApplyThePseudocountAsFIMO() {
        let m = MotifScoreMatrix(motif: toy, pseudocount: 0.1)
        // Position 1, letter A: p = 0, bg = 0.3, n = 20.
        XCTAssertEqual(m.logOdds[1 * 4 + 0], log2((0.1 * 0.3 / 20.1) / 0.3), accuracy: 1e-12)
        // Position 0, letter A: p = 0.7.
        XCTAssertEqual(m.logOdds[0 * 4 + 0], log2((0.7 * 20 + 0.1 * 0.3) / 20.1 / 0.3), accuracy: 1e-12)
        // Without a site count, MEME's default of 20 sites.
        var unknown = toy
        unknown.sites = nil
        XCTAssertEqual(MotifScoreMatrix(motif: unknown, pseudocount: 0.1).logOdds, m.logOdds)
    }

    /// The DP distribution against all 4^7 windows. For the integer (binned) scores the DP is exact, so
    /// it must agree to rounding of doubles (1e-12). For the real-valued scores each window's binned score
    /// is within δ = width / (2 · binsPerBit) bits of its real score (every entry rounds by at most half a
    /// bin), so P(real ≥ s + δ) ≤ p_DP(s) ≤ P(real ≥ s − δ); we also check the real fraction at s itself
    /// is within those bounds' spread.
    func testPValuesMatchBruteForceEnumeration() {
        let m = MotifScoreMatrix(motif: toy, pseudocount: 0.1)
        let w = toy.width
        let (minScore, pValues) = m.pValues()
        XCTAssertEqual(pValues[0], 1, accuracy: 1e-12)

        var windows: [(integer: Int, real: Double, probability: Double)] = []
        for code in 0 ..< (1 << (2 * w)) {
            let letters = (0 ..< w).map { (code >> (2 * $0)) & 3 }
            let probability = letters.reduce(1.0) { $0 * m.background[$1] }
            windows.append((m.integerScore(letters), m.score(letters), probability))
        }
        XCTAssertEqual(windows.reduce(0) { $0 + $1.probability }, 1, accuracy: 1e-12)
        let maxScore = windows.map(\.integer).max()!
        XCTAssertEqual(minScore + pValues.count - 1, maxScore)

        let delta = Double(w) / (2 * m.binsPerBit)
        XCTAssertLessThan(delta, 0.05) // 100 bins per bit here: ≤ 0.035 bits
        for k in stride(from: minScore, through: maxScore, by: max(1, (maxScore - minScore) / 40)) + [maxScore - 50, maxScore] {
            let dp = pValues[k - minScore]
            let exact = windows.filter { $0.integer >= k }.reduce(0) { $0 + $1.probability }
            XCTAssertEqual(dp, exact, accuracy: 1e-12 + 1e-9 * exact, "integer score \(k)")

            let s = Double(k) / m.binsPerBit
            let upper = windows.filter { $0.real >= s - delta }.reduce(0) { $0 + $1.probability }
            let lower = windows.filter { $0.real >= s + delta }.reduce(0) { $0 + $1.probability }
            XCTAssertLessThanOrEqual(lower, dp + 1e-12, "score \(s)")
            XCTAssertLessThanOrEqual(dp, upper + 1e-12, "score \(s)")
        }
    }

    /// The scanner reports, for a hit, the DP p-value of its binned score and the real log-odds score.
    func testHitCarriesExactScoreAndPValue() {
        let scanner = MotifScanner(motifs: [toy], pValueThreshold: 0.01)
        let m = MotifScoreMatrix(motif: toy, pseudocount: 0.1)
        let site = Array(toy.consensus.utf8)
        let hits = scanner.scan(Array("TTTT".utf8) + site + Array("TTTT".utf8)).filter { $0.positions == 4 ..< 11 }
        XCTAssertEqual(hits.count, 1)
        let letters = site.map { Alphabet.dna.index(of: $0)! }
        let (minScore, pValues) = m.pValues()
        XCTAssertEqual(hits.first?.score ?? 0, m.score(letters), accuracy: 1e-12)
        XCTAssertEqual(hits.first?.pValue, pValues[m.integerScore(letters) - minScore])
        XCTAssertEqual(hits.first?.strand, "+")
        XCTAssertEqual(hits.first?.motif, "toy1 Toy")
        XCTAssertEqual(hits.first?.motifID, "toy1")
    }

    // MARK: - Planted sites

    private func randomSequence(_ length: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        let letters = Array("ACGT".utf8)
        return (0 ..< length).map { _ in letters[Int.random(in: 0 ..< 4, using: &rng)] }
    }

    func testPlantedSitesOnBothStrands() throws {
        let ctcf = try jasparMotif("MA0139.2")
        let site = Array(ctcf.consensus.utf8)
        let w = ctcf.width
        var sequence = randomSequence(300, seed: 42)
        sequence.replaceSubrange(60 ..< 60 + w, with: site)
        sequence.replaceSubrange(200 ..< 200 + w, with: reverseComplement(site, alphabet: .dna))
        let hits = MotifScanner(motifs: [ctcf]).scan(sequence)

        let plus = hits.first { $0.positions == 60 ..< 60 + w }
        XCTAssertEqual(plus?.strand, "+")
        XCTAssertLessThan(plus?.pValue ?? 1, 1e-8)
        XCTAssertEqual(plus?.motif, "MA0139.2 CTCF")
        let minus = hits.first { $0.positions == 200 ..< 200 + w }
        XCTAssertEqual(minus?.strand, "-")
        XCTAssertEqual(minus?.pValue, plus?.pValue)
        XCTAssertEqual(minus?.score ?? 0, plus?.score ?? 1, accuracy: 1e-9)
        // The consensus is the best-scoring window there is.
        XCTAssertEqual(hits.map(\.pValue).min(), plus?.pValue)
        XCTAssertTrue(hits.allSatisfy { $0.pValue < 1e-4 && $0.positions.count == w })
        XCTAssertEqual(hits.map(\.positions.lowerBound), hits.map(\.positions.lowerBound).sorted())
        // One strand per window.
        XCTAssertEqual(Set(hits.map(\.positions.lowerBound)).count, hits.count)

        // Lowercase reads alike.
        let lower = Array(String(decoding: sequence, as: UTF8.self).lowercased().utf8)
        XCTAssertEqual(MotifScanner(motifs: [ctcf]).scan(lower), hits)
    }

    func testNoHitInPolyAForAGCRichMotif() throws {
        let ctcf = try jasparMotif("MA0139.2")
        XCTAssertEqual(MotifScanner(motifs: [ctcf]).scan([UInt8](repeating: UInt8(ascii: "A"), count: 500)), [])
    }

    func testWindowsWithNAreSkipped() throws {
        let ctcf = try jasparMotif("MA0139.2")
        let site = Array(ctcf.consensus.utf8)
        let w = ctcf.width
        let flank = [UInt8](repeating: UInt8(ascii: "A"), count: 30)
        var withN = site
        withN[w / 2] = UInt8(ascii: "N")
        let hits = MotifScanner(motifs: [ctcf]).scan(flank + withN + flank + site + flank)
        XCTAssertEqual(hits.map(\.positions), [60 + w ..< 60 + 2 * w])
        // Shorter than the motif: nothing to scan.
        XCTAssertEqual(MotifScanner(motifs: [ctcf]).scan(Array(site.dropLast())), [])
        XCTAssertEqual(MotifScanner(motifs: [ctcf]).scan([]), [])
    }

    /// Palindromes score the same on both strands: the scanner reports "+" once.
    func testPalindromeReportsOneHit() {
        let ebox = Motif(id: "pal", alphabet: .dna, columns: "CACGTGCACGTG".utf8.map { b in
            (0 ..< 4).map { Alphabet.dna.index(of: b) == $0 ? 0.97 : 0.01 }
        }, sites: 100)
        let hits = MotifScanner(motifs: [ebox]).scan(Array("TTTTCACGTGCACGTGTTTT".utf8))
        XCTAssertEqual(hits.map(\.positions), [4 ..< 16])
        XCTAssertEqual(hits.map(\.strand), ["+"])
    }

    /// A motif whose best window cannot reach the threshold never reports (as FIMO).
    func testShortMotifCannotReachThreshold() {
        let short = Motif(id: "short", alphabet: .dna, columns: Array(repeating: [1, 0, 0, 0], count: 6), sites: 1000)
        XCTAssertEqual(MotifScanner(motifs: [short]).scan(Array("CCAAAAAACC".utf8)), [])
        XCTAssertEqual(MotifScanner(motifs: [short], pValueThreshold: 1e-3).scan(Array("CCAAAAAACC".utf8)).map(\.positions), [2 ..< 8])
    }

    /// The warning names the motifs that can never pass, with their best p-value (4⁻⁶ for six fixed letters).
    func testUnreachableMotifsAreNamedWithTheirBestPValue() throws {
        let short = Motif(id: "short", name: "SIX", alphabet: .dna, columns: Array(repeating: [1, 0, 0, 0], count: 6), sites: 1000)
        let scanner = MotifScanner(motifs: [try jasparMotif("MA0466.4"), short])
        XCTAssertEqual(scanner.unreachableMotifs.map(\.motif.id), ["short"])
        XCTAssertEqual(scanner.unreachableMotifs.first?.bestPValue ?? 0, 1.0 / 4096, accuracy: 1e-12)
        XCTAssertEqual(scanner.unreachableWarning(option: "--motif-pvalue"),
                       "warning: 1 of 2 motifs cannot reach p < 0.0001 even at their best score, so they show no hits (short SIX best p 2.4e-04); a larger --motif-pvalue shows them")
        XCTAssertNil(MotifScanner(motifs: [short], pValueThreshold: 1e-3).unreachableWarning(option: "--motif-pvalue"))
    }

    /// DNA motifs on an RNA model: a warning, and U scans as T.
    func testDNAMotifsOnRNASequencesWarnAndReadUAsT() throws {
        let cebpb = try jasparMotif("MA0466.4")
        let scanner = MotifScanner(motifs: [cebpb])
        XCTAssertNil(scanner.alphabetWarning(sequences: .dna, source: "JASPAR.meme"))
        XCTAssertEqual(scanner.alphabetWarning(sequences: .rna, source: "JASPAR.meme"),
                       "warning: the motifs of JASPAR.meme are DNA and the model reads RNA: they are scanned with U read as T")
        let dna = Array("GGATTGCGCAATCC".utf8)
        let rna = dna.map { $0 == UInt8(ascii: "T") ? UInt8(ascii: "U") : $0 }
        XCTAssertFalse(scanner.scan(dna).isEmpty)
        XCTAssertEqual(scanner.scan(rna), scanner.scan(dna))
    }

    // MARK: - Real data

    /// mt_test_04056 has a CEBPB site planted at 40–50 on + (multitask.tsv).
    func testFindsThePlantedCEBPBSiteInMultitask() throws {
        let cebpb = try jasparMotif("cebpb")
        XCTAssertEqual(cebpb.id, "MA0466.4")
        let records = try FASTAReader.read(contentsOf: Self.assets.appendingPathComponent("sequences/multitask.fa"))
        let record = try XCTUnwrap(records.first { $0.id == "mt_test_04056" })
        let hits = MotifScanner(motifs: [cebpb]).scan(record.sequence)
        let site = hits.filter { $0.positions.overlaps(40 ..< 50) }
        XCTAssertFalse(site.isEmpty, "hits: \(hits)")
        XCTAssertTrue(site.contains { $0.strand == "+" && $0.pValue < 1e-4 }, "hits: \(site)")
    }
}
