import ExplorerCore
@testable import ExplorerView
import Genomics
import Interactive
import Rendering
import TestSupport
import XCTest

/// `F`: the first-layer filter browser, computed once, scrolled with the arrows, drawn as logos
/// with each filter's windows and best motif match.
final class FilterBrowserScreenTests: XCTestCase {
    func makeState() -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "a", sequence: String(repeating: "ACGTTGCA", count: 15))])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.predicted(version: 0, values: [0.5], milliseconds: 1))
        return state
    }

    /// Columns 2..<78 of a screen line: the browser's box at 80 columns.
    static func box(_ line: String) -> String { String(line.dropFirst(2).prefix(76)) }

    /// A row of the box holding `text`.
    static func row(_ text: String) -> String { "│" + text + String(repeating: " ", count: 74 - text.count) + "│" }

    func press(_ key: Key, _ state: inout ExplorerState) -> [Effect] {
        KeyMap.action(for: .key(key), in: state).map { state.update($0) } ?? []
    }

    /// Filter `index`: a consensus (each base at probability 0.85) or a uniform matrix.
    static func filter(_ index: Int, consensus: String?, match: String) -> FilterSummary {
        let width = consensus?.count ?? 7
        let bases = consensus.map { Array($0.utf8) }
        let values = (0 ..< 4).flatMap { letter in
            (0 ..< width).map { position -> Float in
                guard let bases else { return 0.25 }
                return Alphabet.dna.index(of: bases[position]) == letter ? 0.85 : 0.05
            }
        }
        return FilterSummary(index: index, probabilities: PositionMatrix(alphabet: .dna, length: width, values: values), windows: 10 * (index + 1), match: match)
    }

    func testTheBrowserIsComputedOnceScrollsAndCloses() throws {
        var state = makeState()
        XCTAssertEqual(press(.character("F"), &state), [.findFilters])
        XCTAssertEqual(Self.box(Screen.render(state, depth: .monochrome).lines[3]), Self.row(" computing the filters on 1 records…"))
        let filters = (0 ..< 6).map { Self.filter($0, consensus: $0 == 5 ? nil : "TGACTCA", match: $0 == 5 ? "" : "MA0099.4 FOS::JUN q 1e-6") }
        _ = state.update(.filterBrowser(.found(filters)))
        try assertSnapshot(Screen.render(state, depth: .monochrome).lines.joined(separator: "\n") + "\n", "explorer-filter-browser-80x24.txt")
        _ = press(.down, &state)
        _ = press(.pageDown, &state)
        XCTAssertEqual(state.mode, .browseFilters(first: 5), "scrolling stops at the last filter")
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertEqual(Self.box(lines[2]), Self.row(""), "a uniform filter has an empty logo")
        XCTAssertEqual(Self.box(lines[3]), Self.row(String(repeating: " ", count: 10) + "filter 5 · 60 windows"), "and no match")
        XCTAssertEqual(press(.escape, &state), [])
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(press(.character("F"), &state), [], "the filters are computed once")
        XCTAssertEqual(state.mode, .browseFilters(first: 0))
        _ = state.update(.filterBrowser(.unavailable("the model has no convolution applied to its input")))
        XCTAssertEqual(state.mode, .normal)
        XCTAssertEqual(state.message, "filters: the model has no convolution applied to its input")
    }
}
