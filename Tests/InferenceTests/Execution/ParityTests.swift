import Foundation
import Inference
import TestSupport
import XCTest

/// Whole models exported by torch.onnx.export (legacy and dynamo exporters, folded and
/// unfolded BatchNorm, external data, channels-last, residual dilated, transformer block),
/// against onnxruntime's outputs (tools/make-parity-fixtures.py).
final class ParityTests: XCTestCase {
    struct Meta: Decodable, Sendable {
        var description: String
        var input_name: String
        var output_name: String
        var external_data: Bool?
    }

    static let cases: [URL] = {
        let root = Fixtures.url("parity")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().map { root.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("meta.json").path) }
    }()

    func testEveryExportMatchesOnnxruntime() throws {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 12, "parity fixtures missing")
        var failures: [String] = []
        for directory in Self.cases {
            do {
                let comparison = try run(directory)
                if comparison.failures > 0 { failures.append("\(directory.lastPathComponent): \(comparison)") }
            } catch {
                failures.append("\(directory.lastPathComponent): \(error)")
            }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testExternalDataCaseReallyUsesExternalData() throws {
        let external = try Self.cases.filter { directory in
            try JSONDecoder().decode(Meta.self, from: Data(contentsOf: directory.appendingPathComponent("meta.json"))).external_data == true
        }
        XCTAssertFalse(external.isEmpty)
        for directory in external {
            XCTAssert(FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.onnx.data").path))
        }
    }

    /// Runs a case at several thread counts; results must not depend on threads.
    func testThreadCountDoesNotChangeResults() throws {
        let directory = Fixtures.url("parity/residual_dilated_b16_L200")
        let one = try output(directory, threads: 1)
        let two = try output(directory, threads: 2)
        XCTAssertEqual(compare(one.scalars, two.scalars, absolute: 1e-6, relative: 1e-6).failures, 0)
    }

    private func output(_ directory: URL, threads: Int) throws -> Tensor<Float> {
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: directory.appendingPathComponent("meta.json")))
        let graph = try ONNXImporter.load(contentsOf: directory.appendingPathComponent("model.onnx"))
        guard case .float(let input) = try NPY.read(contentsOf: directory.appendingPathComponent("input.npy")) else {
            throw InferenceError("input.npy is not float")
        }
        let plan = try ExecutionPlan(graph: graph, inputShapes: [meta.input_name: input.shape])
        guard case .float(let actual)? = try plan.run([meta.input_name: input], threads: threads)[meta.output_name] else {
            throw InferenceError("no float output \(meta.output_name)")
        }
        return actual
    }

    private func run(_ directory: URL) throws -> Comparison {
        let actual = try output(directory, threads: 2)
        guard case .float(let expected) = try NPY.read(contentsOf: directory.appendingPathComponent("expected.npy")) else {
            throw InferenceError("expected.npy is not float")
        }
        guard actual.shape == expected.shape else { throw InferenceError("shape \(actual.shape) ≠ \(expected.shape)") }
        return compare(actual.scalars, expected.scalars)
    }
}
