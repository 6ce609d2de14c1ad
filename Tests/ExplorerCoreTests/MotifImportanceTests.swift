import ExplorerCore
import ExplorerView
import Genomics
import Interactive
import XCTest

/// `i`: the global importance of the motif hit under the cursor, asked for and shown.
final class MotifImportanceTests: XCTestCase {
    static let sequence = "ACGTACGTAATGACTCATTTACGTACGTAC"   // AP-1 site TGACTCA at 10
    let hit = MotifSite(motifIndex: 0, positions: 10 ..< 17, strand: "+", score: 12.34, pValue: 2.14e-5)

    func makeState(scansMotifs: Bool = true) -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"],
                                  records: [SequenceRecord(id: "one", sequence: Self.sequence)], scansMotifs: scansMotifs)
        state.motifs = [MotifInsertionTests.fos]
        _ = state.start()
        _ = state.update(.resize(width: 120, height: 30))
        return state
    }

    private func press(_ text: String, _ state: inout ExplorerState) -> [Effect] {
        text.flatMap { KeyMap.action(for: .key(.character($0)), in: state).map { state.update($0) } ?? [] }
    }

    func testTheKeyAsksForTheHitUnderTheCursorAndTheResultIsShown() {
        var state = makeState()
        _ = state.update(.motifsFound(version: 0, hits: [hit], milliseconds: 1))
        _ = state.update(.moveTo(position: 12))
        XCTAssertEqual(press("i", &state), [.measureImportance(version: 0, sequence: Array(Self.sequence.utf8), site: 10 ..< 17, label: "FOS+", positions: 10 ..< 17)])
        XCTAssertEqual(state.message, "global importance of FOS+ in 100 dinucleotide shuffles of one…")
        let measured = MotifImportance(label: "FOS+", positions: 10 ..< 17, mean: [0.4213, -0.0123], halfWidth: [0.0512, 0.004], count: 100)
        _ = state.update(.importanceMeasured(version: 0, importance: measured, milliseconds: 840))
        XCTAssertEqual(state.importanceFact, "GIA FOS+ on up +0.421 ± 0.051 (100 shuffles)")
        XCTAssertEqual(state.message, "GIA FOS+ on up +0.421 ± 0.051 (100 shuffles) · 840 ms")
        _ = press("]", &state)
        XCTAssertEqual(state.importanceFact, "GIA FOS+ on down -0.012 ± 0.004 (100 shuffles)", "the shown task's value")
        _ = state.update(.moveTo(position: 20))
        XCTAssertNil(state.importanceFact, "only while the cursor is on the hit")
        _ = state.update(.moveTo(position: 16))
        XCTAssertNotNil(state.importanceFact)
        _ = press("G", &state)
        XCTAssertNil(state.importanceFact, "an edit makes it stale")
    }

    func testALateResultForAnOlderSequenceIsDropped() {
        var state = makeState()
        _ = state.update(.motifsFound(version: 0, hits: [hit], milliseconds: 1))
        _ = state.update(.moveTo(position: 0))
        _ = press("G", &state)
        _ = state.update(.moveTo(position: 12))
        _ = state.update(.importanceMeasured(version: 0, importance: MotifImportance(label: "FOS+", positions: 10 ..< 17, mean: [1, 1], halfWidth: [0, 0], count: 100), milliseconds: 1))
        XCTAssertNil(state.motifImportance)
    }

    func testWithoutAHitOrWithoutScanningItSaysWhy() {
        var state = makeState()
        _ = state.update(.motifsFound(version: 0, hits: [hit], milliseconds: 1))
        _ = state.update(.moveTo(position: 3))
        XCTAssertEqual(press("i", &state), [])
        XCTAssertEqual(state.message, "no motif hit under the cursor; move onto one on the annotation row")
        var plain = makeState(scansMotifs: false)
        XCTAssertEqual(press("i", &plain), [])
        XCTAssertEqual(plain.message, "global importance needs motif hits: start the explorer with --motifs FILE")
    }
}
