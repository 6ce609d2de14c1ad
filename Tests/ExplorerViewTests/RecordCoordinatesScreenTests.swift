import ExplorerCore
@testable import ExplorerView
import Foundation
import Genomics
import Rendering
import XCTest

/// Screens of padded and longer-than-the-model records: the record's own positions on the ruler
/// and in the status line, padding drawn as padding, the model's window bracketed.
final class RecordCoordinatesScreenTests: XCTestCase {
    /// A 30-nt record padded to 50 (10 on each side), or a 200-nt record seen through 60 columns from 40.
    static func makeState(padded: Bool) -> ExplorerState {
        let length = padded ? 30 : 200
        let sequence = (0 ..< length).map { Array("ACGT".utf8)[($0 * 5 + $0 / 4) % 4] }
        let window = padded ? ModelWindow(recordLength: 30, inputLength: 50, start: -10) : ModelWindow(recordLength: 200, inputLength: 60, start: 40)
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "r", sequence: sequence)],
                                  windows: [window], annotations: ["r": [Annotation(positions: 44 ..< 48, label: "site")]])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: [0.5]))
        _ = state.update(.predicted(version: 0, values: [0.5], milliseconds: 1))
        let columns = window.inputLength
        // Map and ISM: 1 at every input column, for the base the model sees.
        let input = state.modelInput
        var map = [Float](repeating: 0, count: 4 * columns)
        for column in 0 ..< columns { if let letter = state.alphabet.index(of: input[column]) { map[letter * columns + column] = 1 } }
        _ = state.update(.attributed(version: 0, map: AttributionMap(method: .saliency, task: 0, values: map), milliseconds: 1))
        let deltas = map.map { 0.5 - $0 }
        _ = state.update(.mutagenized(version: 0, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< columns), milliseconds: 1))
        return state
    }

    func lines(_ state: ExplorerState) -> [String] { Screen.render(state, depth: .monochrome).lines }

    func testPaddingIsDrawnAsPaddingInTheRecordsOwnPositions() {
        var state = Self.makeState(padded: true)
        var screen = lines(state)
        // Ruler labels are the record's positions: padding on the left is negative.
        XCTAssertEqual(screen[19], "        -10  -5   0    5    10   15   20   25   30   35                         ")
        XCTAssertEqual(screen[20], "    seq ··········ACGTCGTAGTACTACGACGTCGTAGTACTA··········                      ")
        XCTAssertTrue(screen[22].hasPrefix(" pos 0/30 │ base A "), screen[22])
        _ = state.update(.moveToStart)
        screen = lines(state)
        XCTAssertTrue(screen[22].hasPrefix(" pos -10/30 │ padding "), screen[22])
        XCTAssertEqual(state.update(.mutate(base: UInt8(ascii: "A"))), [])
        XCTAssertEqual(lines(state)[23], "position -10 is padding, not part of r (0 to 29): it cannot be edited".padding(toLength: 80, withPad: " ", startingAt: 0))
        // An edit shows in the record's positions in the status line.
        _ = state.update(.moveTo(position: 15))
        _ = state.update(.mutate(base: UInt8(ascii: "A")))
        _ = state.update(.predicted(version: state.version, values: [0.25], milliseconds: 1))
        XCTAssertTrue(lines(state)[22].hasPrefix(" pos 5/30 │ ref G now A │ 5:G>A up 0.500→0.250 Δ -0.250"), lines(state)[22])
    }

    func testTheModelsWindowIsMarkedAndNothingIsDrawnOutsideIt() {
        var state = Self.makeState(padded: false)
        let screen = lines(state)
        // The view (72 positions) opens centred on the annotation (44–47, in the window 40–99):
        // 10–81; the overview brackets the window (40–99 of 200 in 40 cells of 5).
        XCTAssertEqual(String(screen[3].suffix(40)), "        [██████████]                    ")
        XCTAssertEqual(screen[18], "        10   15   20   25   30   35  [40───45───50───55───60───65───70───75───80")
        XCTAssertTrue(screen[22].hasPrefix(" pos 44/200 │ model sees 40:100 │ base T │ pred 0.500 │ attr +1 "), screen[22])
        // The numbers under the cursor come from its column of the window's ISM (Δ = 0.5 − map).
        XCTAssertEqual(Screen.cursorValues(state).last?.text, "ISM A+0.5 C+0.5 G+0.5")
        // Outside the window (10–39) the logo and the heatmap are empty; inside (40–81) they are drawn.
        for row in 4 ..< 17 where row != 13 {
            XCTAssertEqual(screen[row].dropFirst(8).prefix(30).trimmingCharacters(in: .whitespaces), "", "row \(row): \(screen[row])")
            XCTAssertEqual(screen[row].dropFirst(38).prefix(42).filter { $0 == " " }.count, 0, "row \(row): \(screen[row])")
        }
        _ = state.update(.moveToEnd)
        XCTAssertTrue(lines(state)[22].hasPrefix(" pos 199/200 │ model sees 140:200 │ base "), lines(state)[22])
        XCTAssertTrue(lines(state)[18].contains("]"), lines(state)[18])
    }
}
