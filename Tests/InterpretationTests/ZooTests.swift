import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// The model zoo (tools/make-zoo.py, Tests/Fixtures/zoo): public genomics architectures as
/// users export them. Every model must predict within 1e-4 relative of onnxruntime, and
/// its saliency, integrated gradients and incremental ISM must match autograd and brute
/// force within 1e-4 of the reference's largest magnitude, read through the same `--target`
/// text a user would type (meta.json `target.syntax`). Adding a model is adding a directory;
/// a model the engine cannot run fails here by name with the engine's reason.
final class ZooTests: XCTestCase {
    static let root = Fixtures.url("zoo")

    struct Meta: Decodable {
        struct Target: Decodable {
            var output: String
            /// `--target` as seqlens reads it: a value, a track and bin, or `reduce=profile`.
            var syntax: String
        }
        var architecture: String
        var layout: String
        var inputs: [String]
        var outputs: [String: [Int]]
        var target: Target
        var sequences: [String]
        var ism_window: [Int]
    }

    struct Entry {
        let name: String
        let folder: URL
        let meta: Meta
        var sequences: [[UInt8]] { meta.sequences.map { Array($0.utf8) } }

        func model() throws -> SequenceModel {
            try SequenceModel(contentsOf: folder.appendingPathComponent("model.onnx"))
        }

        /// The model read through the target, as `seqlens attr/ism --target` resolves it.
        func targeted() throws -> (model: SequenceModel, task: Int) {
            let targeted = try model().resolveTarget(meta.target.syntax, length: meta.sequences[0].count)
            guard let task = targeted.task else { throw InterpretationError("\(name): target '\(meta.target.syntax)' reads more than one task") }
            return (targeted.model, task)
        }

        func reference(_ file: String) throws -> Tensor<Float> {
            guard case .float(let tensor) = try NPY.read(contentsOf: folder.appendingPathComponent(file)) else {
                throw InferenceError("\(name)/\(file) is not float32")
            }
            return tensor
        }
    }

    static func entries() throws -> [Entry] {
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/meta.json").path)
        }.sorted()
        return try names.map { name in
            let folder = root.appendingPathComponent(name)
            return Entry(name: name, folder: folder, meta: try JSONDecoder().decode(Meta.self, from: Data(contentsOf: folder.appendingPathComponent("meta.json"))))
        }
    }

    /// Runs `check` on every zoo model; a model that throws fails with its name and the reason.
    func forEveryModel(_ stage: String, _ check: (Entry) throws -> Void) throws {
        let entries = try Self.entries()
        XCTAssertGreaterThanOrEqual(entries.count, 25, "zoo fixtures: \(entries.map(\.name))")
        for entry in entries {
            do { try check(entry) } catch { XCTFail("\(entry.name) \(stage): \(error)") }
        }
    }

    /// Within 1e-4 of the reference's largest magnitude: attribution maps are compared at
    /// their own scale (the convention of Tests/Fixtures/attribution).
    func assertClose(_ actual: Tensor<Float>, _ expected: Tensor<Float>, _ what: String) {
        XCTAssertEqual(actual.shape, expected.shape, what)
        let scale = expected.scalars.reduce(Float(0)) { max($0, abs($1)) }
        XCTAssertGreaterThan(scale, 0, "\(what): the reference is all zeros")
        let comparison = compare(actual.scalars, expected.scalars, absolute: 1e-4 * scale, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(what): \(comparison)")
    }

    func testEveryZooFixtureIsComplete() throws {
        var total = 0
        for entry in try Self.entries() {
            for file in ["model.onnx", "onnxruntime.npz", "saliency.npy", "ig.npy", "ism.npy"] {
                let path = entry.folder.appendingPathComponent(file).path
                XCTAssertTrue(FileManager.default.fileExists(atPath: path), "\(entry.name) lacks \(file)")
                total += (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            }
            let modelBytes = try FileManager.default.attributesOfItem(atPath: entry.folder.appendingPathComponent("model.onnx").path)[.size] as? Int ?? 0
            XCTAssertLessThanOrEqual(modelBytes, 1 << 20, "\(entry.name): model.onnx over 1 MB")
            XCTAssertEqual(entry.meta.sequences.count, 2, entry.name)
            XCTAssertNotNil(entry.meta.outputs[entry.meta.target.output], "\(entry.name): the target names no output")
        }
        XCTAssertLessThanOrEqual(total, 8 << 20, "the zoo's fixtures add up to \(total) bytes")
    }

    /// Every output of the graph on both sequences, through seqlens' one-hot path.
    func testPredictionsMatchOnnxruntime() throws {
        try forEveryModel("predict") { entry in
            let model = try entry.model()
            let sequences = entry.sequences
            let length = sequences[0].count
            let input = Tensor(shape: model.inputShape(batch: sequences.count, length: length),
                               scalars: try OneHot.encode(sequences, alphabet: model.alphabet, layout: model.layout))
            let outputs = try model.plan(batch: sequences.count, length: length).run(model.feed(input), threads: 2)
            let expected = try NPZ.read(contentsOf: entry.folder.appendingPathComponent("onnxruntime.npz"))
            XCTAssertEqual(Set(expected.map(\.name)), Set(entry.meta.outputs.keys), entry.name)
            for (name, array) in expected {
                guard case .float(let reference) = array, case .float(let actual)? = outputs[name] else {
                    XCTFail("\(entry.name): output '\(name)' missing or not float")
                    continue
                }
                XCTAssertEqual(actual.shape, reference.shape, "\(entry.name) \(name)")
                let scale = reference.scalars.reduce(Float(0)) { max($0, abs($1)) }
                let comparison = compare(actual.scalars, reference.scalars, absolute: 1e-5 * max(scale, 1), relative: 1e-4)
                XCTAssertEqual(comparison.failures, 0, "\(entry.name) \(name): \(comparison)")
            }
        }
    }

    func testSaliencyMatchesAutograd() throws {
        try forEveryModel("saliency") { entry in
            let (model, task) = try entry.targeted()
            let actual = try Attributor(model: model, threads: 2).attribute(entry.sequences, settings: AttributionSettings(method: .saliency, target: task))
            assertClose(actual, try entry.reference("saliency.npy"), "\(entry.name) saliency")
        }
    }

    /// IG with seqlens' defaults (zero baseline, 50 Gauss–Legendre steps), as the script computes it.
    func testIntegratedGradientsMatchAutograd() throws {
        try forEveryModel("ig") { entry in
            let (model, task) = try entry.targeted()
            let actual = try Attributor(model: model, threads: 2).attribute(entry.sequences, settings: AttributionSettings(method: .integratedGradients, target: task))
            assertClose(actual, try entry.reference("ig.npy"), "\(entry.name) ig")
        }
    }

    /// The incremental engine `seqlens ism` uses, against onnxruntime brute force.
    func testIncrementalISMMatchesBruteForce() throws {
        try forEveryModel("ism") { entry in
            let (model, task) = try entry.targeted()
            let ism = SaturationMutagenesis(model: model, batchSize: 64, threads: 2, engine: .incremental)
            let window = entry.meta.ism_window[0] ..< entry.meta.ism_window[1]
            let actual = try ism.run(entry.sequences, window: window).deltas(task: task)
            assertClose(actual, try entry.reference("ism.npy"), "\(entry.name) ism")
        }
    }
}
