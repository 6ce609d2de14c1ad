import Foundation
import Inference
import TestSupport
import XCTest

/// Replays the ONNX fuzz corpus and crash inputs (see FuzzCorpus) through what Fuzz/onnx.swift
/// runs: import, planning with small sizes for unknown dimensions, and a forward pass.
final class ONNXFuzzReplayTests: XCTestCase {
    private func importPlanAndRun(_ data: Data) throws {
        let graph = try ONNXImporter.load(data: data, modelDirectory: nil)
        var shapes: [String: [Int]] = [:]
        for input in graph.inputs where input.declaredType == "float" {
            shapes[input.name] = input.dimensions.enumerated().map { axis, dimension in dimension.fixedValue ?? (axis == 0 ? 1 : 100) }
        }
        let plan = try ExecutionPlan(graph: graph, inputShapes: shapes)
        guard shapes.values.reduce(0, { $0 + $1.reduce(1, *) }) <= 1 << 16 else { return }
        _ = try plan.run(shapes.mapValues { Tensor<Float>(shape: $0, repeating: 0.25) })
    }

    func testInputsImportPlanAndRunOrThrowOneLine() throws {
        try FuzzCorpus.replay("onnx") { try importPlanAndRun($0) }
    }

    /// Every seed is a valid model that imports: a broken seed would fuzz only the protobuf decoder.
    func testSeedsImport() throws {
        for url in FuzzCorpus.inputs("onnx") where FuzzCorpus.isSeed(url) {
            XCTAssertNoThrow(try ONNXImporter.load(data: Data(contentsOf: url), modelDirectory: nil), url.lastPathComponent)
        }
        XCTAssertNoThrow(try importPlanAndRun(Data(contentsOf: FuzzCorpus.inputs("onnx").first { $0.lastPathComponent == "tiny-cnn.onnx" }!)))
    }
}
