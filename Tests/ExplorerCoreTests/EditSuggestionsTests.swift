import ExplorerCore
import Genomics
import Interactive
import XCTest

/// The `b` pane: the best next edits from the ISM of the current sequence, applied undoably.
final class EditSuggestionsTests: XCTestCase {
    static let sequence = "ACGTACGTAATGACTCATTTACGTACGTAC"   // 30 nt
    static let letters = Array("ACGT")

    /// Two tasks; ISM effects (A, L, T) zero but for `effects` [(position, letter, task, Δ)].
    func makeState(effects: [(Int, Character, Int, Float)]) -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"],
                                  records: [SequenceRecord(id: "one", sequence: Self.sequence)])
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        var deltas = [Float](repeating: 0, count: 4 * 30 * 2)
        for (position, letter, task, delta) in effects { deltas[(Self.letters.firstIndex(of: letter)! * 30 + position) * 2 + task] = delta }
        _ = state.update(.mutagenized(version: state.version, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< 30), milliseconds: 1))
        return state
    }

    func press(_ keys: [Key], _ state: inout ExplorerState) -> [Effect] {
        keys.flatMap { key in KeyMap.action(for: .key(key), in: state).map { state.update($0) } ?? [] }
    }

    func testRaisingEditsFirstThenLoweringOnesEachByEffectTiesLeftmost() {
        // Position 0 is A: its "A" effect is the reference and never an edit.
        let state = makeState(effects: [(0, "A", 0, 0.9), (3, "A", 0, 0.5), (12, "C", 0, 0.3), (10, "C", 0, 0.3),
                                        (7, "A", 0, -0.4), (8, "G", 0, -0.1), (3, "G", 1, 0.8)])
        XCTAssertEqual(state.editSuggestions.map { "\($0.substitution) \($0.delta)" },
                       ["3:T>A 0.5", "10:T>C 0.3", "12:A>C 0.3", "7:T>A -0.4", "8:A>G -0.1"])
        var other = state
        _ = other.update(.nextTask)
        XCTAssertEqual(other.editSuggestions.map(\.substitution.description), ["3:T>G"], "the current task's effects")
    }

    func testEnterAppliesTheSelectedEditAsOneUndoableEdit() {
        var state = makeState(effects: [(3, "A", 0, 0.5), (10, "C", 0, 0.3), (7, "A", 0, -0.4)])
        XCTAssertEqual(press([.character("b")], &state), [])
        XCTAssertEqual(state.mode, .suggestEdits(EditSuggestions(selection: 0)))
        _ = press([.down, .down, .down], &state)   // clamped to the last of three
        XCTAssertEqual(state.mode, .suggestEdits(EditSuggestions(selection: 2)))
        _ = press([.up], &state)
        let effects = press([.enter], &state)
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(String(decoding: state.sequence, as: UTF8.self), "ACGTACGTAACGACTCATTTACGTACGTAC")
        XCTAssertEqual(state.cursor, 10)
        XCTAssertTrue(effects.contains(.predict(version: 1, sequence: state.sequence)), "the edited sequence is predicted")
        XCTAssertEqual(state.histories[0].applied, [[Substitution(position: 10, reference: UInt8(ascii: "T"), alternative: UInt8(ascii: "C"))]])
        _ = press([.character("u")], &state)
        XCTAssertEqual(String(decoding: state.sequence, as: UTF8.self), Self.sequence)
    }

    func testTheListWaitsForTheIsmOfTheCurrentSequence() {
        var state = makeState(effects: [(3, "A", 0, 0.5)])
        _ = state.update(.mutate(base: UInt8(ascii: "G")))   // a new version: its ISM is not in yet
        XCTAssertEqual(state.editSuggestions, [])
        _ = press([.character("b"), .enter], &state)
        XCTAssertEqual(state.message, "no edit to apply yet: the ISM of this sequence is still being computed")
        _ = press([.escape], &state)
        XCTAssertEqual(state.mode, .normal)
    }
}
