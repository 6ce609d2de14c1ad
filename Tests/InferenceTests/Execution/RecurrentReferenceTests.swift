import Foundation
@testable import Inference
import ONNXProto
import TestSupport
import XCTest

/// LSTM and GRU forward passes against ONNX's equations written out step by step in double
/// precision: both directions, initial states given or not, sequence_lens absent or given,
/// batches small enough for the small product (one to eight sequences) and larger (BLAS), and
/// hidden sizes whose gate widths leave every tail of the product's column blocks.
final class RecurrentReferenceTests: XCTestCase {
    struct Case {
        var cell: String
        var direction = "bidirectional"
        var linearBeforeReset = true
        var sequence = 7, batch = 1, input = 5, hidden = 12
        var bias = true, initialStates = true
        var lengths: [Int64]? = nil
        var batchFirst = false
        var threads = 1
        var directions: Int { direction == "bidirectional" ? 2 : 1 }
        var gates: Int { cell == "LSTM" ? 4 : 3 }
        var label: String {
            "\(cell)\(cell == "GRU" ? " lbr \(linearBeforeReset)" : "") \(direction) batch \(batch) hidden \(hidden)"
                + "\(bias ? " B" : "")\(initialStates ? " states" : "")\(lengths.map { " lengths \($0)" } ?? "")\(batchFirst ? " layout 1" : "")"
                + " \(threads) thread\(threads == 1 ? "" : "s")"
        }
    }

    /// Deterministic values in [−scale, scale], large enough that the gates neither saturate nor stay linear.
    private static func values(_ count: Int, _ salt: Int, scale: Double = 0.5) -> [Float] {
        (0..<count).map { Float(Double((($0 + salt) * 7919 + salt * 104_729) % 211) / 211 * 2 * scale - scale) }
    }

    private struct Weights {
        var x: [Float], w: [Float], r: [Float], b: [Float]?, h0: [Float]?, c0: [Float]?
    }

    private static func weights(_ c: Case) -> Weights {
        let state = c.directions * c.batch * c.hidden
        return Weights(
            x: values(c.sequence * c.batch * c.input, 1, scale: 1),
            w: values(c.directions * c.gates * c.hidden * c.input, 2),
            r: values(c.directions * c.gates * c.hidden * c.hidden, 3),
            b: c.bias ? values(c.directions * 2 * c.gates * c.hidden, 4, scale: 0.3) : nil,
            h0: c.initialStates ? values(state, 5) : nil,
            c0: c.initialStates && c.cell == "LSTM" ? values(state, 6) : nil)
    }

