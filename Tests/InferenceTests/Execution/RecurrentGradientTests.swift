import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Backpropagation through time of LSTM and GRU against finite differences, in every
/// direction and layout, with sequences shorter than the tensor, through Y, Y_h and Y_c
/// to X and the initial states.
extension GradientTests {
    private struct RecurrentCase {
        var cell: String
        var direction: String
        var batchFirst: Bool
        var attributes: [Onnx_AttributeProto] = []
        var label: String { "\(cell) \(direction)\(batchFirst ? " layout 1" : "") \(attributes.map(\.name))" }
    }

    /// Sequence 5, batch 2 (the second sequence 3 long), input 3, hidden 4; every input a
    /// deterministic pseudo-random value of moderate size, so gates are neither saturated nor linear.
    private func recurrentGraph(_ c: RecurrentCase) throws -> (ExecutionPlan, [String: Tensor<Float>], outputs: [String]) {
        let (sequence, batch, input, hidden) = (5, 2, 3, 4)
        let directions = c.direction == "bidirectional" ? 2 : 1
        let gates = c.cell == "LSTM" ? 4 : 3
        func values(_ count: Int, _ salt: Int, scale: Float = 0.6) -> [Float] {
            (0..<count).map { Float((($0 + salt) * 7919 + salt * 104_729) % 211) / 211 * 2 * scale - scale }
        }
        let xShape = c.batchFirst ? [batch, sequence, input] : [sequence, batch, input]
        let stateShape = c.batchFirst ? [batch, directions, hidden] : [directions, batch, hidden]
        var builder = ModelBuilder()
        builder.model.graph.initializer = [
            ModelBuilder.floatTensor("w", dims: [Int64(directions), Int64(gates * hidden), Int64(input)], values: values(directions * gates * hidden * input, 1)),
            ModelBuilder.floatTensor("r", dims: [Int64(directions), Int64(gates * hidden), Int64(hidden)], values: values(directions * gates * hidden * hidden, 2)),
            ModelBuilder.floatTensor("b", dims: [Int64(directions), Int64(2 * gates * hidden)], values: values(directions * 2 * gates * hidden, 3, scale: 0.3)),
            ModelBuilder.int64Tensor("lengths", dims: [2], values: [5, 3]),
            ModelBuilder.floatTensor("p", dims: [Int64(directions), Int64(3 * hidden)], values: values(directions * 3 * hidden, 4)),
        ]
        var inputs = ["x", "w", "r", "b", "lengths", "h0"]
        var outputs = ["y", "yh"]
        var feeds = ["x": Tensor(shape: xShape, scalars: values(sequence * batch * input, 5, scale: 1)),
                     "h0": Tensor(shape: stateShape, scalars: values(directions * batch * hidden, 6, scale: 0.5))]
        if c.cell == "LSTM" {
            inputs += ["c0", "p"]
            outputs.append("yc")
            feeds["c0"] = Tensor(shape: stateShape, scalars: values(directions * batch * hidden, 7, scale: 0.5))
        }
        builder.model.graph.input = feeds.keys.sorted().map { ModelBuilder.valueInfo($0, dims: feeds[$0]!.shape.map { Int64($0) }) }
        let yShape = c.batchFirst ? [batch, sequence, directions, hidden] : [sequence, directions, batch, hidden]
        builder.model.graph.output = outputs.map { ModelBuilder.valueInfo($0, dims: ($0 == "y" ? yShape : stateShape).map { Int64($0) }) }
        var attributes = c.attributes + [ModelBuilder.intAttribute("hidden_size", Int64(hidden)), ModelBuilder.stringAttribute("direction", c.direction)]
        if c.batchFirst { attributes.append(ModelBuilder.intAttribute("layout", 1)) }
        builder.model.graph.node = [ModelBuilder.node(c.cell, inputs: inputs, outputs: outputs, name: "rnn", attributes: attributes)]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        return (try ExecutionPlan(graph: graph, inputShapes: feeds.mapValues(\.shape)), feeds, outputs)
    }

    private func checkRecurrent(_ cases: [RecurrentCase]) throws {
        var failures: [String] = []
        for c in cases {
            let (plan, feeds, outputs) = try recurrentGraph(c)
            for output in outputs {
                for input in feeds.keys.sorted() {
                    if let failure = try check(plan: plan, inputs: feeds, input: input, output: output, samples: 30) {
                        failures.append("\(c.label), d \(output): \(failure)")
                    }
                }
            }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testLSTMBackpropagationThroughTimeAgainstFiniteDifferences() throws {
        try checkRecurrent([
            RecurrentCase(cell: "LSTM", direction: "forward", batchFirst: false),
            RecurrentCase(cell: "LSTM", direction: "reverse", batchFirst: true),
            RecurrentCase(cell: "LSTM", direction: "bidirectional", batchFirst: false),
            RecurrentCase(cell: "LSTM", direction: "bidirectional", batchFirst: true,
                          attributes: [ModelBuilder.intAttribute("input_forget", 1), ModelBuilder.floatAttribute("clip", 0.9)]),
            // Keras 2's LSTM as tf2onnx writes it: hard sigmoid gates.
            RecurrentCase(cell: "LSTM", direction: "forward", batchFirst: false,
                          attributes: [ModelBuilder.stringsAttribute("activations", ["HardSigmoid", "Tanh", "Softsign"]), ModelBuilder.floatsAttribute("activation_alpha", [0.2]),
                                       ModelBuilder.floatsAttribute("activation_beta", [0.5])]),
        ])
    }

    func testGRUBackpropagationThroughTimeAgainstFiniteDifferences() throws {
        let beforeReset = ModelBuilder.intAttribute("linear_before_reset", 1)
        try checkRecurrent([
            RecurrentCase(cell: "GRU", direction: "forward", batchFirst: false),
            RecurrentCase(cell: "GRU", direction: "reverse", batchFirst: false, attributes: [beforeReset]),
            RecurrentCase(cell: "GRU", direction: "bidirectional", batchFirst: true),
            RecurrentCase(cell: "GRU", direction: "bidirectional", batchFirst: false, attributes: [beforeReset, ModelBuilder.floatAttribute("clip", 0.8)]),
            RecurrentCase(cell: "GRU", direction: "forward", batchFirst: true,
                          attributes: [beforeReset, ModelBuilder.stringsAttribute("activations", ["Sigmoid", "Relu"])]),
        ])
    }
}
