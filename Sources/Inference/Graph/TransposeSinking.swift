/// Transpose sinking, a `GraphRewrites` pass: moves each Transpose towards the outputs through
/// the ops that commute with it, merging it into the next Transpose, cancelling it against its
/// inverse, or turning a Transpose that only moves unit axes into an Unsqueeze. Exporters write
/// transposes around every layer whose layout differs between frameworks (tf2onnx wraps each
/// Keras convolution in channels-last ↔ channels-first pairs); onnxruntime's transpose
/// optimiser removes them, so seqlens must too to keep up.
///
/// Each Transpose is tried in turn: it is pushed as far as it goes, each op it passes through
/// rewritten to read the untransposed value (its axes, constants and index lists remapped) and
/// followed by the transpose of its result. The attempt is kept only when the graph ends up with
/// fewer Transpose nodes, so a transpose never multiplies (pushing one into a node with several
/// inputs must remove more than it adds). The values the rewritten nodes compute under their old
/// names keep their numbers: the moved transpose produces them.
enum TransposeSinking {
    static func apply(to graph: Graph) -> Graph {
        var state = SinkingState(graph)
        state.removeDeadNodes()
        var improved = true
        while improved {
            improved = false
            for id in state.orderedIDs() {
                guard let node = state.nodes[id], case .transpose = node.op else { continue }
                var trial = state
                trial.sink(from: id)
                trial.removeDeadNodes()
                if trial.transposeCount < state.transposeCount {
                    state = trial
                    improved = true
                }
            }
        }
        return state.graph(from: graph)
    }

    /// `perm` restricted to the axes that stay after `removed` (axes of the transposed value)
    /// go, renumbered: the transpose that follows a Squeeze or a Reduce without kept dims.
    static func permutation(_ perm: [Int], removing removed: Set<Int>) -> [Int] {
        let keptSources = perm.indices.filter { !removed.contains($0) }.map { perm[$0] }
        let order = keptSources.sorted()
        return keptSources.map { order.firstIndex(of: $0)! }
    }

    static func isIdentity(_ perm: [Int]) -> Bool {
        perm.enumerated().allSatisfy { $0.offset == $0.element }
    }
}

/// The graph being rewritten: nodes by id, in an order that stays topological as nodes are
/// replaced and inserted, with producers and consumers kept up to date.
struct SinkingState {
    /// Position of a node: its original index, then the order it was inserted behind that node.
    struct Key: Comparable {
        var base: Int
        var sequence: Int
        static func < (a: Key, b: Key) -> Bool { (a.base, a.sequence) < (b.base, b.sequence) }
    }

    var nodes: [Int: Node] = [:]
    var keys: [Int: Key] = [:]
    var producer: [String: Int] = [:]
    var consumers: [String: Set<Int>] = [:]
    var initializers: [String: Value]
    let graphOutputs: Set<String>
    var nextID = 0
    var nextSequence = 1
    var transposeCount = 0

    init(_ graph: Graph) {
        initializers = graph.initializers
        graphOutputs = Set(graph.outputs.map(\.name))
        for (index, node) in graph.nodes.enumerated() { add(node, at: Key(base: index, sequence: 0)) }
    }

    func orderedIDs() -> [Int] {
        keys.sorted { $0.value < $1.value }.map(\.key)
    }

    func graph(from original: Graph) -> Graph {
        var graph = original
        graph.nodes = orderedIDs().map { nodes[$0]! }
        // Constants the rewrite replaced go; unused ones the model itself carries stay.
        let usedBefore = Set(original.nodes.flatMap(\.inputs))
        let used = Set(graph.nodes.flatMap(\.inputs) + original.inputs.map(\.name) + original.outputs.map(\.name))
        graph.initializers = initializers.filter { used.contains($0.key) || (original.initializers[$0.key] != nil && !usedBefore.contains($0.key)) }
        return graph
    }

    // MARK: Editing

