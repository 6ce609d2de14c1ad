import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// The incremental engine must equal full forward passes on every variant: residual,
/// dilated, pooled, channels-last, attention, recurrent and 2-D (Keras) graphs.
final class IncrementalEvaluatorTests: XCTestCase {
    /// Every model fixture: (folder, input name, output name, positional axis).
    static func models() throws -> [(URL, String, String, Int)] {
        var result: [(URL, String, String, Int)] = []
        for folder in ParityTests.cases + AttributionFolders.all + RecurrentTests.cases {
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
            // Equal to rounding: the BLAS library picks kernels by shape and CPU, so
            // the evaluator's cached products may sum in another order than a plain pass.
            let referenceComparison = compare(referenceOutput.scalars, direct.scalars, absolute: 1e-5 * max(1, direct.scalars.map(abs).max() ?? 0), relative: 1e-5)
            XCTAssertEqual(referenceComparison.failures, 0, "\(folder.lastPathComponent) reference: \(referenceComparison)")

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

/// The dense layer's delta (`DenseDelta`) in every form it takes: Gemm with transB = 1 (a
/// transposed copy of the weight) and 0, α and β, MatMul with a constant or a computed weight;
/// one variant (a product per run of features) and many (packed rows); channels-first flattens
/// (a run per channel) and channels-last (one run); and edits that change nothing.
extension IncrementalEvaluatorTests {
    enum Dense: CaseIterable { case gemmTransposed, gemm, matMul, matMulComputedWeight }

    /// x → (Transpose) → Conv 4→3, k 5 → Relu → MaxPool 2 → (Transpose) → Flatten → dense 7 → Sigmoid.
    static func denseModel(_ dense: Dense, length: Int, channelsLast: Bool) throws -> Graph {
        typealias B = ModelBuilder
        var seed: UInt64 = 7
        func values(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int(seed >> 40) % 2001 - 1000) / 1000
            }
        }
        let features = Int64(3 * (length / 2)), outputs: Int64 = 7
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: channelsLast ? [nil, Int64(length), 4] : [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, outputs])]
        builder.model.graph.initializer = [
            B.floatTensor("w", dims: [3, 4, 5], values: values(60)),
            B.floatTensor("b", dims: [3], values: values(3)),
            B.floatTensor("bias", dims: [outputs], values: values(Int(outputs))),
            dense == .gemm || dense == .matMul
                ? B.floatTensor("dense", dims: [features, outputs], values: values(Int(features * outputs)))
                : B.floatTensor("dense", dims: [outputs, features], values: values(Int(features * outputs))),
        ]
        var nodes: [Onnx_NodeProto] = []
        if channelsLast { nodes.append(B.node("Transpose", inputs: ["x"], outputs: ["xt"], attributes: [B.intsAttribute("perm", [0, 2, 1])])) }
        nodes += [
            B.node("Conv", inputs: [channelsLast ? "xt" : "x", "w", "b"], outputs: ["c"], attributes: [B.intsAttribute("pads", [2, 2])]),
            B.node("Relu", inputs: ["c"], outputs: ["r"]),
            B.node("MaxPool", inputs: ["r"], outputs: ["p"], attributes: [B.intsAttribute("kernel_shape", [2]), B.intsAttribute("strides", [2])]),
        ]
        if channelsLast { nodes.append(B.node("Transpose", inputs: ["p"], outputs: ["pt"], attributes: [B.intsAttribute("perm", [0, 2, 1])])) }
        nodes.append(B.node("Flatten", inputs: [channelsLast ? "pt" : "p"], outputs: ["f"]))
        switch dense {
        case .gemmTransposed:
            nodes.append(B.node("Gemm", inputs: ["f", "dense", "bias"], outputs: ["d"],
                                attributes: [B.intAttribute("transB", 1), B.floatAttribute("alpha", 0.7), B.floatAttribute("beta", 1.3)]))
        case .gemm:
            nodes.append(B.node("Gemm", inputs: ["f", "dense", "bias"], outputs: ["d"], attributes: [B.floatAttribute("alpha", -1.5), B.floatAttribute("beta", 0.5)]))
        case .matMul:
            nodes += [B.node("MatMul", inputs: ["f", "dense"], outputs: ["m"]), B.node("Add", inputs: ["m", "bias"], outputs: ["d"])]
        case .matMulComputedWeight:
            nodes += [B.node("Transpose", inputs: ["dense"], outputs: ["denseT"], attributes: [B.intsAttribute("perm", [1, 0])]),
                      B.node("MatMul", inputs: ["f", "denseT"], outputs: ["m"]), B.node("Add", inputs: ["m", "bias"], outputs: ["d"])]
        }
        nodes.append(B.node("Sigmoid", inputs: ["d"], outputs: ["y"]))
        builder.model.graph.node = nodes
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }

    func testDenseDeltaEqualsFullPassesInEveryForm() throws {
        let length = 40
        for dense in Dense.allCases {
            for channelsLast in [false, true] {
                let graph = try Self.denseModel(dense, length: length, channelsLast: channelsLast)
                let axis = channelsLast ? 1 : 2
                let shape = channelsLast ? [1, length, 4] : [1, 4, length]
                func index(_ p: Int, _ base: Int) -> Int { channelsLast ? p * 4 + base : base * length + p }
                var reference = Tensor<Float>(shape: shape, repeating: 0)
                for p in 0..<length { reference.scalars[index(p, (p * 7 + 3) % 4)] = 1 }
                let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": shape])
                let evaluator = try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: axis)
                try evaluator.setReference(reference)
                // One variant and several; single positions, runs across pooled positions, both ends.
                for (start, width, variants) in [(17, 1, 1), (0, 1, 1), (length - 1, 1, 3), (10, 7, 1), (12, 9, 5), (length - 6, 6, 4)] {
                    var patches: [Float] = [], fulls: [Float] = []
                    for v in 0..<variants {
                        var mutated = reference
                        for p in start..<(start + width) {
                            for base in 0..<4 { mutated.scalars[index(p, base)] = (p * 7 + 3 + v + 1) % 4 == base ? 1 : 0 }
                        }
                        patches += mutated.slice(axis: axis, start, start + width).scalars
                        fulls += mutated.scalars
                    }
                    var patchShape = shape
                    patchShape[0] = variants
                    patchShape[axis] = width
                    let incremental = try evaluator.evaluate(start: start, patch: Tensor(shape: patchShape, scalars: patches))
                    let context = "\(dense) channelsLast \(channelsLast) window \(start)+\(width) ×\(variants)"
                    XCTAssertEqual(evaluator.lastCounts.delta, 2, context)
                    // The Relu ran on the pooled window (its random biases leave many
                    // pre-activations negative, which the comparison below would catch).
                    XCTAssertEqual(evaluator.lastPoolsBeforeRelu, 1, context)
                    let planM = try ExecutionPlan(graph: graph, inputShapes: ["x": [variants] + shape.dropFirst()])
                    guard case .float(let naive)? = try planM.run(["x": Tensor(shape: [variants] + shape.dropFirst(), scalars: fulls)])["y"] else { return XCTFail() }
                    let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
                    XCTAssertEqual(comparison.failures, 0, "\(context): \(comparison)")
                }
                // A patch equal to the reference changes no feature: the reference output.
                let unchanged = try evaluator.evaluate(start: 5, patch: reference.slice(axis: axis, 5, 8))
                guard case .float(let direct)? = try plan.run(["x": reference])["y"] else { return XCTFail() }
                XCTAssertEqual(compare(unchanged.scalars, direct.scalars, absolute: 1e-6, relative: 1e-6).failures, 0, "\(dense) unchanged")
            }
        }
    }
}
