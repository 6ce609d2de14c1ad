import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// DeepSHAP against tangermeme 1.6 and captum 0.9 on the same models and references
/// (tools/make-deepshap-fixtures.py, Tests/Fixtures/deepshap/README.md), its convergence check,
/// and its dinucleotide-shuffled references.
final class DeepSHAPTests: XCTestCase {
    struct Case {
        var name: String
        var model: URL
        var target: Int
        var arrays: [String: Tensor<Float>]
    }

    func fixture(_ name: String, model: String, target: Int) throws -> Case {
        var arrays: [String: Tensor<Float>] = [:]
        for (key, value) in try NPZ.read(contentsOf: Fixtures.url("deepshap/\(name).npz")) {
            if case .float(let tensor) = value { arrays[key] = tensor }
        }
        let url = model.hasPrefix("sample-models/") ? Fixtures.repositoryRoot.appendingPathComponent(model) : Fixtures.url("deepshap/\(model)")
        return Case(name: name, model: url, target: target, arrays: arrays)
    }

    func run(_ fixture: Case, hypothetical: Bool = false) throws -> DeepSHAPResult {
        let model = try SequenceModel(contentsOf: fixture.model)
        let x = try XCTUnwrap(fixture.arrays["X"])
        let sequences = (0..<x.shape[0]).map { OneHot.decode(Array(x.scalars[$0 * x.count / x.shape[0] ..< ($0 + 1) * x.count / x.shape[0]]), alphabet: model.alphabet, layout: .channelsFirst) }
        var settings = AttributionSettings(method: .deepshap, target: fixture.target)
        settings.references = .given(try XCTUnwrap(fixture.arrays["references"]))
        return try Attributor(model: model, batchSize: 5, threads: 1).deepSHAP(sequences, settings: settings, hypothetical: hypothetical)
    }

