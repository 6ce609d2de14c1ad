import ExplorerCore
import Genomics
import Rendering
import XCTest

/// The explorer's hits: `FIMOScanner`'s sites, one per window and motif (the better strand).
final class MotifHitsTests: XCTestCase {
    private func site(_ motif: Int, _ start: Int, _ strand: Character, p: Double, score: Double) -> MotifSite {
        MotifSite(motifIndex: motif, positions: start ..< start + 7, strand: strand, score: score, pValue: p)
    }

    func testTheBetterStrandOfEachWindowStays() {
        let sites = [
            site(0, 10, "+", p: 1e-5, score: 12), site(0, 10, "-", p: 2e-5, score: 11),
            site(0, 20, "+", p: 3e-5, score: 10), site(0, 20, "-", p: 1e-6, score: 14),
            site(0, 30, "+", p: 1e-5, score: 12), site(0, 30, "-", p: 1e-5, score: 12.04),
            site(0, 40, "-", p: 1e-5, score: 12), site(0, 40, "+", p: 1e-5, score: 12),
            site(1, 10, "-", p: 5e-5, score: 9),
            site(0, 12, "+", p: 9e-5, score: 8),
        ]
        XCTAssertEqual(MotifSite.betterStrandPerWindow(sites), [
            site(0, 10, "+", p: 1e-5, score: 12),     // the lower p-value
            site(1, 10, "-", p: 5e-5, score: 9),      // another motif on the same window stays, after the stronger
            site(0, 12, "+", p: 9e-5, score: 8),      // an overlapping window stays
            site(0, 20, "-", p: 1e-6, score: 14),
            site(0, 30, "-", p: 1e-5, score: 12.04),  // the same bin: the higher score
            site(0, 40, "+", p: 1e-5, score: 12),     // a palindrome: "+"
        ])
        XCTAssertEqual(MotifSite.betterStrandPerWindow([]), [])
    }

    /// A palindrome found by the scanner on both strands is one hit on the track, "+".
    func testAPalindromeTakesOneLane() {
        let ebox = Motif(id: "MA0058.4", name: "MAX", alphabet: .dna, columns: "CACGTGCACGTG".utf8.map { base in
            (0 ..< 4).map { Alphabet.dna.index(of: base) == $0 ? 0.97 : 0.01 }
        })
        let sequence = "TTTTCACGTGCACGTGTTTTACGTACGTAC"
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "one", sequence: sequence)], scansMotifs: true)
        state.motifs = [ebox]
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        let sites = FIMOScanner(motifs: [ebox]).scan([SequenceRecord(id: "one", sequence: sequence)])
        XCTAssertEqual(sites.map(\.strand), ["+", "-"], "FIMO reports both strands")
        _ = state.update(.motifsFound(version: 0, hits: sites, milliseconds: 0.1))
        XCTAssertEqual(state.motifHits?.value, [sites[0]])
        XCTAssertEqual(state.shownAnnotations, [Annotation(positions: 4 ..< 16, label: "MAX+", color: Color(hex: 0x7F8C8D))])
    }
}
