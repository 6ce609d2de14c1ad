import ExplorerCore
import Genomics
import Interactive
import Rendering
import XCTest

/// The record picker, the mouse wheel, the first screen's region and search hits: actions → state.
final class NavigationTests: XCTestCase {
    static let long = String(repeating: "ACGT", count: 250)   // 1,000 nt

    @discardableResult
    func press(_ keys: [Key], _ state: inout ExplorerState) -> [Effect] {
        keys.flatMap { key in KeyMap.action(for: .key(key), in: state).map { state.update($0) } ?? [] }
    }

    @discardableResult
    func type(_ text: String, _ state: inout ExplorerState) -> [Effect] { press(text.map { Key.character($0) }, &state) }

    func pickerState() -> ExplorerState {
        let records = [SequenceRecord(id: "chr1_peak", description: "[CTCF] strong", sequence: "ACGTACGT"),
                       SequenceRecord(id: "chr2_peak", description: "[GATA1]", sequence: "TTTTACGT"),
                       SequenceRecord(id: "enh_3", description: "ctcf weak", sequence: "GGGGACGT"),
                       SequenceRecord(id: "promoter_12", sequence: "CCCCACGT")]
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: records)
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        return state
    }

    func testThePickerFiltersByIdOrDescriptionAndOpensTheSelection() {
        var state = pickerState()
        type("g", &state)
        XCTAssertEqual(state.mode, .pickRecord(RecordPicker()), "opens with an empty filter on the current record")
        type("CTCF", &state)
        XCTAssertEqual(state.recordMatches("CTCF"), [0, 2], "descriptions match, letter case ignored")
        press([.down], &state)
        let effects = press([.enter], &state)
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(state.record.id, "enh_3")
        XCTAssertEqual(effects.first, .setReference(record: 2, sequence: Array("GGGGACGT".utf8)))
    }

    func testAPasteIntoThePickerFiltersAsIfTyped() {
        var state = pickerState()
        type("g", &state)
        let effects = state.update(KeyMap.action(for: .paste("enh_\n"), in: state)!)
        XCTAssertEqual(effects, [])
        XCTAssertEqual(state.mode, .pickRecord(RecordPicker(filter: "enh_")), "the line break is dropped, nothing is mutated")
        XCTAssertEqual(state.sequence, state.reference)
    }

    func testANumberPicksTheNthRecordFirst() {
        var state = pickerState()
        XCTAssertEqual(state.recordMatches("2"), [1, 3], "record 2, then the ids containing 2 (chr2_peak is record 2 itself)")
        XCTAssertEqual(state.recordMatches("peak"), [0, 1])
        XCTAssertEqual(state.recordMatches("9"), [], "no ninth record and no id with a 9")
        type("g4", &state)
        press([.enter], &state)
        XCTAssertEqual(state.record.id, "promoter_12")
    }

    func testThePickerKeepsItsSelectionInRangeAndEscLeavesTheRecord() {
        var state = pickerState()
        type("g", &state)
        press([.pageDown], &state)
        XCTAssertEqual(state.mode, .pickRecord(RecordPicker(filter: "", selection: 3)), "stops at the last match")
        XCTAssertEqual(KeyMap.action(for: .scroll(by: -1), in: state), .recordPicker(.select(by: -1)), "the wheel moves the selection")
        type("zz", &state)
        press([.enter], &state)
        XCTAssertEqual(state.mode, .pickRecord(RecordPicker(filter: "zz", selection: 0)), "Enter with no match stays in the picker")
        press([.backspace, .backspace], &state)
        press([.escape], &state)
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(state.record.id, "chr1_peak")
    }

    func testStartUpWarningsAreShownOnePerKey() {
        var state = pickerState()
        state.showMessages(["warning: a", "warning: b"])
        XCTAssertEqual(state.message, "(1/2) warning: a")
        type("l", &state)
        XCTAssertEqual(state.message, "(2/2) warning: b")
        _ = state.update(.tick)
        XCTAssertEqual(state.message, "(2/2) warning: b", "only keys move on")
        type("l", &state)
        XCTAssertNil(state.message)
        state.showMessages(["warning: only"])
        XCTAssertEqual(state.message, "warning: only", "a single message is not numbered")
    }

    func testTheWheelScrollsAFewColumnsAndTheCursorStaysOnScreen() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "long", sequence: Self.long)])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        XCTAssertEqual(KeyMap.action(for: .scroll(by: 2), in: state), .scroll(by: 2))
        _ = state.update(.scroll(by: 2))
        // 72 positions on screen, 3 per notch; the cursor keeps a tenth (7) from the edge.
        XCTAssertEqual(state.viewStart, 6)
        XCTAssertEqual(state.cursor, 13)
        _ = state.update(.scroll(by: -10))
        XCTAssertEqual(state.viewStart, 0)
        XCTAssertEqual(state.cursor, 13, "a cursor still on screen stays")
        _ = state.update(.zoomOut)
        _ = state.update(.scroll(by: 1))
        XCTAssertEqual(state.viewStart, 6, "3 columns of 2 positions each")
        _ = state.update(.scroll(by: 1000))
        XCTAssertEqual(state.viewStart, 1000 - 144, "stops at the end")
        XCTAssertEqual(state.cursor, 1000 - 144 + 14)
        _ = state.update(.toggleHelp)
        XCTAssertEqual(KeyMap.action(for: .scroll(by: 1), in: state), .scrollHelp(by: 3), "the wheel scrolls the help")
    }

    /// Record one has an annotation at 500–510, record two none: it opens on its largest attribution.
    func testRecordsOpenOnTheirMostInformativeRegionUntilTheUserMoves() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "one", sequence: Self.long), SequenceRecord(id: "two", sequence: Self.long)],
                                  annotations: ["one": [Annotation(positions: 700 ..< 720, label: "late"), Annotation(positions: 500 ..< 510, label: "site")]])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        XCTAssertEqual(state.cursor, 500, "the first annotation by position")
        XCTAssertEqual(state.viewStart, 505 - 36, "centred on it")
        type("n", &state)
        var map = [Float](repeating: 0.01, count: 4 * 1000)
        map[2 * 1000 + 800] = -3   // |G at 800| is the largest
        map[0 * 1000 + 100] = 2
        _ = state.update(.attributed(version: state.version, map: AttributionMap(method: .saliency, task: 0, values: map), milliseconds: 1))
        XCTAssertEqual(state.cursor, 800)
        XCTAssertEqual(state.viewStart, 800 - 36)
        map[100] = 9
        _ = state.update(.attributed(version: state.version, map: AttributionMap(method: .saliency, task: 0, values: map), milliseconds: 1))
        XCTAssertEqual(state.cursor, 800, "only the first map places the record")
        type("l", &state)
        type("p", &state)
        XCTAssertEqual(state.cursor, 801, "after a move records keep the cursor")
    }

    func testSearchMessagesNameTheStrandAndEveryHitOnScreenIsKnown() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "s", sequence: "AAACCCTTTGGGAAACCCC")])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        type("/CCC", &state)
        press([.enter], &state)
        XCTAssertEqual(state.message, "CCC: hit 1 of 4 at 3 (+)")
        type("*", &state)
        XCTAssertEqual(state.message, "CCC: hit 2 of 4 at 9 (−)", "GGG is CCC on the reverse strand")
        XCTAssertEqual(state.searchHitPositions(in: 0 ..< 19), [3, 4, 5, 9, 10, 11, 15, 16, 17, 18])
        XCTAssertEqual(state.searchHitPositions(in: 4 ..< 10), [4, 5, 9])
    }
}
