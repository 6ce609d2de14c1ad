import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// LSTM and GRU beyond ONNX's own node cases: PyTorch exports (both exporters) and a Keras
/// BiLSTM through tf2onnx against onnxruntime and autograd (tools/make-recurrent-fixtures.py),
/// and the refusals.
final class RecurrentTests: XCTestCase {
    struct Meta: Decodable {
        var input_name: String
        var output_name: String
    }

    static let cases: [URL] = {
        let root = Fixtures.url("recurrent")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().map { root.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("meta.json").path) }
    }()

    private func floats(_ directory: URL, _ name: String) throws -> Tensor<Float> {
        guard case .float(let tensor) = try NPY.read(contentsOf: directory.appendingPathComponent(name)) else {
            throw InferenceError("\(name) is not float")
        }
        return tensor
    }

    func testPyTorchExportsMatchOnnxruntimeAndAutograd() throws {
        XCTAssertEqual(Self.cases.count, 9, "recurrent fixtures missing")
        for directory in Self.cases {
            let name = directory.lastPathComponent
            let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: directory.appendingPathComponent("meta.json")))
            let graph = try ONNXImporter.load(contentsOf: directory.appendingPathComponent("model.onnx"))
            XCTAssert(graph.nodes.contains { $0.opType == "LSTM" || $0.opType == "GRU" }, name)
            let x = try floats(directory, "input.npy")
            let plan = try ExecutionPlan(graph: graph, inputShapes: [meta.input_name: x.shape])
            let expected = try floats(directory, "expected.npy")
            guard case .float(let y)? = try plan.run([meta.input_name: x])[meta.output_name] else { return XCTFail(name) }
            XCTAssertEqual(y.shape, expected.shape, name)
            let forward = compare(y.scalars, expected.scalars, absolute: 1e-5, relative: 1e-4)
            XCTAssertEqual(forward.failures, 0, "\(name) forward: \(forward)")

            let (value, gradient) = try plan.gradient(of: meta.output_name, outputGradient: floats(directory, "seed.npy"),
                                                      inputs: [meta.input_name: x], respectTo: meta.input_name)
            XCTAssertEqual(value.scalars, y.scalars, name)
            let saliency = try floats(directory, "saliency.npy")
            XCTAssertEqual(gradient.shape, saliency.shape, name)
            XCTAssertGreaterThan(saliency.scalars.map(abs).max() ?? 0, 1e-3, "\(name): a vanishing saliency would test nothing")
            let backward = compare(gradient.scalars, saliency.scalars, absolute: 1e-5, relative: 1e-4)
            XCTAssertEqual(backward.failures, 0, "\(name) saliency: \(backward)")
        }
    }

    func testBatchesAreIndependent() throws {
        // Each sequence's output is what it gives alone: no state leaks across the batch.
        let directory = Self.cases.first { $0.lastPathComponent == "danq_bilstm_legacy" }!
        let graph = try ONNXImporter.load(contentsOf: directory.appendingPathComponent("model.onnx"))
        let x = try floats(directory, "input.npy")
        let perSequence = x.count / x.shape[0]
        let second = Tensor(shape: [1] + x.shape.dropFirst(), scalars: Array(x.scalars[perSequence...]))
        let both = try ExecutionPlan(graph: graph, inputShapes: ["input": x.shape]).run(["input": x])["output"]
        let alone = try ExecutionPlan(graph: graph, inputShapes: ["input": second.shape]).run(["input": second])["output"]
        guard case .float(let b)? = both, case .float(let a)? = alone else { return XCTFail() }
        XCTAssertEqual(compare(Array(b.scalars[(b.count / 2)...]), a.scalars, absolute: 1e-6, relative: 1e-6).failures, 0)
    }

    // MARK: refusals

    /// An LSTM (hidden 2, input 3, sequence 4, batch 2) with the given attributes and optional inputs.
    static func lstmModel(attributes: [Onnx_AttributeProto] = [], sequenceLengths: [Int64]? = nil, opType: String = "LSTM") -> ModelBuilder {
        var builder = ModelBuilder()
        let gates: Int64 = opType == "LSTM" ? 4 : 3
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [4, 2, 3])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [4, 1, 2, 2])]
        builder.model.graph.initializer = [
            ModelBuilder.floatTensor("w", dims: [1, gates * 2, 3], values: (0..<Int(gates * 6)).map { Float($0 % 5) / 5 - 0.4 }),
            ModelBuilder.floatTensor("r", dims: [1, gates * 2, 2], values: (0..<Int(gates * 4)).map { Float($0 % 3) / 3 - 0.3 }),
        ]
        var inputs = ["x", "w", "r"]
        if let sequenceLengths {
            builder.model.graph.initializer.append(ModelBuilder.int64Tensor("lengths", dims: [2], values: sequenceLengths))
            inputs += ["", "lengths"]
        }
        builder.model.graph.node = [ModelBuilder.node(opType, inputs: inputs, outputs: ["y"], name: "rnn", attributes: attributes)]
        return builder
    }

    private func loadError(_ builder: ModelBuilder, inputShape: [Int] = [4, 2, 3]) throws -> String {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let graph = try ONNXImporter.load(contentsOf: builder.write(to: directory))
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": inputShape])
            _ = try plan.run(["x": Tensor(shape: inputShape, repeating: 0.5)])
        } catch let error as InferenceError {
            return error.description
        }
        XCTFail("the model loaded and ran")
        return ""
    }

    func testRunsTheModelTheRefusalsStartFrom() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let graph = try ONNXImporter.load(contentsOf: Self.lstmModel().write(to: directory))
        let outputs = try ExecutionPlan(graph: graph, inputShapes: ["x": [4, 2, 3]]).run(["x": Tensor(shape: [4, 2, 3], repeating: 0.5)])
        XCTAssertEqual(outputs["y"]?.shape, [4, 1, 2, 2])
    }

    func testUnsupportedActivationIsRefusedNamingOpNodeAndAttribute() throws {
        let message = try loadError(Self.lstmModel(attributes: [ModelBuilder.stringsAttribute("activations", ["Sigmoid", "Gelu", "Tanh"])]))
        XCTAssertEqual(message, "model.onnx: node 'rnn' (LSTM): activation 'Gelu' is not supported (Sigmoid, Tanh, Relu, HardSigmoid, LeakyRelu, ThresholdedRelu, Elu, Affine, ScaledTanh, Softsign and Softplus are)")
    }

    func testWrongActivationCountIsRefused() throws {
        let message = try loadError(Self.lstmModel(attributes: [ModelBuilder.stringsAttribute("activations", ["Sigmoid", "Tanh"])], opType: "LSTM"))
        XCTAssertEqual(message, "model.onnx: node 'rnn' (LSTM): activations lists 2 functions (Sigmoid, Tanh); forward needs 3")
    }

    func testUnknownDirectionIsRefused() throws {
        var direction = Onnx_AttributeProto()
        direction.name = "direction"
        direction.type = .string
        direction.s = Data("sideways".utf8)
        let message = try loadError(Self.lstmModel(attributes: [direction], opType: "GRU"))
        XCTAssertEqual(message, "model.onnx: node 'rnn' (GRU): direction 'sideways' is not an ONNX value (forward, reverse or bidirectional)")
    }

    func testSequenceLengthBeyondTheSequenceIsRefused() throws {
        let message = try loadError(Self.lstmModel(sequenceLengths: [4, 5]))
        XCTAssertEqual(message, "node 'rnn' (LSTM): sequence_lens holds 5, outside 1...4; every length must be between 1 and the sequence length")
    }

    func testWeightsOfTheWrongShapeAreRefused() throws {
        let message = try loadError(Self.lstmModel(attributes: [ModelBuilder.intAttribute("hidden_size", 3)]))
        XCTAssertEqual(message, "node 'rnn' (LSTM): W has shape [1, 8, 3]; expected [1, 12, 3] for direction forward and hidden_size 3")
    }
}