    @discardableResult
    mutating func add(_ node: Node, at key: Key) -> Int {
        let id = nextID
        nextID += 1
        nodes[id] = node
        keys[id] = key
        for output in node.outputs where !output.isEmpty { producer[output] = id }
        for input in node.inputs where !input.isEmpty { consumers[input, default: []].insert(id) }
        if case .transpose = node.op { transposeCount += 1 }
        return id
    }

    /// Adds `node` right behind `id` (after anything inserted there before).
    @discardableResult
    mutating func add(_ node: Node, behind id: Int) -> Int {
        let key = Key(base: keys[id]!.base, sequence: nextSequence)
        nextSequence += 1
        return add(node, at: key)
    }

    mutating func remove(_ id: Int) {
        guard let node = nodes.removeValue(forKey: id) else { return }
        keys[id] = nil
        for output in node.outputs where producer[output] == id { producer[output] = nil }
        for input in node.inputs where !input.isEmpty { consumers[input]?.remove(id) }
        if case .transpose = node.op { transposeCount -= 1 }
    }

    /// Puts `node` in place of node `id`, at the same position.
    @discardableResult
    mutating func replace(_ id: Int, with node: Node) -> Int {
        let key = keys[id]!
        remove(id)
        return add(node, at: key)
    }

    /// Makes every reader of `old` read `new` instead.
    mutating func redirect(_ old: String, to new: String) {
        for id in consumers[old] ?? [] {
            var node = nodes[id]!
            node.inputs = node.inputs.map { $0 == old ? new : $0 }
            _ = replace(id, with: node)
        }
    }

    func isUnused(_ name: String) -> Bool {
        (consumers[name] ?? []).isEmpty && !graphOutputs.contains(name)
    }

    /// Drops nodes none of whose outputs is read or is a graph output.
    mutating func removeDeadNodes() {
        var pending = Array(nodes.keys)
        while let id = pending.popLast() {
            guard let node = nodes[id], node.outputs.allSatisfy({ $0.isEmpty || isUnused($0) }) else { continue }
            remove(id)
            pending += node.inputs.compactMap { producer[$0] }
        }
    }

    mutating func freshName(_ base: String) -> String {
        var name: String
        repeat {
            name = GraphRewrites.freshName("sunk." + base, index: nextSequence)
            nextSequence += 1
        } while producer[name] != nil || initializers[name] != nil || consumers[name] != nil
        return name
    }

    mutating func constant(_ value: Value, named base: String) -> String {
        let name = freshName(base)
        initializers[name] = value
        return name
    }

    func ints(_ name: String) -> [Int]? {
        guard case .int(let tensor)? = initializers[name] else { return nil }
        return tensor.scalars.map { Int($0) }
    }

    func intsConstant(_ values: [Int]) -> Value {
        .int(Tensor(shape: [values.count], scalars: values.map(Int64.init)))
    }

    /// The permutation of the Transpose that produces `name`, when one does.
    func transposePermutation(of name: String) -> (perm: [Int], source: String)? {
        guard let id = producer[name], let node = nodes[id], case .transpose(let perm?) = node.op else { return nil }
        return (perm, node.inputs[0])
    }
}

// MARK: Sinking

extension SinkingState {
    /// Pushes the Transpose `seed`, and every transpose that pushing it creates, as far down as
    /// each goes.
    mutating func sink(from seed: Int) {
        var work = [seed]
        while let id = work.popLast() {
            guard let node = nodes[id], case .transpose(let perm?) = node.op else { continue }
            if let unsqueeze = unitAxisMove(id) {
                work.append(unsqueeze)
                continue
            }
            let value = node.outputs[0], source = node.inputs[0]
            if TransposeSinking.isIdentity(perm) {
                if graphOutputs.contains(value) {
                    if let producerID = producer[source], consumers[source] == [id], !graphOutputs.contains(source) {
                        // The graph output is what the transpose read: its producer writes it.
                        var renamed = nodes[producerID]!
                        renamed.outputs = renamed.outputs.map { $0 == source ? value : $0 }
                        remove(id)
                        replace(producerID, with: renamed)
                    } else {
                        replace(id, with: Node(name: node.name, opType: "Identity", op: .identity, inputs: [source], outputs: [value]))
                    }
                } else {
                    redirect(value, to: source)
                    remove(id)
                }
                continue
            }
            if graphOutputs.contains(value) { continue }
            for consumer in (consumers[value] ?? []).sorted(by: { keys[$0]! < keys[$1]! }) {
                guard nodes[consumer] != nil else { continue }
                work += push(perm, of: source, named: value, into: consumer)
            }
            if isUnused(value) { remove(id) }
        }
    }

