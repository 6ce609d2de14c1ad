import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// `x` in the explorer: predictions, map and ISM of the logits equal the headless engine's
/// (`attr --logits`, and the logits of the model's probabilities).
extension ExplorerAppTests {
    func testLogitsEqualTheHeadlessEnginesLogits() throws {
        // code_test_01929 scores 0.5: its logits are far from saturation, so the logit of its
        // probabilities keeps enough digits to compare with (most records score above 0.9999).
        let (app, model) = try makeApp(records: 44) { state in
            state.outputsProbabilities = true
            state.adjustView { $0.record = 43 }
        }
        XCTAssertEqual(app.state.record.id, "code_test_01929")
        XCTAssertTrue(model.outputsProbabilities, "the sample model ends in a Sigmoid")
        press(":30", app)
        app.handle(.key(.enter))
        app.handle(.key(.character(app.state.sequence[30] == UInt8(ascii: "A") ? "C" : "A")))
        settle(app)
        let probabilities = try XCTUnwrap(app.state.predictions?.value)
        app.handle(.key(.character("x")))
        settle(app)
        let state = app.state
        XCTAssertTrue(state.showsLogits)
        XCTAssertEqual(state.mutatedPositions, [30], "the edit stays")

        // The logit of each probability, where it is not saturated (log p/(1−p) loses digits there).
        let predictions = try XCTUnwrap(state.predictions?.value)
        XCTAssertEqual(predictions.count, probabilities.count)
        for (logit, p) in zip(predictions, probabilities) where p > 0.01 && p < 0.99 {
            XCTAssertEqual(logit, Float(log(Double(p) / (1 - Double(p)))), accuracy: 1e-3)
        }
        let reference = try XCTUnwrap(state.referencePredictions[43])
        let referenceProbabilities = try model.predict([state.reference]).scalars
        for (logit, p) in zip(reference, referenceProbabilities) where p > 0.01 && p < 0.99 {
            XCTAssertEqual(logit, Float(log(Double(p) / (1 - Double(p)))), accuracy: 1e-3)
        }

        // The map: what `seqlens attr --logits` computes.
        let headless = try Attributor(model: model).attribute([state.sequence], settings: AttributionSettings(method: .saliency, target: 0, logits: true))
        let map = compare(try XCTUnwrap(state.attribution).value.values, headless.scalars, absolute: 1e-5)
        XCTAssertEqual(map.failures, 0, "\(map)")

        // ISM: logit(mutant) − logit(sequence), from the probabilities of a plain ISM run.
        let deltas = try XCTUnwrap(state.mutagenesis).value.deltas
        let ism = try SaturationMutagenesis(model: model, engine: .naive).run([state.sequence])
        let tasks = probabilities.count, sequenceLogit = { (task: Int) in log(Double(probabilities[task]) / (1 - Double(probabilities[task]))) }
        var checked = 0
        for index in deltas.indices {
            let task = index % tasks
            let mutant = Double(probabilities[task]) + Double(ism.deltas.scalars[index])
            guard mutant > 0.01, mutant < 0.99, probabilities[task] > 0.01, probabilities[task] < 0.99 else { continue }
            XCTAssertEqual(Double(deltas[index]), log(mutant / (1 - mutant)) - sequenceLogit(task), accuracy: 2e-3)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100, "enough unsaturated mutants to compare")

        app.handle(.key(.character("x")))
        settle(app)
        XCTAssertEqual(compare(try XCTUnwrap(app.state.predictions?.value), probabilities, absolute: 1e-5).failures, 0, "back to probabilities")
    }
}
