import ExplorerCore
@testable import ExplorerView
import Foundation
import Genomics
import Rendering
import TestSupport
import XCTest

/// The two-model screen: the second model's block (its prediction and the effect of the last
/// edit, its logo, its ISM) under the first's, its columns on the same record positions.
final class ComparisonScreenTests: XCTestCase {
    /// ScreenTests' state (a 120-nt record, one edit 44:C>T, every result delivered) with a second
    /// model that takes 100 columns (its window 10–110 of the record) and names two tasks, in
    /// another order; its results delivered too.
    func makeState(width: Int, height: Int) -> ExplorerState {
        var generator = SeededGenerator(seed: 7)
        let bases = Array("ACGT".utf8)
        var sequence = (0 ..< 120).map { _ in bases[Int(generator.next() % 4)] }
        sequence.replaceSubrange(40 ..< 50, with: Array("ATTGCGCAAT".utf8))
        var state = ExplorerState(modelName: "multitask-deep-relu", alphabet: .dna, taskNames: ScreenTests.tasks,
                                  records: [SequenceRecord(id: "demo_0", sequence: sequence), SequenceRecord(id: "demo_1", sequence: sequence)],
                                  annotations: ["demo_0": [Annotation(positions: 40 ..< 50, label: "CEBPB(+)")]])
        state.followsTopTask = false
        let window = ModelWindow(recordLength: 120, inputLength: 100, start: 10)
        state.compare(with: ComparisonModel(name: "multitask-deep-exp", taskNames: ["GATA1", "CEBPB"], windows: [window, window]))
        _ = state.start()
        _ = state.update(.resize(width: width, height: height))
        let reference = ScreenTests.tasks.indices.map { $0 == 0 ? Float(0.97) : Float($0) / 40 }
        _ = state.update(.referencePredicted(record: 0, values: reference))
        _ = state.update(.predicted(version: 0, values: reference, milliseconds: 2.4))
        _ = state.update(.comparison(.referencePredicted(record: 0, values: [0.31, 0.92])))
        _ = state.update(.moveTo(position: 44))
        _ = state.update(.mutate(base: UInt8(ascii: "T")))
        ScreenTests.deliver(to: &state, first: reference[0])
        deliverComparison(to: &state)
        return state
    }

    /// The second model's results: CEBPB falls from 0.92 to 0.55; a map peaking on 40–50 of the
    /// record (its columns 30–40), half as tall as the first model's; ISM likewise.
    func deliverComparison(to state: inout ExplorerState) {
        let version = state.comparison!.version, columns = 100, start = 10
        _ = state.update(.comparison(.predicted(version: version, values: [0.3, 0.55], milliseconds: 3.1)))
        var map = [Float](repeating: 0, count: 4 * columns)
        var deltas = [Float](repeating: 0, count: 4 * columns * 2)
        for column in 0 ..< columns {
            let p = column + start
            let present = state.alphabet.index(of: state.sequence[p])!
            map[present * columns + column] = (40 ..< 50).contains(p) ? 0.5 : 0.02 * Float(cos(Double(p)))
            for letter in 0 ..< 4 where letter != present {
                deltas[(letter * columns + column) * 2 + 1] = (40 ..< 50).contains(p) ? -0.4 : 0.01 * Float(sin(Double(p + letter)))
            }
        }
        _ = state.update(.comparison(.attributed(version: version, map: AttributionMap(method: .saliency, task: 1, values: map), milliseconds: 7)))
        _ = state.update(.comparison(.mutagenized(version: version, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< columns),
                                                  milliseconds: 90)))
    }

    func testSnapshot80x24() throws {
        let state = makeState(width: 80, height: 24)
        XCTAssertFalse(state.isBusy, "every result of both models is in")
        let canvas = Screen.render(state, depth: .palette256)
        try assertSnapshot(canvas.lines.joined(separator: "\n") + "\n", "explorer-comparison-80x24.txt")
    }

    func testSnapshot120x40() throws {
        let canvas = Screen.render(makeState(width: 120, height: 40), depth: .palette256)
        try assertSnapshot(canvas.lines.joined(separator: "\n") + "\n", "explorer-comparison-120x40.txt")
    }

    func testTheBlockShowsThePredictionTheEditsEffectAndNothingWhereTheModelSeesNothing() throws {
        let state = makeState(width: 100, height: 30)
        let lines = Screen.render(state, depth: .monochrome).lines
        let layout = try XCTUnwrap(state.layout)
        XCTAssertTrue(lines[layout.comparisonTitle.y].hasPrefix("◆ multitask-deep-exp │ CEBPB 0.550 ref 0.920 │ 44:C>T 0.920→0.550 Δ -0.370"),
                      lines[layout.comparisonTitle.y])
        XCTAssertTrue(lines[layout.logoTitle.y].hasPrefix("multitask-deep-relu: saliency of CEBPB"), lines[layout.logoTitle.y])
        // Record positions 0–9 and 110–119 lie outside the second model's window: empty columns there.
        let plot = Array(lines[layout.comparisonHeatmap.y]).map(String.init)
        let x = layout.plotX
        XCTAssertEqual(plot[x ..< x + 10].joined(), String(repeating: " ", count: 10))
        XCTAssertNotEqual(Array(lines[layout.heatmap.y]).map(String.init)[x ..< x + 10].joined(), String(repeating: " ", count: 10),
                          "the first model sees them")
        // Its block is as tall as the first's logo and heatmap allow, under it.
        XCTAssertGreaterThan(layout.comparisonTitle.y, layout.heatmap.maxY - 1)
        XCTAssertEqual(layout.comparisonHeatmap.height, layout.heatmap.height)
        XCTAssertLessThan(layout.comparisonHeatmap.maxY, layout.ruler.y + 1)
    }

    func testATaskTheSecondModelLacksIsSaid() {
        var state = makeState(width: 80, height: 24)
        _ = state.update(.nextTask)   // GATA1: its task 0
        XCTAssertTrue(Screen.render(state, depth: .monochrome).lines.contains { $0.hasPrefix("◆ multitask-deep-exp │ GATA1 0.300") })
        _ = state.update(.nextTask)   // CTCF: none
        let row = Screen.render(state, depth: .monochrome).lines.first { $0.hasPrefix("◆ multitask-deep-exp") }
        XCTAssertEqual(row?.trimmingCharacters(in: .whitespaces), "◆ multitask-deep-exp │ no task CTCF")
    }
}
