import ExplorerCore
import ExplorerView
import Genomics
import Rendering
import XCTest

/// The dependency map in the logo's place: exact rows, the diagonal marked, columns not yet
/// computed blank, a stale map dimmed.
final class DependencyScreenTests: XCTestCase {
    func makeState() -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"],
                                  records: [SequenceRecord(id: "one", sequence: "ACGTACGTAATGACTCATTTACGTACGTAC")])
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.toggleDependencies)
        return state
    }

    func logoLines(_ state: ExplorerState) -> [String] {
        let layout = state.layout!
        return Array(Screen.render(state, depth: .monochrome).lines[layout.logoTitle.y ..< layout.logo.maxY])
    }

    /// A map whose value at [j, i] is 1 where j and i lie in the same block of ten positions
    /// (a motif of ten that depends on itself), 0.3 elsewhere.
    func blocks(computed: Range<Int>) -> DependencyPane {
        var values = [Float](repeating: 0.3, count: 900)
        for j in 0 ..< 30 { for i in 0 ..< 30 where j / 10 == i / 10 { values[j * 30 + i] = 1 } }
        return DependencyPane(positions: 0 ..< 30, task: 0, values: values, computed: Set(computed))
    }

    func testTheMapFillsInAsBlocksArrive() {
        var state = makeState()
        XCTAssertEqual(logoLines(state)[0].trimmingCharacters(in: .whitespaces), "dependency map of up: rows moved by substituting columns")
        XCTAssert(logoLines(state).contains { $0.contains("computing the dependency map…") })
        _ = state.update(.dependenciesMapped(version: 0, pane: blocks(computed: 8 ..< 16), milliseconds: 3))
        let partial = logoLines(state)
        XCTAssert(partial[0].hasPrefix("dependency map of up: rows moved by substituting columns (8/30 positions)"), partial[0])
        // Ten rows of three positions; only columns 8–15 are computed: 8–9 lie in the rows'
        // block of ten (█, 1), 10–15 do not (▒, 0.3).
        XCTAssertEqual(state.layout!.logo.height, 10)
        XCTAssertEqual(partial[1], "      0┤" + String(repeating: " ", count: 8) + "██" + String(repeating: "▒", count: 6) + String(repeating: " ", count: 14 + 42))
        _ = state.update(.dependenciesMapped(version: 0, pane: blocks(computed: 0 ..< 30), milliseconds: 40))
        let lines = logoLines(state)
        XCTAssert(lines[0].hasPrefix("dependency map of up: rows moved by substituting columns (40 ms)"), lines[0])
        XCTAssertEqual(lines[1], "      0┤" + String(repeating: "█", count: 10) + String(repeating: "▒", count: 20) + String(repeating: " ", count: 42))
        // Positions 9–11 straddle two blocks; at column 9 only 10 and 11 count (9 is the diagonal).
        XCTAssertEqual(lines[4], "      9┤" + String(repeating: "█", count: 9) + "▒" + String(repeating: "█", count: 10) + String(repeating: "▒", count: 10) + String(repeating: " ", count: 42))
        XCTAssertEqual(lines[6], "       │" + String(repeating: "▒", count: 10) + String(repeating: "█", count: 10) + String(repeating: "▒", count: 10) + String(repeating: " ", count: 42))
        // An edit dims the map until the new one arrives.
        _ = state.update(.mutate(base: UInt8(ascii: "T")))
        let dimmed = Screen.render(state, depth: .monochrome)
        XCTAssertTrue(dimmed[state.layout!.plotX, state.layout!.logo.y].style.attributes.contains(.dim))
    }
}
