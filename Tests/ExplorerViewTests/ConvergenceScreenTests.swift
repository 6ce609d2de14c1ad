import ExplorerCore
import ExplorerView
import Genomics
import Rendering
import XCTest

/// DeepSHAP's trust mark next to the map's title: ✓ when the attributions add up to
/// f(x) − mean f(references), "! Δ … of …" when they do not, nothing while recomputing.
final class ConvergenceScreenTests: XCTestCase {
    func makeState() -> ExplorerState {
        var state = ExplorerState(modelName: "code-shallow-relu", alphabet: .dna, taskNames: ["regulatory_code"],
                                  records: [SequenceRecord(id: "site", sequence: String(repeating: "ACGTTGCA", count: 8))])
        state.followsTopTask = false
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: [0.8]))
        _ = state.update(.predicted(version: 0, values: [0.8], milliseconds: 1))
        while state.method != .deepshap { _ = state.update(.cycleMethod) }
        return state
    }

    func deliver(_ convergence: Convergence, to state: inout ExplorerState) {
        let map = (0 ..< 4 * state.length).map { Float($0 % 7) / 10 - 0.3 }
        _ = state.update(.attributed(version: state.version, map: AttributionMap(method: .deepshap, task: 0, values: map, convergence: convergence), milliseconds: 42))
    }

    func titleLine(_ state: ExplorerState) -> String {
        Screen.render(state, depth: .monochrome).lines[state.layout!.logoTitle.y]
    }

    func testTheTrustMarkFollowsTheConvergenceCheck() {
        var state = makeState()
        XCTAssertEqual(titleLine(state), "DeepSHAP of regulatory_code                                                     ")
        deliver(Convergence(delta: 2.4e-7, difference: 0.31, flagged: false), to: &state)
        XCTAssertEqual(titleLine(state), "DeepSHAP of regulatory_code ✓ (42 ms)                                           ")
        deliver(Convergence(delta: -0.0123, difference: 0.105, flagged: true), to: &state)
        XCTAssertEqual(titleLine(state), "DeepSHAP of regulatory_code ! Δ -0.0123 of 0.105 (42 ms)                        ")
        _ = state.update(.moveTo(position: 5))
        _ = state.update(.mutate(base: UInt8(ascii: "T")))
        XCTAssertEqual(titleLine(state), "DeepSHAP of regulatory_code (updating…)                                         ", "no mark on a stale map")
    }
}
