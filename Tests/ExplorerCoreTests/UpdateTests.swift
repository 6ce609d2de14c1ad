import ExplorerCore
import ExplorerView
import Interactive
import Genomics
import Rendering
import XCTest

/// Action sequences → state (bubbletea / Elm style): no model, no terminal.
final class UpdateTests: XCTestCase {
    static let first = "ACGTACGTAATGACTCATTTACGTACGTAC"   // 30 nt, AP-1 site TGACTCA at 10
    static let second = "TTTTGGGGCCCCAAAATTTTGGGGCCCCAA"

    func makeState(width: Int = 80, height: Int = 24) -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"],
                                  records: [SequenceRecord(id: "one", sequence: Self.first), SequenceRecord(id: "two", sequence: Self.second)])
        _ = state.start()
        _ = state.update(.resize(width: width, height: height))
        return state
    }

    /// Feeds keys through the key map, as the terminal would; returns all effects.
    @discardableResult
    func press(_ keys: [Key], _ state: inout ExplorerState) -> [Effect] {
        keys.flatMap { key in KeyMap.action(for: .key(key), in: state).map { state.update($0) } ?? [] }
    }

    func type(_ text: String, _ state: inout ExplorerState) -> [Effect] {
        press(text.map { Key.character($0) }, &state)
    }

    var sequenceString: (ExplorerState) -> String { { String(decoding: $0.sequence, as: UTF8.self) } }

    func testStartAsksForReferencePredictionsAndMaps() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"], records: [SequenceRecord(id: "one", sequence: Self.first)])
        let reference = Array(Self.first.utf8)
        XCTAssertEqual(state.start(), [
            .setReference(record: 0, sequence: reference),
            .predict(version: 0, sequence: reference),
            .attribute(version: 0, sequence: reference, method: .saliency, task: 0),
            .mutagenize(version: 0, sequence: reference, first: 0 ..< 30),
        ])
        XCTAssertTrue(state.isBusy)
    }

    func testMovingClampsToTheSequence() {
        var state = makeState()
        press([.left, .character("h")], &state)
        XCTAssertEqual(state.cursor, 0)
        press([.right, .character("l"), .right], &state)
        XCTAssertEqual(state.cursor, 3)
        press([.end], &state)
        XCTAssertEqual(state.cursor, 29)
        press([.right], &state)
        XCTAssertEqual(state.cursor, 29)
        _ = type("0", &state)
        XCTAssertEqual(state.cursor, 0)
        _ = type("$", &state)
        XCTAssertEqual(state.cursor, 29)
        press([.home], &state)
        XCTAssertEqual(state.cursor, 0)
    }

    func testPagingScrollsTheViewOnLongSequences() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "long", sequence: String(repeating: "ACGT", count: 250))])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        // 80 columns minus the 8-column gutter show 72 positions at one per column.
        _ = type("L", &state)
        XCTAssertEqual(state.cursor, 72)
        XCTAssertEqual(state.viewStart, 72)
        press([.pageDown, .pageUp, .pageUp], &state)
        XCTAssertEqual(state.cursor, 0)
        XCTAssertEqual(state.viewStart, 0)
        _ = type("$", &state)
        XCTAssertEqual(state.viewStart, 1000 - 72, "the last screen ends at the last base")
    }

    func testJumpPromptMovesOrExplains() {
        var state = makeState()
        _ = type(":17", &state)
        XCTAssertEqual(state.mode, .prompt(.jump, text: "17"))
        press([.enter], &state)
        XCTAssertEqual(state.cursor, 17)
        XCTAssertEqual(state.mode, .normal)
        _ = type(":99", &state)
        press([.enter], &state)
        XCTAssertEqual(state.cursor, 17)
        XCTAssertEqual(state.message, "':99': give a position from 0 to 29")
        _ = type(":5", &state)
        press([.backspace, .backspace], &state)
        XCTAssertEqual(state.mode, .normal, "backspace on an empty prompt closes it")
    }

    func testUppercaseBaseMutatesAndAsksForEverythingAgain() {
        var state = makeState()
        _ = type(":10", &state)
        press([.enter], &state)
        let effects = type("C", &state)
        var expected = Array(Self.first.utf8)
        expected[10] = UInt8(ascii: "C")
        XCTAssertEqual(state.sequence, expected)
        XCTAssertEqual(state.version, 1)
        XCTAssertEqual(state.mutatedPositions, [10])
        XCTAssertEqual(state.unsavedRecords, 1)
        XCTAssertEqual(effects, [
            .predict(version: 1, sequence: expected),
            .attribute(version: 1, sequence: expected, method: .saliency, task: 0),
            .mutagenize(version: 1, sequence: expected, first: 0 ..< 30),
        ])
        XCTAssertEqual(state.cursor, 10, "normal mode stays on the base")
    }

    func testLowercaseIsACommandAndOtherCapitalsExplain() {
        var state = makeState()
        XCTAssertEqual(type("c", &state), [])
        XCTAssertEqual(state.version, 0)
        XCTAssertEqual(type("U", &state), [])
        XCTAssertEqual(state.message, "U is not a base of this DNA model (use ACGT or N)")
        XCTAssertEqual(type("A", &state), [], "position 0 is already A")
        XCTAssertEqual(state.message, "position 0 is already A")
        XCTAssertEqual(type("N", &state).count, 3, "N is a valid edit (an all-zero column)")
    }

    func testRNAModelsMutateWithU() {
        var state = ExplorerState(modelName: "rna", alphabet: .rna, taskNames: ["x"], records: [SequenceRecord(id: "r", sequence: "ACGUACGU")])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        XCTAssertEqual(type("U", &state).count, 3)
        XCTAssertEqual(sequenceString(state), "UCGUACGU")
        XCTAssertEqual(type("T", &state), [])
        XCTAssertEqual(state.message, "T is not a base of this RNA model (use ACGU or N)")
    }

    func testUndoRedoAndANewEditClearsRedo() {
        var state = makeState()
        _ = type("G", &state)          // 0 A>G
        _ = type("lT", &state)         // 1 C>T
        XCTAssertEqual(sequenceString(state).prefix(3), "GTG")
        _ = type("u", &state)
        XCTAssertEqual(sequenceString(state).prefix(3), "GCG")
        XCTAssertEqual(state.message, "undid 1:C>T")
        _ = type("u", &state)
        XCTAssertEqual(sequenceString(state), Self.first)
        _ = type("u", &state)
        XCTAssertEqual(state.message, "nothing to undo")
        press([.control("r")], &state)
        XCTAssertEqual(sequenceString(state).prefix(3), "GCG")
        XCTAssertEqual(state.cursor, 0, "redo moves to the edit")
        _ = type("lA", &state)         // a new edit at 1: the undone 1:C>T cannot be redone any more
        press([.control("r")], &state)
        XCTAssertEqual(state.message, "nothing to redo")
        XCTAssertEqual(sequenceString(state).prefix(3), "GAG")
        XCTAssertEqual(state.version, 6, "every change is a new version")
    }

    func testReplaceModeOverwritesUntilEscapeAndUndoesAsOneStep() {
        var state = makeState()
        _ = type("R", &state)
        XCTAssertEqual(state.mode, .replace)
        _ = type("ttgc", &state)
        XCTAssertEqual(sequenceString(state).prefix(5), "TTGCA")
        XCTAssertEqual(state.cursor, 4)
        press([.backspace], &state)
        XCTAssertEqual(sequenceString(state).prefix(5), "TTGTA", "backspace restores the base before the cursor")
        XCTAssertEqual(state.cursor, 3)
        press([.escape], &state)
        XCTAssertEqual(state.mode, .normal)
        _ = type("u", &state)
        XCTAssertEqual(sequenceString(state), Self.first, "one undo takes back the whole replace run")
        press([.control("r")], &state)
        XCTAssertEqual(sequenceString(state).prefix(5), "TTGTA")
        _ = type("u", &state)
        _ = type("R", &state)
        press([.escape], &state)
        press([.control("r")], &state)
        XCTAssertEqual(sequenceString(state).prefix(5), "TTGTA", "an empty replace run keeps what can be redone")
        _ = type("uR", &state)
        press([.escape], &state)
        _ = type("u", &state)
        XCTAssertEqual(state.message, "nothing to undo", "an empty replace run leaves no undo step")
    }

    func testResetIsUndoable() {
        var state = makeState()
        _ = type("GlT", &state)
        _ = type("r", &state)
        XCTAssertEqual(sequenceString(state), Self.first)
        XCTAssertEqual(state.message, "reset one to its reference (u brings the 2 edits back)")
        _ = type("u", &state)
        XCTAssertEqual(sequenceString(state).prefix(2), "GT")
        _ = type("rr", &state)
        XCTAssertEqual(state.message, "one has no edits")
    }

    func testRecordsKeepTheirOwnEdits() {
        var state = makeState()
        _ = type("G", &state)
        let effects = type("n", &state)
        XCTAssertEqual(state.record.id, "two")
        XCTAssertEqual(sequenceString(state), Self.second)
        XCTAssertEqual(effects.first, .setReference(record: 1, sequence: Array(Self.second.utf8)))
        _ = type("n", &state)
        XCTAssertEqual(state.message, "this is the last record")
        _ = type("p", &state)
        XCTAssertEqual(sequenceString(state).prefix(2), "GC", "record one still has its edit")
        _ = type("p", &state)
        XCTAssertEqual(state.message, "this is the first record")
    }

    func testAnotherRecordDropsTheResultsOfThePreviousOne() {
        var state = makeState()
        _ = state.update(.predicted(version: 0, values: [0.5, 0.5], milliseconds: 1))
        _ = type("n", &state)
        XCTAssertNil(state.predictions, "record one's predictions are not shown for record two")
        _ = state.update(.mutagenized(version: 0, map: MutagenesisMap(deltas: [], centered: [], positions: 0 ..< 30), milliseconds: 1))
        XCTAssertNil(state.mutagenesis, "a late result for record one is dropped")
        _ = state.update(.predicted(version: 1, values: [0.2, 0.8], milliseconds: 1))
        XCTAssertEqual(state.predictions?.value, [0.2, 0.8])
    }

    func testMotifScanningFollowsEveryVersion() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "one", sequence: Self.first), SequenceRecord(id: "two", sequence: Self.second)],
                                  scansMotifs: true)
        state.motifs = [MotifInsertionTests.fos]
        XCTAssertTrue(state.start().contains(.scanMotifs(version: 0, sequence: Array(Self.first.utf8))))
        _ = state.update(.resize(width: 80, height: 24))
        let hit = MotifSite(motifIndex: 0, positions: 10 ..< 17, strand: "+", score: 12.34, pValue: 2.14e-5)
        _ = state.update(.motifsFound(version: 0, hits: [hit], milliseconds: 0.2))
        XCTAssertEqual(state.motifHits?.value, [hit])
        XCTAssertEqual(state.shownAnnotations, [Annotation(positions: 10 ..< 17, label: "FOS+", color: Color(hex: 0x7F8C8D))], "the name and strand on the track")
        _ = state.update(.moveTo(position: 12))
        XCTAssertEqual(state.coveringCursor, ["MA0476.1 FOS(+) score 12.3 p 2.1e-5"], "the status line names the hit with its score and p-value")
        _ = state.update(.moveTo(position: 0))
        let effects = type("lG", &state)
        XCTAssertTrue(effects.contains(.scanMotifs(version: 1, sequence: state.sequence)), "an edit rescans")
        _ = type("n", &state)
        XCTAssertNil(state.motifHits, "another record's hits are not shown")
        let lines = Screen.render(state, depth: .monochrome).lines
        let layout = ExplorerLayout(width: 80, height: 24, tasks: 1, annotationRows: 2)!
        XCTAssertEqual(lines[layout.status.y - 2].trimmingCharacters(in: .whitespaces), "", "two annotation rows are kept for hits")
    }

    func testTasksWrapAndFollowTheTopTaskUntilChosen() {
        var state = makeState()
        _ = state.update(.referencePredicted(record: 0, values: [0.1, 0.9]))
        XCTAssertEqual(state.task, 1, "opens on the task the record scores highest")
        XCTAssertEqual(type("]", &state), [.attribute(version: 0, sequence: state.sequence, method: .saliency, task: 0)])
        XCTAssertEqual(state.task, 0, "wraps around")
        press([.up], &state)
        XCTAssertEqual(state.task, 1)
        _ = type("[", &state)
        _ = state.update(.referencePredicted(record: 0, values: [0.1, 0.9]))
        XCTAssertEqual(state.task, 0, "a chosen task stays")
    }

    func testMethodCycleAndISMDerivedNeedsNoGradients() {
        var state = makeState()
        var seen = [state.method]
        for _ in 0 ..< 7 {
            let effects = type("m", &state)
            seen.append(state.method)
            if state.method == .ismDerived {
                XCTAssertEqual(effects, [], "the ISM-derived map comes from the ISM already asked for")
            } else {
                XCTAssertEqual(effects, [.attribute(version: 0, sequence: state.sequence, method: state.method, task: 0)])
            }
        }
        XCTAssertEqual(seen, [.saliency, .correctedSaliency, .gradientTimesInput, .smoothGrad, .integratedGradients, .ismDerived, .deepshap, .saliency])
    }

    func testZoomLadder() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "long", sequence: String(repeating: "ACGT", count: 250))])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = type("z", &state)
        XCTAssertEqual(state.zoom, Zoom(columnsPerPosition: 2))
        _ = type("zz", &state)
        XCTAssertEqual(state.zoom, Zoom(columnsPerPosition: 3), "3 columns per position is the closest")
        _ = type("ZZZZ", &state)
        XCTAssertEqual(state.zoom, Zoom(level: 4))
        _ = type("ZZZZZZ", &state)
        // 1,000 positions in 72 columns need 14 per column: the ladder stops there.
        XCTAssertEqual(state.zoom, Zoom(level: 14))
    }

    func testSearchFindsIUPACPatternsOnBothStrandsAndCycles() {
        var state = makeState()
        _ = type("/tgasTCA", &state)
        press([.enter], &state)
        XCTAssertEqual(state.cursor, 10)
        XCTAssertEqual(state.searchHits, [10])
        XCTAssertEqual(state.message, "TGASTCA: hit 1 of 1 at 10 (+)", "a palindrome is reported on +")
        _ = type("/ACGT", &state)
        press([.enter], &state)
        XCTAssertEqual(state.searchHits, [0, 4, 20, 24])
        XCTAssertEqual(state.cursor, 20, "the first hit from the cursor on")
        _ = type("*", &state)
        XCTAssertEqual(state.cursor, 24)
        _ = type("*", &state)
        XCTAssertEqual(state.cursor, 0, "wraps to the first hit")
        _ = type("#", &state)
        XCTAssertEqual(state.cursor, 24)
        _ = type("/AXG", &state)
        press([.enter], &state)
        XCTAssertTrue(state.message?.hasPrefix("/AXG: ") == true, state.message ?? "")
    }

    func testResultsOfOlderVersionsDoNotReplaceNewerOnes() {
        var state = makeState()
        _ = state.update(.referencePredicted(record: 0, values: [0.5, 0.5]))
        _ = state.update(.predicted(version: 0, values: [0.5, 0.5], milliseconds: 1))
        _ = type("G", &state)
        XCTAssertTrue(state.arePredictionsStale)
        _ = state.update(.predicted(version: 1, values: [0.8, 0.2], milliseconds: 3))
        XCTAssertFalse(state.arePredictionsStale)
        XCTAssertEqual(state.lastEdit?.substitution, Substitution(position: 0, reference: 65, alternative: 71))
        XCTAssertEqual(state.lastEdit?.before, 0.5)
        XCTAssertEqual(state.lastEdit?.after, 0.8)
        _ = state.update(.predicted(version: 0, values: [0.1, 0.1], milliseconds: 9))
        XCTAssertEqual(state.predictions?.value, [0.8, 0.2], "a late result for an older sequence is dropped")
        let map = AttributionMap(method: .saliency, task: 1, values: [])
        _ = state.update(.attributed(version: 1, map: map, milliseconds: 2))
        XCTAssertTrue(state.isAttributionStale, "a map of another task is stale")
    }

    func testISMOfTheVisibleWindowComesFirstAndTheRestKeepsThePreviousValues() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "long", sequence: String(repeating: "ACGT", count: 50))])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        let effects = state.update(.moveTo(position: 150))
        XCTAssertEqual(effects, [])
        let edit = state.update(.mutate(base: UInt8(ascii: "C")))
        // The 72 positions on screen (80 columns less the gutter), around the cursor at 150.
        let first = state.viewStart ..< state.viewStart + 72
        XCTAssertTrue(first.contains(150))
        XCTAssertTrue(edit.contains(.mutagenize(version: 1, sequence: state.sequence, first: first)), "\(edit)")
        let old = [Float](repeating: 1, count: 4 * 200), new = [Float](repeating: 2, count: 4 * 200)
        _ = state.update(.mutagenized(version: 0, map: MutagenesisMap(deltas: old, centered: old, positions: 0 ..< 200), milliseconds: 5))
        _ = state.update(.mutagenized(version: 1, map: MutagenesisMap(deltas: new, centered: new, positions: first), milliseconds: 1))
        XCTAssertTrue(state.isMutagenesisStale, "until the rest arrives")
        XCTAssertEqual(state.mutagenesis?.value.deltas[first.lowerBound - 1], 1, "outside the window: the previous version")
        XCTAssertEqual(state.mutagenesis?.value.deltas[first.lowerBound], 2)
        XCTAssertEqual(state.mutagenesis?.value.deltas[200 + first.upperBound - 1], 2, "every letter's row")
        XCTAssertEqual(state.mutagenesis?.value.deltas[200 + first.upperBound], 1)
        // Scrolled left, the columns before the window are the previous version's: dimmed.
        _ = state.update(.moveTo(position: first.lowerBound - 20))
        let layout = ExplorerLayout(width: 80, height: 24, tasks: 1, annotationRows: 0)!
        let canvas = Screen.render(state, depth: .palette256)
        let column = layout.plotX + first.lowerBound - state.viewStart
        XCTAssertTrue(canvas[column - 1, layout.heatmap.y].style.attributes.contains(.dim))
        XCTAssertFalse(canvas[column, layout.heatmap.y].style.attributes.contains(.dim), "fresh columns are not dimmed")
        _ = state.update(.mutagenized(version: 1, map: MutagenesisMap(deltas: new, centered: new, positions: 0 ..< 200), milliseconds: 3))
        XCTAssertFalse(state.isMutagenesisStale)
        _ = state.update(.mutagenized(version: 1, map: MutagenesisMap(deltas: old, centered: old, positions: first), milliseconds: 1))
        XCTAssertEqual(state.mutagenesis?.value.deltas[first.lowerBound], 2, "a first window arriving after the whole is ignored")
    }

    func testQuitAsksOnlyWhenEditsAreUnsaved() {
        var clean = makeState()
        _ = type("q", &clean)
        XCTAssertTrue(clean.isFinished)

        var state = makeState()
        _ = type("G", &state)
        _ = type("q", &state)
        XCTAssertEqual(state.mode, .confirmQuit)
        XCTAssertFalse(state.isFinished)
        press([.escape], &state)
        XCTAssertEqual(state.mode, .normal)
        press([.control("c")], &state)
        XCTAssertEqual(state.mode, .confirmQuit)
        press([.control("c")], &state)
        XCTAssertTrue(state.isFinished, "a second Ctrl-C leaves without saving")
    }

    func testUndoingBackToTheSavedEditsLeavesNothingUnsaved() {
        var state = makeState()
        _ = state.update(.predicted(version: 0, values: [0.5, 0.5], milliseconds: 1))
        _ = type("G", &state)
        _ = state.update(.predicted(version: 1, values: [0.1, 0.2], milliseconds: 1))
        XCTAssertNotNil(state.lastEdit)
        _ = type("u", &state)
        XCTAssertNil(state.lastEdit, "the undone edit's effect is no longer shown")
        XCTAssertEqual(state.unsavedRecords, 0)
        _ = type("q", &state)
        XCTAssertTrue(state.isFinished, "nothing to ask about")
    }

    func testEditsAfterASaveAreUnsavedAgain() {
        var state = makeState()
        _ = type("G", &state)
        _ = state.update(.saved(summary: "saved", histories: state.histories))
        XCTAssertEqual(state.unsavedRecords, 0)
        _ = type("lTnA", &state)
        XCTAssertEqual(state.unsavedRecords, 2)
    }

    func testSaveFromTheQuitQuestionQuitsOnceSaved() {
        var state = makeState()
        _ = type("G", &state)
        _ = type("q", &state)
        let effects = type("s", &state)
        guard case .save(let snapshot)? = effects.first else { return XCTFail("no save effect: \(effects)") }
        XCTAssertEqual(snapshot.histories[0].applied, [[Substitution(position: 0, reference: 65, alternative: 71)]])
        XCTAssertFalse(state.isFinished, "not before the files are written")
        _ = state.update(.saved(summary: "saved 1 edit", histories: snapshot.histories))
        XCTAssertTrue(state.isFinished)
        XCTAssertEqual(state.unsavedRecords, 0)
    }

    func testAFailedSaveStaysOpen() {
        var state = makeState()
        _ = type("Gqs", &state)
        _ = state.update(.failed("error saving: disk full"))
        XCTAssertFalse(state.isFinished)
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(state.message, "error saving: disk full")
    }

    func testClickOnATrackMovesTheCursor() throws {
        var state = makeState()
        let layout = try XCTUnwrap(ExplorerLayout(width: 80, height: 24, tasks: 2, annotationRows: 0))
        _ = state.update(.click(x: layout.plotX + 12, y: layout.sequence.y))
        XCTAssertEqual(state.cursor, 12)
        _ = state.update(.click(x: 2, y: layout.sequence.y))
        XCTAssertEqual(state.cursor, 12, "the gutter is not a position")
        _ = state.update(.click(x: layout.plotX + 3, y: layout.header.y))
        XCTAssertEqual(state.cursor, 12, "the header is not a track")
    }

    func testTheCursorIsABlockAtEveryZoom() throws {
        var state = makeState()
        _ = type(":7", &state)
        press([.enter], &state)
        _ = type("zz", &state)   // 3 columns per position
        let layout = try XCTUnwrap(ExplorerLayout(width: 80, height: 24, tasks: 2, annotationRows: 0))
        let canvas = Screen.render(state, depth: .monochrome)
        let reversed = (layout.plotX ..< layout.plotX + layout.plotWidth).filter { canvas[$0, layout.sequence.y].style.attributes.contains(.reverse) }
        XCTAssertEqual(reversed, Array(layout.plotX + 21 ..< layout.plotX + 24), "the three columns of position 7")
        XCTAssertEqual(canvas[layout.plotX + 22, layout.sequence.y].character, "T", "its letter in the middle")
    }

    func testHelpClosesOnAnyKey() {
        var state = makeState()
        _ = type("?", &state)
        XCTAssertEqual(state.mode, .help)
        _ = type("G", &state)
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(state.version, 0, "the key that closes help does nothing else")
    }
}
