import CVectorMath
import Foundation

/// ONNX LSTM and GRU (one layer each; stacked layers are several nodes). Inputs:
/// X, W, R, B, sequence_lens, initial_h (and initial_c, P for LSTM), all optional after R.
public struct RecurrentAttributes: Sendable, Equatable {
    public enum Cell: Sendable, Equatable {
        /// input_forget couples the gates: f = 1 − i.
        case lstm(inputForget: Bool)
        /// linear_before_reset applies the reset gate after R·h (PyTorch, Keras reset_after).
        case gru(linearBeforeReset: Bool)
    }

    public enum Direction: String, Sendable {
        case forward, reverse, bidirectional
    }

    public var cell: Cell
    public var direction: Direction
    /// `hidden_size`; nil reads it from R.
    public var hiddenSize: Int?
    /// layout = 1: X (batch, seq, input), Y (batch, seq, directions, hidden), states (batch, directions, hidden).
    public var batchFirst: Bool
    /// Bounds gate pre-activations to [−clip, clip].
    public var clip: Float?
    /// Per direction: LSTM's f, g, h; GRU's f, g.
    public var activations: [[RecurrentActivation]]

    var directions: Int { direction == .bidirectional ? 2 : 1 }
    var gates: Int {
        if case .lstm = cell { 4 } else { 3 }
    }
    static func activationsPerDirection(_ cell: Cell) -> Int {
        if case .lstm = cell { 3 } else { 2 }
    }
    static func defaultActivations(_ cell: Cell) -> [RecurrentActivation] {
        if case .lstm = cell { [.sigmoid, .tanh, .tanh] } else { [.sigmoid, .tanh] }
    }
}

/// The activation functions ONNX allows in recurrent cells.
public enum RecurrentActivation: Sendable, Equatable {
    case sigmoid, tanh, relu, softsign, softplus
    case hardSigmoid(alpha: Float, beta: Float)
    case leakyRelu(alpha: Float)
    case thresholdedRelu(alpha: Float)
    case elu(alpha: Float)
    case affine(alpha: Float, beta: Float)
    case scaledTanh(alpha: Float, beta: Float)

    /// How many of activation_alpha and activation_beta the function takes, in ONNX's order.
    static func named(_ name: String, alphas: inout ArraySlice<Float>, betas: inout ArraySlice<Float>) -> RecurrentActivation? {
        func alpha(_ fallback: Float) -> Float { alphas.popFirst() ?? fallback }
        func beta(_ fallback: Float) -> Float { betas.popFirst() ?? fallback }
        switch name.lowercased() {
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "relu": return .relu
        case "softsign": return .softsign
        case "softplus": return .softplus
        case "hardsigmoid": return .hardSigmoid(alpha: alpha(0.2), beta: beta(0.5))
        case "leakyrelu": return .leakyRelu(alpha: alpha(0.01))
        case "thresholdedrelu": return .thresholdedRelu(alpha: alpha(1))
        case "elu": return .elu(alpha: alpha(1))
        case "affine": return .affine(alpha: alpha(1), beta: beta(0))
        case "scaledtanh": return .scaledTanh(alpha: alpha(1), beta: beta(1))
        default: return nil
        }
    }

    func value(_ x: Float) -> Float {
        switch self {
        case .sigmoid: 1 / (1 + Foundation.exp(-x))
        case .tanh: Foundation.tanh(x)
        case .relu: Swift.max(0, x)
        case .softsign: x / (1 + Swift.abs(x))
        case .softplus: x > 20 ? x : Foundation.log1p(Foundation.exp(x))
        case .hardSigmoid(let alpha, let beta): Swift.min(Swift.max(alpha * x + beta, 0), 1)
        case .leakyRelu(let alpha): x >= 0 ? x : alpha * x
        case .thresholdedRelu(let alpha): x > alpha ? x : 0
        case .elu(let alpha): x >= 0 ? x : alpha * (Foundation.exp(x) - 1)
        case .affine(let alpha, let beta): alpha * x + beta
        case .scaledTanh(let alpha, let beta): alpha * Foundation.tanh(beta * x)
        }
    }

    func derivative(_ x: Float) -> Float {
        switch self {
        case .sigmoid:
            let s = 1 / (1 + Foundation.exp(-x))
            return s * (1 - s)
        case .tanh:
            let t = Foundation.tanh(x)
            return 1 - t * t
        case .relu: return x > 0 ? 1 : 0
        case .softsign: return 1 / ((1 + Swift.abs(x)) * (1 + Swift.abs(x)))
        case .softplus: return 1 / (1 + Foundation.exp(-x))
        case .hardSigmoid(let alpha, let beta):
            let y = alpha * x + beta
            return y > 0 && y < 1 ? alpha : 0
        case .leakyRelu(let alpha): return x >= 0 ? 1 : alpha
        case .thresholdedRelu(let alpha): return x > alpha ? 1 : 0
        case .elu(let alpha): return x >= 0 ? 1 : alpha * Foundation.exp(x)
        case .affine(let alpha, _): return alpha
        case .scaledTanh(let alpha, let beta):
            let t = Foundation.tanh(beta * x)
            return alpha * beta * (1 - t * t)
        }
    }

    /// In place over `count` values; one switch per span keeps the loops tight. Sigmoid and
    /// tanh, most of a recurrent layer's time, use a vectorised rational form (within 4e-7;
    /// libm's tanhf and expf are scalar calls and several times slower); sigmoid(x) =
    /// ½ + ½·tanh(x/2), as onnxruntime's MLAS computes it too.
    func apply(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        switch self {
        case .sigmoid: seqlens_scaled_tanh(p, count, 0.5, 0.5, 0.5)
        case .tanh: seqlens_scaled_tanh(p, count, 1, 1, 0)
        default: for k in 0..<count { p[k] = value(p[k]) }
        }
    }
}

