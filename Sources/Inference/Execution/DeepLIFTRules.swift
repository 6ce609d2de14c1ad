import Foundation

/// How DeepLIFT (Shrikumar, Greenside & Kundaje 2017) passes back through one node, with the
/// semantics of tangermeme 1.6's `deep_lift_shap` and captum's `DeepLift`: reverse mode in which
/// each nonlinear op's local gradient is replaced by a multiplier measured between the example
/// and its reference, so that Σ multipliers ⊙ (x − x₀) = f(x) − f(x₀) (summation-to-delta).
enum DeepLIFTRule: Equatable {
    /// Linear in its sequence-dependent inputs: the gradient is the multiplier.
    case linear
    /// Elementwise in its one sequence-dependent input (every activation, Clip, Pow by a
    /// constant, Max with a constant…): the rescale rule Δy/Δx, or the gradient where
    /// |Δx| < 1e-6. No op gets the reveal-cancel rule (tangermeme and captum use rescale only).
    case rescale(input: Int)
    /// MaxPool, GlobalMaxPool, ReduceMax (ReduceMin with `minimum`): each output's change split
    /// at max(y, y₀) and routed to the winners of both passes, divided by the input's change
    /// (tangermeme's `_maxpool`).
    case routing(minimum: Bool)
    /// Softmax: tangermeme's decomposition into exp, sum, reciprocal and product, each exact.
    case softmax
    /// LayerNormalization with constant scale and bias: tangermeme's `_layernorm`, the
    /// statistics' multipliers averaged over example and reference, exact.
    case layerNormalization
    /// A product of two sequence-dependent operands (Mul, MatMul, Gemm, Einsum: attention's
    /// QKᵀ and AV): the gradient at the midpoint (x + x₀)/2, exact for bilinear maps
    /// (tangermeme's `_bilinear`).
    case midpoint
    /// No rule: passed back as linear (the gradient at the example), as tangermeme and captum
    /// do; where the op is nonlinear between example and reference, additivity breaks.
    case none(reason: String)
}

extension Op {
    /// The rule for this node, given which inputs are float values computed from the sequence
    /// (`dependent`), which are computed from it at all (`derived`: also integer masks and
    /// indices), and the planned shapes.
    func deepLIFTRule(dependent: [Bool], derived: [Bool], inputShapes: [[Int]?], outputShape: [Int]?) -> DeepLIFTRule {
        if let index = derived.indices.first(where: { derived[$0] && !dependent[$0] }) {
            return .none(reason: "its input \(index + 1) is an integer tensor computed from the sequence (a hidden step function)")
        }
        let count = dependent.filter { $0 }.count
        let only = dependent.firstIndex(of: true) ?? 0
        func elementwise() -> DeepLIFTRule {
            guard count == 1 else { return .none(reason: "it combines \(count) sequence-dependent inputs nonlinearly") }
            guard inputShapes[only] == outputShape else { return .none(reason: "it broadcasts its sequence-dependent input") }
            return .rescale(input: only)
        }
        switch self {
        case .unary(.neg): return .linear
        case .unary, .clip: return .rescale(input: 0)
        case .binary(.add), .binary(.sub): return .linear
        case .binary(.mul), .gemm, .matMul: return count > 1 ? .midpoint : .linear
        case .binary(.div): return dependent.count > 1 && dependent[1] ? elementwise() : .linear
        case .binary(.pow), .binary(.mod), .binary(.fmod), .binary(.prelu): return elementwise()
        case .einsum: return count > 2 ? .none(reason: "a product of \(count) sequence-dependent operands") : (count == 2 ? .midpoint : .linear)
        case .variadic(.sum), .variadic(.mean): return .linear
        case .variadic(.max), .variadic(.min): return elementwise()
        case .softmax(let axis, _):
            let rank = inputShapes.first??.count ?? 0
            return (axis < 0 ? axis + rank : axis) == 0 ? .none(reason: "it normalises over the batch axis") : .softmax
        case .logSoftmax: return .none(reason: "LogSoftmax has no DeepLIFT rule (tangermeme has none either)")
        case .maxPool, .globalMaxPool, .reduce(.max, _, _): return .routing(minimum: false)
        case .reduce(.min, _, _): return .routing(minimum: true)
        case .reduce(.logSumExp, _, _), .reduce(.l2, _, _): return .none(reason: "this reduction has no DeepLIFT rule")
        case .layerNormalization: return count == 1 && dependent[0] ? .layerNormalization : .none(reason: "its scale or bias depends on the sequence")
        case .groupNormalization: return .none(reason: "group normalisation has no DeepLIFT rule in seqlens")
        case .recurrent: return .none(reason: "recurrent layers have no DeepLIFT rule")
        case .reduce(.sum, _, _), .reduce(.mean, _, _), .conv, .convTranspose, .batchNormalization, .averagePool,
             .globalAveragePool, .flatten, .reshape, .transpose, .squeeze, .unsqueeze, .concat, .split, .slice,
             .gather, .gatherND, .gatherElements, .scatterND, .expand, .identity, .pad, .cast, .select, .cumSum,
             .tile, .trilu, .resize, .shape, .constantOfShape, .compare, .test, .range, .argMax:
            return .linear
        }
    }
}

