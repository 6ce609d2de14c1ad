import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// Greedy and beam substitution against tangermeme 1.6 (tools/make-design-fixtures.py).
final class SubstitutionSearchTests: XCTestCase {
    private struct Fixture {
        var model: SequenceModel
        var records: [String: [UInt8]]
        var cases: [[String: Any]]

        init() throws {
            model = try SequenceModel(contentsOf: Fixtures.url("design/model.onnx"))
            let read = try FASTAReader.read(contentsOf: Fixtures.url("design/input.fa"))
            records = Dictionary(uniqueKeysWithValues: read.map { ($0.id, $0.sequence) })
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("design/expected.json"))) as! [String: Any]
            let names = json["record"] as! [String: String]
            cases = (json["cases"] as! [[String: Any]]).map { var c = $0; c["record"] = names[$0["name"] as! String]!; return c }
        }

        func search(_ c: [String: Any], maxEdits: Int) -> SubstitutionSearch {
            SubstitutionSearch(model: model, task: c["task"] as! Int, goal: DesignGoal(rawValue: c["goal"] as! String)!,
                               beamSize: c["beam"] as! Int, maxEdits: maxEdits, tolerance: Float(c["tol"] as! Double), threads: 2)
        }

        func sequence(_ c: [String: Any]) -> [UInt8] { records[c["record"] as! String]! }
        func mask(_ c: [String: Any]) -> [Bool] { c["mask"] as! [Bool] }
    }

    private func value(_ any: Any?) -> Float { Float(any as! Double) }

    func testGreedyMatchesTangermemeEditForEditWithItsStoppingRule() throws {
        let fixture = try Fixture()
        let greedy = fixture.cases.filter { $0["search"] as! String == "greedy" }
        XCTAssertEqual(greedy.count, 3)
        for c in greedy {
            let name = c["name"] as! String
            let design = try fixture.search(c, maxEdits: c["max_iter"] as! Int).run(fixture.sequence(c), editable: fixture.mask(c))
            let expected = c["steps"] as! [[String: Any]]
            XCTAssertEqual(design.steps.map(\.substitution.description), expected.map { $0["edit"] as! String }, name)
            XCTAssertEqual(design.start, value(c["start"]), accuracy: 1e-5, name)
            for (step, reference) in zip(design.steps, expected) {
                XCTAssertEqual(step.prediction, value(reference["prediction"]), accuracy: 1e-5, "\(name) \(step.substitution)")
            }
        }
        // The tolerance case stops on its rule (4 edits, the last improving by under 0.02), not its budget of 30.
        let stopped = greedy.first { $0["name"] as! String == "greedy_max_task1_tol" }!
        XCTAssertEqual((stopped["steps"] as! [Any]).count, 4)
        XCTAssertTrue((stopped["steps"] as! [[String: Any]]).contains { $0["edit"] as! String == "5:N>A" }, "an N is substituted like any base")
    }

    func testBeamMatchesTangermemeRoundForRound() throws {
        let fixture = try Fixture()
        let beams = fixture.cases.filter { $0["search"] as! String == "beam" }
        XCTAssertEqual(beams.count, 2)
        for c in beams {
            let name = c["name"] as! String
            for round in c["rounds"] as! [[String: Any]] {
                let rounds = round["max_iter"] as! Int
                let design = try fixture.search(c, maxEdits: rounds).run(fixture.sequence(c), editable: fixture.mask(c))
                XCTAssertEqual(String(decoding: design.sequence, as: UTF8.self), round["sequence"] as! String, "\(name) after \(rounds) rounds")
                XCTAssertEqual(design.prediction, value(round["prediction"]), accuracy: 1e-5, "\(name) after \(rounds) rounds")
                // The path replays to the sequence: each step one edit of the one before.
                var replayed = fixture.sequence(c)
                for step in design.steps {
                    XCTAssertEqual(replayed[step.substitution.position], step.substitution.reference)
                    replayed[step.substitution.position] = step.substitution.alternative
                }
                XCTAssertEqual(replayed, design.sequence, name)
            }
        }
    }

    func testFrozenColumnsNeverChangeAndTheFlipStopsOnceAcross() throws {
        let fixture = try Fixture()
        let sequence = fixture.records["seq0"]!
        let frozen = (0..<sequence.count).map { !(10..<30).contains($0) }
        let search = SubstitutionSearch(model: fixture.model, task: 0, goal: .maximize, maxEdits: 12, tolerance: 0, threads: 2)
        let design = try search.run(sequence, editable: frozen)
        XCTAssertFalse(design.steps.isEmpty)
        for (column, (before, after)) in zip(sequence, design.sequence).enumerated() where before != after {
            XCTAssertTrue(frozen[column], "column \(column) is frozen")
        }
        // Flip: the first greedy prediction at or past 0.6 ends the search, and no earlier one was.
        var flip = SubstitutionSearch(model: fixture.model, task: 0, goal: .maximize, maxEdits: 12, tolerance: 0, threshold: 0.6, threads: 2)
        let flipped = try flip.run(sequence)
        XCTAssertGreaterThanOrEqual(flipped.prediction, 0.6)
        XCTAssertTrue(flipped.steps.dropLast().allSatisfy { $0.prediction < 0.6 })
        let replay = try PredictionTable.predict(model: fixture.model, records: [SequenceRecord(id: "designed", sequence: flipped.sequence)], batchSize: 1, threads: 1)
        XCTAssertEqual(replay.values.scalars[0], flipped.prediction, accuracy: 1e-5)
        // Already past the threshold: nothing to do.
        flip.threshold = 0.1
        XCTAssertEqual(try flip.run(sequence).steps.count, 0)
    }
}
