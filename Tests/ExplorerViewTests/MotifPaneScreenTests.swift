import ExplorerCore
@testable import ExplorerView
import Genomics
import Rendering
import XCTest

/// The pane of the motif under the cursor: its database logo over the map's letters at the hit.
final class MotifPaneScreenTests: XCTestCase {
    static let sequence = "ACGTACGTAATGACTCATTTACGTACGTACGGATCCAATTGGCCTTAAGGCCAATTACGTAGCTAGCTAGGATCC"
    static let fos = Motif(id: "MA0476.1", name: "FOS", alphabet: .dna, columns: [
        [0.05, 0.05, 0.05, 0.85], [0.05, 0.05, 0.85, 0.05], [0.85, 0.05, 0.05, 0.05], [0.05, 0.45, 0.45, 0.05],
        [0.05, 0.05, 0.05, 0.85], [0.05, 0.85, 0.05, 0.05], [0.85, 0.05, 0.05, 0.05]])

    func makeState(strand: Character = "+") -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "one", sequence: Self.sequence)], scansMotifs: true)
        state.motifs = [Self.fos]
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.predicted(version: 0, values: [0.5], milliseconds: 1))
        let length = state.length
        var map = [Float](repeating: 0, count: 4 * length)
        for p in 0 ..< length {
            let letter = state.alphabet.index(of: state.sequence[p])!
            map[letter * length + p] = (10 ..< 17).contains(p) ? 1 : 0.05
        }
        _ = state.update(.attributed(version: 0, map: AttributionMap(method: .saliency, task: 0, values: map), milliseconds: 1))
        let hit = MotifSite(motifIndex: 0, positions: 10 ..< 17, strand: strand, score: 11.2, pValue: 3e-5)
        _ = state.update(.motifsFound(version: 0, hits: [hit], milliseconds: 0.1))
        return state
    }

    func testThePaneShowsTheMotifOverTheMapAtTheHit() {
        var state = makeState()
        _ = state.update(.moveTo(position: 30))
        XCTAssertFalse(Screen.render(state, depth: .monochrome).lines.contains { $0.contains("FOS(+)") || $0.contains("2 bits") },
                       "no pane while the cursor is off the hit")
        _ = state.update(.moveTo(position: 12))
        let lines = Screen.render(state, depth: .monochrome).lines
        // Rows 4–11 of the map: the pane at the right, the motif (bits) over the map's letters at 10–17.
        XCTAssertEqual(lines[4 ... 11].map { String($0.suffix(18)) }, [
            "│ MA0476.1 FOS(+) ",
            "│ ▁▁▁ ▁▁▁ 2 bits  ",
            "│ TGA▄TCA         ",
            "│ map             ",
            "│ TGACTCA         ",
            "│ TGACTCA         ",
            "│ ───────         ",
            "──────────────────",
        ].map { String(repeating: " ", count: 18 - $0.count) + $0 })
        XCTAssertTrue(lines[4].hasPrefix("      1┤          TGACTCA "), "the map itself is still drawn left of the pane")
        XCTAssertTrue(lines[22].contains("pos 12/75"), lines[22])
    }

    /// On the minus strand the pane draws the reverse complement, as the site reads.
    func testMinusStrandHitsShowTheReverseComplement() {
        var state = makeState(strand: "-")
        _ = state.update(.moveTo(position: 16))
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines[4].hasSuffix("│ MA0476.1 FOS(-) "), lines[4])
        XCTAssertTrue(lines[6].hasSuffix("│ TGA▄TCA         "), lines[6])
        _ = state.update(.toggleHelp)
        XCTAssertFalse(Screen.render(state, depth: .monochrome).lines.contains { $0.contains("FOS(-)") }, "the help covers the pane")
    }
}
