import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// AUROC/AUPRC against scikit-learn, stability metrics against numpy
/// (tools/make-dependency-fixtures.py), and the evaluation on a real model.
final class RobustnessTests: XCTestCase {
    static func arrays(_ name: String) throws -> [String: NPYArray] {
        Dictionary(uniqueKeysWithValues: try NPZ.read(contentsOf: Fixtures.url("robustness/\(name).npz")).map { ($0.0, $0.1) })
    }

    static func floats(_ array: NPYArray?) -> [Float] {
        guard case .float(let tensor)? = array else { return [] }
        return tensor.scalars
    }

    func testCurveAreasMatchScikitLearn() throws {
        let arrays = try Self.arrays("curves")
        let expected = Self.floats(arrays["expected"])
        XCTAssertEqual(expected.count, 8)
        for k in 0..<4 {
            let labels = Self.floats(arrays["labels_\(k)"]).map { $0 == 1 }
            let scores = Self.floats(arrays["scores_\(k)"]).map(Double.init)
            XCTAssertEqual(CurveArea.roc(labels: labels, scores: scores)!, Double(expected[2 * k]), accuracy: 1e-6, "case \(k) AUROC")
            XCTAssertEqual(CurveArea.precisionRecall(labels: labels, scores: scores)!, Double(expected[2 * k + 1]), accuracy: 1e-6, "case \(k) AUPRC")
        }
        XCTAssertNil(CurveArea.roc(labels: [true, true], scores: [1, 2]))
        XCTAssertNil(CurveArea.precisionRecall(labels: [false, false], scores: [1, 2]))
    }

    func testStabilityMetricsMatchNumpy() throws {
        let arrays = try Self.arrays("stability")
        let reference = Self.floats(arrays["reference"]), copies = Self.floats(arrays["copies"]), expected = Self.floats(arrays["expected"])
        let x = [Float](repeating: 0, count: reference.count)
        let scores = PositionScore.l2.scores(reference, x: x, alphabetSize: 4)
        var spearman = 0.0, cosine = 0.0
        for copy in 0..<5 {
            let other = Array(copies[copy * 120 ..< (copy + 1) * 120])
            spearman += MapSimilarity.spearman(scores, PositionScore.l2.scores(other, x: x, alphabetSize: 4))! / 5
            cosine += MapSimilarity.cosine(reference, other)! / 5
        }
        XCTAssertEqual(spearman, Double(expected[0]), accuracy: 1e-6)
        XCTAssertEqual(cosine, Double(expected[1]), accuracy: 1e-6)
        XCTAssertNil(MapSimilarity.spearman([1, 1, 1], [1, 2, 3]))
        XCTAssertNil(MapSimilarity.cosine([0, 0], [1, 2]))
    }

    func testObservedScoreReadsTheObservedBase() {
        // (A=2, L=2): position 0 observes letter 1, position 1 nothing (N).
        let scores = PositionScore.observed.scores([3, -4, -2, 5], x: [0, 0, 1, 0], alphabetSize: 2)
        XCTAssertEqual(scores, [2, 0])
        XCTAssertEqual(PositionScore.l2.scores([3, -4, -2, 5], x: [0, 0, 1, 0], alphabetSize: 2).map { ($0 * 1e6).rounded() / 1e6 },
                       [(13.0).squareRoot(), (41.0).squareRoot()].map { ($0 * 1e6).rounded() / 1e6 })
    }

    /// Noise of sigma 0 leaves every copy's map equal to the map: stability exactly 1. A truth
    /// that marks the positions the model reads most scores above one that marks the others.
    func testEvaluationOnARealModel() throws {
        let model = try DependencyMapTests.model()
        let sequences = try DependencyMapTests.sequences()
        let attributor = Attributor(model: model)
        let settings = AttributionSettings(method: .gradInput, target: 1)
        let noiseless = RobustnessEvaluation(attributor: attributor, settings: settings, noiseSamples: 2, noiseSigma: 0)
        let report = try noiseless.evaluate(sequences, targets: [1, 1], truth: nil)
        XCTAssertEqual(report.spearman!, 1, accuracy: 1e-9)
        XCTAssertEqual(report.cosine!, 1, accuracy: 1e-9)
        XCTAssertNil(report.auroc)
        XCTAssertEqual(report.scored, 0)
        // The truth: the ten positions of largest |grad × input| of each record, or the ten smallest.
        let maps = try attributor.attribute(sequences, settings: settings).scalars
        func truth(largest: Bool) -> [[Float]] {
            sequences.indices.map { s in
                let x = try! OneHot.encode([sequences[s]], alphabet: model.alphabet, layout: .channelsFirst)
                let scores = PositionScore.l2.scores(Array(maps[s * 160 ..< (s + 1) * 160]), x: x, alphabetSize: 4)
                let ranked = scores.indices.sorted { largest ? scores[$0] > scores[$1] : scores[$0] < scores[$1] }
                var ic = [Float](repeating: 0, count: 40)
                for p in ranked.prefix(10) { ic[p] = 1.5 }
                return ic
            }
        }
        let scoring = RobustnessEvaluation(attributor: attributor, settings: settings, noiseSamples: 0)
        let right = try scoring.evaluate(sequences, targets: [1, 1], truth: truth(largest: true))
        let wrong = try scoring.evaluate(sequences, targets: [1, 1], truth: truth(largest: false))
        XCTAssertEqual(right.auroc, 1)
        XCTAssertEqual(right.auprc, 1)
        XCTAssertEqual(right.scored, 2)
        XCTAssertEqual(wrong.auroc, 0)
        XCTAssertNil(right.spearman)
    }

    /// DeepSHAP and IG from shuffles compare every noisy copy with the sequence's own shuffles:
    /// noise of sigma 0 gives stability exactly 1 (copies seeded per index would not), and noise
    /// of sigma > 0 reaches the maps (the noisy copies are what is attributed).
    func testShuffledReferencesArePinnedAcrossNoisyCopies() throws {
        let attributor = Attributor(model: try DependencyMapTests.model())
        let sequences = try DependencyMapTests.sequences()
        let methods = [
            AttributionSettings(method: .deepshap, target: 1, references: .shuffled(count: 3, seed: 5)),
            AttributionSettings(method: .integratedGradients, target: 1, steps: 8, baseline: .shuffled(count: 2, seed: 5)),
        ]
        for settings in methods {
            let noiseless = try RobustnessEvaluation(attributor: attributor, settings: settings, noiseSamples: 3, noiseSigma: 0)
                .evaluate(sequences, targets: [1, 1], truth: nil)
            XCTAssertEqual(noiseless.spearman!, 1, accuracy: 1e-9, "\(settings.method)")
            XCTAssertEqual(noiseless.cosine!, 1, accuracy: 1e-6, "\(settings.method)")
            let noisy = try RobustnessEvaluation(attributor: attributor, settings: settings, noiseSamples: 3, noiseSigma: 0.3)
                .evaluate(sequences, targets: [1, 1], truth: nil)
            XCTAssertLessThan(noisy.cosine!, 0.9999, "\(settings.method)")
        }
    }
}