/// LSTM and GRU kernels: the input projection X·Wᵀ of every timestep is one GEMM, each
/// step's recurrent product h·Rᵀ one GEMM over the batch, the gates elementwise.
/// Backward is backpropagation through time over a recomputed forward pass.
enum Recurrent {
    struct Dimensions {
        var sequence: Int, batch: Int, input: Int, hidden: Int, directions: Int, gates: Int
        var gateWidth: Int { gates * hidden }
    }

    static func dimensions(_ a: RecurrentAttributes, x: [Int], w: [Int], r: [Int], node: Node) throws -> Dimensions {
        func fail(_ what: String) -> InferenceError { InferenceError("node '\(node.name)' (\(node.opType)): \(what)") }
        guard x.count == 3 else { throw fail("X must be 3-D, got \(x)") }
        let (sequence, batch) = a.batchFirst ? (x[1], x[0]) : (x[0], x[1])
        guard r.count == 3 else { throw fail("R must be 3-D, got \(r)") }
        let hidden = a.hiddenSize ?? r[2]
        let d = Dimensions(sequence: sequence, batch: batch, input: x[2], hidden: hidden, directions: a.directions, gates: a.gates)
        guard hidden > 0, w == [d.directions, d.gateWidth, d.input] else {
            throw fail("W has shape \(w); expected [\(d.directions), \(d.gateWidth), \(d.input)] for direction \(a.direction.rawValue) and hidden_size \(hidden)")
        }
        guard r == [d.directions, d.gateWidth, hidden] else {
            throw fail("R has shape \(r); expected [\(d.directions), \(d.gateWidth), \(hidden)]")
        }
        return d
    }

    /// Y, Y_h and (LSTM) Y_c shapes, after checking the optional inputs' shapes.
    static func outputShapes(_ a: RecurrentAttributes, io: borrowing KernelIO, node: Node) throws -> [[Int]] {
        let d = try dimensions(a, x: io.shape(0), w: io.shape(1), r: io.shape(2), node: node)
        let state = a.batchFirst ? [d.batch, d.directions, d.hidden] : [d.directions, d.batch, d.hidden]
        var expected: [(index: Int, label: String, shape: [Int])] = [
            (3, "B", [d.directions, 2 * d.gateWidth]), (4, "sequence_lens", [d.batch]), (5, "initial_h", state),
        ]
        if case .lstm = a.cell { expected += [(6, "initial_c", state), (7, "P", [d.directions, 3 * d.hidden])] }
        for (index, label, shape) in expected {
            if let given = io.optionalShape(index), given != shape {
                throw InferenceError("node '\(node.name)' (\(node.opType)): \(label) has shape \(given); expected \(shape)")
            }
        }
        let y = a.batchFirst ? [d.batch, d.sequence, d.directions, d.hidden] : [d.sequence, d.directions, d.batch, d.hidden]
        if case .lstm = a.cell { return [y, state, state] }
        return [y, state]
    }

    /// The recurrence's inputs and layout-aware indexing.
    struct Problem {
        let attributes: RecurrentAttributes
        let d: Dimensions
        let x: [Float], w: [Float], r: [Float]
        let bias: [Float]?
        let lengths: [Int]
        let initialH: [Float]?, initialC: [Float]?
        let peepholes: [Float]?
        /// Per direction, the biases added to each step's gates outside the reset gate: Wb + Rb
        /// (GRU with linear_before_reset: Rb_h sits inside r ⊙ (R_h·h + Rb_h) instead).
        let stepBias: [Float]
        /// GRU with linear_before_reset: per direction, Rb_h (n; zeros without B); else empty.
        let recurrentCandidateBias: [Float]
        /// Per direction, Rᵀ (hidden, gates × hidden) for the small product, when the batch is
        /// small enough for it (`smallProductRows`); empty otherwise.
        let transposedR: [Float]

        /// The timestep step `s` of sequence `b` reads in `direction`, with the output's gradient
        /// there added to `dh`; nil past the sequence's length, where the gates get no gradient.
        func backwardStep(_ s: Int, direction: Int, batch b: Int, dY: [Float]?, dh: inout [Float], dGates: inout [Float]) -> Int? {
            let n = d.hidden, width = d.gateWidth
            guard let t = timestep(s, direction, b) else {
                for k in 0..<width { dGates[b * width + k] = 0 }
                return nil
            }
            if let dY {
                let yRow = yOffset(t, direction, b)
                for k in 0..<n { dh[b * n + k] += dY[yRow + k] }
            }
            return t
        }

        /// An activation of a pre-activation clipped to ±`clip` (ONNX clips before activating).
        func clippedValue(_ fn: RecurrentActivation, _ z: Float) -> Float {
            fn.value(attributes.clip.map { Swift.min(Swift.max(z, -$0), $0) } ?? z)
        }

        /// Its derivative: zero where the clip held the pre-activation.
        func clippedDerivative(_ fn: RecurrentActivation, _ z: Float) -> Float {
            if let bound = attributes.clip, Swift.abs(z) > bound { return 0 }
            return fn.derivative(z)
        }

