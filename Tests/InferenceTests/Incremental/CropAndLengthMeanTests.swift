import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Crops (Slice) move and clip windows and means over positions take the window's summed
/// change (CropAndLengthMean.swift): incremental ISM on BPNet-class models must equal full
/// passes, with those steps not run in full.
final class CropAndLengthMeanTests: XCTestCase {
    /// The zoo's exported BPNet-class models: substitutions of a few windows (both ends, where
    /// valid convolutions leave chrombpnet-pytorch's profile unchanged, and the middle) against
    /// brute force, as ISM compares them: f(mutant) − f(reference), within 1e-4 of the largest
    /// effect plus a few float32 steps of the output (below which brute force cannot resolve
    /// an effect: these random models' counts move by ~1e-4).
    func testISMOfZooBPNetModelsEqualsFullPasses() throws {
        // (model, output, ops run in full per chunk: only the small tail after a mean).
        let cases: [(String, String, Int)] = [
            ("bpnetlite-bpnet", "profile", 0),
            // Gemm and the Reshape after it.
            ("bpnetlite-bpnet", "counts", 2),
            ("bpnetlite-chrombpnet", "profile", 0),
            // Each BPNet's Gemm and Reshape, then Exp, Exp, Add, Log.
            ("bpnetlite-chrombpnet", "counts", 8),
            ("chrombpnet-pytorch", "profile", 0),
            // Each tower's Squeeze after GlobalAveragePool and Gemm, then Exp, Exp, Add, Log.
            ("chrombpnet-pytorch", "counts", 8),
        ]
        for (name, output, fullSteps) in cases {
            let folder = Fixtures.url("zoo/\(name)")
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("meta.json"))) as! [String: Any]
            let sequence = (meta["sequences"] as! [String])[0]
            let graph = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
            let reference = Self.oneHot(sequence)
            let length = sequence.count
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["sequence": reference.shape])
            let evaluator = try IncrementalEvaluator(plan: plan, input: "sequence", output: output, positionalAxis: 2)
            let referenceOutput = try evaluator.setReference(reference)
            for (start, width) in [(0, 1), (3, 4), (length / 2 - 2, 5), (length - 6, 6), (length - 1, 1)] {
                let (patch, full) = windowVariants(of: reference, start: start, width: width)
                let incremental = try evaluator.evaluate(start: start, patch: patch)
                XCTAssertFalse(evaluator.lastRanPlainPass, "\(name) \(output) \(start)+\(width)")
                XCTAssertEqual(evaluator.lastCounts.full, fullSteps, "\(name) \(output) \(start)+\(width): steps run in full")
                let planM = try ExecutionPlan(graph: graph, inputShapes: ["sequence": full.shape])
                guard case .float(let naive)? = try planM.run(["sequence": full])[output] else { return XCTFail() }
                let per = referenceOutput.count
                let ism = incremental.scalars.indices.map { incremental.scalars[$0] - referenceOutput.scalars[$0 % per] }
                let bruteForce = naive.scalars.indices.map { naive.scalars[$0] - referenceOutput.scalars[$0 % per] }
                let largest = bruteForce.map(abs).max() ?? 0
                let resolution = 16 * (referenceOutput.scalars.map(abs).max() ?? 0).ulp
                if start == length / 2 - 2 {
                    XCTAssertGreaterThan(largest, 20 * resolution, "\(name) \(output) \(start)+\(width): the substitutions must change the output")
                }
                let comparison = compare(ism, bruteForce, absolute: 1e-4 * largest + resolution, relative: 0)
                XCTAssertEqual(comparison.failures, 0, "\(name) \(output) window \(start)+\(width): \(comparison)")
            }
        }
    }

    /// Conv → crop [3, L − 5) of positions and every other channel → each head: ReduceMean
    /// (keepdims 0), ReduceSum (keepdims 1), GlobalAveragePool, and the crop itself. Windows
    /// inside the crop, across either edge, and wholly outside it (then nothing changes). A
    /// shift by the crop's start or a mean divided by the wrong count gives other numbers.
    func testCropsAndMeansOverPositionsEqualFullPasses() throws {
        let length = 24
        for head in ["ReduceMean", "ReduceSum", "GlobalAveragePool", "crop"] {
            let graph = try Self.cropModel(length: length, head: head)
            var reference = Tensor<Float>(shape: [1, 4, length], repeating: 0)
            for p in 0..<length { reference.scalars[(p * 7 % 4) * length + p] = 1 }
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": reference.shape])
            let evaluator = try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: 2)
            let referenceOutput = try evaluator.setReference(reference)
            for (start, width) in [(0, 1), (1, 4), (10, 3), (length - 6, 4), (length - 2, 2)] {
                let (patch, full) = windowVariants(of: reference, start: start, width: width)
                let incremental = try evaluator.evaluate(start: start, patch: patch)
                let planM = try ExecutionPlan(graph: graph, inputShapes: ["x": full.shape])
                guard case .float(let naive)? = try planM.run(["x": full])["y"] else { return XCTFail() }
                let label = "\(head) window \(start)+\(width)"
                XCTAssertEqual(incremental.shape, naive.shape, label)
                let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
                XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison)")
                // The conv (kernel 3, pad 1) reaches [start − 1, start + width + 1); the crop keeps [3, L − 5).
                let reachesCrop = start + width + 1 > 3 && start - 1 < length - 5
                XCTAssertEqual(evaluator.lastCounts.full, 0, label)
                if !reachesCrop {
                    XCTAssertEqual(incremental.scalars, Array(repeating: referenceOutput.scalars, count: 4).flatMap { $0 }, "\(label): outside the crop")
                } else {
                    XCTAssertNotEqual(incremental.scalars, Array(repeating: referenceOutput.scalars, count: 4).flatMap { $0 }, label)
                }
            }
        }
    }

    /// x (N, 4, L) → Conv 4→6, k 3, pad 1 → Slice positions [3, L − 5), channels 0, 2, 4 →
    /// the head (`crop`: the slice is the output).
    static func cropModel(length: Int, head: String) throws -> Graph {
        typealias B = ModelBuilder
        let weights = (0..<72).map { Float(($0 * 37) % 17 - 8) / 8 }
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, Int64(length)])]
        let cropped: [Int64?] = [nil, 3, Int64(length - 8)]
        let outputDims: [Int64?] = switch head {
        case "ReduceMean": [nil, 3]
        case "ReduceSum", "GlobalAveragePool": [nil, 3, 1]
        default: cropped
        }
        builder.model.graph.output = [B.valueInfo("y", dims: outputDims)]
        builder.model.graph.initializer = [
            B.floatTensor("w", dims: [6, 4, 3], values: weights),
            B.floatTensor("b", dims: [6], values: [0.1, -0.2, 0.3, 0, 0.5, -0.1]),
            B.int64Tensor("starts", dims: [2], values: [3, 0]),
            B.int64Tensor("ends", dims: [2], values: [-5, 6]),
            B.int64Tensor("axes", dims: [2], values: [2, 1]),
            B.int64Tensor("steps", dims: [2], values: [1, 2]),
            B.int64Tensor("lengthAxis", dims: [1], values: [2]),
        ]
        var nodes = [
            B.node("Conv", inputs: ["x", "w", "b"], outputs: ["c"], attributes: [B.intsAttribute("pads", [1, 1])]),
            B.node("Slice", inputs: ["c", "starts", "ends", "axes", "steps"], outputs: [head == "crop" ? "y" : "s"]),
        ]
        switch head {
        case "ReduceMean": nodes.append(B.node("ReduceMean", inputs: ["s"], outputs: ["y"], attributes: [B.intsAttribute("axes", [2]), B.intAttribute("keepdims", 0)]))
        case "ReduceSum": nodes.append(B.node("ReduceSum", inputs: ["s", "lengthAxis"], outputs: ["y"]))
        case "GlobalAveragePool": nodes.append(B.node("GlobalAveragePool", inputs: ["s"], outputs: ["y"]))
        default: break
        }
        builder.model.graph.node = nodes
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }

    /// (1, 4, L) one-hot of an ACGT string.
    static func oneHot(_ sequence: String) -> Tensor<Float> {
        let length = sequence.count
        var x = Tensor<Float>(shape: [1, 4, length], repeating: 0)
        for (p, letter) in sequence.enumerated() {
            if let base = "ACGT".firstIndex(of: letter) { x.scalars["ACGT".distance(from: "ACGT".startIndex, to: base) * length + p] = 1 }
        }
        return x
    }
}