extension Op {
    /// Ops whose constant inputs only size the output (their gradient reads just shapes).
    var readsOnlyShapeFromConstants: Bool {
        switch self {
        case .reshape, .expand, .constantOfShape: true
        default: false
        }
    }
}

/// A node DeepLIFT passed back through as if linear although it has no rule.
public struct NodeWithoutDeepLIFTRule: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var opType: String
    public var reason: String
    public var description: String { "'\(name)' (\(opType): \(reason))" }

    package init(name: String, opType: String, reason: String) {
        self.name = name
        self.opType = opType
        self.reason = reason
    }
}

/// One DeepLIFT pass over pairs (example i, reference i).
public struct DeepLIFTPass: Sendable {
    /// Σ seed ⊙ target of each pair's example, and of its reference (with the example's seed):
    /// their difference is what the pair's contributions add up to.
    public var exampleTargets: [Float]
    public var referenceTargets: [Float]
    /// The multipliers m of each pair (one half of the input's shape): contributions are
    /// m ⊙ (x − x₀).
    public var multipliers: Tensor<Float>
    /// Nodes on the path from the input to the target that had no rule.
    public var nodesWithoutRule: [NodeWithoutDeepLIFTRule]
}

extension ExecutionPlan {
    /// DeepLIFT multipliers of Σ seed ⊙ value(`of`) with respect to `respectTo`. The plan's
    /// batch holds the examples followed by their references (row i pairs with row P + i);
    /// both go through one forward pass, and the reverse pass runs over the examples' half
    /// only, with every nonlinear op's local gradient replaced by its rule's multiplier.
    /// Every sequence-dependent value must keep the batch axis first.
    public func deepLIFT(
        of name: String, seed: (Tensor<Float>) throws -> Tensor<Float>, inputs: [String: Tensor<Float>], respectTo inputName: String, threads: Int = 1
    ) throws -> DeepLIFTPass {
        guard let target = slotOf[name], let source = inputSlots[inputName] else {
            throw InferenceError("no value named '\(name)' or input named '\(inputName)' in the graph")
        }
        let rows = inputShapes[inputName]?.first ?? 0
        guard rows > 0, rows % 2 == 0 else {
            throw InferenceError("DeepLIFT needs examples and their references stacked along the batch axis (an even batch), not \(rows) rows")
        }
        let pairs = rows / 2
        let (slots, lastStep) = try forwardKeepingValues(inputs, threads: threads, stopAt: target)
        let context = ExecutionContext(threads: threads, buffers: buffers)
        let ran = lastStep >= 0 ? Array(steps[...lastStep]) : []
        // `dependent`: float values computed from the input (they carry multipliers);
        // `derived`: any value computed from it, integer masks and indices included.
        var dependent = Array(repeating: false, count: slots.count), derived = dependent
        dependent[source] = true
        derived[source] = true
        for step in ran {
            let floats = step.inputSlots.contains { $0.map { dependent[$0] } ?? false }
            let any = step.inputSlots.contains { $0.map { derived[$0] } ?? false }
            for case let slot? in step.outputSlots where any {
                derived[slot] = true
                if floats, case .float? = slots[slot] { dependent[slot] = true }
            }
        }
        guard case .float(let value)? = slots[target], dependent[target] else {
            throw InferenceError("'\(name)' is not a float value computed from the input")
        }
        let layout = try batchAxes()
        let axes = layout.axes
        // The example's and the reference's half of a value computed from the input, split on
        // its batch axis (recurrent layers move it; a merged axis keeps the batch outermost).
        func halves(_ value: Value?, slot: Int?, node: Node) throws -> (Value?, Value?) {
            guard let slot, let value else { return (value, value) }
            // Every value with a batch axis is split, control tracks and batch-sized fills too.
            guard let axis = axes[slot] else {
                guard derived[slot] else { return (value, value) }
                throw InferenceError("node '\(node.name)' (\(node.opType)) mixes the batch axis into its output (shape \(value.shape)); DeepLIFT needs each example and its reference kept apart")
            }
            let size = value.shape[axis]
            switch value {
            case .float(let t): return (.float(t.slice(axis: axis, 0, size / 2)), .float(t.slice(axis: axis, size / 2, size)))
            case .int(let t): return (.int(t.slice(axis: axis, 0, size / 2)), .int(t.slice(axis: axis, size / 2, size)))
            }
        }
        let fullSeed = try seed(value)
        guard axes[target] == 0 else {
            throw InferenceError("'\(name)' does not keep the batch axis first (shape \(value.shape))")
        }
        guard fullSeed.shape == value.shape else {
            throw InferenceError("gradient seed has shape \(fullSeed.shape) but '\(name)' has \(value.shape)")
        }
        let rowSize = value.count / rows
        var exampleTargets = [Float](repeating: 0, count: pairs), referenceTargets = exampleTargets
        for pair in 0..<pairs {
            for k in 0..<rowSize {
                let weight = fullSeed.scalars[pair * rowSize + k]
                exampleTargets[pair] += weight * value.scalars[pair * rowSize + k]
                referenceTargets[pair] += weight * value.scalars[(pairs + pair) * rowSize + k]
            }
        }
        var gradients: [Int: Tensor<Float>] = [target: fullSeed.slice(axis: 0, 0, pairs)]
        var nodesWithoutRule: [NodeWithoutDeepLIFTRule] = []
        for step in ran.reversed() {
            let node = step.node
            let outputGradients = step.outputSlots.map { $0.flatMap { gradients[$0] } }
            let wanted = step.inputSlots.map { $0.map { dependent[$0] } ?? false }
            guard let dy = outputGradients.first(where: { $0 != nil }) ?? nil, wanted.contains(true) else { continue }
            if let index = wanted.indices.first(where: { wanted[$0] && !node.op.isDifferentiable(input: $0) }) {
                throw InferenceError("node '\(node.name)' (\(node.opType)): its input \(index + 1) depends on the sequence, and seqlens has no gradient for that input; DeepLIFT cannot run on this model")
            }
            // Halving the batch leaves such a constant pointing into the whole batch; only
            // shape arguments (Reshape, Expand) may change with it.
            if let slot = step.inputSlots.first(where: { $0.map(layout.sizedByBatch.contains) ?? false }) ?? nil, !node.op.readsOnlyShapeFromConstants {
                let index = step.inputSlots.firstIndex(of: slot).map { $0 + 1 } ?? 0
                throw InferenceError("node '\(node.name)' (\(node.opType)): its input \(index) is computed from the batch size (it indexes or bounds the batch axis); DeepLIFT pairs examples with references along that axis and cannot split it here")
            }
            let inputs = try zip(step.inputSlots, step.inputSlots.map { $0.flatMap { slots[$0] } }).map { try halves($1, slot: $0, node: node) }
            let outputs = try zip(step.outputSlots, step.outputSlots.map { $0.flatMap { slots[$0] } }).map { try halves($1, slot: $0, node: node) }
            let (x, x0) = (inputs.map(\.0), inputs.map(\.1))
            let (y, y0) = (outputs.map(\.0), outputs.map(\.1))
            func backward(_ arguments: [Value?], _ results: [Value?], _ seeds: [Tensor<Float>?]) throws -> [Tensor<Float>?] {
                try node.op.backward(arguments, outputs: results, outputGradients: seeds, wanted: wanted, node: node, context: context)
            }
            let rule = node.op.deepLIFTRule(
                dependent: wanted, derived: step.inputSlots.map { $0.map { derived[$0] } ?? false },
                inputShapes: step.inputSlots.map { $0.map { slotShapes[$0] } }, outputShape: (step.outputSlots.first ?? nil).map { slotShapes[$0] })
            var inputGradients: [Tensor<Float>?]
            switch rule {
            case .linear:
                inputGradients = try backward(x, y, outputGradients)
            case .none(let reason):
                nodesWithoutRule.append(NodeWithoutDeepLIFTRule(name: node.name, opType: node.opType, reason: reason))
                inputGradients = try backward(x, y, outputGradients)
            case .midpoint:
                let middle = zip(zip(x, x0), wanted).map { pair, wanted -> Value? in
                    guard wanted, case .float(let a)? = pair.0, case .float(let b)? = pair.1 else { return pair.0 }
                    return .float(DeepLIFTMultipliers.midpoint(a, b))
                }
                inputGradients = try backward(middle, y, outputGradients)
            case .rescale(let index):
                inputGradients = try backward(x, y, outputGradients)
                if let tangent = inputGradients[index] {
                    inputGradients[index] = try DeepLIFTMultipliers.rescale(
                        dy, x: x[index]?.floatTensor(), x0: x0[index]?.floatTensor(), y: y[0]?.floatTensor(), y0: y0[0]?.floatTensor(), tangent: tangent)
                }
            case .routing(let minimum):
                guard let a = try y[0]?.floatTensor(), let b = try y0[0]?.floatTensor(), let input = try x[0]?.floatTensor(), let reference = try x0[0]?.floatTensor() else {
                    throw InferenceError("internal: node '\(node.name)' lost its forward values")
                }
                let (toExample, toReference) = DeepLIFTMultipliers.splitChange(dy, y: a, y0: b, minimum: minimum)
                let rest = Array(outputGradients.dropFirst()).map { _ in Tensor<Float>?.none }
                inputGradients = try backward(x, y, outputGradients)
                if let tangent = inputGradients[0],
                   let routedExample = try backward(x, y, [toExample] + rest)[0],
                   let routedReference = try backward(x0, y0, [toReference] + rest)[0] {
                    inputGradients[0] = DeepLIFTMultipliers.routed(routedExample.adding(routedReference), x: input, x0: reference, tangent: tangent)
                }
            case .layerNormalization:
                guard case .layerNormalization(let axis, let epsilon) = node.op, let input = try x[0]?.floatTensor(), let reference = try x0[0]?.floatTensor(),
                      let scale = try x[1]?.floatTensor() else {
                    throw InferenceError("internal: node '\(node.name)' lost its forward values")
                }
                inputGradients = Array(repeating: nil, count: x.count)
                inputGradients[0] = DeepLIFTMultipliers.layerNormalization(dy, x: input, x0: reference, scale: scale, axis: axis, epsilon: epsilon)
            case .softmax:
                guard case .softmax(let axis, let coercedTo2D) = node.op, let input = try x[0]?.floatTensor(), let reference = try x0[0]?.floatTensor() else {
                    throw InferenceError("internal: node '\(node.name)' lost its forward values")
                }
                inputGradients = Array(repeating: nil, count: x.count)
                inputGradients[0] = DeepLIFTMultipliers.softmax(dy, x: input, x0: reference, axis: axis, coercedTo2D: coercedTo2D)
            }
            for (slot, gradient) in zip(step.inputSlots, inputGradients) {
                guard let slot, let gradient, dependent[slot] else { continue }
                gradients[slot] = gradients[slot].map { $0.adding(gradient) } ?? gradient
            }
            for slot in step.outputSlots.compactMap({ $0 }) where slot != target { gradients[slot] = nil }
        }
        let inputShape = [pairs] + slotShapes[source].dropFirst()
        return DeepLIFTPass(exampleTargets: exampleTargets, referenceTargets: referenceTargets,
                            multipliers: gradients[source] ?? Tensor(shape: inputShape, repeating: 0), nodesWithoutRule: nodesWithoutRule.reversed())
    }
}

