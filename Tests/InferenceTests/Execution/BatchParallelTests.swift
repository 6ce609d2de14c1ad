import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// The batch split across threads (BatchParallel.swift) on graphs whose values carry the batch
/// on any axis: sequence-first attention and recurrent layers split, joined along each output's
/// batch axis; graphs where a part would not compute its own block (a batch×heads axis read back
/// in the other order, a flip along the batch) are refused by the numeric probe and run whole.
/// Sequences with large activations run in parts small enough for the cache, also on one thread.
final class BatchParallelTests: XCTestCase {
    private static let length = 5

    /// x [batch, length, 4] through `nodes` to y, planned for `batch` rows.
    private func plan(_ nodes: [Onnx_NodeProto], constants: [Onnx_TensorProto], batch: Int) throws -> ExecutionPlan {
        var builder = ModelBuilder()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [nil, Int64(Self.length), 4])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [])]
        builder.model.graph.initializer = constants
        builder.model.graph.node = nodes
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        return try ExecutionPlan(graph: graph, inputShapes: ["x": [batch, Self.length, 4]])
    }

    private func input(batch: Int) -> Tensor<Float> {
        Tensor(shape: [batch, Self.length, 4], scalars: (0..<(batch * Self.length * 4)).map { Float(($0 * 37) % 29) / 14 - 1 })
    }

    private func y(_ plan: ExecutionPlan, _ x: Tensor<Float>, threads: Int) throws -> Tensor<Float> {
        guard case .float(let y)? = try plan.run(["x": x], threads: threads)["y"] else { throw XCTSkip("no output y") }
        return y
    }

    private static func transpose(_ input: String, _ output: String, _ perm: [Int64]) -> Onnx_NodeProto {
        ModelBuilder.node("Transpose", inputs: [input], outputs: [output], name: output, attributes: [ModelBuilder.intsAttribute("perm", perm)])
    }

    private static func reshape(_ input: String, _ output: String, _ shape: String) -> Onnx_NodeProto {
        ModelBuilder.node("Reshape", inputs: [input, shape], outputs: [output], name: output)
    }

    /// PyTorch's MultiheadAttention as exported: sequence-first [length, batch, 4], two heads
    /// merged batch-outer into [length, batch·2, 2] for the products, the output [length, batch, 4]
    /// (batch on axis 1). Two threads split a batch of 5 into 2 + 3 and join along axis 1.
    func testSequenceFirstAttentionSplitsAndJoinsAlongItsBatchAxis() throws {
        let weights: [Float] = (0..<16).map { Float(($0 * 11) % 7) / 3 - 1 }
        let constants = [ModelBuilder.floatTensor("wq", dims: [4, 4], values: weights),
                         ModelBuilder.int64Tensor("heads", dims: [3], values: [0, -1, 2]),
                         ModelBuilder.int64Tensor("merged", dims: [3], values: [0, -1, 4])]
        let nodes = [
            Self.transpose("x", "t", [1, 0, 2]),
            ModelBuilder.node("MatMul", inputs: ["t", "wq"], outputs: ["q"], name: "q"),
            Self.reshape("q", "h", "heads"),
            Self.transpose("h", "hb", [1, 0, 2]),
            Self.transpose("hb", "hT", [0, 2, 1]),
            ModelBuilder.node("MatMul", inputs: ["hb", "hT"], outputs: ["s"], name: "s"),
            ModelBuilder.node("Softmax", inputs: ["s"], outputs: ["p"], name: "p", attributes: [ModelBuilder.intAttribute("axis", -1)]),
            ModelBuilder.node("MatMul", inputs: ["p", "hb"], outputs: ["o"], name: "o"),
            Self.transpose("o", "o2", [1, 0, 2]),
            Self.reshape("o2", "y", "merged"),
        ]
        let batched = try plan(nodes, constants: constants, batch: 5)
        let parts = try XCTUnwrap(try batched.batchParts(threads: 2), "the split must be taken")
        XCTAssertEqual(parts.plans.map { $0.inputShapes["x"]?.first }, [2, 3])
        XCTAssertEqual(parts.outputAxes, ["y": 1])
        let x = input(batch: 5)
        let one = try y(batched, x, threads: 1), two = try y(batched, x, threads: 2)
        XCTAssertEqual(two.shape, [Self.length, 5, 4])
        // Each sequence alone (batch 1) against its column of the joined output.
        let single = try batched.replanned(batch: 1)
        for row in 0..<5 {
            let alone = try y(single, Tensor(shape: [1, Self.length, 4], scalars: Array(x.scalars[(row * Self.length * 4)..<((row + 1) * Self.length * 4)])), threads: 1)
            for position in 0..<Self.length {
                let joined = Array(two.scalars[((position * 5 + row) * 4)..<((position * 5 + row) * 4 + 4)])
                let comparison = compare(joined, Array(alone.scalars[(position * 4)..<(position * 4 + 4)]), absolute: 1e-6, relative: 1e-5)
                XCTAssertEqual(comparison.failures, 0, "sequence \(row) position \(position): \(comparison)")
            }
        }
        XCTAssertEqual(compare(two.scalars, one.scalars, absolute: 1e-6, relative: 1e-5).failures, 0)
    }

    /// Heads merged heads-outer ([length, 2, batch, 2] → [length, 2·batch·2]) but read back as
    /// if batch-outer: every value has a batch axis, yet each output row mixes sequences. The
    /// probe refuses the split; two threads give the whole batch's data movement.
    func testHeadsOuterMergeReadBackBatchOuterRunsWhole() throws {
        let constants = [ModelBuilder.int64Tensor("split", dims: [4], values: [0, 0, 2, 2]),
                         ModelBuilder.int64Tensor("merged", dims: [3], values: [0, -1, 4])]
        let nodes = [
            Self.transpose("x", "t", [1, 0, 2]),
            Self.reshape("t", "h", "split"),
            Self.transpose("h", "ho", [0, 2, 1, 3]),
            Self.reshape("ho", "y", "merged"),
        ]
        let batch = 5
        let mixing = try plan(nodes, constants: constants, batch: batch)
        XCTAssertNil(try mixing.batchParts(threads: 2), "a heads-outer merge read back batch-outer must not split")
        let x = input(batch: batch), two = try y(mixing, x, threads: 2)
        // y[l] is t[l] = x[:, l, :] with heads outermost: element (head, sequence, d) of the row.
        var expected: [Float] = []
        for position in 0..<Self.length {
            for head in 0..<2 {
                for row in 0..<batch {
                    for d in 0..<2 { expected.append(x.scalars[(row * Self.length + position) * 4 + head * 2 + d]) }
                }
            }
        }
        XCTAssertEqual(two.shape, [Self.length, batch, 4])
        XCTAssertEqual(two.scalars, expected)
    }

    /// A Slice that reverses the batch: batch on axis 0 everywhere, but part k would hold its
    /// own rows reversed rather than the whole's block k. Refused; the output is x reversed.
    func testFlipAlongTheBatchRunsWhole() throws {
        let constants = [ModelBuilder.int64Tensor("starts", dims: [1], values: [-1]),
                         ModelBuilder.int64Tensor("ends", dims: [1], values: [Int64.min]),
                         ModelBuilder.int64Tensor("axes", dims: [1], values: [0]),
                         ModelBuilder.int64Tensor("steps", dims: [1], values: [-1])]
        let nodes = [ModelBuilder.node("Slice", inputs: ["x", "starts", "ends", "axes", "steps"], outputs: ["y"], name: "flip")]
        let flipping = try plan(nodes, constants: constants, batch: 6)
        XCTAssertNil(try flipping.batchParts(threads: 2), "a flip along the batch must not split")
        let x = input(batch: 6), rowSize = Self.length * 4
        let expected = (0..<6).reversed().flatMap { x.scalars[($0 * rowSize)..<(($0 + 1) * rowSize)] }
        XCTAssertEqual(try y(flipping, x, threads: 2).scalars, expected)
    }

    /// gReLU's conv-transformer makes 1.25 M intermediate floats a sequence (its attention maps):
    /// batches run in parts of at most `partFloats`' worth, more parts than threads, and every
    /// row still equals onnxruntime's output for its sequence. Small batches run as before.
    func testLargeActivationsRunInCachedParts() throws {
        let folder = Fixtures.url("zoo/grelu-conv-transformer")
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("meta.json"))) as! [String: Any]
        let sequences = (meta["sequences"] as! [String]).map(CropAndLengthMeanTests.oneHot)
        let graph = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
        guard case .float(let reference)? = try NPZ.read(contentsOf: folder.appendingPathComponent("onnxruntime.npz")).first(where: { $0.0 == "output" })?.1 else {
            return XCTFail("no onnxruntime output")
        }
        let per = reference.scalars.count / 2
        let cases: [(rows: Int, threads: Int, parts: [Int?]?)] = [(16, 1, [8, 8]), (24, 2, [6, 6, 6, 6]), (12, 1, nil), (12, 2, [6, 6])]
        for (rows, threads, parts) in cases {
            let order = (0..<rows).map { ($0 * 7) % 3 == 0 ? 1 : 0 }
            let x = Tensor(shape: [rows] + Array(sequences[0].shape.dropFirst()), scalars: order.flatMap { sequences[$0].scalars })
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["sequence": x.shape])
            XCTAssertEqual(try plan.batchParts(threads: threads)?.plans.map { $0.inputShapes["sequence"]?.first }, parts, "\(rows) rows, \(threads) threads")
            guard case .float(let y)? = try plan.run(["sequence": x], threads: threads)["output"] else { return XCTFail("no output") }
            let expected = order.flatMap { reference.scalars[($0 * per)..<(($0 + 1) * per)] }
            let scale = reference.scalars.reduce(Float(0)) { max($0, abs($1)) }
            let comparison = compare(y.scalars, expected, absolute: 1e-5 * max(scale, 1), relative: 1e-4)
            XCTAssertEqual(comparison.failures, 0, "\(rows) rows, \(threads) threads vs onnxruntime: \(comparison)")
        }
    }

    /// The zoo's sequence-first transformers and recurrent DanQs, and DeepSTARR, at batch 4
    /// (the two fixture sequences as 0, 1, 1, 0) on two threads: the split is taken, and every
    /// row equals onnxruntime's output for its sequence and one thread's output.
    func testZooModelsSplitAndMatchOnnxruntime() throws {
        for name in ["transformer-learned", "transformer-sinusoidal", "danq", "keras-danq", "deepstarr"] {
            let folder = Fixtures.url("zoo/\(name)")
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("meta.json"))) as! [String: Any]
            let sequences = (meta["sequences"] as! [String]).map(CropAndLengthMeanTests.oneHot)
            let channelsLast = meta["layout"] as? String == "channels-last"
            let order = [0, 1, 1, 0]
            let length = sequences[0].shape[2]
            let scalars = order.flatMap { index -> [Float] in
                let s = sequences[index].scalars
                return channelsLast ? (0..<(length * 4)).map { s[($0 % 4) * length + $0 / 4] } : s
            }
            let x = Tensor(shape: channelsLast ? [4, length, 4] : [4, 4, length], scalars: scalars)
            let graph = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["sequence": x.shape])
            XCTAssertNotNil(try plan.batchParts(threads: 2), "\(name): the split must be taken")
            let two = try plan.run(["sequence": x], threads: 2), one = try plan.run(["sequence": x], threads: 1)
            for (output, array) in try NPZ.read(contentsOf: folder.appendingPathComponent("onnxruntime.npz")) {
                guard case .float(let reference) = array, case .float(let actual)? = two[output], case .float(let whole)? = one[output] else {
                    XCTFail("\(name): output '\(output)' missing or not float")
                    continue
                }
                let per = reference.scalars.count / 2
                let expected = order.flatMap { reference.scalars[($0 * per)..<(($0 + 1) * per)] }
                let scale = reference.scalars.reduce(Float(0)) { max($0, abs($1)) }
                let vsReference = compare(actual.scalars, expected, absolute: 1e-5 * max(scale, 1), relative: 1e-4)
                XCTAssertEqual(vsReference.failures, 0, "\(name) \(output) vs onnxruntime: \(vsReference)")
                let vsOneThread = compare(actual.scalars, whole.scalars, absolute: 1e-6, relative: 1e-5)
                XCTAssertEqual(vsOneThread.failures, 0, "\(name) \(output) vs one thread: \(vsOneThread)")
            }
        }
    }
}
