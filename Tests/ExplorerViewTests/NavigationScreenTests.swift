import ExplorerCore
@testable import ExplorerView
import Foundation
import Genomics
import Rendering
import XCTest

/// What the navigation features draw: the record picker, the description, search hits, the
/// counts of what does not fit, tall panes and motif hits at the cursor.
final class NavigationScreenTests: XCTestCase {
    static let tasks = (1 ... 12).map { "task\($0)" }

    /// 120 nt of ACGT… with `annotations` on record a; predictions delivered.
    func makeState(width: Int = 80, height: Int = 24, annotations: [Annotation] = [], records: [SequenceRecord]? = nil) -> ExplorerState {
        let sequence = String(repeating: "ACGTTGCA", count: 15)
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: Self.tasks,
                                  records: records ?? [SequenceRecord(id: "a", description: "chr1:100-220 CTCF peak", sequence: sequence),
                                                       SequenceRecord(id: "b", sequence: sequence)],
                                  annotations: ["a": annotations])
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: width, height: height))
        _ = state.update(.predicted(version: 0, values: Self.tasks.indices.map { Float($0) / 20 }, milliseconds: 1))
        return state
    }

    func testThePickerListsNumberIdAndDescriptionWithTheSelectionReversed() {
        let records = (1 ... 30).map { SequenceRecord(id: "peak_\($0)", description: $0 % 2 == 0 ? "even \($0)" : "", sequence: "ACGTACGT") }
        var state = makeState(records: records)
        _ = state.update(.recordPicker(.open))
        _ = state.update(.recordPicker(.type("1")))
        let canvas = Screen.render(state, depth: .monochrome)
        // A 76-column box centred on the 80×24 screen: 12 matches, record 1 first (the number), then ids containing 1.
        let box = canvas.lines[4 ... 19].map { String($0.dropFirst(2).prefix(76)) }
        XCTAssertEqual(box, [
            "┌─ records: 12 of 30 ──────────────────────────────────────────────────────┐",
            "│ find: 1▏                                                                 │",
            "│                                                                          │",
            "│  1  peak_1                                                               │",
            "│ 10  peak_10  even 10                                                     │",
            "│ 11  peak_11                                                              │",
            "│ 12  peak_12  even 12                                                     │",
            "│ 13  peak_13                                                              │",
            "│ 14  peak_14  even 14                                                     │",
            "│ 15  peak_15                                                              │",
            "│ 16  peak_16  even 16                                                     │",
            "│ 17  peak_17                                                              │",
            "│ 18  peak_18  even 18                                                     │",
            "│ 19  peak_19                                                              │",
            "│ 21  peak_21                                                              │",
            "└──────────────────────────────────────────────────────────────────────────┘",
        ])
        XCTAssertTrue(canvas[4, 7].style.attributes.contains(.reverse), "the selected record")
        XCTAssertFalse(canvas[4, 8].style.attributes.contains(.reverse))
        XCTAssertEqual(canvas.line(23).trimmingCharacters(in: .whitespaces),
                       "filter by id, description or number · ↑↓ select · Enter opens · Esc cancels")
        _ = state.update(.recordPicker(.type("x")))
        let empty = Screen.render(state, depth: .monochrome)
        XCTAssertEqual(empty.line(11).dropFirst(2).prefix(76), "│ no record's number, id or description contains '1x'                      │")
    }

    func testTheDescriptionFollowsTheHeaderWhenThereIsRoom() {
        let state = makeState(width: 120, height: 30)
        let header = Screen.render(state, depth: .monochrome).line(0)
        XCTAssertTrue(header.hasPrefix(" seqlens │ toy │ record 1/2 a │ task task1 (1/12) │ saliency │ chr1:100-220 CTCF peak   "), header)
        let narrow = Screen.render(makeState(width: 80, height: 24), depth: .monochrome).line(0)
        XCTAssertTrue(narrow.hasPrefix(" toy │ record 1/2 a │ task task1 (1/12) │ saliency │ chr1:100-220 C… ⠋ map, ISM "), narrow)
    }

    func testEverySearchHitOnScreenIsMarkedOnTheSequenceRow() throws {
        var state = makeState()
        _ = state.update(.openPrompt(.search))
        for character in "TTGC" { _ = state.update(.promptInput(character)) }
        _ = state.update(.promptSubmit)
        let layout = try XCTUnwrap(state.layout)
        let canvas = Screen.render(state, depth: .palette256)
        // ACGTTGCA repeats: TTGC at 3, 11, 19, …; its reverse complement GCAA at 5, 13, … overlaps.
        let marked = (0 ..< 16).map { canvas[layout.plotX + $0, layout.sequence.y].style.attributes.contains(.underline) }
        XCTAssertEqual(marked, [false, false, false, true, true, true, true, true, true, false, false, true, true, true, true, true])
        XCTAssertEqual(canvas[layout.plotX + 11, layout.sequence.y].style.background, Screen.searchHitBackground)
        XCTAssertEqual(state.message, "TTGC: hit 1 of 29 at 3 (+)")
    }

    func testHiddenTasksAreCountedAboveAndBelow() {
        var state = makeState()
        let top = Screen.render(state, depth: .monochrome).line(1)
        XCTAssertTrue(top.hasSuffix("↓ 6 more"), "6 of 12 bars fit at 80×24: \(top)")
        for _ in 0 ..< 9 { _ = state.update(.nextTask) }
        let middle = Screen.render(state, depth: .monochrome).line(1)
        XCTAssertTrue(middle.hasSuffix("↑ 4 more ↓ 2 more"), middle)
    }

    func testAnnotationsBeyondThreeLanesAreCounted() throws {
        let overlapping = (0 ..< 5).map { Annotation(positions: 10 + $0 ..< 30 + $0, label: "site\($0)") }
        let state = makeState(annotations: overlapping)
        let layout = try XCTUnwrap(state.layout)
        XCTAssertEqual(layout.annotations.height, 3)
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines[layout.annotations.maxY - 1].hasPrefix("+2 more "), lines[layout.annotations.maxY - 1])
        let tall = makeState(width: 160, height: 48, annotations: overlapping)
        XCTAssertEqual(tall.layout?.annotations.height, 5, "a tall screen has room for every lane")
        XCTAssertFalse(Screen.render(tall, depth: .monochrome).lines.contains { $0.contains("more ") && $0.hasPrefix("+") })
    }

    func testTallScreensGiveTheHeatmapTwoRowsPerLetter() throws {
        let annotated = try XCTUnwrap(ExplorerLayout(width: 160, height: 48, tasks: 12, annotationRows: 1))
        XCTAssertEqual(annotated.heatmapRowsPerLetter, 2)
        XCTAssertEqual(annotated.heatmap.height, 8)
        XCTAssertEqual(annotated.logo.height, 45 - 1 - 1 - 8 - 3 - 1)
        XCTAssertEqual(ExplorerLayout(width: 80, height: 24, tasks: 12, annotationRows: 1)?.heatmapRowsPerLetter, 1)
        XCTAssertEqual(ExplorerLayout(width: 100, height: 44, tasks: 12, annotationRows: 1)?.heatmapRowsPerLetter, 2)
        XCTAssertEqual(ExplorerLayout(width: 160, height: 60, tasks: 12, annotationRows: 1)?.heatmapRowsPerLetter, 3)
        var state = makeState(width: 160, height: 48)
        let layout = try XCTUnwrap(state.layout)
        let deltas = (0 ..< 4 * 120 * 12).map { Float($0 % 7) - 3 }
        _ = state.update(.mutagenized(version: 0, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< 120), milliseconds: 5))
        let canvas = Screen.render(state, depth: .palette256)
        for letter in 0 ..< 4 {
            let y = layout.heatmap.y + 2 * letter
            XCTAssertEqual(canvas.line(y).prefix(8), "     \(["A", "C", "G", "T"][letter]) │")
            XCTAssertEqual(canvas.line(y + 1).prefix(8), "       │")
            XCTAssertEqual((0 ..< 40).map { canvas[layout.plotX + $0, y + 1].style.background },
                           (0 ..< 40).map { canvas[layout.plotX + $0, y].style.background }, "both rows of a letter show its values")
        }
    }

    /// CEBPB-like, for hits made by hand (its consensus is the palindrome ATTGCGCAAT).
    static let cebpb = Motif(id: "MA0466.4", name: "CEBPB", alphabet: .dna, columns: "ATTGCGCAAT".utf8.map { base in
        (0 ..< 4).map { Alphabet.dna.index(of: base) == $0 ? 0.7 : 0.1 }
    })

    func testAMotifHitAtTheCursorShowsItsScoreAndPValue() {
        var state = makeState(width: 120, height: 30)
        state.motifs = [Self.cebpb]
        let hit = MotifSite(motifIndex: 0, positions: 0 ..< 10, strand: "+", score: 12.34, pValue: 2.1e-5)
        _ = state.update(.motifsFound(version: 0, hits: [hit], milliseconds: 1))
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines[28].hasPrefix(" pos 0/120 │ base A │ pred 0.000 │ in MA0466.4 CEBPB(+) score 12.3 p 2.1e-5 "), lines[28])
        XCTAssertTrue(lines.contains { $0.hasPrefix("        ├─CEBPB+─┤") }, "the track names the motif and strand")
    }
}
