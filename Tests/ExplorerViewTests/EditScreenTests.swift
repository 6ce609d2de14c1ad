import ExplorerCore
@testable import ExplorerView
import Genomics
import Rendering
import XCTest

/// What the screen shows of soft-masked bases, runs of edits, the auto task and logits.
extension ScreenTests {
    func testSoftMaskedBasesAreDrawnInLowerCase() {
        var state = ExplorerState(modelName: "m", alphabet: .dna, taskNames: ["t"],
                                  records: [SequenceRecord(id: "masked", sequence: "ACGTacgtacgtACGTTTGGccaaGGTT")])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.moveTo(position: 5))
        _ = state.update(.mutate(base: UInt8(ascii: "G")))
        _ = state.update(.moveTo(position: 0))
        XCTAssertEqual(String(decoding: state.sequence, as: UTF8.self), "ACGTAGGTACGTACGTTTGGCCAAGGTT", "the model sees bases")
        for depth in [ColorDepth.monochrome, .palette256] {
            let canvas = Screen.render(state, depth: depth)
            let row = canvas.lines.firstIndex { $0.hasPrefix("    seq ") }!
            XCTAssertEqual(canvas.lines[row], "    seq ACGTaggtacgtACGTTTGGccaaGGTT" + String(repeating: " ", count: 80 - 36), "\(depth)")
            // The edited base keeps the case of the base it replaced, reversed as edited.
            XCTAssertTrue(canvas[ExplorerLayout.gutter + 5, row].style.attributes.contains(.reverse))
            XCTAssertFalse(canvas[ExplorerLayout.gutter + 6, row].style.attributes.contains(.reverse))
            XCTAssertEqual(canvas[ExplorerLayout.gutter + 4, row].style.foreground == canvas[ExplorerLayout.gutter, row].style.foreground, true,
                           "a soft-masked a is coloured as A")
        }
    }

    func testTheStatusLineSumsUpAPasteAndTheHeaderSaysAuto() {
        var state = makeState(width: 160, height: 48)
        _ = state.update(.moveTo(position: 60))
        _ = state.update(.paste("ACGTAC"))
        let changed = state.sequence.indices.filter { state.sequence[$0] != state.reference[$0] && $0 >= 60 }
        var predictions = Self.tasks.indices.map { Float($0) / 40 }
        predictions[0] = 0.37   // as before the paste
        predictions[3] = 0.5   // MAX: 0.075 → 0.5, the largest change
        _ = state.update(.predicted(version: state.version, values: predictions, milliseconds: 1))
        let status = Screen.render(state, depth: .monochrome).line(46)
        XCTAssertGreaterThan(changed.count, 1)
        XCTAssertTrue(status.contains(" │ \(changed.first!)–\(changed.last!): \(changed.count) edits, largest Δ MAX +0.425"), status)
        XCTAssertTrue(Screen.render(state, depth: .monochrome).line(0).hasPrefix(" seqlens │ multitask-deep-relu │ record 1/2 demo_0 [+] │ task CEBPB (1/12) │ saliency "))
        _ = state.update(.followTopTask)
        XCTAssertTrue(Screen.render(state, depth: .monochrome).line(0).hasPrefix(" seqlens │ multitask-deep-relu │ record 1/2 demo_0 [+] │ task CEBPB (1/12) auto │ saliency "),
                      Screen.render(state, depth: .monochrome).line(0))
    }

    func testSaturatedProbabilitiesAreMarkedUntilLogitsAreShown() {
        var state = makeState(width: 160, height: 48)
        state.outputsProbabilities = true
        var values = Self.tasks.indices.map { Float($0) / 40 }
        values[0] = 0.995
        values[1] = 0.004
        _ = state.update(.predicted(version: state.version, values: values, milliseconds: 1))
        var lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines.contains { $0.contains("▶CEBPB") && $0.contains("0.995!  ref 0.970  Δ +0.025") }, lines[2])
        XCTAssertTrue(lines.contains { $0.contains(" GATA1") && $0.contains("0.004!  ref 0.025  Δ -0.021") })
        XCTAssertTrue(lines.contains { $0.contains(" CTCF") && $0.contains("0.050  ref") }, "0.050 is not saturated")
        _ = state.update(.toggleLogits)
        _ = state.update(.referencePredicted(record: 0, values: Self.tasks.indices.map { Float($0) - 3 }))
        _ = state.update(.predicted(version: state.version, values: Self.tasks.indices.map { Float($0) * 2 - 9 }, milliseconds: 1))
        lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertTrue(lines[0].hasPrefix(" seqlens │ multitask-deep-relu │ record 1/2 demo_0 [+] │ task CEBPB (1/12) │ saliency │ logits "), lines[0])
        XCTAssertFalse(lines[1 ..< 8].joined().contains("!"), "logits are never marked")
        XCTAssertTrue(lines.contains { $0.contains("▶CEBPB") && $0.contains("-9.000  ref -3.000  Δ -6.000") })
    }
}