    /// Within 1e-4 of the reference's largest magnitude (as ZooTests): where an op's input barely
    /// changes, float32 secants of PyTorch's and seqlens' kernels differ in their last bits.
    func assertClose(_ actual: Tensor<Float>, _ expected: Tensor<Float>?, _ what: String, within tolerance: Float = 1e-4,
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try XCTUnwrap(expected, what)
        XCTAssertEqual(actual.shape, expected.shape, what, file: file, line: line)
        let scale = expected.scalars.reduce(Float(0)) { max($0, abs($1)) }
        XCTAssertGreaterThan(scale, 0, what, file: file, line: line)
        let comparison = compare(actual.scalars, expected.scalars, absolute: tolerance * scale, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(what): \(comparison)", file: file, line: line)
    }

    /// The cases where tangermeme converges (with rules for Exp and the gated product where its
    /// defaults lack them): attributions, hypothetical contributions and convergence.
    func testMatchesTangermemeWhereItConverges() throws {
        let cases = [("relu_maxpool", "relu_maxpool.onnx", 1), ("activations", "activations.onnx", 0), ("smooth", "smooth.onnx", 0),
                     ("attention", "attention.onnx", 1), ("gated", "gated.onnx", 0),
                     ("code_shallow_relu", "sample-models/code-shallow-relu.onnx", 0), ("multitask_deep_exp", "sample-models/multitask-deep-exp.onnx", 3)]
        for (name, model, target) in cases {
            let fixture = try fixture(name, model: model, target: target)
            let result = try run(fixture)
            // The gated model's Exp of a product amplifies float32 rounding twice as much.
            let tolerance: Float = name == "gated" ? 2e-4 : 1e-4
            try assertClose(result.attributions, fixture.arrays["tangermeme"], "\(name) attributions", within: tolerance)
            try assertClose(try run(fixture, hypothetical: true).attributions, fixture.arrays["tangermeme_hyp"], "\(name) hypothetical", within: tolerance)
            let difference = try XCTUnwrap(fixture.arrays["difference"]).scalars
            for (index, delta) in result.convergence.enumerated() {
                XCTAssertEqual(result.outputDifferences[index], difference[index], accuracy: 1e-5 * max(1, abs(difference[index])), "\(name) difference \(index)")
                XCTAssertLessThan(abs(delta), 1e-4 * max(abs(difference[index]), 1e-2), "\(name) convergence \(index)")
            }
            XCTAssertEqual(result.flagged, [false, false, false], name)
            XCTAssertEqual(result.nodesWithoutRule, [], name)
        }
    }

    /// captum converges only where every nonlinearity is one of its own (no MaxPool: its rule
    /// does not add up there, see the fixtures' README); there it equals tangermeme and us.
    func testMatchesCaptumWhereItConverges() throws {
        let fixture = try fixture("smooth", model: "smooth.onnx", target: 0)
        XCTAssertLessThan(try XCTUnwrap(fixture.arrays["captum_delta"]).scalars.map(abs).max() ?? 1, 1e-6)
        try assertClose(try run(fixture).attributions, fixture.arrays["captum"], "smooth vs captum")
        let maxPool = try self.fixture("relu_maxpool", model: "relu_maxpool.onnx", target: 1)
        XCTAssertGreaterThan(try XCTUnwrap(maxPool.arrays["captum_delta"]).scalars.map(abs).max() ?? 0, 0.05, "the fixture documents captum's MaxPool not converging")
    }

    /// tangermeme's defaults have no rule for Exp or a plain product and do not converge on
    /// this model; seqlens' rules (rescale for Exp, midpoint for Mul) do.
    func testConvergesWhereTangermemesDefaultsDoNot() throws {
        let fixture = try fixture("gated_plain", model: "gated.onnx", target: 0)
        XCTAssertGreaterThan(try XCTUnwrap(fixture.arrays["tangermeme_delta"]).scalars.map(abs).max() ?? 0, 0.01)
        let result = try run(fixture)
        XCTAssertEqual(result.flagged, [false, false, false])
        for (delta, difference) in zip(result.convergence, result.outputDifferences) {
            XCTAssertLessThan(abs(delta), 1e-4 * max(abs(difference), 1e-2))
        }
    }

    /// Additivity on the sample models with the default references (20 dinucleotide shuffles):
    /// Σ attributions = f(x) − mean f(shuffles), each sequence.
    func testAttributionsAddUpOnTheSampleModels() throws {
        let sequences = try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa")).prefix(2).map(\.sequence)
        for name in ["code-shallow-relu", "code-shallow-exp", "multitask-deep-relu", "multitask-deep-exp"] {
            let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/\(name).onnx"))
            let fitted = sequences.map { Array($0.prefix(200)) }
            for logits in [false, true] {
                let settings = AttributionSettings(method: .deepshap, target: 0, logits: logits)
                let result = try Attributor(model: model, threads: 1).deepSHAP(fitted, settings: settings)
                let sums = (0..<fitted.count).map { i in result.attributions.scalars[i * 800 ..< (i + 1) * 800].reduce(0, +) }
                for i in fitted.indices {
                    XCTAssertEqual(sums[i] - result.outputDifferences[i], result.convergence[i], accuracy: 1e-6)
                    XCTAssertLessThan(abs(result.convergence[i]), 1e-4 * max(abs(result.outputDifferences[i]), 1e-2), "\(name) logits \(logits) sequence \(i)")
                    XCTAssertGreaterThan(abs(result.outputDifferences[i]), 0, "\(name): the shuffles change the output")
                }
                XCTAssertEqual(result.flagged, [false, false], name)
            }
        }
    }

    /// The default references: per sequence i, k dinucleotide shuffles drawn with seed + i,
    /// each keeping every dinucleotide count; the average runs over all k.
    func testShuffledReferencesKeepDinucleotidesAndFollowTheSeed() throws {
        let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx"))
        let attributor = Attributor(model: model)
        var generator = SeededGenerator(seed: 99)
        let sequence = (0..<200).map { _ in Array("ACGT".utf8)[Int.random(in: 0..<4, using: &generator)] }
        let settings = AttributionSettings(method: .deepshap, references: .shuffled(count: 5, seed: 7))
        let references = try attributor.deepSHAPReferences(for: sequence, index: 2, count: 3, settings: settings)
        XCTAssertEqual(references.count, 5)
        func dinucleotides(_ s: [UInt8]) -> [String: Int] {
            var counts: [String: Int] = [:]
            for i in 0..<(s.count - 1) { counts[String(decoding: s[i...i + 1], as: UTF8.self), default: 0] += 1 }
            return counts
        }
        let decoded = references.map { OneHot.decode($0, alphabet: model.alphabet, layout: .channelsFirst) }
        for reference in decoded {
            XCTAssertEqual(dinucleotides(reference), dinucleotides(sequence))
            XCTAssertNotEqual(reference, sequence)
        }
        XCTAssertEqual(Set(decoded.map { String(decoding: $0, as: UTF8.self) }).count, 5, "five different shuffles")
        var expected = SeededGenerator(seed: 9)  // seed 7 + index 2
        XCTAssertEqual(decoded[0], DinucleotideShuffle.shuffle(sequence, using: &expected))
        let again = try attributor.deepSHAPReferences(for: sequence, index: 2, count: 3, settings: settings)
        XCTAssertEqual(again, references)
    }

    func testReferencesOfTheWrongShapeOrNotOneHotAreRefused() throws {
        let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx"))
        let sequence = Array(String(repeating: "ACGT", count: 50).utf8)
        var settings = AttributionSettings(method: .deepshap)
        settings.references = .given(Tensor(shape: [2, 4, 199], repeating: 0))
        XCTAssertThrowsError(try Attributor(model: model).deepSHAP([sequence], settings: settings)) {
            XCTAssertEqual("\($0)", "references have shape [2, 4, 199] but need (K, 4, 200) or (1, K, 4, 200): K one-hot references of the sequences' length")
        }
        var half = Tensor<Float>(shape: [1, 4, 200], repeating: 0)
        half.scalars[7] = 0.5
        settings.references = .given(half)
        XCTAssertThrowsError(try Attributor(model: model).deepSHAP([sequence], settings: settings)) {
            XCTAssertEqual("\($0)", "references are not one-hot: value 0.5 in reference 0, position 7; give 0/1 columns in the order ACGT")
        }
    }
}
