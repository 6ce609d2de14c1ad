import Foundation
import Inference
import TestSupport
import XCTest

/// The incremental engine must equal full forward passes on every variant: residual,
/// dilated, pooled, channels-last, attention and 2-D (Keras) graphs.
final class IncrementalEvaluatorTests: XCTestCase {
    /// Every model fixture: (folder, input name, output name, positional axis).
    static func models() throws -> [(URL, String, String, Int)] {
        var result: [(URL, String, String, Int)] = []
        for folder in ParityTests.cases + AttributionFolders.all {
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("meta.json"))) as! [String: Any]
            let axis = meta["layout"] as? String == "channels-last" ? 1 : 2
            result.append((folder, meta["input_name"] as! String, meta["output_name"] as! String, axis))
        }
        return result
    }

    func testEqualsFullPassesForSubstitutionsEverywhere() throws {
        for (folder, inputName, outputName, axis) in try Self.models() {
            let graph = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
            guard case .float(let all) = try NPY.read(contentsOf: folder.appendingPathComponent("input.npy")) else { return XCTFail() }
            let single = Tensor(shape: [1] + all.shape.dropFirst(), scalars: Array(all.scalars.prefix(all.count / all.shape[0])))
            let length = single.shape[axis]
            let plan1 = try ExecutionPlan(graph: graph, inputShapes: [inputName: single.shape])
            let evaluator = try IncrementalEvaluator(plan: plan1, input: inputName, output: outputName, positionalAxis: axis, threads: 2)
            let referenceOutput = try evaluator.setReference(single)
            guard case .float(let direct)? = try plan1.run([inputName: single])[outputName] else { return XCTFail() }
            XCTAssertEqual(referenceOutput.scalars, direct.scalars)

            // Windows of several widths across the sequence, including both ends.
            for (start, width) in [(0, 1), (length / 2, 3), (length - 5, 5), (length / 3, 8), (length - 1, 1)] {
                let variants = 4
                var patches: [Float] = []
                var fulls: [Float] = []
                for v in 0..<variants {
                    // Variant v: a different base at every position of the window (one-hot), or N.
                    var mutated = single
                    for p in start..<(start + width) {
                        for base in 0..<4 {
                            let index = axis == 2 ? base * length + p : p * 4 + base
                            mutated.scalars[index] = v == 3 ? 0 : ((p + v) % 4 == base ? 1 : 0)
                        }
                    }
                    patches += mutated.slice(axis: axis, start, start + width).scalars
                    fulls += mutated.scalars
                }
                var patchShape = single.shape
                patchShape[0] = variants
                patchShape[axis] = width
                let incremental = try evaluator.evaluate(start: start, patch: Tensor(shape: patchShape, scalars: patches))
                let planM = try ExecutionPlan(graph: graph, inputShapes: [inputName: [variants] + single.shape.dropFirst()])
                guard case .float(let naive)? = try planM.run([inputName: Tensor(shape: [variants] + single.shape.dropFirst(), scalars: fulls)])[outputName] else { return XCTFail() }
                let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5 * max(1, naive.scalars.map(abs).max() ?? 0), relative: 1e-5)
                XCTAssertEqual(comparison.failures, 0, "\(folder.lastPathComponent) window \(start)+\(width): \(comparison)")
            }
        }
    }
}

enum AttributionFolders {
    static var all: [URL] {
        let root = Fixtures.url("attribution")
        return ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
            .map { root.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("meta.json").path) }
    }
}

extension IncrementalEvaluatorTests {
    /// On a Basset-like CNN every positional op runs on windows and the dense layer takes a delta.
    func testConvolutionsRunOnWindowsAndTheDenseLayerOnADelta() throws {
        let folder = Fixtures.url("parity/basset_folded_b1_L200")
        let graph = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
        guard case .float(let x) = try NPY.read(contentsOf: folder.appendingPathComponent("input.npy")) else { return XCTFail() }
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["input": x.shape])
        let evaluator = try IncrementalEvaluator(plan: plan, input: "input", output: "output", positionalAxis: 2)
        try evaluator.setReference(x)
        _ = try evaluator.evaluate(start: 100, patch: x.slice(axis: 2, 100, 101))
        // Conv, Relu, MaxPool ×2 windowed; Flatten and the first Gemm as a delta; the rest (Relu, Gemm, Sigmoid) on (1, 64).
        XCTAssertEqual(evaluator.lastCounts.windowed, 6)
        XCTAssertEqual(evaluator.lastCounts.delta, 2)
        XCTAssertEqual(evaluator.lastCounts.full, 3)
    }
}
