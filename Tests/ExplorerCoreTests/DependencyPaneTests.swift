import ExplorerCore
import Genomics
import Interactive
import XCTest

/// `D`: the dependency map of the positions on screen, asked for on the slow lane and again
/// after every edit or task change; results of older versions are dropped.
final class DependencyPaneTests: XCTestCase {
    func makeState() -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"],
                                  records: [SequenceRecord(id: "one", sequence: UpdateTests.first)])
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        return state
    }

    func testDAsksForTheMapOfTheScreenAndAnEditAsksAgain() {
        var state = makeState()
        XCTAssertFalse(state.showsDependencies)
        let effects = state.update(KeyMap.action(for: .key(.character("D")), in: state)!)
        XCTAssertTrue(state.showsDependencies)
        XCTAssertEqual(effects, [.mapDependencies(version: 0, sequence: Array(UpdateTests.first.utf8), positions: 0 ..< 30, task: 0, cursor: 0)])
        // Nothing changed: no second request.
        XCTAssertEqual(state.update(.move(by: 1)), [])
        let edit = state.update(.mutate(base: UInt8(ascii: "T")))
        XCTAssertEqual(edit.last, .mapDependencies(version: 1, sequence: state.modelInput, positions: 0 ..< 30, task: 0, cursor: 1))
        XCTAssertEqual(state.update(.nextTask).last, .mapDependencies(version: 1, sequence: state.modelInput, positions: 0 ..< 30, task: 1, cursor: 1))
        // Hidden again: no more requests.
        _ = state.update(.toggleDependencies)
        XCTAssertFalse(state.update(.mutate(base: UInt8(ascii: "G"))).contains { if case .mapDependencies = $0 { return true } else { return false } })
    }

    func testResultsOfAnOlderVersionAreDroppedAndPartialMapsAreStale() {
        var state = makeState()
        _ = state.update(.toggleDependencies)
        _ = state.update(.mutate(base: UInt8(ascii: "T")))
        let partial = DependencyPane(positions: 0 ..< 30, task: 0, values: [Float](repeating: 1, count: 900), computed: Set(0 ..< 8))
        _ = state.update(.dependenciesMapped(version: 1, pane: partial, milliseconds: 5))
        XCTAssertEqual(state.dependencies?.value, partial)
        XCTAssertTrue(state.isDependencyStale)
        _ = state.update(.dependenciesMapped(version: 0, pane: DependencyPane(positions: 0 ..< 30, task: 0, values: [], computed: []), milliseconds: 1))
        XCTAssertEqual(state.dependencies?.value, partial, "version 0 is older than the map shown")
        var whole = partial
        whole.computed = Set(0 ..< 30)
        _ = state.update(.dependenciesMapped(version: 1, pane: whole, milliseconds: 9))
        XCTAssertFalse(state.isDependencyStale)
    }
}
