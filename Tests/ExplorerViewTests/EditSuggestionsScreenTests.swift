import ExplorerCore
@testable import ExplorerView
import Foundation
import Genomics
import Rendering
import XCTest

/// What the `b` pane draws: the best next edits with their effect and the prediction they give.
final class EditSuggestionsScreenTests: XCTestCase {
    static let sequence = "ACGTACGTAATGACTCATTTACGTACGTAC"   // 30 nt

    func makeState(ismArrived: Bool = true) -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"],
                                  records: [SequenceRecord(id: "one", sequence: Self.sequence)])
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.predicted(version: 0, values: [0.6, 0.5], milliseconds: 1))
        if ismArrived {
            // Task 0: every edit at position p to letter l has effect (p − 14.5)·(l + 1)/200, so
            // the rightmost positions raise it most and the leftmost lower it most.
            var deltas = [Float](repeating: 0, count: 4 * 30 * 2)
            for letter in 0 ..< 4 { for p in 0 ..< 30 { deltas[(letter * 30 + p) * 2] = (Float(p) - 14.5) * Float(letter + 1) / 200 } }
            _ = state.update(.mutagenized(version: 0, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< 30), milliseconds: 1))
        }
        _ = state.update(.editSuggestions(.open))
        return state
    }

    func testThePaneListsRaisingThenLoweringEditsWithTheSelectionReversed() {
        var state = makeState()
        _ = state.update(.editSuggestions(.select(by: 6)))
        let canvas = Screen.render(state, depth: .monochrome)
        let box = canvas.lines[5 ... 17].map { String($0.dropFirst(16).prefix(48)) }
        XCTAssertEqual(box, [
            "┌─ best next edits: up (now 0.600) ────────────┐",
            "│ edit        effect     prediction            │",
            "│ 29:C>T      +0.290     → 0.890               │",
            "│ 28:A>T      +0.270     → 0.870               │",
            "│ 26:G>T      +0.230     → 0.830               │",
            "│ 29:C>G      +0.218     → 0.817               │",
            "│ 25:C>T      +0.210     → 0.810               │",
            "│ 0:A>T       -0.290     → 0.310               │",
            "│ 1:C>T       -0.270     → 0.330               │",
            "│ 2:G>T       -0.250     → 0.350               │",
            "│ 0:A>G       -0.218     → 0.383               │",
            "│ 4:A>T       -0.210     → 0.390               │",
            "└──────────────────────────────────────────────┘",
        ])
        XCTAssertTrue(canvas[18, 13].style.attributes.contains(.reverse), "the selected edit")
        XCTAssertFalse(canvas[18, 12].style.attributes.contains(.reverse))
        XCTAssertEqual(canvas.line(23).trimmingCharacters(in: .whitespaces),
                       "best next edits by ISM effect · ↑↓ select · Enter applies (u undoes) · Esc")
    }

    func testThePaneSaysItWaitsForTheIsm() {
        let canvas = Screen.render(makeState(ismArrived: false), depth: .monochrome)
        XCTAssertEqual(canvas.lines[5 ... 17].map { String($0.dropFirst(16).prefix(48)) }, [
            "┌─ best next edits: up (now 0.600) ────────────┐",
            "│ edit        effect     prediction            │",
            "│                                              │",
            "│ computing ISM of this sequence…              │",
        ] + Array(repeating: "│                                              │", count: 8) + [
            "└──────────────────────────────────────────────┘",
        ])
    }
}