extension ExecutionPlan {
    /// Every value's batch axis: the one axis whose size changes when the plan is made for
    /// another batch (nil where none or several do); and the constants that change with the
    /// batch (indices or bounds computed from its size). Planned once per plan.
    func batchAxes() throws -> BatchLayout {
        try batchAxesCache.value {
            let rows = floatInputShapes.first?.value.first ?? 1
            let other = try replanned(batch: rows + 2)
            let axes: [Int?] = zip(slotShapes, other.slotShapes).map { mine, theirs in
                guard mine.count == theirs.count else { return nil }
                let changed = mine.indices.filter { mine[$0] != theirs[$0] }
                return changed.count == 1 ? changed[0] : nil
            }
            // A fill (zeros of the batch's size) splits like any batched value; other constants
            // that change with the batch hold indices or bounds.
            func changes<T: Equatable>(_ a: Tensor<T>, _ b: Tensor<T>) -> Bool {
                guard a.shape != b.shape || a.scalars != b.scalars else { return false }
                let fill = a.scalars.first
                return !(a.scalars.allSatisfy { $0 == fill } && b.scalars.allSatisfy { $0 == fill })
            }
            let sized = Set(constants.indices.filter { slot in
                switch (constants[slot], other.constants[slot]) {
                case (.float(let a)?, .float(let b)?): return changes(a, b)
                case (.int(let a)?, .int(let b)?): return changes(a, b)
                default: return false
                }
            })
            return BatchLayout(axes: axes, sizedByBatch: sized)
        }
    }
}

