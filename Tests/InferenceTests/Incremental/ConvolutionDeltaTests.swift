import Foundation
@testable import Inference
import ONNXProto
import TestSupport
import XCTest

/// A convolution's change (ConvolutionDelta.swift) is added column by column (per-column
/// products in blocks of filters), as one product per run and tap straight into the outputs
/// (long runs, dilated kernels) or, undilated, as strips of runs through the direct kernel. Each must equal full passes, at either end of
/// the sequence.
final class ConvolutionDeltaTests: XCTestCase {
    func testLongAndShortRunsThroughDilatedConvolutionsEqualFullPasses() throws {
        let length = 40
        let graph = try Self.dilatedModel(length: length)
        // An all-N reference: every position of a window changes, so a window of 16 or more
        // is one run per variant (multiplied per run), narrower ones are added per column.
        let reference = Tensor<Float>(shape: [1, 4, length], repeating: 0)
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": reference.shape])
        let evaluator = try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: 2)
        let referenceOutput = try evaluator.setReference(reference)
        for (start, width) in [(0, 20), (length - 20, 20), (9, 17), (0, 1), (length - 1, 1), (18, 3), (0, length)] {
            let (patch, full) = windowVariants(of: reference, start: start, width: width)
            let incremental = try evaluator.evaluate(start: start, patch: patch)
            XCTAssertEqual(evaluator.lastCounts.full, 0, "window \(start)+\(width)")
            let planM = try ExecutionPlan(graph: graph, inputShapes: ["x": full.shape])
            guard case .float(let naive)? = try planM.run(["x": full])["y"] else { return XCTFail() }
            XCTAssertEqual(incremental.shape, naive.shape)
            let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "window \(start)+\(width): \(comparison)")
            XCTAssertNotEqual(incremental.scalars, Array(repeating: referenceOutput.scalars, count: 4).flatMap { $0 }, "window \(start)+\(width)")
        }
    }

    /// Undilated kernels convolve runs in strips: runs wider than a strip (the whole sequence),
    /// runs of many variants over several strips, and gaps inside a variant's runs where a ReLU
    /// kept a column at 0 (a pseudo-random reference), at both ends and with uneven pads.
    func testStripsOfRunsEqualFullPasses() throws {
        let length = 600
        let graph = try Self.undilatedModel(length: length)
        var state: UInt32 = 7
        let bases = (0..<length).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int(state >> 30)
        }
        var reference = Tensor<Float>(shape: [1, 4, length], repeating: 0)
        for (position, base) in bases.enumerated() { reference.scalars[base * length + position] = 1 }
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": reference.shape])
        for (start, width, variants) in [(0, length, 2), (100, 200, 4), (length - 9, 9, 4), (0, 8, 4), (300, 12, 48)] {
            let evaluator = try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: 2)
            let referenceOutput = try evaluator.setReference(reference)
            let (patch, full) = windowVariants(of: reference, start: start, width: width, variants: variants)
            let incremental = try evaluator.evaluate(start: start, patch: patch)
            XCTAssertEqual(evaluator.lastCounts.full, 0, "window \(start)+\(width)")
            // Only the other paths lay the weights out tap-major.
            XCTAssertTrue(evaluator.tapMajorConvolutionWeights.isEmpty, "window \(start)+\(width) ran no strip")
            let planM = try ExecutionPlan(graph: graph, inputShapes: ["x": full.shape])
            guard case .float(let naive)? = try planM.run(["x": full])["y"] else { return XCTFail() }
            XCTAssertEqual(incremental.shape, naive.shape)
            let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "window \(start)+\(width): \(comparison)")
            XCTAssertNotEqual(incremental.scalars, Array(repeating: referenceOutput.scalars, count: variants).flatMap { $0 }, "window \(start)+\(width)")
        }
    }

    /// Basset's per-column products, made and added a block of filters at a time: one filter per
    /// block and the default blocks both equal full passes, for single substitutions and a
    /// window of them, at either end and in the middle of the sequence, on windows widened to
    /// the pools' boundaries.
    func testPerColumnProductsInBlocksOfFiltersEqualFullPasses() throws {
        let folder = Fixtures.url("parity/basset_folded_b1_L200")
        let graph = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
        guard case .float(let x) = try NPY.read(contentsOf: folder.appendingPathComponent("input.npy")) else { return XCTFail() }
        let length = x.shape[2]
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["input": x.shape])
        for blockFloats in [1, 1 << 17] {
            let evaluator = try IncrementalEvaluator(plan: plan, input: "input", output: "output", positionalAxis: 2)
            evaluator.productBlockFloats = blockFloats
            // Each convolution's window is widened to its pool's windows (3, then 4): through
            // the Relu that runs after the pool, to the convolution's output.
            let strides = ["/conv1/Conv_output_0": 3, "/conv2/Conv_output_0": 4, "/Relu_output_0": 3, "/Relu_1_output_0": 4]
            for (name, stride) in strides {
                XCTAssertEqual(plan.slotOf[name].flatMap { evaluator.poolStrides[$0] }, stride, name)
            }
            try evaluator.setReference(x)
            for (start, width) in [(0, 1), (97, 1), (length - 1, 1), (40, 6), (length - 6, 6)] {
                let (patch, full) = windowVariants(of: x, start: start, width: width)
                let incremental = try evaluator.evaluate(start: start, patch: patch)
                XCTAssertFalse(evaluator.tapMajorConvolutionWeights.isEmpty, "window \(start)+\(width) made no product")
                let planM = try ExecutionPlan(graph: graph, inputShapes: ["input": full.shape])
                guard case .float(let naive)? = try planM.run(["input": full])["output"] else { return XCTFail() }
                let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
                XCTAssertEqual(comparison.failures, 0, "blocks of \(blockFloats), window \(start)+\(width): \(comparison)")
            }
        }
    }

    /// x (N, 4, L) → Conv 4→7, k 5, pads 2 → Relu → Conv 7→6, k 3, pads 0 and 2 (outputs shift
    /// against the inputs) → y (N, 6, L).
    static func undilatedModel(length: Int) throws -> Graph {
        typealias B = ModelBuilder
        func weights(_ count: Int, _ seed: Int) -> [Float] { (0..<count).map { Float(($0 * 31 + seed * 17) % 23 - 11) / 8 } }
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 6, Int64(length)])]
        builder.model.graph.initializer = [
            B.floatTensor("w0", dims: [7, 4, 5], values: weights(140, 0)),
            B.floatTensor("b0", dims: [7], values: [0.5, -0.25, 0.75, -1, 0.3, 0, -0.5]),
            B.floatTensor("w1", dims: [6, 7, 3], values: weights(126, 1)),
        ]
        builder.model.graph.node = [
            B.node("Conv", inputs: ["x", "w0", "b0"], outputs: ["c0"], attributes: [B.intsAttribute("pads", [2, 2])]),
            B.node("Relu", inputs: ["c0"], outputs: ["r0"]),
            B.node("Conv", inputs: ["r0", "w1"], outputs: ["y"], attributes: [B.intsAttribute("pads", [0, 2])]),
        ]
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }

    /// x (N, 4, L) → Conv 4→5, k 3, dilation 3, pads 3 → Relu → Conv 5→4, k 3, dilation 5,
    /// pads 4 and 6 (uneven: the outputs shift against the inputs) → y (N, 4, L).
    static func dilatedModel(length: Int) throws -> Graph {
        typealias B = ModelBuilder
        func weights(_ count: Int, _ seed: Int) -> [Float] { (0..<count).map { Float(($0 * 29 + seed * 13) % 19 - 9) / 8 } }
        var builder = ModelBuilder()
        builder.model.graph.input = [B.valueInfo("x", dims: [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: [nil, 4, Int64(length)])]
        builder.model.graph.initializer = [
            B.floatTensor("w0", dims: [5, 4, 3], values: weights(60, 0)),
            B.floatTensor("b0", dims: [5], values: [0.5, 0.25, 0.75, 0.1, 0.3]),
            B.floatTensor("w1", dims: [4, 5, 3], values: weights(60, 1)),
        ]
        builder.model.graph.node = [
            B.node("Conv", inputs: ["x", "w0", "b0"], outputs: ["c0"], attributes: [B.intsAttribute("pads", [3, 3]), B.intsAttribute("dilations", [3])]),
            B.node("Relu", inputs: ["c0"], outputs: ["r0"]),
            B.node("Conv", inputs: ["r0", "w1"], outputs: ["y"], attributes: [B.intsAttribute("pads", [4, 6]), B.intsAttribute("dilations", [5])]),
        ]
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }
}
