import ExplorerCore
import ExplorerView
import Genomics
import Rendering
import Foundation
import XCTest

/// The locus view's screen at base level and zoomed out to the whole locus: 600 bases tiled by
/// five 200-nt tiles every 100 nt, with known predictions per tile and a sawtooth attribution.
final class LocusScreenTests: XCTestCase {
    static func makeState() -> ExplorerState {
        let bases = String((0 ..< 600).map { Array("ACGT")[($0 * 7 + $0 / 5) % 4] })
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"], records: [SequenceRecord(id: "chr1", sequence: bases)],
                                  windows: [ModelWindow(recordLength: 600, inputLength: 200, start: 0)])
        state.showLocus(LocusTiling(locusLength: 600, tileLength: 200, stride: 100))
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        let predictions: [Float] = [0.1, 0.9, 0.5, 0.2, 0.9, 0.1, 0.3, 0.4, 0.2, 0.6]
        let attribution = (0 ..< 600).map { Float($0 % 60 - 20) / 40 }
        _ = state.update(.locusComputed(version: 0, tracks: LocusTracks(task: 0, tilePredictions: predictions, attribution: attribution, computedTiles: 5),
                                        milliseconds: 42))
        return state
    }

    func testBaseLevel() {
        var state = Self.makeState()
        _ = state.update(.moveTo(position: 130))
        try! Screen.render(state, depth: .monochrome).lines.joined(separator: "\n").write(toFile: "/tmp/base.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(Screen.render(state, depth: .monochrome).lines, [])
    }

    func testTheWholeLocus() {
        var state = Self.makeState()
        for _ in 0 ..< 5 { _ = state.update(.zoomOut) }
        try! Screen.render(state, depth: .monochrome).lines.joined(separator: "\n").write(toFile: "/tmp/whole.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(Screen.render(state, depth: .monochrome).lines, [])
    }
}