    /// A Transpose of an Unsqueeze that moves only the inserted unit axes is an Unsqueeze with
    /// the axes elsewhere: replaced by one, whose id is returned.
    mutating func unitAxisMove(_ id: Int) -> Int? {
        let node = nodes[id]!
        guard case .transpose(let perm?) = node.op, let producerID = producer[node.inputs[0]],
              let unsqueeze = nodes[producerID], case .unsqueeze = unsqueeze.op, unsqueeze.inputs.count == 2,
              let axes = ints(unsqueeze.inputs[1]) else { return nil }
        let unit = Set(axes.map { $0 < 0 ? $0 + perm.count : $0 })
        let moved = perm.filter { !unit.contains($0) }
        guard moved == moved.sorted() else { return nil }
        let newAxes = perm.indices.filter { unit.contains(perm[$0]) }
        let axesName = constant(intsConstant(newAxes), named: "axes")
        return replace(id, with: Node(name: node.name, opType: "Unsqueeze", op: .unsqueeze, inputs: [unsqueeze.inputs[0], axesName], outputs: node.outputs))
    }

    /// Rewrites `consumer`, which reads `value` = Transpose(`source`, `perm`), to read `source`,
    /// followed by transposes that give its outputs their old numbers. Returns the transposes
    /// added (to push further); none when the consumer does not commute with the transpose.
    mutating func push(_ perm: [Int], of source: String, named value: String, into consumer: Int) -> [Int] {
        guard let node = nodes[consumer] else { return [] }
        if case .shape(let start, let end) = node.op, node.inputs == [value] {
            // Shapes are known while planning: the permuted shape is a Gather the plan folds.
            let dims = ShapeOps.shapeSlice(perm, start: start, end: end)
            let shape = freshName(node.outputs[0])
            let id = replace(consumer, with: Node(name: node.name, opType: "Shape", op: .shape(start: 0, end: nil), inputs: [source], outputs: [shape]))
            add(Node(name: freshName(node.name), opType: "Gather", op: .gather(axis: 0), inputs: [shape, constant(intsConstant(dims), named: "dims")], outputs: node.outputs), behind: id)
            return []
        }
        guard let rewrite = rewrite(node, perm: perm, source: source, value: value) else { return [] }
        var rewritten = node
        rewritten.op = rewrite.op
        if case .gatherND = node.op { rewritten.opType = "Gather" }
        rewritten.inputs = rewrite.inputs
        var transposes: [(perm: [Int], from: String, to: String)] = []
        rewritten.outputs = zip(node.outputs, rewrite.outputPerms).map { output, outputPerm in
            guard !output.isEmpty, !TransposeSinking.isIdentity(outputPerm) else { return output }
            let fresh = freshName(output)
            transposes.append((outputPerm, fresh, output))
            return fresh
        }
        let id = replace(consumer, with: rewritten)
        if case .transpose = rewritten.op { return [id] }
        return transposes.map { transpose in
            add(Node(name: freshName(node.name), opType: "Transpose", op: .transpose(permutation: transpose.perm),
                     inputs: [transpose.from], outputs: [transpose.to]), behind: id)
        }
    }
}

// MARK: The ops a transpose passes through

