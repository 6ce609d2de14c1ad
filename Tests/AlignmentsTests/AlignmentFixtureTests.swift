import Alignments
import Foundation
import TestSupport
import XCTest

/// Focus columns, encoding, weights, N_eff, frequencies and PSSMs against EVcouplings' and
/// logomaker's numbers (tools/make-alignment-fixtures.py wrote Tests/Fixtures/alignments/expected.json).
final class AlignmentFixtureTests: XCTestCase {
    struct Case: Decodable {
        var name: String
        var file: String
        var focus: String?
        var identity: Double
        var pseudocount: Double
        var ids: [String]
        var skipped: [String]
        var positions: [Int]
        var focusSequence: String
        var rows: [String]
        var clusterSizes: [Int]
        var weights: [Float]
        var effectiveCount: Float
        var frequencies: [Float]
        var pssmFrequencies: [Float]
        var fields: [Float]
    }

    static let cases: [Case] = {
        let data = try! Data(contentsOf: Fixtures.url("alignments/expected.json"))
        return try! JSONDecoder().decode([Case].self, from: data)
    }()

    func load(_ c: Case) throws -> (Alignment, AlignmentFocus, EncodedAlignment) {
        let alignment = try Alignment.read(contentsOf: Fixtures.url("alignments/\(c.file)"))
        let focus = try alignment.focus(id: c.focus)
        return (alignment, focus, alignment.encoded(focus: focus, identity: c.identity))
    }

    func testEveryFixtureHasItsCase() {
        XCTAssertEqual(Self.cases.map(\.name), ["ww-first", "ww-focus", "fn3", "globins-myoglobin", "toy-a2m", "toy-a3m", "toy-stockholm"])
    }

    /// Focus columns, residue numbers, the sequences left out and each kept row's states.
    func testFocusColumnsAndStatesMatchEVcouplingsReaders() throws {
        for c in Self.cases {
            let (alignment, focus, encoded) = try load(c)
            XCTAssertEqual(encoded.ids, c.ids, c.name)
            XCTAssertEqual(alignment.sequencesOutsideAlphabet(at: focus).map { alignment.ids[$0] }, c.skipped, c.name)
            XCTAssertEqual(encoded.positions, c.positions, c.name)
            XCTAssertEqual(String(decoding: encoded.focusSequence, as: UTF8.self), c.focusSequence, c.name)
            let rows = (0..<encoded.count).map { n in String(decoding: encoded.sequence(n).map { encoded.alphabet[Int($0)] }, as: UTF8.self) }
            XCTAssertEqual(rows, c.rows, c.name)
        }
    }

    func testWeightsAndEffectiveCountMatchEVcouplings() throws {
        for c in Self.cases {
            let (_, _, encoded) = try load(c)
            XCTAssertEqual(SequenceWeights.clusterSizes(states: encoded.states, length: encoded.length, identity: c.identity), c.clusterSizes, c.name)
            let comparison = compare(encoded.weights, c.weights, absolute: 1e-6, relative: 1e-6)
            XCTAssertEqual(comparison.failures, 0, "\(c.name): \(comparison)")
            XCTAssertEqual(encoded.effectiveCount, c.effectiveCount, accuracy: 1e-5 * c.effectiveCount, c.name)
        }
    }

    /// Frequencies without (EVcouplings) and with a pseudocount (logomaker), and the PSSM's fields.
    func testPSSMMatchesEVcouplingsAndLogomakerFrequencies() throws {
        for c in Self.cases {
            let (_, _, encoded) = try load(c)
            let model = PSSM.fit(encoded, pseudocount: c.pseudocount)
            for (actual, expected, what) in [(model.frequencies, c.frequencies, "frequencies"),
                                             (PSSM.frequencies(encoded, pseudocount: c.pseudocount), c.pssmFrequencies, "pseudocounted"),
                                             (model.fields, c.fields, "fields")] {
                let comparison = compare(actual, expected, absolute: 1e-5, relative: 1e-5)
                XCTAssertEqual(comparison.failures, 0, "\(c.name) \(what): \(comparison)")
            }
            XCTAssertTrue(model.isSiteIndependent)
            XCTAssertEqual(model.positions, c.positions)
            XCTAssertEqual(String(decoding: model.focusSequence, as: UTF8.self), c.focusSequence)
        }
    }
}
