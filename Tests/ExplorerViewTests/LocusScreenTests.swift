import ExplorerCore
import ExplorerView
import Genomics
import Rendering
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
        // One base per column: the cursor's tile (0:200) is drawn from the start to base 150,
        // the midpoint of its centre and the next one's; the scales are the whole locus's.
        XCTAssertEqual(Screen.render(state, depth: .monochrome).lines, [
            " seqlens │ toy │ locus chr1 600 nt │ 5 tiles │ task up (1/2)                    ",
            "tile 0:200, nearest the cursor: every task                                      ",
            "▶up   ██████▊                                                             0.100 ",
            " down ████████████████████████████████████████████████████████████▎       0.900 ",
            "locus chr1 0–600 · prediction of up, max per column                             ",
            "              [         ]▁▁▁▁▁▁▁▁▁▁████████████                                 ",
            "        ▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂███████████████████████▅▅▅▅▅▅▅▅▅▅▅▅▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄     ",
            "prediction of up · a 200-nt tile every 100 nt, drawn around its centre          ",
            "    0.9│                                                                        ",
            "       │                                                                        ",
            "       │                                                                        ",
            "      0│▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄",
            "grad×input of up · mean over covering tiles, largest |value| per column         ",
            "   0.98│                                            ▁▁▂▃▄▅▆▆▇█                  ",
            "       │                                  ▁▁▂▃▄▅▅▆▇███████████                  ",
            "       │                         ▁▂▃▄▄▅▆▇█████████████████████                  ",
            "       │               ▁▂▃▄▄▅▆▇███████████████████████████████                  ",
            "       │     ▁▂▃▃▄▅▆▇▇████████████████████████████████████████           ▁▂▃▃▄▅▆",
            "   -0.5│▅▆▇▇██████████████████████████████████████████████████ ▁▂▂▃▄▅▆▇▇████████",
            "            70   75   80   85   90   95   100  105  110  115  120  125  130  135",
            "    seq TGCAATGCAATGCAATGCAATGCAATGCAATGCAATGCAATGCAATGCAATGCAATGCAATGCAATGCAATG",
            "                                                                                ",
            " pos 130/600 │ base A │ attr -0.25                             5 tiles in 42 ms ",
            "? help · ←→ move · + - zoom · : jump · ACGTN mutate · O window · q quit         ",
        ])
    }

    func testTheWholeLocus() {
        var state = Self.makeState()
        for _ in 0 ..< 5 { _ = state.update(.zoomOut) }
        // Nine bases per column: the five tiles' steps (0.1, 0.5, 0.9, 0.3, 0.2), each column
        // of the sawtooth its largest |value|, the bases shown as what they share (nothing).
        XCTAssertEqual(Screen.render(state, depth: .monochrome).lines, [
            " seqlens │ toy │ locus chr1 600 nt │ 5 tiles │ task up (1/2)                    ",
            "tile 0:200, nearest the cursor: every task                                      ",
            "▶up   ██████▊                                                             0.100 ",
            " down ████████████████████████████████████████████████████████████▎       0.900 ",
            "locus chr1 0–600 · prediction of up, max per column                             ",
            "       [                ▁▁▁▁▁▁▁▁▁▁▁████████████                            ]    ",
            "        ▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂███████████████████████▅▅▅▅▅▅▅▅▅▅▅▅▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄     ",
            "prediction of up · a 200-nt tile every 100 nt, drawn around its centre          ",
            "    0.9│                           ████████████                                 ",
            "       │                ▂▂▂▂▂▂▂▂▂▂▂████████████                                 ",
            "       │                ███████████████████████▃▃▃▃▃▃▃▃▃▃▃▃                     ",
            "      0│▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄▄███████████████████████████████████▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇     ",
            "grad×input of up · mean over covering tiles, largest |value| per column         ",
            "   0.98│     ▃█     ▆█    ▁█     ▃█     ▆█    ▁█     ▃█     ▆█    ▁█     ▃█     ",
            "       │    ▄██    ▆██   ▁██    ▄██    ▆██   ▁██    ▄██    ▆██   ▁██    ▄██     ",
            "       │   ▄███   ▇███  ▂███   ▄███   ▇███  ▂███   ▄███   ▇███  ▂███   ▄███     ",
            "       │  ▅████  █████  ████  ▅████  █████  ████  ▅████  █████  ████  ▅████     ",
            "       │  █████ ▂█████ ▄████  █████ ▂█████ ▄████  █████ ▂█████ ▄████  █████     ",
            "   -0.5│ ▇█████▂██████▅█████ ▇█████▂██████▅█████ ▇█████▂██████▅█████ ▇█████     ",
            "        0    50    100  150   200  250   300  350   400   450  500   550        ",
            "    seq ···································································     ",
            "                                                                                ",
            " pos 0/600 │ base A │ attr -0.5 │ zoom 9 nt/col                5 tiles in 42 ms ",
            "? help · ←→ move · + - zoom · : jump · ACGTN mutate · O window · q quit         ",
        ])
    }
}
