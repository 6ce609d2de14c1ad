import ExplorerCore
import Genomics
import Interactive
import XCTest

/// `I`: a motif's consensus written at the cursor as one undo group.
final class MotifInsertionTests: XCTestCase {
    static let sequence = "ACGTACGTAATGACTCATTTACGTACGTAC"   // 30 nt, AP-1 site TGACTCA at 10
    /// FOS-like: consensus TGACTCA; its reverse complement TGAGTCA.
    static let fos = Motif(id: "MA0476.1", name: "FOS", alphabet: .dna, columns: [
        [0.1, 0.1, 0.1, 0.7], [0.1, 0.1, 0.7, 0.1], [0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1],
        [0.1, 0.1, 0.1, 0.7], [0.1, 0.7, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1]])
    static let ebox = Motif(id: "MA0058.4", name: "MAX", alphabet: .dna, columns: [
        [0.1, 0.7, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1], [0.1, 0.1, 0.1, 0.7], [0.1, 0.1, 0.7, 0.1]])

    func makeState() -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "one", sequence: Self.sequence)], scansMotifs: true)
        state.motifs = [Self.fos, Self.ebox]
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        return state
    }

    @discardableResult
    func type(_ text: String, _ state: inout ExplorerState) -> [Effect] {
        text.flatMap { character -> [Effect] in
            let key: Key = character == "\n" ? .enter : .character(character)
            return KeyMap.action(for: .key(key), in: state).map { state.update($0) } ?? []
        }
    }

    func text(_ state: ExplorerState) -> String { String(decoding: state.sequence, as: UTF8.self) }

    func testANamedMotifIsWrittenAtTheCursorAsOneUndoGroup() {
        var state = makeState()
        _ = state.update(.moveTo(position: 20))
        let effects = type("Imax\n", &state)
        XCTAssertEqual(text(state), "ACGTACGTAATGACTCATTTCACGTGGTAC")
        XCTAssertTrue(effects.contains(.scanMotifs(version: state.version, sequence: state.sequence)), "the edit rescans")
        XCTAssertEqual(state.message, "inserted MA0058.4 MAX (+) CACGTG at 20:26; u undoes it")
        _ = type("u", &state)
        XCTAssertEqual(text(state), Self.sequence, "one u undoes the whole motif")
        _ = state.update(.redo)
        XCTAssertEqual(text(state), "ACGTACGTAATGACTCATTTCACGTGGTAC")
    }

    /// Enter alone: the hit under the cursor becomes its motif's consensus on its strand.
    func testEnterAloneMakesTheHitUnderTheCursorPerfect() {
        var state = makeState()
        let hit = MotifSite(motifIndex: 0, positions: 10 ..< 17, strand: "-", score: 9, pValue: 1e-4)
        _ = state.update(.motifsFound(version: 0, hits: [hit], milliseconds: 0.1))
        _ = state.update(.moveTo(position: 13))
        XCTAssertEqual(state.motifHitUnderCursor, hit)
        _ = type("I\n", &state)
        XCTAssertEqual(text(state), "ACGTACGTAATGAGTCATTTACGTACGTAC")
        XCTAssertEqual(state.message, "inserted MA0476.1 FOS (-) TGAGTCA at 10:17; u undoes it")
    }

    func testRefusals() {
        var state = makeState()
        _ = type("I\n", &state)
        XCTAssertEqual(state.message, "no motif hit on one: type a motif's id or name after I (e.g. MA0476.1 FOS)")
        _ = type("Isp1\n", &state)
        XCTAssertEqual(state.message, "I sp1: none of the 2 motifs has that id or name (e.g. MA0476.1 FOS)")
        XCTAssertEqual(text(state), Self.sequence)
        var plain = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "one", sequence: Self.sequence)])
        _ = plain.start()
        _ = type("IFOS\n", &plain)
        XCTAssertEqual(plain.message, "no motifs to insert: start the explorer with --motifs FILE")
    }

    /// Near the end of the record the motif is cut, as a paste is.
    func testAMotifPastTheEndIsCut() {
        var state = makeState()
        _ = state.update(.moveTo(position: 27))
        _ = type("IMA0476.1\n", &state)
        XCTAssertEqual(text(state), "ACGTACGTAATGACTCATTTACGTACGTGA")
        XCTAssertEqual(state.message, "pasted 3 bases (4 beyond the end dropped)")
    }
}