        init(_ a: RecurrentAttributes, io: borrowing KernelIO, node: Node) throws {
            attributes = a
            let x = try io.float(0), w = try io.float(1), r = try io.float(2)
            d = try Recurrent.dimensions(a, x: x.shape, w: w.shape, r: r.shape, node: node)
            self.x = x.scalars
            self.w = w.scalars
            self.r = r.scalars
            bias = try io.optionalFloat(3)?.scalars
            lengths = try Self.lengths(io.optionalValue(4), sequence: d.sequence, node: node) ?? Array(repeating: d.sequence, count: d.batch)
            initialH = try io.optionalFloat(5)?.scalars
            initialC = a.gates == 4 ? try io.optionalFloat(6)?.scalars : nil
            peepholes = a.gates == 4 ? try io.optionalFloat(7)?.scalars : nil
            var stepBias = [Float](repeating: 0, count: d.directions * d.gateWidth)
            let linearBeforeReset = a.cell == .gru(linearBeforeReset: true)
            if let bias {
                for direction in 0..<d.directions {
                    let base = direction * 2 * d.gateWidth
                    for k in 0..<d.gateWidth {
                        let recurrentInside = linearBeforeReset && k >= 2 * d.hidden
                        stepBias[direction * d.gateWidth + k] = bias[base + k] + (recurrentInside ? 0 : bias[base + d.gateWidth + k])
                    }
                }
            }
            self.stepBias = stepBias
            var recurrentCandidateBias = [Float](repeating: 0, count: linearBeforeReset ? d.directions * d.hidden : 0)
            if linearBeforeReset, let bias {
                for direction in 0..<d.directions {
                    let from = direction * 2 * d.gateWidth + d.gateWidth + 2 * d.hidden
                    for k in 0..<d.hidden { recurrentCandidateBias[direction * d.hidden + k] = bias[from + k] }
                }
            }
            self.recurrentCandidateBias = recurrentCandidateBias
            transposedR = d.batch <= Recurrent.smallProductRows ? Self.transposed(self.r, d) : []
        }

        /// R (directions, gates × hidden, hidden) as (directions, hidden, gates × hidden). Runs
        /// on every pass (R is an input of the node), so through CVectorMath's register tiles.
        private static func transposed(_ r: [Float], _ d: Dimensions) -> [Float] {
            let width = d.gateWidth, n = d.hidden
            return [Float](unsafeUninitializedCapacity: r.count) { out, count in
                r.withUnsafeBufferPointer { rp in
                    for direction in 0..<d.directions {
                        let offset = direction * width * n
                        seqlens_transpose(rp.baseAddress! + offset, n, out.baseAddress! + offset, width, n, width)
                    }
                }
                count = r.count
            }
        }

        /// ONNX's default activations, no clip, no peepholes and no input_forget: the cells of
        /// `seqlens_lstm_cell` and `seqlens_gru_cell` (GRU with linear_before_reset only).
        var fusedCells: Bool {
            guard attributes.clip == nil, peepholes == nil, !inputForget else { return false }
            guard attributes.activations.allSatisfy({ $0 == RecurrentAttributes.defaultActivations(attributes.cell) }) else { return false }
            if case .gru(let linearBeforeReset) = attributes.cell { return linearBeforeReset }
            return true
        }

        /// sequence_lens, each in 1...sequence (ONNX pads shorter sequences; zero-length ones are refused).
        private static func lengths(_ given: Value?, sequence: Int, node: Node) throws -> [Int]? {
            guard let given else { return nil }
            guard case .int(let lengths) = given else {
                throw InferenceError("node '\(node.name)' (\(node.opType)): sequence_lens must be an integer tensor")
            }
            if let bad = lengths.scalars.first(where: { $0 < 1 || $0 > Int64(sequence) }) {
                throw InferenceError("node '\(node.name)' (\(node.opType)): sequence_lens holds \(bad), outside 1...\(sequence); every length must be between 1 and the sequence length")
            }
            return lengths.scalars.map { Int($0) }
        }

        /// Row of X (and of the input projection) holding timestep t of sequence b.
        func row(_ t: Int, _ b: Int) -> Int { attributes.batchFirst ? b * d.sequence + t : t * d.batch + b }
        /// Offset of Y[t, direction, b, 0].
        func yOffset(_ t: Int, _ direction: Int, _ b: Int) -> Int {
            attributes.batchFirst
                ? ((b * d.sequence + t) * d.directions + direction) * d.hidden
                : ((t * d.directions + direction) * d.batch + b) * d.hidden
        }
        /// Offset of a state (Y_h, initial_h...) for `direction` and sequence b.
        func stateOffset(_ direction: Int, _ b: Int) -> Int {
            attributes.batchFirst ? (b * d.directions + direction) * d.hidden : (direction * d.batch + b) * d.hidden
        }
        /// Timestep that step s of `direction` reads for sequence b, nil once b has ended.
        func timestep(_ s: Int, _ direction: Int, _ b: Int) -> Int? {
            guard s < lengths[b] else { return nil }
            let reverse = attributes.direction == .reverse || (attributes.direction == .bidirectional && direction == 1)
            return reverse ? lengths[b] - 1 - s : s
        }
        var linearBeforeReset: Bool {
            if case .gru(let value) = attributes.cell { value } else { false }
        }
        var inputForget: Bool {
            if case .lstm(let value) = attributes.cell { value } else { false }
        }

