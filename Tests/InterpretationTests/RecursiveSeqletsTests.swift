import Foundation
import Interpretation
import TestSupport
import XCTest

/// The recursive seqlet caller against tangermeme 1.6 (tools/make-seqlet-fixtures.py): the same
/// spans, attribution sums and p-values at three documented settings.
final class RecursiveSeqletsTests: XCTestCase {
    struct Fixture: Decodable {
        struct Run: Decodable {
            struct Settings: Decodable { var threshold: Double; var min_seqlet_len: Int; var max_seqlet_len: Int; var additional_flanks: Int }
            var settings: Settings
            var seqlets: [[Double]]
        }
        var attributions: [[Double]]
        var runs: [Run]
    }

    func testMatchesTangermemeAtEverySetting() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.url("seqlets/recursive-seqlets.json")))
        let attributions = fixture.attributions.map { $0.map(Float.init) }
        for run in fixture.runs {
            let s = run.settings
            let caller = RecursiveSeqletCaller(threshold: s.threshold, minLength: s.min_seqlet_len, maxLength: s.max_seqlet_len, additionalFlanks: s.additional_flanks)
            let seqlets = caller.call(attributions)
            XCTAssertEqual(seqlets.count, run.seqlets.count, "\(s)")
            for (seqlet, expected) in zip(seqlets, run.seqlets) {
                XCTAssertEqual([seqlet.example, seqlet.start, seqlet.end], [Int(expected[0]), Int(expected[1]), Int(expected[2])], "\(s)")
                XCTAssertEqual(seqlet.attribution, expected[3], accuracy: 1e-12, "\(s)")
                XCTAssertEqual(seqlet.pValue, expected[4], accuracy: max(1e-20, expected[4] * 1e-12), "\(s)")
            }
        }
    }

    func testConstantInputCallsNothing() {
        XCTAssertEqual(RecursiveSeqletCaller().call([[Float](repeating: 0.5, count: 50)]), [])
    }
}