extension SinkingState {
    /// How `node` reads `source` instead of `value` = Transpose(`source`, `perm`): its new op
    /// and inputs, and the permutation each output then needs. Nil when it cannot.
    mutating func rewrite(_ node: Node, perm: [Int], source: String, value: String) -> (op: Op, inputs: [String], outputPerms: [[Int]])? {
        let rank = perm.count
        let normalize = { (axis: Int) in axis < 0 ? axis + rank : axis }
        /// Every input other than the first must be a constant, the first `value`.
        func onlyData() -> Bool {
            node.inputs.first == value && node.inputs.dropFirst().allSatisfy { $0 != value && ($0.isEmpty || initializers[$0] != nil) }
        }
        var inputs = node.inputs
        if !inputs.isEmpty { inputs[0] = source }
        switch node.op {
        case .unary, .clip, .identity, .cast, .test:
            guard onlyData() else { return nil }
            return (node.op, inputs, [perm])
        case .softmax(let axis, false):
            guard onlyData() else { return nil }
            return (.softmax(axis: perm[normalize(axis)], coercedTo2D: false), inputs, [perm])
        case .logSoftmax(let axis, false):
            guard onlyData() else { return nil }
            return (.logSoftmax(axis: perm[normalize(axis)], coercedTo2D: false), inputs, [perm])
        case .binary, .variadic, .compare:
            guard let operands = untransposed(node.inputs, perm: perm, source: source, value: value) else { return nil }
            return (node.op, operands, [perm])
        case .concat(let axis):
            guard let operands = untransposed(node.inputs, perm: perm, source: source, value: value, sameRank: true) else { return nil }
            return (.concat(axis: perm[normalize(axis)]), operands, [perm])
        case .split(let axis, let outputCount):
            guard onlyData() else { return nil }
            return (.split(axis: perm[normalize(axis)], outputCount: outputCount), inputs, Array(repeating: perm, count: node.outputs.count))
        case .slice:
            guard onlyData(), node.inputs.count >= 3 else { return nil }
            guard let starts = ints(node.inputs[1]) else { return nil }
            let axes = node.inputs.count > 3 && !node.inputs[3].isEmpty ? ints(node.inputs[3]) : Array(starts.indices)
            guard let axes, axes.allSatisfy({ (-rank..<rank).contains($0) }) else { return nil }
            let axesName = constant(intsConstant(axes.map { perm[normalize($0)] }), named: "axes")
            if inputs.count > 3 { inputs[3] = axesName } else { inputs.append(axesName) }
            return (.slice, inputs, [perm])
        case .pad(let mode):
            guard onlyData(), node.inputs.count >= 2, let pads = ints(node.inputs[1]) else { return nil }
            if node.inputs.count > 3 && !node.inputs[3].isEmpty {
                guard let axes = ints(node.inputs[3]), axes.allSatisfy({ (-rank..<rank).contains($0) }) else { return nil }
                inputs[3] = constant(intsConstant(axes.map { perm[normalize($0)] }), named: "axes")
            } else {
                guard pads.count == 2 * rank else { return nil }
                var moved = pads
                for axis in 0..<rank {
                    moved[perm[axis]] = pads[axis]
                    moved[rank + perm[axis]] = pads[rank + axis]
                }
                inputs[1] = constant(intsConstant(moved), named: "pads")
            }
            return (.pad(mode: mode), inputs, [perm])
        case .squeeze:
            guard onlyData(), node.inputs.count == 2, let axes = ints(node.inputs[1]),
                  axes.allSatisfy({ (-rank..<rank).contains($0) }) else { return nil }
            let removed = Set(axes.map(normalize))
            inputs[1] = constant(intsConstant(removed.sorted().map { perm[$0] }), named: "axes")
            return (.squeeze, inputs, [TransposeSinking.permutation(perm, removing: removed)])
        case .unsqueeze:
            guard onlyData(), node.inputs.count == 2, let axes = ints(node.inputs[1]) else { return nil }
            let outputRank = rank + axes.count
            guard axes.allSatisfy({ (-outputRank..<outputRank).contains($0) }) else { return nil }
            let unit = Set(axes.map { $0 < 0 ? $0 + outputRank : $0 })
            guard unit.count == axes.count else { return nil }
            // The new axes stay where they are; the others move as before.
            let others = (0..<outputRank).filter { !unit.contains($0) }
            var outputPerm = Array(0..<outputRank)
            for (index, position) in others.enumerated() { outputPerm[position] = others[perm[index]] }
            return (.unsqueeze, inputs, [outputPerm])
        case .reduce(_, let keepDims, let noopWithEmptyAxes):
            guard onlyData() else { return nil }
            guard node.inputs.count > 1, !node.inputs[1].isEmpty else {
                // All axes reduced leaves ones, which no transpose moves; none reduced leaves x.
                return (node.op, inputs, [noopWithEmptyAxes ? perm : []])
            }
            guard let axes = ints(node.inputs[1]), !axes.isEmpty, axes.allSatisfy({ (-rank..<rank).contains($0) }) else { return nil }
            let removed = Set(axes.map(normalize))
            inputs[1] = constant(intsConstant(removed.sorted().map { perm[$0] }), named: "axes")
            return (node.op, inputs, [keepDims ? perm : TransposeSinking.permutation(perm, removing: removed)])
        case .transpose(let outer):
            guard node.inputs == [value] else { return nil }
            let outerPerm = outer ?? Array((0..<rank).reversed())
            guard outerPerm.count == rank else { return nil }
            return (.transpose(permutation: outerPerm.map { perm[$0] }), inputs, [Array(0..<rank)])
        case .gather(let axis):
            // One-dimensional constant indices keep the rank: the gathered axis just moves.
            guard onlyData(), node.inputs.count == 2, initializers[node.inputs[1]]?.shape.count == 1 else { return nil }
            return (.gather(axis: perm[normalize(axis)]), inputs, [perm])
        case .gatherND(0):
            // Index tuples of one entry pick along the first axis: a Gather on the moved axis.
            guard onlyData(), node.inputs.count == 2, case .int(let indices)? = initializers[node.inputs[1]],
                  indices.shape.count == 2, indices.shape[1] == 1 else { return nil }
            inputs[1] = constant(.int(Tensor(shape: [indices.shape[0]], scalars: indices.scalars)), named: "indices")
            return (.gather(axis: perm[0]), inputs, [perm])
        default:
            return nil
        }
    }

