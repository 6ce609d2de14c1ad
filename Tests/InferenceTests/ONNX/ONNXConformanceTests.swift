import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// ONNX's own backend test cases (node tests from onnx's generator, pytorch-converted,
/// pytorch-operator, simple) for every supported op, copied by tools/copy-onnx-conformance.py.
final class ONNXConformanceTests: XCTestCase {
    struct Case {
        var suite: String
        var name: String
        var directory: URL { Fixtures.url("onnx-conformance/\(suite)/\(name)") }
    }

    static let cases: [Case] = {
        guard let manifest = try? String(contentsOf: Fixtures.url("onnx-conformance/MANIFEST.tsv"), encoding: .utf8) else { return [] }
        return manifest.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return fields.count >= 5 && fields[4] == "included" ? Case(suite: fields[0], name: fields[1]) : nil
        }
    }()

    func testManifestListsCases() {
        XCTAssertGreaterThan(Self.cases.count, 300, "the conformance manifest should list the copied cases")
    }

    func testNodeCases() { runSuite("node") }
    func testPyTorchConvertedCases() { runSuite("pytorch-converted") }
    func testPyTorchOperatorCases() { runSuite("pytorch-operator") }
    func testSimpleCases() { runSuite("simple") }

    private func runSuite(_ suite: String) {
        let cases = Self.cases.filter { $0.suite == suite }
        XCTAssertFalse(cases.isEmpty, "no \(suite) cases in the manifest")
        var failures: [String] = []
        for testCase in cases {
            do {
                try check(testCase)
            } catch {
                failures.append("\(testCase.name): \(error)")
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) of \(cases.count) \(suite) cases failed:\n" + failures.joined(separator: "\n"))
    }

    /// One data set of a case, split as `ExecutionPlan` takes it. Float inputs that size the
    /// output (Resize's and Upsample's scales) are constants in exported models, but the node
    /// cases feed them as graph inputs: they become initializers of the returned graph.
    static func load(_ testCase: Case, dataSet: String) throws -> (graph: Graph, floats: [String: Tensor<Float>], integers: [String: Tensor<Int64>]) {
        var graph = try ONNXImporter.load(contentsOf: testCase.directory.appendingPathComponent("model.onnx"))
        let folder = testCase.directory.appendingPathComponent(dataSet)
        let sizing = Set(graph.nodes.compactMap { node -> String? in
            guard case .resize = node.op, node.inputs.count > 2 else { return nil }
            return node.inputs[2]
        })
        var floats: [String: Tensor<Float>] = [:], integers: [String: Tensor<Int64>] = [:]
        for (index, info) in graph.inputs.enumerated() {
            switch try tensor(folder.appendingPathComponent("input_\(index).pb")) {
            case .float(let t) where sizing.contains(info.name): graph.initializers[info.name] = .float(t)
            case .float(let t): floats[info.name] = t
            case .int(let t): integers[info.name] = t
            }
        }
        graph.inputs.removeAll { sizing.contains($0.name) }
        return (graph, floats, integers)
    }

    private func check(_ testCase: Case) throws {
        let dataSets = try FileManager.default.contentsOfDirectory(atPath: testCase.directory.path)
            .filter { $0.hasPrefix("test_data_set_") }.sorted()
        guard !dataSets.isEmpty else { throw InferenceError("no test data") }
        for dataSet in dataSets {
            let folder = testCase.directory.appendingPathComponent(dataSet)
            let (graph, floatInputs, integerInputs) = try Self.load(testCase, dataSet: dataSet)
            let plan = try ExecutionPlan(graph: graph, inputShapes: floatInputs.mapValues(\.shape), integerInputs: integerInputs)
            let outputs = try plan.run(floatInputs)
            for (index, info) in graph.outputs.enumerated() {
                let expected = try Self.tensor(folder.appendingPathComponent("output_\(index).pb"))
                guard let actual = outputs[info.name] else { throw InferenceError("output \(info.name) missing") }
                guard actual.shape == expected.shape else {
                    throw InferenceError("output \(info.name): shape \(actual.shape), expected \(expected.shape)")
                }
                switch (actual, expected) {
                case (.float(let a), .float(let e)):
                    let comparison = compare(a.scalars, e.scalars)
                    if comparison.failures > 0 { throw InferenceError("output \(info.name): \(comparison)") }
                case (.int(let a), .int(let e)):
                    if a.scalars != e.scalars { throw InferenceError("output \(info.name): \(a.scalars.prefix(8)) ≠ \(e.scalars.prefix(8))") }
                default:
                    throw InferenceError("output \(info.name): element type \(actual.elementType), expected \(expected.elementType)")
                }
            }
        }
    }

    private static func tensor(_ url: URL) throws -> Value {
        let proto = try Onnx_TensorProto(serializedBytes: try Data(contentsOf: url))
        return try ONNXTensorDecoding.value(from: proto, modelDirectory: nil)
    }
}
