import Foundation
@testable import Inference
import TestSupport
import XCTest

/// Reverse mode hands its buffers back to the plan's pool, keeps each convolution's flipped
/// weights, and fuses a Relu into the MaxPool that reads it: none may change a single gradient.
final class GradientBufferTests: XCTestCase {
    private func multitaskGraph() throws -> Graph {
        try ONNXImporter.load(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx"))
    }

    /// Inputs in [−0.5, 0.5), different for each `seed`.
    private func input(_ shape: [Int], seed: Int) -> Tensor<Float> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(($0 * 7919 + seed * 104_729) % 1009) / 1009 - 0.5 })
    }

    /// d Σ output / d input.
    private func gradient(_ plan: ExecutionPlan, _ x: Tensor<Float>) throws -> Tensor<Float> {
        let (input, output) = (plan.graph.inputs[0].name, plan.graph.outputs[0].name)
        let seed = Tensor<Float>(shape: plan.outputShapes[output]!, repeating: 1)
        return try plan.gradient(of: output, outputGradient: seed, inputs: [input: x], respectTo: input).gradient
    }

    func testRecycledBuffersGiveTheGradientsOfFreshOnes() throws {
        let graph = try multitaskGraph()
        let shape = [16, 4, 200]
        let plan = try ExecutionPlan(graph: graph, inputShapes: [graph.inputs[0].name: shape])
        let (first, second) = (input(shape, seed: 1), input(shape, seed: 2))
        let firstGradient = try gradient(plan, first)
        // The pass's activations and gradients (the largest 16 × 48 × 200 floats) went back to the pool...
        XCTAssertGreaterThan(plan.buffers.idleCount, 2)
        // ...and the next passes, forward and backward, run on them, stale contents and all.
        let secondGradient = try gradient(plan, second)
        _ = try plan.run([graph.inputs[0].name: second])
        let firstAgain = try gradient(plan, first)
        let fresh = { try self.gradient(ExecutionPlan(graph: graph, inputShapes: [graph.inputs[0].name: shape]), $0) }
        XCTAssertNotEqual(firstGradient, secondGradient)
        XCTAssertEqual(firstGradient, try fresh(first))
        XCTAssertEqual(secondGradient, try fresh(second))
        XCTAssertEqual(firstAgain, try fresh(first))
        // The input gradients of the convolutions with 16 or more channels ran as convolutions
        // with flipped weights, or (behind a ReLU and a max pool, most of dY zeros) as scatters of
        // tap-major weights: each layout made once and kept by its step, the later passes reusing it.
        var cached = 0
        for step in plan.steps {
            guard case .conv = step.node.op, let slot = step.inputSlots[1], case .float(let w)? = plan.constants[slot], w.shape[1] >= 16 else { continue }
            let (filters, channels, kernel) = (w.shape[0], w.shape[1], w.shape[2])
            var flipped = [Float](repeating: 0, count: w.count), tapMajor = flipped
            for f in 0..<filters {
                for c in 0..<channels {
                    for t in 0..<kernel {
                        flipped[(c * filters + f) * kernel + t] = w.scalars[(f * channels + c) * kernel + kernel - 1 - t]
                        tapMajor[(f * kernel + t) * channels + c] = w.scalars[(f * channels + c) * kernel + t]
                    }
                }
            }
            let layouts = try XCTUnwrap(step.convolutionWeights, "\(step.node.name): constant weights without a cache")
            XCTAssertTrue(layouts.flipped.cached != nil || layouts.tapMajor.cached != nil, "\(step.node.name): no weights kept")
            if let kept = layouts.flipped.cached { XCTAssertEqual(kept, flipped, step.node.name) }
            if let kept = layouts.tapMajor.cached { XCTAssertEqual(kept, tapMajor, step.node.name) }
            cached += 1
        }
        XCTAssertGreaterThanOrEqual(cached, 2, "the model's deeper convolutions")
    }

    func testReluInPlaceGivesTheGradientOfKeptPreActivations() throws {
        let graph = try multitaskGraph()
        let shape = [4, 4, 200]
        let plan = try ExecutionPlan(graph: graph, inputShapes: [graph.inputs[0].name: shape])
        let (input, output, x) = (graph.inputs[0].name, graph.outputs[0].name, self.input(shape, seed: 5))
        let inPlace = try plan.forwardKeepingValues([input: x], threads: 1, reluInPlace: true).slots
        let kept = try plan.forwardKeepingValues([input: x], threads: 1).slots
        // The first Conv's output and its Relu's: one buffer in place, two when kept.
        let (conv, relu) = (plan.slotOf[plan.steps[0].node.outputs[0]]!, plan.slotOf[plan.steps[1].node.outputs[0]]!)
        guard case .float(let convInPlace)? = inPlace[conv], case .float(let reluInPlace)? = inPlace[relu],
              case .float(let convKept)? = kept[conv], case .float(let reluKept)? = kept[relu] else { return XCTFail("no Conv → Relu values") }
        XCTAssertEqual(convInPlace.storage, reluInPlace.storage)
        XCTAssertNotEqual(convKept.storage, reluKept.storage)
        XCTAssertNotEqual(convKept, reluKept)
        let seed = Tensor<Float>(shape: plan.outputShapes[output]!, repeating: 1)
        let viaKept = try plan.gradient(of: output, seed: { _ in seed }, values: kept, respectTo: input).gradient
        XCTAssertEqual(try plan.gradient(of: output, seed: { _ in seed }, values: inPlace, respectTo: input).gradient, viaKept)
        XCTAssertEqual(try gradient(plan, x), viaKept)
    }

    /// The same graph with every Relu output also a graph output: kept, so not fused.
    private func unfused(_ graph: Graph, _ plan: ExecutionPlan) -> Graph {
        var graph = graph
        for index in plan.reluPools { graph.outputs.append(ValueInfo(name: plan.steps[index].node.outputs[0], declaredType: "float", dimensions: [])) }
        return graph
    }

    func testReluFusedIntoTheMaxPoolGivesTheUnfusedGradient() throws {
        let graph = try multitaskGraph()
        let shape = [4, 4, 200]
        let fused = try ExecutionPlan(graph: graph, inputShapes: [graph.inputs[0].name: shape])
        XCTAssertEqual(fused.reluPools.count, 3)  // three Conv → Relu → MaxPool blocks (the first Conv's Relu feeds a Conv)
        let plain = try ExecutionPlan(graph: unfused(graph, fused), inputShapes: [graph.inputs[0].name: shape])
        XCTAssertEqual(plain.reluPools, [])
        let x = input(shape, seed: 3)
        XCTAssertEqual(try gradient(fused, x), try gradient(plain, x))
    }

    /// Each MaxPool backward: padded (the general loop), and 1-D windows that overlap or tile the row.
    func testReluFusedIntoEachMaxPoolLoopGivesTheUnfusedGradient() throws {
        for (kernel, stride, pad) in [(3, 2, 1), (3, 2, 0), (3, 3, 0)] {
            let pool = PoolAttributes(spatial: SpatialAttributes(kernelShape: [kernel], strides: [stride], pads: [pad, pad]), ceilMode: false,
                                      countIncludePad: false, columnMajorIndices: false)
            let graph = Graph(
                inputs: [ValueInfo(name: "x", declaredType: "float", dimensions: [.fixed(2), .fixed(3), .fixed(9)])],
                outputs: [ValueInfo(name: "y", declaredType: "float", dimensions: [])], initializers: [:],
                nodes: [Node(name: "relu", opType: "Relu", op: .unary(.relu), inputs: ["x"], outputs: ["r"]),
                        Node(name: "pool", opType: "MaxPool", op: .maxPool(pool), inputs: ["r"], outputs: ["y"])],
                opset: 17)
            let fused = try ExecutionPlan(graph: graph, inputShapes: ["x": [2, 3, 9]])
            XCTAssertEqual(fused.reluPools, [0])
            let plain = try ExecutionPlan(graph: unfused(graph, fused), inputShapes: ["x": [2, 3, 9]])
            let x = input([2, 3, 9], seed: 4)
            let gradient = try gradient(fused, x)
            XCTAssertEqual(gradient, try self.gradient(plain, x), "kernel \(kernel) stride \(stride) pad \(pad)")
            // Each window's gradient (1) reaches its positive maximum; a window of negatives passes none.
            let windows = fused.outputShapes["y"]![2]
            let positive = (0..<6).map { plane in
                (0..<windows).filter { window in
                    (max(0, stride * window - pad) ... min(8, stride * window - pad + kernel - 1)).contains { x.scalars[plane * 9 + $0] > 0 }
                }.count
            }.reduce(0, +)
            XCTAssertEqual(gradient.scalars.reduce(0, +), Float(positive), "kernel \(kernel) stride \(stride) pad \(pad)")
        }
    }
}