        /// X·Wᵀ for every timestep and direction in one GEMM, (rows, directions × gates × hidden).
        func inputProjection(_ projection: UnsafeMutablePointer<Float>) {
            let rows = d.sequence * d.batch, width = d.directions * d.gateWidth
            x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                BLAS.sgemm(transA: false, transB: true, m: rows, n: width, k: d.input,
                           a: xp.baseAddress!, lda: d.input, b: wp.baseAddress!, ldb: d.input, c: projection, ldc: width)
            }}
        }

        func initialState(_ values: [Float]?, direction: Int) -> [Float] {
            var state = [Float](repeating: 0, count: d.batch * d.hidden)
            guard let values else { return state }
            for b in 0..<d.batch {
                let from = stateOffset(direction, b)
                for k in 0..<d.hidden { state[b * d.hidden + k] = values[from + k] }
            }
            return state
        }
    }

    /// What the backward pass needs from the forward pass, per direction and step.
    struct Trace {
        /// Gate pre-activations before clipping, (steps, batch, gates × hidden).
        var preactivations: [Float]
        /// States before each step and after the last, (steps + 1, batch, hidden).
        var hidden: [Float]
        var cell: [Float]
        /// GRU with linear_before_reset: R_h·h + Rb_h, (steps, batch, hidden).
        var recurrentCandidate: [Float]
    }

    static func forward(_ a: RecurrentAttributes, io: borrowing KernelIO, outputShapes: [[Int]], node: Node, context: ExecutionContext) throws -> [Value] {
        let problem = try Problem(a, io: io, node: node)
        let (outputs, _) = run(problem, tracing: false, context: context)
        return zip(outputShapes, outputs).map { .float(Tensor(shape: $0, scalars: $1)) }
    }

    /// Whether a bidirectional layer runs its directions on two threads at once.
    static func directionsApart(_ d: Dimensions, threads: Int) -> Bool {
        d.directions > 1 && threads > 1 && d.sequence * d.batch * d.gateWidth * d.hidden >= minimumParallelWork
    }

    /// Y, Y_h (, Y_c) and, when tracing, one trace per direction.
    static func run(_ p: Problem, tracing: Bool, context: ExecutionContext) -> (outputs: [[Float]], traces: [Trace]) {
        let d = p.d
        let parallelDirections = directionsApart(d, threads: context.threads)
        var projection = context.buffers.take(count: d.sequence * d.batch * d.directions * d.gateWidth)
        projection.withUnsafeMutableBufferPointer { p.inputProjection($0.baseAddress!) }
        // Every element is written unless sequence_lens pads some sequences (zeros there).
        let yCount = d.sequence * d.directions * d.batch * d.hidden
        let padded = !p.lengths.allSatisfy { $0 == d.sequence }
        var y = padded ? [Float](repeating: 0, count: yCount) : context.buffers.take(count: yCount)
        // Directions on threads of their own would write each step's rows of Y side by side,
        // sharing cache lines between the cores: the later directions write a copy, merged after.
        var apart = !parallelDirections ? [] : padded ? [Float](repeating: 0, count: yCount) : context.buffers.take(count: yCount)
        var finalH = [Float](repeating: 0, count: d.directions * d.batch * d.hidden)
        var finalC = finalH
        var traces = [Trace](repeating: Trace(preactivations: [], hidden: [], cell: [], recurrentCandidate: []), count: d.directions)
        y.withUnsafeMutableBufferPointer { yp in
        finalH.withUnsafeMutableBufferPointer { hp in
        finalC.withUnsafeMutableBufferPointer { cp in
        traces.withUnsafeMutableBufferPointer { tp in
        apart.withUnsafeMutableBufferPointer { ap in
            let (finalHBase, finalCBase, traceBase) = (hp.baseAddress!, cp.baseAddress!, tp.baseAddress!)
            // The directions are independent and write apart: on two threads when allowed.
            parallelFor(d.directions, threads: parallelDirections ? d.directions : 1, work: minimumParallelWork) { direction in
                let yBase = direction > 0 && parallelDirections ? ap.baseAddress! : yp.baseAddress!
                var h = p.initialState(p.initialH, direction: direction)
                var c = p.initialState(p.initialC, direction: direction)
                var trace = Trace(preactivations: [], hidden: [], cell: [], recurrentCandidate: [])
                if tracing {
                    trace.preactivations.reserveCapacity(d.sequence * d.batch * d.gateWidth)
                    trace.hidden = h
                    if p.attributes.gates == 4 { trace.cell = c }
                }
                var gates = [Float](repeating: 0, count: d.batch * d.gateWidth)
                if !tracing && p.fusedCells {
                    fusedSteps(p, direction: direction, projection: projection, gates: &gates, h: &h, c: &c, y: yBase)
                } else {
                    for s in 0..<d.sequence {
                        if p.attributes.gates == 4 {
                            lstmStep(p, direction: direction, step: s, projection: projection, gates: &gates, h: &h, c: &c, y: yBase, trace: &trace, tracing: tracing)
                        } else {
                            gruStep(p, direction: direction, step: s, projection: projection, gates: &gates, h: &h, y: yBase, trace: &trace, tracing: tracing)
                        }
                    }
                }
                for b in 0..<d.batch {
                    let to = p.stateOffset(direction, b)
                    for k in 0..<d.hidden {
                        finalHBase[to + k] = h[b * d.hidden + k]
                        finalCBase[to + k] = c[b * d.hidden + k]
                    }
                }
                if tracing { traceBase[direction] = trace }
            }
            guard parallelDirections else { return }
            for direction in 1..<d.directions {
                for t in 0..<d.sequence {
                    for b in 0..<d.batch {
                        let offset = p.yOffset(t, direction, b)
                        (yp.baseAddress! + offset).update(from: ap.baseAddress! + offset, count: d.hidden)
                    }
                }
            }
        }}}}}
        context.buffers.recycle(projection)
        context.buffers.recycle(apart)
        let outputs = p.attributes.gates == 4 ? [y, finalH, finalC] : [y, finalH]
        return (outputs, traces)
    }

    /// A direction's forward steps through the C cells (`Problem.fusedCells`): no trace, and
    /// per step one small product and one call per sequence.
    private static func fusedSteps(
        _ p: Problem, direction: Int, projection: [Float], gates: inout [Float], h: inout [Float], c: inout [Float],
        y: UnsafeMutablePointer<Float>
    ) {
        let d = p.d, n = d.hidden, width = d.gateWidth, projectionWidth = d.directions * width
        let lstm = p.attributes.gates == 4
        projection.withUnsafeBufferPointer { xp in
        p.stepBias.withUnsafeBufferPointer { bp in
        p.recurrentCandidateBias.withUnsafeBufferPointer { rbp in
        gates.withUnsafeMutableBufferPointer { gp in
        h.withUnsafeMutableBufferPointer { hp in
        c.withUnsafeMutableBufferPointer { cp in
            let bias = bp.baseAddress! + direction * width
            for s in 0..<d.sequence {
                recurrentProduct(p, direction: direction, state: hp.baseAddress!, stateStride: n, k: n, firstRow: 0, width: width,
                                 into: gp.baseAddress!, outStride: width)
                for b in 0..<d.batch {
                    guard let t = p.timestep(s, direction, b) else { continue }
                    let x = xp.baseAddress! + p.row(t, b) * projectionWidth + direction * width
                    let (row, state, yRow) = (gp.baseAddress! + b * width, hp.baseAddress! + b * n, y + p.yOffset(t, direction, b))
                    if lstm {
                        seqlens_lstm_cell(row, x, bias, cp.baseAddress! + b * n, state, yRow, n)
                    } else {
                        seqlens_gru_cell(row, x, bias, rbp.baseAddress! + direction * n, state, yRow, n)
                    }
                }
            }
        }}}}}}
    }

    /// Batches up to this size multiply each step's state by R in `seqlens_small_product`: a
    /// BLAS call on one row of 32 × 96 cost more than its arithmetic (and more than the gates).
    static let smallProductRows = 8

    /// gates (batch, width) = state (batch, k) · rows [first, first + width) of R_directionᵀ (or R itself with `transpose` false).
    private static func recurrentProduct(
        _ p: Problem, direction: Int, state: UnsafePointer<Float>, stateStride: Int, k: Int, firstRow: Int, width: Int,
        into out: UnsafeMutablePointer<Float>, outStride: Int, transpose: Bool = true
    ) {
        let d = p.d
        if d.batch <= smallProductRows {
            if transpose {
                p.transposedR.withUnsafeBufferPointer { rp in
                    seqlens_small_product(state, stateStride, d.batch, k, rp.baseAddress! + direction * d.gateWidth * d.hidden + firstRow,
                                          d.gateWidth, width, out, outStride)
                }
            } else {
                p.r.withUnsafeBufferPointer { rp in
                    seqlens_small_product(state, stateStride, d.batch, k, rp.baseAddress! + (direction * d.gateWidth + firstRow) * d.hidden,
                                          d.hidden, width, out, outStride)
                }
            }
            return
        }
        p.r.withUnsafeBufferPointer { rp in
            let matrix = rp.baseAddress! + (direction * d.gateWidth + firstRow) * d.hidden
            BLAS.sgemm(transA: false, transB: transpose, m: d.batch, n: width, k: k,
                       a: state, lda: stateStride, b: matrix, ldb: d.hidden, c: out, ldc: outStride)
        }
    }

    /// Clips in place (ONNX clips the input of every gate activation).
    @inline(__always)
    private static func clip(_ p: UnsafeMutablePointer<Float>, _ count: Int, _ bound: Float?) {
        guard let bound else { return }
        for k in 0..<count { p[k] = Swift.min(Swift.max(p[k], -bound), bound) }
    }

    // MARK: LSTM. Gate order i, o, f, c; peepholes i, o, f.

    private static func lstmStep(
        _ p: Problem, direction: Int, step s: Int, projection: [Float], gates: inout [Float],
        h: inout [Float], c: inout [Float], y yp: UnsafeMutablePointer<Float>, trace: inout Trace, tracing: Bool
    ) {
        let d = p.d, n = d.hidden, width = d.gateWidth, bound = p.attributes.clip
        let (f, g, hAct) = (p.attributes.activations[direction][0], p.attributes.activations[direction][1], p.attributes.activations[direction][2])
        let projectionWidth = d.directions * width
        h.withUnsafeBufferPointer { hp in
            gates.withUnsafeMutableBufferPointer { gp in
                recurrentProduct(p, direction: direction, state: hp.baseAddress!, stateStride: n, k: n, firstRow: 0, width: width, into: gp.baseAddress!, outStride: width)
            }
        }
        let peep = p.peepholes, peepBase = direction * 3 * n
        // Without peepholes or coupling, i, o and f are one contiguous span for f.
        let gatesTogether = peep == nil && !p.inputForget
        projection.withUnsafeBufferPointer { xp in
        p.stepBias.withUnsafeBufferPointer { bp in
        gates.withUnsafeMutableBufferPointer { gp in
        h.withUnsafeMutableBufferPointer { hp in
        c.withUnsafeMutableBufferPointer { cp in
            var traceRow = [Float](repeating: 0, count: tracing ? width : 0)
            for b in 0..<d.batch {
                let row = gp.baseAddress! + b * width
                guard let t = p.timestep(s, direction, b) else {
                    if tracing { for k in 0..<width { row[k] = 0 } }
                    continue
                }
                let x = xp.baseAddress! + p.row(t, b) * projectionWidth + direction * width
                let bias = bp.baseAddress! + direction * width
                for k in 0..<width { row[k] += x[k] + bias[k] }
                let (i, o, fg, cg) = (row, row + n, row + 2 * n, row + 3 * n)
                let cPrev = cp.baseAddress! + b * n, hOut = hp.baseAddress! + b * n
                if let peep {
                    for k in 0..<n {
                        i[k] += peep[peepBase + k] * cPrev[k]
                        fg[k] += peep[peepBase + 2 * n + k] * cPrev[k]
                    }
                }
                if tracing { for k in 0..<width { traceRow[k] = row[k] } }
                if gatesTogether {
                    clip(row, 3 * n, bound); f.apply(row, 3 * n)
                } else {
                    clip(i, n, bound); f.apply(i, n)
                }
                clip(cg, n, bound); g.apply(cg, n)
                if p.inputForget {
                    for k in 0..<n { fg[k] = 1 - i[k] }
                } else if !gatesTogether {
                    clip(fg, n, bound); f.apply(fg, n)
                }
                for k in 0..<n { cPrev[k] = fg[k] * cPrev[k] + i[k] * cg[k] }  // now c_t
                if !gatesTogether {
                    if let peep {
                        for k in 0..<n { o[k] += peep[peepBase + n + k] * cPrev[k] }
                    }
                    if tracing { for k in 0..<n { traceRow[n + k] = o[k] } }
                    clip(o, n, bound); f.apply(o, n)
                }
                for k in 0..<n { hOut[k] = cPrev[k] }
                hAct.apply(hOut, n)
                for k in 0..<n { hOut[k] *= o[k] }
                if tracing { for k in 0..<width { row[k] = traceRow[k] } }
                let yRow = p.yOffset(t, direction, b)
                for k in 0..<n { yp[yRow + k] = hOut[k] }
            }
        }}}}}
        if tracing {
            trace.preactivations += gates
            trace.hidden += h
            trace.cell += c
        }
    }

    /// Gradients of X (all directions' input projections) for one direction's LSTM, accumulated into dProjection.
    private static func lstmBackward(
        _ p: Problem, direction: Int, trace: Trace, dY: [Float]?, dH: [Float]?, dC: [Float]?,
        dProjection: inout [Float], dInitialH: inout [Float], dInitialC: inout [Float]
    ) {
        let d = p.d, n = d.hidden, width = d.gateWidth, batchState = d.batch * n
        let (f, g, hAct) = (p.attributes.activations[direction][0], p.attributes.activations[direction][1], p.attributes.activations[direction][2])
        let peep = p.peepholes.map { Array($0[(direction * 3 * n)..<((direction + 1) * 3 * n)]) }
        var dh = p.initialState(dH, direction: direction)
        var dc = p.initialState(dC, direction: direction)
        var dGates = [Float](repeating: 0, count: d.batch * width)
        var dhRecurrent = [Float](repeating: 0, count: batchState)
        let projectionWidth = d.directions * width
        func derivative(_ fn: RecurrentActivation, _ z: Float) -> Float { p.clippedDerivative(fn, z) }
        func activated(_ fn: RecurrentActivation, _ z: Float) -> Float { p.clippedValue(fn, z) }
        for s in stride(from: d.sequence - 1, through: 0, by: -1) {
            for b in 0..<d.batch {
                let da = b * width
                guard let t = p.backwardStep(s, direction: direction, batch: b, dY: dY, dh: &dh, dGates: &dGates) else { continue }
                let pre = (s * d.batch + b) * width
                let cPrev = s * batchState + b * n, cNow = (s + 1) * batchState + b * n
                let xRow = p.row(t, b) * projectionWidth + direction * width
                for k in 0..<n {
                    let zi = trace.preactivations[pre + k], zo = trace.preactivations[pre + n + k]
                    let zf = trace.preactivations[pre + 2 * n + k], zc = trace.preactivations[pre + 3 * n + k]
                    let i = activated(f, zi), o = activated(f, zo), cg = activated(g, zc)
                    let fg = p.inputForget ? 1 - i : activated(f, zf)
                    let cTotal = trace.cell[cNow + k], cBefore = trace.cell[cPrev + k]
                    let dhk = dh[b * n + k]
                    var dck = dc[b * n + k] + dhk * o * hAct.derivative(cTotal)
                    let dzo = dhk * hAct.value(cTotal) * derivative(f, zo)
                    if let peep { dck += dzo * peep[n + k] }
                    var di = dck * cg
                    let dfg = dck * cBefore
                    var dzf: Float = 0
                    if p.inputForget { di -= dfg } else { dzf = dfg * derivative(f, zf) }
                    let dzi = di * derivative(f, zi)
                    let dzc = dck * i * derivative(g, zc)
                    var dcPrev = dck * fg
                    if let peep { dcPrev += dzi * peep[k] + dzf * peep[2 * n + k] }
                    dc[b * n + k] = dcPrev
                    dGates[da + k] = dzi
                    dGates[da + n + k] = dzo
                    dGates[da + 2 * n + k] = dzf
                    dGates[da + 3 * n + k] = dzc
                    dProjection[xRow + k] = dzi
                    dProjection[xRow + n + k] = dzo
                    dProjection[xRow + 2 * n + k] = dzf
                    dProjection[xRow + 3 * n + k] = dzc
                }
            }
            dGates.withUnsafeBufferPointer { gp in
                dhRecurrent.withUnsafeMutableBufferPointer { hp in
                    recurrentProduct(p, direction: direction, state: gp.baseAddress!, stateStride: width, k: width, firstRow: 0, width: n,
                                     into: hp.baseAddress!, outStride: n, transpose: false)
                }
            }
            for b in 0..<d.batch where p.timestep(s, direction, b) != nil {
                for k in 0..<n { dh[b * n + k] = dhRecurrent[b * n + k] }
            }
        }
        scatterState(p, dh, direction: direction, into: &dInitialH)
        scatterState(p, dc, direction: direction, into: &dInitialC)
    }

    // MARK: GRU. Gate order z, r, h.

    private static func gruStep(
        _ p: Problem, direction: Int, step s: Int, projection: [Float], gates: inout [Float],
        h: inout [Float], y yp: UnsafeMutablePointer<Float>, trace: inout Trace, tracing: Bool
    ) {
        let d = p.d, n = d.hidden, width = d.gateWidth, bound = p.attributes.clip
        let (f, g) = (p.attributes.activations[direction][0], p.attributes.activations[direction][1])
        let projectionWidth = d.directions * width
        let linearBeforeReset = p.linearBeforeReset
        // z and r (and with linear_before_reset R_h·h) from the previous state.
        h.withUnsafeBufferPointer { hp in
            gates.withUnsafeMutableBufferPointer { gp in
                recurrentProduct(p, direction: direction, state: hp.baseAddress!, stateStride: n, k: n, firstRow: 0,
                                 width: linearBeforeReset ? width : 2 * n, into: gp.baseAddress!, outStride: width)
            }
        }
        var candidate = linearBeforeReset && tracing ? [Float](repeating: 0, count: d.batch * n) : []
        var traceRows = tracing ? [Float](repeating: 0, count: d.batch * width) : []
        projection.withUnsafeBufferPointer { xp in
        p.stepBias.withUnsafeBufferPointer { bp in
        gates.withUnsafeMutableBufferPointer { gp in
        h.withUnsafeMutableBufferPointer { hp in
            let bias = bp.baseAddress! + direction * width
            // z and r, and (linear_before_reset) the candidate's pre-activation.
            for b in 0..<d.batch {
                guard let t = p.timestep(s, direction, b) else { continue }
                let row = gp.baseAddress! + b * width
                let x = xp.baseAddress! + p.row(t, b) * projectionWidth + direction * width
                for k in 0..<(2 * n) { row[k] += x[k] + bias[k] }
                if tracing { for k in 0..<(2 * n) { traceRows[b * width + k] = row[k] } }
                clip(row, 2 * n, bound)
                f.apply(row, 2 * n)
                if linearBeforeReset {
                    for k in 0..<n {
                        let q = row[2 * n + k] + (p.recurrentCandidateBias[direction * n + k])
                        if tracing { candidate[b * n + k] = q }
                        row[2 * n + k] = x[2 * n + k] + bias[2 * n + k] + row[n + k] * q
                    }
                }
            }
            if !linearBeforeReset {
                // (r ⊙ h)·R_hᵀ: the reset state, written over r's slot's neighbour.
                var reset = [Float](repeating: 0, count: d.batch * n)
                for b in 0..<d.batch {
                    for k in 0..<n { reset[b * n + k] = gp[b * width + n + k] * hp[b * n + k] }
                }
                reset.withUnsafeBufferPointer { rp in
                    recurrentProduct(p, direction: direction, state: rp.baseAddress!, stateStride: n, k: n, firstRow: 2 * n, width: n,
                                     into: gp.baseAddress! + 2 * n, outStride: width)
                }
                for b in 0..<d.batch {
                    guard let t = p.timestep(s, direction, b) else { continue }
                    let x = xp.baseAddress! + p.row(t, b) * projectionWidth + direction * width
                    for k in 0..<n { gp[b * width + 2 * n + k] += x[2 * n + k] + bias[2 * n + k] }
                }
            }
            for b in 0..<d.batch {
                guard let t = p.timestep(s, direction, b) else { continue }
                let row = gp.baseAddress! + b * width
                let candidateRow = row + 2 * n
                if tracing { for k in 0..<n { traceRows[b * width + 2 * n + k] = candidateRow[k] } }
                clip(candidateRow, n, bound)
                g.apply(candidateRow, n)
                let hRow = hp.baseAddress! + b * n
                for k in 0..<n { hRow[k] = (1 - row[k]) * candidateRow[k] + row[k] * hRow[k] }
                let yRow = p.yOffset(t, direction, b)
                for k in 0..<n { yp[yRow + k] = hRow[k] }
            }
        }}}}
        if tracing {
            trace.preactivations += traceRows
            trace.hidden += h
            trace.recurrentCandidate += candidate
        }
    }

    private static func gruBackward(
        _ p: Problem, direction: Int, trace: Trace, dY: [Float]?, dH: [Float]?,
        dProjection: inout [Float], dInitialH: inout [Float]
    ) {
        let d = p.d, n = d.hidden, width = d.gateWidth, batchState = d.batch * n
        let (f, g) = (p.attributes.activations[direction][0], p.attributes.activations[direction][1])
        let linearBeforeReset = p.linearBeforeReset
        var dh = p.initialState(dH, direction: direction)
        var dGates = [Float](repeating: 0, count: d.batch * width)
        var dhRecurrent = [Float](repeating: 0, count: batchState)
        var dReset = [Float](repeating: 0, count: batchState)
        var dhDirect = [Float](repeating: 0, count: batchState)
        let projectionWidth = d.directions * width
        func derivative(_ fn: RecurrentActivation, _ z: Float) -> Float { p.clippedDerivative(fn, z) }
        func activated(_ fn: RecurrentActivation, _ z: Float) -> Float { p.clippedValue(fn, z) }
        for s in stride(from: d.sequence - 1, through: 0, by: -1) {
            // Candidate gradient first: without linear_before_reset, r's gradient needs R_h's product.
            for b in 0..<d.batch {
                let da = b * width
                guard p.backwardStep(s, direction: direction, batch: b, dY: dY, dh: &dh, dGates: &dGates) != nil else { continue }
                let pre = (s * d.batch + b) * width
                let hPrev = s * batchState + b * n
                for k in 0..<n {
                    let z = activated(f, trace.preactivations[pre + k])
                    let zh = trace.preactivations[pre + 2 * n + k]
                    let candidate = activated(g, zh)
                    let dhk = dh[b * n + k]
                    dGates[da + k] = dhk * (trace.hidden[hPrev + k] - candidate) * derivative(f, trace.preactivations[pre + k])
                    dGates[da + 2 * n + k] = dhk * (1 - z) * derivative(g, zh)
                    dhDirect[b * n + k] = dhk * z
                }
            }
            if !linearBeforeReset {
                // d(r ⊙ h) = dz_h · R_h
                dGates.withUnsafeBufferPointer { gp in
                    dReset.withUnsafeMutableBufferPointer { rp in
                        recurrentProduct(p, direction: direction, state: gp.baseAddress! + 2 * n, stateStride: width, k: n, firstRow: 2 * n, width: n,
                                         into: rp.baseAddress!, outStride: n, transpose: false)
                    }
                }
            }
            for b in 0..<d.batch {
                guard let t = p.timestep(s, direction, b) else { continue }
                let da = b * width, pre = (s * d.batch + b) * width, hPrev = s * batchState + b * n
                let xRow = p.row(t, b) * projectionWidth + direction * width
                for k in 0..<n {
                    let zr = trace.preactivations[pre + n + k]
                    let r = activated(f, zr)
                    let dCandidate = dGates[da + 2 * n + k]
                    dProjection[xRow + k] = dGates[da + k]
                    dProjection[xRow + 2 * n + k] = dCandidate
                    if linearBeforeReset {
                        let q = trace.recurrentCandidate[(s * d.batch + b) * n + k]
                        dGates[da + n + k] = dCandidate * q * derivative(f, zr)
                        dGates[da + 2 * n + k] = dCandidate * r  // now the gradient of R_h·h
                    } else {
                        let du = dReset[b * n + k]
                        dGates[da + n + k] = du * trace.hidden[hPrev + k] * derivative(f, zr)
                        dhDirect[b * n + k] += du * r
                    }
                    dProjection[xRow + n + k] = dGates[da + n + k]
                }
            }
            dGates.withUnsafeBufferPointer { gp in
                dhRecurrent.withUnsafeMutableBufferPointer { hp in
                    recurrentProduct(p, direction: direction, state: gp.baseAddress!, stateStride: width, k: linearBeforeReset ? width : 2 * n,
                                     firstRow: 0, width: n, into: hp.baseAddress!, outStride: n, transpose: false)
                }
            }
            for b in 0..<d.batch where p.timestep(s, direction, b) != nil {
                for k in 0..<n { dh[b * n + k] = dhRecurrent[b * n + k] + dhDirect[b * n + k] }
            }
        }
        scatterState(p, dh, direction: direction, into: &dInitialH)
    }

    private static func scatterState(_ p: Problem, _ state: [Float], direction: Int, into out: inout [Float]) {
        for b in 0..<p.d.batch {
            let to = p.stateOffset(direction, b)
            for k in 0..<p.d.hidden { out[to + k] = state[b * p.d.hidden + k] }
        }
    }

    /// Gradients of X, initial_h and (LSTM) initial_c from those of Y, Y_h, Y_c.
    static func backward(
        _ a: RecurrentAttributes, io: borrowing KernelIO, outputGradients: [Tensor<Float>?], context: ExecutionContext, node: Node
    ) throws -> (x: Tensor<Float>, initialH: Tensor<Float>, initialC: Tensor<Float>) {
        let p = try Problem(a, io: io, node: node)
        let d = p.d
        let (_, traces) = run(p, tracing: true, context: context)
        func gradient(_ index: Int) -> [Float]? { index < outputGradients.count ? outputGradients[index]?.scalars : nil }
        let rows = d.sequence * d.batch, projectionWidth = d.directions * d.gateWidth
        var dProjection = [Float](repeating: 0, count: rows * projectionWidth)
        let stateCount = d.directions * d.batch * d.hidden
        var dInitialH = [Float](repeating: 0, count: stateCount), dInitialC = dInitialH
        for direction in 0..<d.directions {
            if a.gates == 4 {
                lstmBackward(p, direction: direction, trace: traces[direction], dY: gradient(0), dH: gradient(1), dC: gradient(2),
                             dProjection: &dProjection, dInitialH: &dInitialH, dInitialC: &dInitialC)
            } else {
                gruBackward(p, direction: direction, trace: traces[direction], dY: gradient(0), dH: gradient(1),
                            dProjection: &dProjection, dInitialH: &dInitialH)
            }
        }
        var dx = [Float](repeating: 0, count: rows * d.input)
        dProjection.withUnsafeBufferPointer { gp in
        p.w.withUnsafeBufferPointer { wp in
        dx.withUnsafeMutableBufferPointer { xp in
            BLAS.sgemm(transA: false, transB: false, m: rows, n: d.input, k: projectionWidth,
                       a: gp.baseAddress!, lda: projectionWidth, b: wp.baseAddress!, ldb: d.input, c: xp.baseAddress!, ldc: d.input)
        }}}
        let stateShape = a.batchFirst ? [d.batch, d.directions, d.hidden] : [d.directions, d.batch, d.hidden]
        return (Tensor(shape: try io.float(0).shape, scalars: dx), Tensor(shape: stateShape, scalars: dInitialH), Tensor(shape: stateShape, scalars: dInitialC))
    }
}
