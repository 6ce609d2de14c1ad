import ExplorerCore
@testable import ExplorerView
import Foundation
import Genomics
import Rendering
import TestSupport
import XCTest

/// Whole screens as values: snapshots at 80×24 and 160×48, and inline checks of what each
/// mode adds. Results are injected as actions, so no model runs.
final class ScreenTests: XCTestCase {
    static let tasks = ["CEBPB", "GATA1", "CTCF", "MAX", "SP1", "YY1", "NFYB", "SRF", "REST", "TP53", "JUN", "FOS"]

    /// A 120-nt record with one annotated site, every result delivered, the cursor at 44 after
    /// one edit (C>T) that lowered task 0.
    func makeState(width: Int, height: Int, theme: Theme = .terminal) -> ExplorerState {
        var generator = SeededGenerator(seed: 7)
        let bases = Array("ACGT".utf8)
        var sequence = (0 ..< 120).map { _ in bases[Int(generator.next() % 4)] }
        sequence.replaceSubrange(40 ..< 50, with: Array("ATTGCGCAAT".utf8))
        var state = ExplorerState(modelName: "multitask-deep-relu", alphabet: .dna, taskNames: Self.tasks,
                                  records: [SequenceRecord(id: "demo_0", sequence: sequence), SequenceRecord(id: "demo_1", sequence: sequence)],
                                  annotations: ["demo_0": [Annotation(positions: 40 ..< 50, label: "CEBPB(+)")]], theme: theme)
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: width, height: height))
        let reference = Self.tasks.indices.map { $0 == 0 ? Float(0.97) : Float($0) / 40 }
        _ = state.update(.referencePredicted(record: 0, values: reference))
        _ = state.update(.predicted(version: 0, values: reference, milliseconds: 2.4))
        _ = state.update(.moveTo(position: 44))
        _ = state.update(.mutate(base: UInt8(ascii: "T")))
        Self.deliver(to: &state, first: reference[0])
        return state
    }

    /// Deterministic results for the current version: a motif-shaped map peaking at 40–50.
    static func deliver(to state: inout ExplorerState, first: Float) {
        let length = state.length, tasks = Self.tasks.count
        var predictions = Self.tasks.indices.map { $0 == 0 ? Float(0.97) : Float($0) / 40 }
        predictions[0] = first - 0.6
        _ = state.update(.predicted(version: state.version, values: predictions, milliseconds: 1.8))
        var map = [Float](repeating: 0, count: 4 * length)
        for p in 0 ..< length {
            let weight = (40 ..< 50).contains(p) ? Float(1) : 0.1 * Float(sin(Double(p)))
            if let letter = state.alphabet.index(of: state.sequence[p]) { map[letter * length + p] = weight * (p % 3 == 0 ? -0.5 : 1) }
        }
        _ = state.update(.attributed(version: state.version, map: AttributionMap(method: .saliency, task: 0, values: map), milliseconds: 6.2))
        var deltas = [Float](repeating: 0, count: 4 * length * tasks)
        for letter in 0 ..< 4 {
            for p in 0 ..< length where state.alphabet.index(of: state.sequence[p]) != letter {
                deltas[(letter * length + p) * tasks] = (40 ..< 50).contains(p) ? -0.8 + 0.1 * Float(letter) : 0.05 * Float(cos(Double(p + letter)))
            }
        }
        _ = state.update(.mutagenized(version: state.version, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< length), milliseconds: 84))
    }

    func testSnapshot80x24() throws {
        let canvas = Screen.render(makeState(width: 80, height: 24), depth: .palette256)
        XCTAssertEqual(canvas.width, 80)
        XCTAssertEqual(canvas.height, 24)
        try assertSnapshot(canvas.lines.joined(separator: "\n") + "\n", "explorer-80x24.txt")
        try assertSnapshot(ANSIWriter.render(canvas, depth: .palette256), "explorer-80x24.ansi")
    }

    func testSnapshot160x48() throws {
        let canvas = Screen.render(makeState(width: 160, height: 48), depth: .trueColor)
        try assertSnapshot(canvas.lines.joined(separator: "\n") + "\n", "explorer-160x48.txt")
    }

    func testPanesShowWhatTheStateHolds() {
        let state = makeState(width: 80, height: 24)
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines[0].hasPrefix(" multitask-deep-relu │ record 1/2 demo_0 [+] │ task CEBPB (1/12) │ saliency"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("predictions: now, reference, Δ"), lines[1])
        XCTAssertTrue(lines.contains { $0.contains("▶CEBPB") && $0.contains("0.370  ref 0.970  Δ -0.600") }, "the selected task's bar with reference and Δ")
        XCTAssertTrue(lines[22].contains("pos 44/120 │ ref C now T │ 44:C>T CEBPB 0.970→0.370 Δ -0.600"), lines[22])
        XCTAssertTrue(lines[22].hasSuffix(" update 1.8 ms "), "80 columns keep the update time: \(lines[22])")
        let wide = Screen.render(makeState(width: 160, height: 48), depth: .monochrome).lines
        XCTAssertTrue(wide[0].hasPrefix(" seqlens │ multitask-deep-relu"), wide[0])
        // The numbers under the cursor: CEBPB's prediction, the map at the present T, the three other bases' ISM effects.
        XCTAssertTrue(wide[46].hasPrefix(" pos 44/120 │ ref C now T │ pred 0.370 │ attr +1 │ ISM A-0.8 C-0.7 G-0.6 │ 44:C>T CEBPB 0.970→0.370 Δ -0.600 │ in CEBPB(+) "), wide[46])
        XCTAssertTrue(wide[46].hasSuffix("  update 1.8 ms "), "the other timings and the count of mutations make room: \(wide[46])")
        XCTAssertTrue(lines.contains { $0.contains("├CEBPB(+)┤") }, "the annotation row")
        // The mutated base is reversed (lower case means soft-masked), under the cursor.
        XCTAssertTrue(lines.contains { $0.hasPrefix("    seq ") && $0.contains("ATTGTGCAAT") })
    }

    func testStaleMapsAreDimmedWithAProgressIndicator() {
        var state = makeState(width: 80, height: 24)
        _ = state.update(.move(by: 1))
        _ = state.update(.mutate(base: UInt8(ascii: "A")))
        let canvas = Screen.render(state, depth: .palette256)
        XCTAssertTrue(canvas.line(0).hasSuffix("⠋ predictions, map, ISM "), canvas.line(0))
        let layout = ExplorerLayout(width: 80, height: 24, tasks: Self.tasks.count, annotationRows: 1)!
        XCTAssertTrue(canvas[layout.plotX + 44, layout.logo.y + layout.logo.height / 2].style.attributes.contains(.dim))
        XCTAssertTrue(canvas.line(layout.logoTitle.y).hasPrefix("saliency of CEBPB (updating…)"), canvas.line(layout.logoTitle.y))
        _ = state.update(.tick)
        XCTAssertTrue(Screen.render(state, depth: .palette256).line(0).contains("⠙"), "the indicator turns with ticks")
    }

    func testAnOverviewOfTheWholeSequenceMarksTheStretchOnScreen() {
        let state = makeState(width: 80, height: 24)
        let layout = ExplorerLayout(width: 80, height: 24, tasks: Self.tasks.count, annotationRows: 1)!
        let canvas = Screen.render(state, depth: .palette256)
        // 120 positions in 40 cells, 3 each; the 72 on screen, centred on the annotation (9–80), are cells 3–26.
        XCTAssertEqual(state.viewStart, 9)
        let cells = (layout.logoTitle.maxX - 40 ..< layout.logoTitle.maxX).map { canvas[$0, layout.logoTitle.y] }
        XCTAssertEqual(cells.map { $0.style.attributes.contains(.underline) }, (0 ..< 40).map { (3 ... 26).contains($0) })
        // The planted site (40–50: cells 13–16) is the tallest stretch.
        let heights = cells.map { " ▁▂▃▄▅▆▇█".firstIndex(of: $0.character).map { " ▁▂▃▄▅▆▇█".distance(from: " ▁▂▃▄▅▆▇█".startIndex, to: $0) } ?? 0 }
        XCTAssertTrue((13 ... 16).contains(heights.firstIndex(of: heights.max()!)!), "\(heights)")
        var wide = makeState(width: 160, height: 48)
        _ = wide.update(.zoomOut)
        let whole = Screen.render(wide, depth: .palette256)
        XCTAssertFalse(whole.line(1).contains("▁"), "no overview when the whole sequence is on screen")
    }

    func testSortedPredictionsPutTheLargestChangeFirst() {
        var state = makeState(width: 80, height: 24)
        _ = state.update(.toggleSort)
        var lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines[1].hasPrefix("predictions: now, reference, Δ · sorted by |Δ| (o)      "), lines[1])
        XCTAssertTrue(lines[1].hasSuffix(" ↓ 7 more"), lines[1])
        // Only CEBPB changed; the unchanged tasks tie at Δ 0 and keep the model's order.
        XCTAssertEqual(lines[2 ... 6].map { String($0.prefix(7)) }, ["▶CEBPB ", " GATA1 ", " CTCF  ", " MAX   ", " SP1   "])
        _ = state.update(.undo)
        _ = state.update(.predicted(version: state.version, values: Self.tasks.indices.map { Float($0) / 40 }, milliseconds: 1))
        lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines[1].contains("sorted by value"), lines[1])
        // Unedited: highest prediction first (FOS … CEBPB at 0), scrolled to keep CEBPB in view.
        XCTAssertEqual(lines[2 ... 6].map { String($0.prefix(7)) }, [" SP1   ", " MAX   ", " CTCF  ", " GATA1 ", "▶CEBPB "])
    }

    func testManyTasksTakeAtMostAThirdOfTheScreen() throws {
        let layout = try XCTUnwrap(ExplorerLayout(width: 120, height: 36, tasks: 164, annotationRows: 0))
        XCTAssertEqual(layout.predictions.height, 11, "a third of the 33 rows between header and status")
        XCTAssertEqual(layout.logo.height, 33 - 11 - 1 - 1 - 4 - 3)
        let few = try XCTUnwrap(ExplorerLayout(width: 120, height: 36, tasks: 4, annotationRows: 0))
        XCTAssertEqual(few.predictions.height, 3, "two rows of two columns and the title")
    }

    func testTooSmallSaysSo() {
        var state = makeState(width: 80, height: 24)
        _ = state.update(.resize(width: 60, height: 20))
        let lines = Screen.render(state, depth: .palette256).lines
        XCTAssertEqual(lines[9].trimmingCharacters(in: .whitespaces), "seqlens needs a terminal of at least 80×24")
        XCTAssertEqual(lines[10].trimmingCharacters(in: .whitespaces), "(this one is 60×20): enlarge it, or press q to quit")
        XCTAssertEqual(lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count, 2)
    }

    /// Every screen of the help overlay at 80×24, scrolled a line at a time from the top.
    func scrolledHelp() -> String {
        var state = makeState(width: 80, height: 24)
        _ = state.update(.toggleHelp)
        var text = ""
        for _ in state.helpLines {
            text += Screen.render(state, depth: .monochrome).lines.joined(separator: "\n")
            _ = state.update(.scrollHelp(by: 1))
        }
        return text
    }

    func testHelpOverlayListsEveryKeyScrollingOnSmallScreens() {
        let text = scrolledHelp()
        for binding in KeyMap.bindings {
            XCTAssertTrue(text.contains(binding.keys) && text.contains(binding.what), "help lacks \(binding.keys): \(binding.what)")
        }
        var tall = makeState(width: 100, height: 50)
        _ = tall.update(.toggleHelp)
        let screen = Screen.render(tall, depth: .palette256).lines.joined(separator: "\n")
        XCTAssertTrue(KeyMap.bindings.allSatisfy { screen.contains($0.what) }, "a tall screen shows every key at once")
        XCTAssertFalse(screen.contains("more "))
    }

    func testBottomLineFollowsTheMode() {
        var state = makeState(width: 80, height: 24)
        func bottom() -> String { Screen.render(state, depth: .palette256).line(23).trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(bottom().hasPrefix("? help · ←→ move · ACGTN mutate"), bottom())
        _ = state.update(.openPrompt(.jump))
        _ = state.update(.promptInput("1"))
        XCTAssertEqual(bottom(), ":1▏   position, Enter jumps, Esc cancels")
        _ = state.update(.cancel)
        _ = state.update(.enterReplaceMode)
        XCTAssertTrue(bottom().hasPrefix("-- REPLACE --"))
        _ = state.update(.cancel)
        _ = state.update(.quit)
        XCTAssertEqual(bottom(), "unsaved edits in 1 record: s save and quit · q quit without saving · Esc stay")
    }

    func testZoomedOutViewShowsTheWholeSequence() {
        var state = makeState(width: 80, height: 24)
        _ = state.update(.zoomOut)
        _ = state.update(.zoomOut)
        let lines = Screen.render(state, depth: .monochrome).lines
        let ruler = lines.first { $0.hasPrefix("        0") }
        XCTAssertNotNil(ruler, "the ruler starts at 0")
        XCTAssertTrue(ruler?.contains("100") == true, ruler ?? "")
        XCTAssertTrue(lines[state.screenHeight - 2].contains("zoom 2 nt/col"), "the status line says a column is not a base")
        let sequenceRow = lines.first { $0.hasPrefix("    seq") } ?? ""
        XCTAssertTrue(sequenceRow.contains("·") || sequenceRow.contains(where: { "RYSWKM".contains($0) }),
                      "zoomed-out columns summarise their bases: \(sequenceRow)")
        _ = state.update(.zoomIn)
        XCTAssertFalse(Screen.render(state, depth: .monochrome).lines[state.screenHeight - 2].contains("zoom"), "one base per column needs no note")
        _ = state.update(.zoomIn)
        XCTAssertTrue(Screen.render(state, depth: .monochrome).lines[state.screenHeight - 2].contains("zoom 2 col/nt"))
    }

    func testHelpExplainsEveryMarkTheScreenDraws() {
        let text = scrolledHelp()
        for mark in Mark.explorer(letters: ["A", "C", "G", "T"]) {
            XCTAssertTrue(text.contains(mark.explanation.prefix(40)), "help lacks the mark \(mark.symbol)")
        }
    }

    func testTheBackgroundSetsTheHeatmapRamp() {
        // Near-zero effects take the background's colour, so the largest effects contrast most.
        let layout = ExplorerLayout(width: 80, height: 24, tasks: Self.tasks.count, annotationRows: 1)!
        for (background, expected) in [(Background.dark, Background.dark.color), (.light, Background.light.color)] {
            let state = makeState(width: 80, height: 24, theme: Theme(background: background))
            let canvas = Screen.render(state, depth: .trueColor)
            let row = layout.heatmap.y
            let colours = (layout.plotX ..< layout.plotX + layout.plotWidth).compactMap { canvas[$0, row].style.background }
            func distance(_ color: Color) -> Int {
                guard case .rgb(let r, let g, let b) = color, case .rgb(let r0, let g0, let b0) = expected else { return .max }
                return abs(Int(r) - Int(r0)) + abs(Int(g) - Int(g0)) + abs(Int(b) - Int(b0))
            }
            let closest = colours.map(distance).min() ?? .max
            XCTAssertLessThan(closest, 60, "\(background): the weakest effects sit near the background colour")
        }
    }
}
