import ExplorerCore
import Genomics
import Interactive
import Rendering
import XCTest

/// The locus view's state: what it asks the runtime for, zoom from base level to the whole
/// locus, `:` jumps in the locus's coordinates, edits, and `O` to the normal panes and back.
final class LocusTests: XCTestCase {
    /// 3,000 bases, neither periodic nor random: a base from a small congruential sequence.
    static let bases: String = {
        var value = 7
        return String((0 ..< 3000).map { _ in
            value = (value * 1103 + 12345) % 65536
            return Array("ACGT")[value / 16 % 4]
        })
    }()

    static func makeState() -> ExplorerState {
        let record = SequenceRecord(id: "chr1", sequence: bases)
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"], records: [record],
                                  windows: [ModelWindow(recordLength: 3000, inputLength: 200, start: 0)])
        state.showLocus(LocusTiling(locusLength: 3000, tileLength: 200, stride: 100))
        return state
    }

    @discardableResult
    func type(_ text: String, _ state: inout ExplorerState) -> [Effect] {
        text.flatMap { key in KeyMap.action(for: .key(.character(key)), in: state).map { state.update($0) } ?? [] }
    }

    func testItAsksForTheTilesOnlyAndIsBusyUntilTheyArrive() {
        var state = Self.makeState()
        let effects = state.start() + state.update(.resize(width: 80, height: 24))
        let sequence = Array(Self.bases.utf8)
        XCTAssertEqual(effects, [.setReference(record: 0, sequence: Array(sequence.prefix(200))), .computeLocus(version: 0, sequence: sequence, task: 0)])
        XCTAssertTrue(state.isBusy)
        _ = state.update(.locusProgress(version: 0, done: 64, total: 29))
        XCTAssertEqual(state.locus?.progress?.done, 64)
        let tracks = LocusTracks(task: 0, tilePredictions: [Float](repeating: 0.5, count: 29 * 2), attribution: [Float](repeating: 0, count: 3000), computedTiles: 29)
        _ = state.update(.locusComputed(version: 0, tracks: tracks, milliseconds: 12))
        XCTAssertFalse(state.isBusy)
        XCTAssertNil(state.locus?.progress)
        // Another task: its attribution is computed afresh.
        XCTAssertEqual(type("]", &state), [.computeLocus(version: 0, sequence: sequence, task: 1)])
        XCTAssertTrue(state.isBusy)
    }

    func testPlusAndMinusZoomFromBaseLevelToTheWholeLocus() {
        var state = Self.makeState()
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))  // 72 columns of plot
        XCTAssertEqual(state.zoom, Zoom())
        for _ in 0 ..< 10 { type("-", &state) }
        XCTAssertEqual(state.zoom, Zoom(level: 42), "3,000 bases in 72 columns")
        XCTAssertEqual(state.visibleCount, 3024)
        XCTAssertEqual(state.viewStart, 0)
        type("-", &state)
        XCTAssertEqual(state.zoom, Zoom(level: 42), "no further than the whole locus")
        for _ in 0 ..< 9 { type("+", &state) }
        XCTAssertEqual(state.zoom, Zoom(columnsPerPosition: 3), "down to three columns per base")
    }

    func testJumpsTakePositionsAndSpansOfTheLocus() {
        var state = Self.makeState()
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        type(":1,234", &state)
        XCTAssertEqual(state.update(.promptSubmit), [])
        XCTAssertEqual(state.cursor, 1234)
        type(":chr1:1500-1600", &state)
        _ = state.update(.promptSubmit)
        XCTAssertEqual(state.cursor, 1550)
        XCTAssertEqual(state.zoom, Zoom(level: 2), "the most zoomed-in level that shows 100 bases in 72 columns")
        XCTAssertTrue(state.viewStart <= 1500 && 1600 <= state.viewStart + state.visibleCount)
        type(":chr2:5", &state)
        _ = state.update(.promptSubmit)
        XCTAssertEqual(state.message, "':chr2:5': this locus is chr1; give a position, chr1:position or chr1:start-end")
        type(":3000", &state)
        _ = state.update(.promptSubmit)
        XCTAssertEqual(state.message, "':3000': give a position from 0 to 2999, or chr1:start-end")
        XCTAssertEqual(state.cursor, 1550)
    }

    func testAnEditAsksForTheTilesOfTheNewVersionOnly() {
        var state = Self.makeState()
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.moveTo(position: 2500))
        let base: Unicode.Scalar = state.sequence[2500] == UInt8(ascii: "A") ? "C" : "A"
        var edited = Array(Self.bases.utf8)
        edited[2500] = UInt8(ascii: base)
        XCTAssertEqual(type(String(Character(base)), &state), [.computeLocus(version: 1, sequence: edited, task: 0)],
                       "no window predictions, maps or ISM while the locus view is shown")
        XCTAssertEqual(state.mutatedPositions, [2500])
    }

    func testOOpensTheModelsWindowAtTheCursorAndComesBack() {
        var state = Self.makeState()
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.moveTo(position: 2000))
        let effects = type("O", &state)
        XCTAssertFalse(state.showsLocus)
        XCTAssertEqual(state.window.recordPositions, 1900 ..< 2100, "the window centred on the cursor")
        XCTAssertEqual(effects.first, .setReference(record: 0, sequence: Array(Array(Self.bases.utf8)[1900 ..< 2100])))
        XCTAssertTrue(effects.contains { if case .predict = $0 { return true } else { return false } })
        XCTAssertEqual(type("O", &state), [.computeLocus(version: 1, sequence: Array(Self.bases.utf8), task: 0)])
        XCTAssertTrue(state.showsLocus)
    }
}