struct BatchLayout: Sendable {
    var axes: [Int?]
    /// Constant slots computed from the batch size.
    var sizedByBatch: Set<Int>
}

/// A value computed once and kept across copies of a plan.
final class PlanCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?

    func value(_ compute: () throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let stored { return stored }
        let computed = try compute()
        stored = computed
        return computed
    }

    /// The value if it has been computed.
    var cached: Value? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// The multipliers of the nonlinear rules, on the example's and the reference's halves.
enum DeepLIFTMultipliers {
    /// Below this change of an op's input, the rules use the gradient (tangermeme's threshold).
    static let threshold: Float = 1e-6

    static func midpoint(_ a: Tensor<Float>, _ b: Tensor<Float>) -> Tensor<Float> {
        Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars).map { 0.5 * ($0 + $1) })
    }

    /// dy · Δy/Δx, or the gradient (`tangent`, already times dy) where |Δx| is below the threshold.
    static func rescale(_ dy: Tensor<Float>, x: Tensor<Float>?, x0: Tensor<Float>?, y: Tensor<Float>?, y0: Tensor<Float>?, tangent: Tensor<Float>) throws -> Tensor<Float> {
        guard let x, let x0, let y, let y0, x.shape == y.shape else { throw InferenceError("internal: the rescale rule needs an elementwise op's values") }
        var result = tangent
        result.scalars.withUnsafeMutableBufferPointer { out in
        dy.scalars.withUnsafeBufferPointer { g in
        x.scalars.withUnsafeBufferPointer { a in
        x0.scalars.withUnsafeBufferPointer { a0 in
        y.scalars.withUnsafeBufferPointer { b in
        y0.scalars.withUnsafeBufferPointer { b0 in
            for i in out.indices {
                let change = a[i] - a0[i]
                if abs(change) >= threshold { out[i] = g[i] * (b[i] - b0[i]) / change }
            }
        }}}}}}
        return result
    }

    /// An output's change split at the larger (or, for a minimum, smaller) of y and y₀: the part
    /// routed to the example's winner and the part routed to the reference's, times dy.
    static func splitChange(_ dy: Tensor<Float>, y: Tensor<Float>, y0: Tensor<Float>, minimum: Bool) -> (Tensor<Float>, Tensor<Float>) {
        var toExample = dy, toReference = dy
        toExample.scalars.withUnsafeMutableBufferPointer { example in
        toReference.scalars.withUnsafeMutableBufferPointer { reference in
        y.scalars.withUnsafeBufferPointer { b in
        y0.scalars.withUnsafeBufferPointer { b0 in
            for i in example.indices {
                let split = minimum ? min(b[i], b0[i]) : max(b[i], b0[i])
                example[i] *= split - b0[i]
                reference[i] *= b[i] - split
            }
        }}}}
        return (toExample, toReference)
    }

    /// The routed change divided by the input's change; the gradient where the input is unchanged.
    static func routed(_ change: Tensor<Float>, x: Tensor<Float>, x0: Tensor<Float>, tangent: Tensor<Float>) -> Tensor<Float> {
        var result = tangent
        result.scalars.withUnsafeMutableBufferPointer { out in
        change.scalars.withUnsafeBufferPointer { routed in
        x.scalars.withUnsafeBufferPointer { a in
        x0.scalars.withUnsafeBufferPointer { a0 in
            for i in out.indices {
                let delta = a[i] - a0[i]
                if delta != 0 { out[i] = routed[i] / delta }
            }
        }}}}
        return result
    }

    /// tangermeme's LayerNorm rule over the axes from `axis` on (D values per group): with
    /// a = x − mean, v = (var + ε)^−½ and g̃ = dy·γ,
    /// dx_j = (v + v₀)/2 · (g̃_j − mean g̃) − v²v₀²/(v + v₀) · (a_j + a₀_j)/(2D) · Σᵢ g̃ᵢ(aᵢ + a₀ᵢ).
    static func layerNormalization(_ dy: Tensor<Float>, x: Tensor<Float>, x0: Tensor<Float>, scale: Tensor<Float>, axis: Int, epsilon: Float) -> Tensor<Float> {
        let first = axis < 0 ? axis + x.rank : axis
        let d = x.shape[first...].reduce(1, *), groups = d == 0 ? 0 : x.count / d
        var dx = [Float](repeating: 0, count: x.count)
        var sums = [Float](repeating: 0, count: d), g = sums
        for group in 0..<groups {
            let base = group * d
            func centred(_ t: Tensor<Float>) -> (values: [Float], v: Float) {
                var mean = 0.0
                for i in 0..<d { mean += Double(t.scalars[base + i]) }
                mean /= Double(d)
                var variance = 0.0
                let values = (0..<d).map { Float(Double(t.scalars[base + $0]) - mean) }
                for value in values { variance += Double(value * value) }
                return (values, Float(1 / (variance / Double(d) + Double(epsilon)).squareRoot()))
            }
            let (a, v) = centred(x), (a0, v0) = centred(x0)
            var meanG: Float = 0, dot: Float = 0
            for i in 0..<d {
                g[i] = dy.scalars[base + i] * scale.scalars[i % scale.count]
                sums[i] = a[i] + a0[i]
                meanG += g[i]
                dot += g[i] * sums[i]
            }
            meanG /= Float(d)
            let average = (v + v0) / 2, ratio = -(v * v) * (v0 * v0) / (v + v0)
            for j in 0..<d { dx[base + j] = average * (g[j] - meanG) + ratio * sums[j] / Float(2 * d) * dot }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }

    /// tangermeme's softmax rule: with a = exp(x − c), s = Σa, v = 1/s, y = a·v,
    /// dx_j = dy_j · Δy_j/Δlog y_j + (Δa_j/Δx_j) · Σᵢ dy_i · (Δy_i/Δlog y_i)(Δlog v/Δv)(−v·v₀).
    static func softmax(_ dy: Tensor<Float>, x: Tensor<Float>, x0: Tensor<Float>, axis: Int, coercedTo2D: Bool) -> Tensor<Float> {
        let a = axis < 0 ? axis + x.rank : axis
        let outer = x.shape[..<a].reduce(1, *)
        let length = coercedTo2D ? x.shape[a...].reduce(1, *) : x.shape[a]
        let inner = coercedTo2D ? 1 : x.shape[(a + 1)...].reduce(1, *)
        var dx = [Float](repeating: 0, count: x.count)
        var e = [Float](repeating: 0, count: length), e0 = e, ratio = e, secant = e
        for o in 0..<outer {
            for lane in 0..<inner {
                let base = o * length * inner + lane
                func at(_ j: Int) -> Int { base + j * inner }
                var c = -Float.infinity
                for j in 0..<length { c = max(c, x.scalars[at(j)], x0.scalars[at(j)]) }
                var s: Float = 0, s0: Float = 0
                for j in 0..<length {
                    e[j] = exp(x.scalars[at(j)] - c)
                    e0[j] = exp(x0.scalars[at(j)] - c)
                    s += e[j]
                    s0 += e0[j]
                }
                let v = 1 / max(s, .leastNormalMagnitude), v0 = 1 / max(s0, .leastNormalMagnitude)
                let changeV = v - v0, changeLogV = log(v) - log(v0)
                let logVOverV = abs(changeV) > threshold ? changeLogV / changeV : 1 / v0
                var sum: Float = 0
                for j in 0..<length {
                    let changeX = x.scalars[at(j)] - x0.scalars[at(j)]
                    secant[j] = abs(changeX) > threshold ? (e[j] - e0[j]) / changeX : e0[j]
                    let (p, p0) = (e[j] * v, e0[j] * v0)
                    let changeLogP = changeX + changeLogV
                    ratio[j] = abs(changeLogP) > threshold ? (p - p0) / changeLogP : p0
                    sum += dy.scalars[at(j)] * ratio[j] * logVOverV * (-v * v0)
                }
                for j in 0..<length { dx[at(j)] = dy.scalars[at(j)] * ratio[j] + secant[j] * sum }
            }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }
}