extension RecurrentTests {
    /// A bidirectional LSTM large enough that its directions run on two threads: the same numbers as on one.
    func testThreadCountDoesNotChangeResults() throws {
        let (sequence, batch, input, hidden) = (40, 3, 8, 16)
        func values(_ count: Int, _ salt: Int) -> [Float] { (0..<count).map { Float((($0 + salt) * 7919) % 211) / 211 - 0.5 } }
        var builder = ModelBuilder()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [Int64(sequence), Int64(batch), Int64(input)])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [Int64(sequence), 2, Int64(batch), Int64(hidden)])]
        builder.model.graph.initializer = [
            ModelBuilder.floatTensor("w", dims: [2, Int64(4 * hidden), Int64(input)], values: values(2 * 4 * hidden * input, 1)),
            ModelBuilder.floatTensor("r", dims: [2, Int64(4 * hidden), Int64(hidden)], values: values(2 * 4 * hidden * hidden, 2)),
        ]
        var direction = Onnx_AttributeProto()
        direction.name = "direction"
        direction.type = .string
        direction.s = Data("bidirectional".utf8)
        builder.model.graph.node = [ModelBuilder.node("LSTM", inputs: ["x", "w", "r"], outputs: ["y"], name: "lstm", attributes: [direction])]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        let x = Tensor(shape: [sequence, batch, input], scalars: values(sequence * batch * input, 3))
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape])
        guard case .float(let one)? = try plan.run(["x": x], threads: 1)["y"],
              case .float(let two)? = try plan.run(["x": x], threads: 2)["y"] else { return XCTFail() }
        XCTAssertEqual(one.scalars, two.scalars)
        XCTAssertGreaterThan(one.scalars.map(abs).max() ?? 0, 0.05)
    }
}
