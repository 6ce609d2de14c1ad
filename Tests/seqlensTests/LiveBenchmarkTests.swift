import Foundation
import TestSupport
import XCTest

/// `seqlens benchmark --live`: a scripted explorer session whose every edit's results are timed
/// and, at the end, checked against a full pass of the final sequence.
final class LiveBenchmarkTests: XCTestCase {
    func report(_ arguments: [String]) throws -> [String: Any] {
        let result = try runSeqlens(["benchmark", "--live"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Amino-acid letters are keys too (D, F, V…), so protein edits go through replace mode: every
    /// edit must land, and the explorer's last state must equal a full pass.
    func testAPottsModelsEditsAreTypedInReplaceModeAndEveryOneIsTimed() throws {
        let json = try report([Fixtures.url("potts/ww-small.params").path, "--edits", "12"])
        XCTAssertEqual(json["edits"] as? Int, 12)
        XCTAssertEqual(json["length"] as? Int, 9)
        XCTAssertEqual((json["ism_ms"] as? [String: Any])?["n"] as? Int, 12)
        XCTAssertLessThan(try XCTUnwrap(json["max_abs_diff_vs_full_pass"] as? Double), 1e-4)
    }
}