    /// The operands of an elementwise node that reads `value` = Transpose(`source`, `perm`), each
    /// in `source`'s layout: `source` itself, the source of the same transpose of another value,
    /// or a constant permuted (broadcast to the rank first, unless `sameRank`). Nil when an
    /// operand is none of these.
    mutating func untransposed(_ operands: [String], perm: [Int], source: String, value: String, sameRank: Bool = false) -> [String]? {
        let inverse = ShapeOps.inversePermutation(perm)
        var result: [String] = []
        for operand in operands {
            if operand == value {
                result.append(source)
            } else if let other = transposePermutation(of: operand), other.perm == perm {
                result.append(other.source)
            } else if let constant = initializers[operand] {
                let shape = constant.shape
                if shape.isEmpty && !sameRank {
                    result.append(operand)
                    continue
                }
                guard shape.count <= perm.count, !sameRank || shape.count == perm.count else { return nil }
                let full = Array(repeating: 1, count: perm.count - shape.count) + shape
                let permutedShape = inverse.map { full[$0] }
                let permuted: Value = switch constant {
                case .float(let t): .float(ShapeOps.transposed(Tensor(shape: full, scalars: t.scalars), inverse, permutedShape))
                case .int(let t): .int(ShapeOps.transposed(Tensor(shape: full, scalars: t.scalars), inverse, permutedShape))
                }
                result.append(self.constant(permuted, named: operand))
            } else {
                return nil
            }
        }
        return result
    }
}
