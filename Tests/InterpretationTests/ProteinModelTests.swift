import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// Protein ONNX models, 20 channels channels-first and 21 (gap first) channels-last, against
/// onnxruntime, PyTorch autograd and brute-force ISM (tools/make-protein-fixtures.py).
final class ProteinModelTests: XCTestCase {
    struct Case {
        let folder: URL
        let model: SequenceModel
        let sequences: [[UInt8]]

        init(_ name: String) throws {
            folder = Fixtures.url("protein/\(name)")
            model = try SequenceModel(contentsOf: folder.appendingPathComponent("model.onnx"))
            sequences = try FASTAReader.read(contentsOf: folder.appendingPathComponent("sequences.fa")).map(\.sequence)
        }

        func expected(_ name: String) throws -> Tensor<Float> {
            guard case .float(let tensor) = try NPY.read(contentsOf: folder.appendingPathComponent("\(name).npy")) else { throw InferenceError("\(name) not float") }
            return tensor
        }
    }

    private func assertClose(_ actual: Tensor<Float>, _ expected: Tensor<Float>, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, label, file: file, line: line)
        let scale = expected.scalars.map(abs).max() ?? 0
        XCTAssertGreaterThan(scale, 0, "\(label): reference is all zero", file: file, line: line)
        let comparison = compare(actual.scalars, expected.scalars, absolute: 1e-4 * scale, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison)", file: file, line: line)
    }

    func testAlphabetAndLayoutComeFromTheChannelCount() throws {
        let cf20 = try Case("cf20"), cl21 = try Case("cl21")
        XCTAssertEqual(cf20.model.alphabet, .protein)
        XCTAssertEqual(cf20.model.layout, .channelsFirst)
        XCTAssertEqual(cl21.model.alphabet, .proteinGapped)
        XCTAssertEqual(cl21.model.layout, .channelsLast)
        // The gap of record 1 is the gap channel (0), the X of record 0 an all-zero column.
        let input = try cl21.expected("input")
        XCTAssertEqual(try OneHot.encode(cl21.sequences, alphabet: .proteinGapped, layout: .channelsLast), input.scalars)
        XCTAssertEqual(input.scalars[(1 * 30 + 10) * 21], 1)
    }

    func testPredictionsSaliencyGradInputAndISMMatchTheReferences() throws {
        for name in ["cf20", "cl21"] {
            let c = try Case(name)
            assertClose(try c.model.predict(c.sequences, batchSize: 2), try c.expected("predictions"), "\(name) predictions")
            let attributor = Attributor(model: c.model, batchSize: 2, threads: 1)
            assertClose(try attributor.attribute(c.sequences, settings: AttributionSettings(method: .saliency)), try c.expected("saliency"), "\(name) saliency")
            assertClose(try attributor.attribute(c.sequences, settings: AttributionSettings(method: .gradInput)), try c.expected("grad_input"), "\(name) grad-input")
            for engine in MutagenesisEngine.allCases {
                let ism = try SaturationMutagenesis(model: c.model, batchSize: 64, threads: 1, engine: engine).run(c.sequences)
                assertClose(ism.deltas, try c.expected("ism"), "\(name) ism \(engine)")
            }
        }
    }

    func testDeepSHAPReferencesAreResidueShufflesAndConverge() throws {
        let c = try Case("cf20")
        let attributor = Attributor(model: c.model, batchSize: 8, threads: 1)
        let settings = AttributionSettings(method: .deepshap, references: .shuffled(count: 8, seed: 3))
        let references = try attributor.deepSHAPReferences(for: c.sequences[1], index: 1, count: 3, settings: settings)
        for reference in references {
            XCTAssertEqual(OneHot.decode(reference, alphabet: .protein, layout: .channelsFirst).sorted(), c.sequences[1].sorted(), "composition kept")
        }
        // Records 1 and 2 (record 0's X, an all-zero column, breaks the sum as an N does in DNA).
        let result = try attributor.deepSHAP(Array(c.sequences[1...]), settings: settings)
        XCTAssertEqual(result.attributions.shape, [2, 20, 32])
        XCTAssertEqual(result.flagged, [false, false], "Σ attributions = f(x) − mean f(references): \(result.convergence)")
        XCTAssertLessThan(result.convergence.map(abs).max()!, 1e-5)
    }
}