    /// Y, Y_h and (LSTM) Y_c as seqlens computes them, in the case's layout.
    private func run(_ c: Case, _ v: Weights) throws -> [[Float]] {
        let (s, b, d, n) = (Int64(c.sequence), Int64(c.batch), Int64(c.directions), Int64(c.hidden))
        var builder = ModelBuilder()
        var initializers = [
            ModelBuilder.floatTensor("w", dims: [d, Int64(c.gates) * n, Int64(c.input)], values: v.w),
            ModelBuilder.floatTensor("r", dims: [d, Int64(c.gates) * n, n], values: v.r),
        ]
        var inputs = ["x", "w", "r", "", "", ""]
        if let bias = v.b {
            initializers.append(ModelBuilder.floatTensor("b", dims: [d, 2 * Int64(c.gates) * n], values: bias))
            inputs[3] = "b"
        }
        if let lengths = c.lengths {
            initializers.append(ModelBuilder.int64Tensor("lengths", dims: [b], values: lengths))
            inputs[4] = "lengths"
        }
        let stateDims = c.batchFirst ? [b, d, n] : [d, b, n]
        if let h0 = v.h0 {
            initializers.append(ModelBuilder.floatTensor("h0", dims: stateDims, values: reordered(h0, c)))
            inputs[5] = "h0"
        }
        if let c0 = v.c0 {
            initializers.append(ModelBuilder.floatTensor("c0", dims: stateDims, values: reordered(c0, c)))
            inputs.append("c0")
        }
        while inputs.last == "" { inputs.removeLast() }
        builder.model.graph.initializer = initializers
        let xDims = c.batchFirst ? [b, s, Int64(c.input)] : [s, b, Int64(c.input)]
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: xDims)]
        let yDims = c.batchFirst ? [b, s, d, n] : [s, d, b, n]
        let outputs = c.cell == "LSTM" ? ["y", "yh", "yc"] : ["y", "yh"]
        builder.model.graph.output = outputs.map { ModelBuilder.valueInfo($0, dims: $0 == "y" ? yDims : stateDims) }
        var attributes = [ModelBuilder.intAttribute("hidden_size", n), ModelBuilder.stringAttribute("direction", c.direction)]
        if c.cell == "GRU" { attributes.append(ModelBuilder.intAttribute("linear_before_reset", c.linearBeforeReset ? 1 : 0)) }
        if c.batchFirst { attributes.append(ModelBuilder.intAttribute("layout", 1)) }
        builder.model.graph.node = [ModelBuilder.node(c.cell, inputs: inputs, outputs: outputs, name: "rnn", attributes: attributes)]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        let x = Tensor(shape: xDims.map { Int($0) }, scalars: reordered(v.x, c, input: true))
        let results = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape]).run(["x": x], threads: c.threads)
        return try outputs.map { name in
            guard case .float(let tensor)? = results[name] else { throw InferenceError("no \(name)") }
            return tensor.scalars
        }
    }

    /// Values the reference keeps as (outer, batch, inner) — X (sequence, batch, input), Y
    /// (sequence × directions, batch, hidden), states (directions, batch, hidden) — in layout 1's
    /// (batch, outer, inner) order when the case asks for it.
    private func reordered(_ values: [Float], _ c: Case, input: Bool = false) -> [Float] {
        guard c.batchFirst else { return values }
        let inner = input ? c.input : c.hidden
        let outer = values.count / (c.batch * inner)
        var out = values
        for o in 0..<outer {
            for b in 0..<c.batch {
                for k in 0..<inner { out[(b * outer + o) * inner + k] = values[(o * c.batch + b) * inner + k] }
            }
        }
        return out
    }

    /// ONNX's LSTM (gates i, o, f, c) and GRU (z, r, h) equations in double precision; Y is
    /// zero past a sequence's length, the states are those after its last step. Outputs in layout 0.
    private func reference(_ c: Case, _ v: Weights) -> [[Float]] {
        let n = c.hidden, width = c.gates * n
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        var y = [Double](repeating: 0, count: c.sequence * c.directions * c.batch * n)
        var finalH = [Double](repeating: 0, count: c.directions * c.batch * n), finalC = finalH
        for direction in 0..<c.directions {
            let reverse = c.direction == "reverse" || direction == 1
            for b in 0..<c.batch {
                let stateAt = (direction * c.batch + b) * n
                var h = (0..<n).map { Double(v.h0?[stateAt + $0] ?? 0) }
                var cell = (0..<n).map { Double(v.c0?[stateAt + $0] ?? 0) }
                let length = Int(c.lengths?[b] ?? Int64(c.sequence))
                for step in 0..<length {
                    let t = reverse ? length - 1 - step : step
                    func input(_ j: Int) -> Double {
                        var sum = Double(v.b?[direction * 2 * width + j] ?? 0)
                        for k in 0..<c.input { sum += Double(v.w[(direction * width + j) * c.input + k]) * Double(v.x[(t * c.batch + b) * c.input + k]) }
                        return sum
                    }
                    func recurrent(_ j: Int, _ state: [Double]) -> Double {
                        var sum = Double(v.b?[direction * 2 * width + width + j] ?? 0)
                        for k in 0..<n { sum += Double(v.r[(direction * width + j) * n + k]) * state[k] }
                        return sum
                    }
                    if c.cell == "LSTM" {
                        let gate = (0..<width).map { input($0) + recurrent($0, h) }
                        for k in 0..<n {
                            cell[k] = sigmoid(gate[2 * n + k]) * cell[k] + sigmoid(gate[k]) * tanh(gate[3 * n + k])
                            h[k] = sigmoid(gate[n + k]) * tanh(cell[k])
                        }
                    } else {
                        let z = (0..<n).map { sigmoid(input($0) + recurrent($0, h)) }
                        let r = (0..<n).map { sigmoid(input(n + $0) + recurrent(n + $0, h)) }
                        let resetState = (0..<n).map { r[$0] * h[$0] }
                        let candidate = (0..<n).map { k in
                            tanh(input(2 * n + k) + (c.linearBeforeReset ? r[k] * recurrent(2 * n + k, h) : recurrent(2 * n + k, resetState)))
                        }
                        h = (0..<n).map { (1 - z[$0]) * candidate[$0] + z[$0] * h[$0] }
                    }
                    for k in 0..<n { y[((t * c.directions + direction) * c.batch + b) * n + k] = h[k] }
                }
                for k in 0..<n { (finalH[stateAt + k], finalC[stateAt + k]) = (h[k], cell[k]) }
            }
        }
        let outputs = c.cell == "LSTM" ? [y, finalH, finalC] : [y, finalH]
        return outputs.map { $0.map { Float($0) } }
    }

    private func check(_ cases: [Case]) throws {
        for c in cases {
            let v = Self.weights(c)
            let actual = try run(c, v), expected = reference(c, v)
            for (index, name) in ["Y", "Y_h", "Y_c"].prefix(actual.count).enumerated() {
                let want = reordered(expected[index], c)
                XCTAssertGreaterThan(want.map(abs).max() ?? 0, 0.1, "\(c.label) \(name): a vanishing output would test nothing")
                let comparison = compare(actual[index], want, absolute: 2e-6, relative: 1e-5)
                XCTAssertEqual(comparison.failures, 0, "\(c.label) \(name): \(comparison)")
            }
        }
    }

    func testLSTMMatchesTheEquations() throws {
        try check([
            Case(cell: "LSTM"),
            Case(cell: "LSTM", batch: 3, hidden: 5, bias: false, initialStates: false),
            Case(cell: "LSTM", direction: "reverse", batch: 3, lengths: [7, 4, 1], batchFirst: true),
            Case(cell: "LSTM", direction: "forward", batch: 12, hidden: 16),
            Case(cell: "LSTM", batch: 9, hidden: 5, lengths: [1, 7, 2, 3, 7, 5, 6, 7, 4]),
        ])
    }

    func testGRUMatchesTheEquations() throws {
        try check([
            Case(cell: "GRU"),
            Case(cell: "GRU", batch: 3, hidden: 5),
            Case(cell: "GRU", direction: "forward", batch: 10, bias: false, initialStates: false),
            Case(cell: "GRU", direction: "reverse", linearBeforeReset: false, batch: 2),
            Case(cell: "GRU", linearBeforeReset: false, batch: 9, hidden: 5, lengths: [7, 1, 2, 3, 4, 5, 6, 7, 7], batchFirst: true),
            Case(cell: "GRU", batch: 4, hidden: 16, lengths: [2, 7, 5, 1]),
        ])
    }

    /// Layers large enough that their two directions run on two threads at once (the reverse one
    /// writing Y into a copy merged after), padded sequences included: the same equations.
    func testDirectionsOnTwoThreadsMatchTheEquations() throws {
        let cases = [
            Case(cell: "LSTM", sequence: 40, hidden: 24, threads: 2),
            Case(cell: "GRU", sequence: 30, batch: 3, hidden: 24, lengths: [30, 11, 1], threads: 2),
            Case(cell: "LSTM", sequence: 30, batch: 3, hidden: 24, lengths: [4, 30, 17], batchFirst: true, threads: 2),
        ]
        for c in cases {
            let d = Recurrent.Dimensions(sequence: c.sequence, batch: c.batch, input: c.input, hidden: c.hidden, directions: c.directions, gates: c.gates)
            XCTAssertTrue(Recurrent.directionsApart(d, threads: c.threads), "\(c.label): the directions must run apart")
        }
        try check(cases)
    }
}
