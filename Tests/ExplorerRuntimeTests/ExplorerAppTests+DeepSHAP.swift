import ExplorerCore
@testable import ExplorerRuntime
@testable import ExplorerView
import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// DeepSHAP as the explorer's map: the headless numbers, and the convergence check that the
/// trust mark shows.
extension ExplorerAppTests {
    func testTheDeepSHAPMapIsTheHeadlessOneWithItsConvergence() throws {
        let (app, model) = try makeApp()
        press("mmmmmm", app)
        settle(app)
        XCTAssertEqual(app.state.method, .deepshap)
        let expected = try Attributor(model: model).deepSHAP([app.state.sequence], settings: AttributionSettings(method: .deepshap, target: app.state.task))
        let map = try XCTUnwrap(app.state.attribution).value
        XCTAssertEqual(map.method, .deepshap)
        XCTAssertEqual(compare(map.values, expected.attributions.scalars, absolute: 1e-6).failures, 0)
        let convergence = try XCTUnwrap(map.convergence)
        XCTAssertEqual(convergence.difference, expected.outputDifferences[0], accuracy: 1e-5)
        XCTAssertFalse(convergence.flagged)
        XCTAssertLessThan(abs(convergence.delta), 1e-4 * abs(convergence.difference))
        XCTAssertEqual(Screen.trustMark(app.state), " ✓")
    }
}
