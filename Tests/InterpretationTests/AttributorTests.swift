import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// Attribution maps against PyTorch autograd and captum (tools/make-attribution-fixtures.py):
/// gradients within 1e-4 and integrated gradients within 1e-3 of the largest value.
final class AttributorTests: XCTestCase {
    struct Case {
        let name: String
        let folder: URL
        let model: SequenceModel
        let meta: [String: Any]
        let sequences: [[UInt8]]
        let target: Int
        var sigmoid: Bool { meta["final_activation"] as? String == "sigmoid" }
        var length: Int { sequences[0].count }

        init(_ name: String) throws {
            self.name = name
            folder = Fixtures.url("attribution/\(name)")
            model = try SequenceModel(contentsOf: folder.appendingPathComponent("model.onnx"))
            meta = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("meta.json"))) as! [String: Any]
            target = meta["target"] as! Int
            let input = try Case.array(folder, "input")
            let channelsFirst = model.layout == .channelsFirst ? input : input.swappingLastAxes()
            let perSequence = channelsFirst.count / channelsFirst.shape[0]
            sequences = (0..<channelsFirst.shape[0]).map { row in
                OneHot.decode(Array(channelsFirst.scalars[row * perSequence ..< (row + 1) * perSequence]), alphabet: .dna, layout: .channelsFirst)
            }
        }

        static func array(_ folder: URL, _ name: String) throws -> Tensor<Float> {
            guard case .float(let tensor) = try NPY.read(contentsOf: folder.appendingPathComponent("\(name).npy")) else { throw InferenceError("\(name) not float") }
            return tensor
        }

        func expected(_ name: String) throws -> Tensor<Float> { try Case.array(folder, name) }

        /// Per-sample arrays stored in the model layout (noise, baselines), as channels-first rows.
        func channelsFirstRows(_ name: String) throws -> [[[Float]]] {
            let stored = try expected(name)  // (k, N, ...)
            let (k, n) = (stored.shape[0], stored.shape[1])
            let per = stored.count / (k * n)
            return (0..<k).map { s in
                (0..<n).map { i in
                    let block = Tensor(shape: [1] + Array(stored.shape.dropFirst(2)), scalars: Array(stored.scalars[(s * n + i) * per ..< (s * n + i + 1) * per]))
                    return (model.layout == .channelsFirst ? block : block.swappingLastAxes()).scalars
                }
            }
        }
    }

    static let names = ["basset_folded", "multitask_exp_bn", "residual_dilated", "channels_last", "attention", "rna_pooled", "keras_conv2d"]

    private func assertClose(_ actual: [Float], _ expected: Tensor<Float>, relativeToMax tolerance: Float, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let scale = expected.scalars.map(abs).max() ?? 0
        XCTAssertGreaterThan(scale, 0, "\(label): reference is all zero", file: file, line: line)
        let comparison = compare(actual, expected.scalars, absolute: tolerance * scale, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison) (scale \(scale))", file: file, line: line)
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
    }

    func testGradientMethodsMatchPyTorch() throws {
        for name in Self.names {
            let c = try Case(name)
            let attributor = Attributor(model: c.model, batchSize: 16, threads: 2)
            let saliency = try attributor.attribute(c.sequences, settings: AttributionSettings(method: .saliency, target: c.target))
            assertClose(saliency.scalars, try c.expected("saliency"), relativeToMax: 1e-4, "\(name) saliency")
            let gradInput = try attributor.attribute(c.sequences, settings: AttributionSettings(method: .gradInput, target: c.target))
            assertClose(gradInput.scalars, try c.expected("grad_input"), relativeToMax: 1e-4, "\(name) grad-input")
            if c.sigmoid {
                let logits = try attributor.attribute(c.sequences, settings: AttributionSettings(method: .saliency, target: c.target, logits: true))
                assertClose(logits.scalars, try c.expected("saliency_logits"), relativeToMax: 1e-4, "\(name) saliency --logits")
            }
        }
    }

    func testIntegratedGradientsMatchCaptum() throws {
        for name in Self.names {
            let c = try Case(name)
            let attributor = Attributor(model: c.model, batchSize: 50, threads: 2)
            // The trapezoid rule evaluates the all-zero baseline itself (α = 0), where MaxPool
            // windows are exact ties: which position takes the gradient then depends on the last bit
            // of the BLAS kernel's sums (the BLAS library picks kernels by CPU), worth up to ~2e-3 of the
            // map's largest value on basset_folded; the other quadratures never evaluate α = 0.
            for (file, settings, tolerance) in [
                ("ig_zero", AttributionSettings(method: .integratedGradients, target: c.target), Float(1e-3)),
                ("ig_zero_riemann_trapezoid", AttributionSettings(method: .integratedGradients, target: c.target, quadrature: .riemannTrapezoid), 3e-3),
                ("ig_uniform", AttributionSettings(method: .integratedGradients, target: c.target, baseline: .uniform), 1e-3),
            ] {
                let ig = try attributor.attribute(c.sequences, settings: settings)
                assertClose(ig.scalars, try c.expected(file), relativeToMax: tolerance, "\(name) \(file)")
            }
            // Expected IG over the fixture's own dinucleotide-shuffled baselines.
            let baselines = try c.channelsFirstRows("ig_shuffled_baselines")
            let settings = AttributionSettings(method: .integratedGradients, target: c.target)
            var shuffled: [Float] = []
            for (i, sequence) in c.sequences.enumerated() {
                let x = try OneHot.encode([sequence], alphabet: c.model.alphabet, layout: .channelsFirst)
                shuffled += try attributor.integratedGradients(x, baselines: baselines.map { $0[i] }, settings: settings)
            }
            assertClose(shuffled, try c.expected("ig_shuffled"), relativeToMax: 1e-3, "\(name) ig_shuffled")
        }
    }

    func testSmoothGradWithTheFixtureNoise() throws {
        for name in Self.names {
            let c = try Case(name)
            let attributor = Attributor(model: c.model, batchSize: 8, threads: 2)
            let noise = try c.channelsFirstRows("smoothgrad_noise")
            let settings = AttributionSettings(method: .smoothgrad, target: c.target)
            var result: [Float] = []
            for (i, sequence) in c.sequences.enumerated() {
                let x = try OneHot.encode([sequence], alphabet: c.model.alphabet, layout: .channelsFirst)
                let noisy = noise.map { zip(x, $0[i]).map(+) }
                result += try attributor.meanGradient(noisy, weights: Array(repeating: 1 / Float(noisy.count), count: noisy.count), settings: settings)
            }
            assertClose(result, try c.expected("smoothgrad"), relativeToMax: 1e-4, "\(name) smoothgrad")
        }
    }

    func testCorrectionRemovesTheAlphabetMean() throws {
        let c = try Case("basset_folded")
        let attributor = Attributor(model: c.model)
        let plain = try attributor.attribute(c.sequences, settings: AttributionSettings(method: .saliency, target: c.target))
        let corrected = try attributor.attribute(c.sequences, settings: AttributionSettings(method: .saliency, target: c.target, corrected: true))
        let length = c.length
        for position in [0, 50, 120] {
            let column = (0..<4).map { plain.scalars[$0 * length + position] }
            let mean = column.reduce(0, +) / 4
            for base in 0..<4 {
                XCTAssertEqual(corrected.scalars[base * length + position], column[base] - mean, accuracy: 1e-7)
            }
        }
    }

    func testTargetOutOfRangeIsAClearError() throws {
        let c = try Case("basset_folded")
        XCTAssertThrowsError(try Attributor(model: c.model).attribute(c.sequences, settings: AttributionSettings(method: .saliency, target: 4))) { error in
            XCTAssertEqual("\(error)", "target 4 is out of range: the model has 4 tasks (0–3)")
        }
    }

    func testQuadratureMatchesNumpyLeggauss() {
        // numpy.polynomial.legendre.leggauss(3): nodes ∓√(3/5), 0; weights 5/9, 8/9, 5/9.
        let (nodes, weights) = Quadrature.gaussLegendre(3)
        XCTAssertEqual(nodes[0], -(0.6).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(nodes[1], 0, accuracy: 1e-15)
        XCTAssertEqual(weights[0], 5.0 / 9, accuracy: 1e-13)
        XCTAssertEqual(weights[1], 8.0 / 9, accuracy: 1e-13)
        let (_, fifty) = Quadrature.gaussLegendre(50)
        XCTAssertEqual(fifty.reduce(0, +), 2, accuracy: 1e-13)
    }
}
