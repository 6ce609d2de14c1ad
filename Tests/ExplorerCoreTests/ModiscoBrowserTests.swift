import ExplorerCore
import Genomics
import Interactive
import Rendering
import XCTest

/// The `P` browser's state: opening, selecting, switching the logo, closing.
final class ModiscoBrowserTests: XCTestCase {
    func pattern(_ name: String) -> ModiscoPattern {
        ModiscoPattern(name: name, width: 2, sequence: [1, 0, 0, 1, 0, 0, 0, 0], contributions: [Double](repeating: 0.1, count: 8),
                       hypotheticalContributions: [Double](repeating: 0.1, count: 8), seqlets: [])
    }

    func makeState(patterns: [ModiscoPattern]?) -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["a"], records: [SequenceRecord(id: "r", sequence: "ACGTACGT")])
        if let patterns { state.attachModisco(ModiscoCatalog(source: "results.h5", patterns: patterns)) }
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        return state
    }

    func press(_ key: Key, _ state: inout ExplorerState) {
        guard let action = KeyMap.action(for: .key(key), in: state) else { return XCTFail("\(key) means nothing in \(state.mode)") }
        _ = state.update(action)
    }

    func testPWithoutResultsSaysHowToGiveThem() {
        var state = makeState(patterns: nil)
        press(.character("P"), &state)
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(state.message, "no TF-MoDISco results: start the explorer with --modisco RESULTS.h5")
        var empty = makeState(patterns: [])
        press(.character("P"), &empty)
        XCTAssertEqual(empty.message, "results.h5 holds no patterns")
    }

    func testArrowsSelectWithinTheListTabCyclesTheLogoAnyOtherKeyCloses() {
        var state = makeState(patterns: [pattern("pos_patterns.pattern_0"), pattern("pos_patterns.pattern_1"), pattern("neg_patterns.pattern_0")])
        press(.character("P"), &state)
        XCTAssertEqual(state.mode, .browsePatterns(ModiscoBrowser()))
        press(.down, &state)
        press(.character("j"), &state)
        press(.down, &state)
        XCTAssertEqual(state.mode, .browsePatterns(ModiscoBrowser(selection: 2)), "the selection stops at the last pattern")
        press(.character("k"), &state)
        press(.tab, &state)
        XCTAssertEqual(state.mode, .browsePatterns(ModiscoBrowser(selection: 1, logo: .hcwm)))
        press(.tab, &state)
        press(.tab, &state)
        XCTAssertEqual(state.mode, .browsePatterns(ModiscoBrowser(selection: 1, logo: .cwm)), "Tab cycles cwm, hcwm, ppm")
        press(.pageUp, &state)
        XCTAssertEqual(state.mode, .browsePatterns(ModiscoBrowser(selection: 0)))
        _ = state.update(.modiscoBrowser(.select(by: 1)))
        press(.escape, &state)
        XCTAssertEqual(state.mode, .normal)
        press(.character("P"), &state)
        press(.character("q"), &state)
        XCTAssertEqual(state.mode, .normal, "q closes the browser rather than quitting")
        XCTAssertFalse(state.isFinished)
    }
}
