import Foundation
import TestSupport
import XCTest

/// `seqlens benchmark MODEL` (forward passes): the JSON line bench/forward.py reads.
final class ForwardBenchmarkTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path

    func testTheMedianRepeatsRateLiesBetweenTheSlowestAndFastestPassesRates() throws {
        let result = try runSeqlens(["benchmark", model, "--batch", "4", "--seconds", "0", "--repeats", "3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let passes = try XCTUnwrap(report["passes"] as? Int)
        let best = try XCTUnwrap(report["best_pass_seconds"] as? Double)
        let median = try XCTUnwrap(report["median_sequences_per_second"] as? Double)
        let mean = try XCTUnwrap(report["sequences_per_second"] as? Double)
        XCTAssertEqual(report["repeats"] as? Int, 3)
        // --seconds 0 still times one pass per repeat.
        XCTAssertEqual(passes, 3)
        // A repeat's rate is at most the fastest pass's; the mean over the wall clock (which
        // includes the loop's own time) cannot beat it either.
        XCTAssertLessThanOrEqual(median, 4 / best * (1 + 1e-9))
        XCTAssertLessThanOrEqual(mean, 4 / best * (1 + 1e-9))
        XCTAssertGreaterThan(median, 0)
    }

    func testRepeatsOutsideTheirRangeAreRefused() throws {
        assertRefusal(try runSeqlens(["benchmark", model, "--repeats", "0"]), "--repeats must be at least 1; see `seqlens benchmark --help`")
    }
}
