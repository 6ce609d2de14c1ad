import ExplorerCore
import Genomics
import Interactive
import Rendering
import XCTest

/// `--pad` / `--crop` in the explorer: the record's own positions everywhere the user looks, types
/// or saves; padding not editable; the model's window sliding along a longer record.
final class RecordCoordinatesTests: XCTestCase {
    static let short = "ACGTACGTAC"  // 10 nt, padded to 16 (3 Ns on each side)
    static let long = (0 ..< 100).map { ["A", "C", "G", "T"][($0 * 7 + $0 / 3) % 4] }.joined()  // 100 nt, windows of 40

    func padded(annotations: [String: [Annotation]] = [:]) -> ExplorerState {
        let record = SequenceRecord(id: "short", sequence: Self.short)
        return ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [record],
                             windows: [ModelWindow(recordLength: 10, inputLength: 16, start: -3)], annotations: annotations)
    }

    func cropped(annotations: [String: [Annotation]] = [:]) -> ExplorerState {
        let record = SequenceRecord(id: "long", sequence: Self.long)
        return ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [record],
                             windows: [ModelWindow(recordLength: 100, inputLength: 40, start: 30)], annotations: annotations)
    }

    @discardableResult
    func press(_ text: String, _ state: inout ExplorerState) -> [Effect] {
        text.flatMap { key in KeyMap.action(for: .key(.character(key)), in: state).map { state.update($0) } ?? [] }
    }

    @discardableResult
    func jump(to position: Int, _ state: inout ExplorerState) -> [Effect] {
        press(":\(position)", &state) + state.update(.promptSubmit)
    }

    func bases(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testPaddingIsOnTheTrackButPositionsAreTheRecords() {
        var state = padded(annotations: ["short": [Annotation(positions: 2 ..< 4, label: "site")]])
        XCTAssertEqual(state.start(), [
            .setReference(record: 0, sequence: bases("NNNACGTACGTACNNN")),
            .predict(version: 0, sequence: bases("NNNACGTACGTACNNN")),
            .attribute(version: 0, sequence: bases("NNNACGTACGTACNNN"), method: .saliency, task: 0),
            .mutagenize(version: 0, sequence: bases("NNNACGTACGTACNNN"), first: 0 ..< 16),
        ], "the model is given the padded record")
        XCTAssertEqual(String(decoding: state.sequence, as: UTF8.self), "...ACGTACGTAC...", "padding is shown as padding")
        XCTAssertEqual(state.length, 16)
        XCTAssertEqual(state.recordLength, 10)
        XCTAssertEqual(state.recordPosition(state.cursor), 2, "the cursor opens on the annotation, moved onto the track")
        XCTAssertEqual(state.shownAnnotations.map(\.positions), [5 ..< 7], "annotations move with the record onto the track")
        XCTAssertEqual([state.isPadding(2), state.isPadding(3), state.isPadding(12), state.isPadding(13)], [true, false, false, true])

        jump(to: 5, &state)
        XCTAssertEqual(state.recordPosition(state.cursor), 5)
        let effects = press("T", &state)
        XCTAssertEqual(effects.first, .predict(version: 1, sequence: bases("NNNACGTATGTACNNN")))
        XCTAssertEqual(state.snapshot.histories[0].applied, [[Substitution(position: 5, reference: UInt8(ascii: "C"), alternative: UInt8(ascii: "T"))]],
                       "saved edits are in the record's positions")
        XCTAssertEqual(state.snapshot.view.cursor, 5)
        press("u", &state)
        XCTAssertEqual(state.message, "undid 5:C>T")
        press("T", &state)

        jump(to: 10, &state)
        XCTAssertEqual(state.message, "':10': give a position from 0 to 9")
        _ = state.update(.moveToStart)
        XCTAssertEqual(state.recordPosition(state.cursor), -3)
        XCTAssertEqual(press("A", &state), [])
        XCTAssertEqual(state.message, "position -3 is padding, not part of short (0 to 9): it cannot be edited")
        XCTAssertEqual(state.mutatedPositions, [8])

        // A session saved in record positions restores onto the track.
        var reopened = padded()
        reopened.restore(histories: state.snapshot.histories, view: state.snapshot.view)
        XCTAssertEqual(String(decoding: reopened.sequence, as: UTF8.self), "...ACGTATGTAC...")
        XCTAssertEqual(reopened.recordPosition(reopened.cursor), -3)
    }

    func testTheWindowOfALongerRecordFollowsTheCursor() {
        var state = cropped()
        let record = bases(Self.long)
        XCTAssertEqual(state.recordPosition(state.cursor), 30, "the cursor opens on the first base the model sees")
        let start = state.start()
        XCTAssertEqual(start.first, .setReference(record: 0, sequence: Array(record[30 ..< 70])))
        XCTAssertEqual(start.last, .mutagenize(version: 0, sequence: Array(record[30 ..< 70]), first: 0 ..< 40),
                       "before the first resize the whole record is visible: the whole window first")
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: [0.5]))
        _ = state.update(.predicted(version: 0, values: [0.5], milliseconds: 1))
        XCTAssertEqual(state.inputRange, 30 ..< 70)

        // Inside the window nothing is recomputed.
        XCTAssertEqual(jump(to: 69, &state), [])
        // Outside it, the window centres on the cursor and everything is asked for again.
        let slide = jump(to: 75, &state)
        XCTAssertEqual(state.window.start, 55)
        XCTAssertEqual(state.inputRange, 55 ..< 95)
        XCTAssertEqual(slide.first, .setReference(record: 0, sequence: Array(record[55 ..< 95])))
        XCTAssertTrue(slide.contains(.predict(version: 1, sequence: Array(record[55 ..< 95]))), "\(slide)")
        XCTAssertNil(state.predictions, "the old window's results are dropped")
        XCTAssertNil(state.referencePredictions[0])
        _ = state.update(.predicted(version: 0, values: [0.9], milliseconds: 1))
        XCTAssertNil(state.predictions, "a late result of the old window is ignored")

        _ = state.update(.moveToEnd)
        XCTAssertEqual(state.window.start, 60, "kept within the record")
        let edit = press("A", &state)
        var mutated = record
        mutated[99] = UInt8(ascii: "A")
        XCTAssertEqual(edit.first, .predict(version: 3, sequence: Array(mutated[60 ..< 100])))
        XCTAssertEqual(state.snapshot.histories[0].applied.last?.first?.position, 99)
        XCTAssertEqual(state.snapshot.windows[0].start, 30, "the log uses the window fitted at start")

        // ISM of the window is complete when every input column is covered.
        let deltas = [Float](repeating: 0, count: 4 * 40)
        _ = state.update(.mutagenized(version: state.version, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< 40), milliseconds: 1))
        XCTAssertFalse(state.isMutagenesisStale)
    }

    func testAReferenceOfAWindowSlidPastIsNotTakenForTheNewOne() {
        var state = cropped()
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: [0.1]))
        XCTAssertEqual(state.referencePredictions[0], [0.1])
        jump(to: 75, &state)   // window 55–95
        jump(to: 10, &state)   // window 0–40
        XCTAssertEqual(state.window.start, 0)
        _ = state.update(.referencePredicted(record: 0, values: [0.2]))
        XCTAssertNil(state.referencePredictions[0], "the 55–95 window's reference arrives first and is dropped")
        _ = state.update(.referencePredicted(record: 0, values: [0.3]))
        XCTAssertEqual(state.referencePredictions[0], [0.3])
    }

    func testPastesStopAtTheRecordsEndAndNeverStartOnPadding() {
        var state = padded()
        _ = state.start()
        _ = state.update(.moveToStart)
        XCTAssertEqual(state.update(.paste("TTTT")), [])
        XCTAssertEqual(state.message, "position -3 is padding, not part of short (0 to 9): it cannot be edited")
        jump(to: 8, &state)
        _ = state.update(.paste("TTTT"))
        XCTAssertEqual(String(decoding: state.sequence, as: UTF8.self), "...ACGTACGTTT...", "the padding after the record stays")
        XCTAssertEqual(state.message, "pasted 2 bases (2 beyond the end dropped)")
    }

    func testAnnotationsOutsideTheWindowAreCountedOnce() {
        let annotations = ["long": [Annotation(positions: 10 ..< 20, label: "early"), Annotation(positions: 40 ..< 50, label: "seen"),
                                    Annotation(positions: 65 ..< 75, label: "straddles")]]
        XCTAssertEqual(cropped(annotations: annotations).annotationsOutsideWindowsWarning,
                       "warning: 2 of 3 annotations lie outside the model's input window (move the cursor there and the window follows)")
        XCTAssertNil(cropped(annotations: ["long": [Annotation(positions: 40 ..< 50, label: "seen")]]).annotationsOutsideWindowsWarning)
        XCTAssertNil(padded(annotations: ["short": [Annotation(positions: 0 ..< 10, label: "all")]]).annotationsOutsideWindowsWarning)
    }

    func testExportWaitsForTheViewsResults() {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "r", sequence: "ACGTACGTAC")])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        XCTAssertEqual(press("e", &state), [], "nothing to write while the maps are computed")
        XCTAssertTrue(state.exportPending)
        XCTAssertEqual(state.message, "the view is written as SVG as soon as its maps are computed…")
        XCTAssertEqual(state.update(.referencePredicted(record: 0, values: [0.5])), [])
        XCTAssertEqual(state.update(.predicted(version: 0, values: [0.5], milliseconds: 1)), [])
        XCTAssertEqual(state.update(.attributed(version: 0, map: AttributionMap(method: .saliency, task: 0, values: [Float](repeating: 0.1, count: 40)), milliseconds: 1)), [])
        let deltas = [Float](repeating: 0, count: 40)
        XCTAssertEqual(state.update(.mutagenized(version: 0, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< 10), milliseconds: 1)),
                       [.exportView], "written once the last result is in")
        XCTAssertFalse(state.exportPending)
        XCTAssertEqual(press("e", &state), [.exportView], "a complete view is written at once")
        _ = state.update(.exported(summary: "wrote the view to x.view-1.svg"))
        XCTAssertEqual(state.message, "wrote the view to x.view-1.svg")
    }
}
