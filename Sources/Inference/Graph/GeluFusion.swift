/// Replaces GELU written out in elementwise ops (as exporters before opset 20 write it) by one
/// Gelu node: PyTorch's erf form 0.5 · x · (1 + erf(x / √2)), and the tanh form
/// 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))) of Borzoi and Enformer ports, in any operand
/// order and with x³ as Pow or two products. Five to nine passes over the activations become one,
/// and DeepLIFT sees one nonlinearity and applies the rescale rule to it, as tangermeme and
/// captum do for an `nn.GELU` module (the decomposed form would pass the product x · (1 + erf)
/// through the midpoint rule instead).
///
/// Only where nothing else can tell: every intermediate value has exactly one reader and is
/// not a graph output, the constants are one-element initializers within 1e-5 of their values.
enum GeluFusion {
    static func fuse(_ graph: Graph) -> Graph {
        let matcher = Matcher(graph: graph, readers: ValueReaders(graph))
        var replacements: [Int: Node] = [:]
        var removed = Set<Int>()
        for (index, node) in graph.nodes.enumerated() {
            let match: Match?
            switch node.op {
            case .unary(.erf): match = matcher.erfForm(at: index)
            case .unary(.tanh): match = matcher.tanhForm(at: index)
            default: match = nil
            }
            guard let match else { continue }
            let last = match.members.max()!
            replacements[last] = Node(name: node.name, opType: "Gelu", op: .unary(.gelu(tanhApproximation: match.tanh)),
                                      inputs: [match.input], outputs: graph.nodes[last].outputs)
            removed.formUnion(match.members)
        }
        guard !replacements.isEmpty else { return graph }
        var fused = graph
        fused.nodes = graph.nodes.indices.compactMap { index in
            replacements[index] ?? (removed.contains(index) ? nil : graph.nodes[index])
        }
        return fused
    }

    struct Match {
        var input: String
        var tanh: Bool
        /// Every node of the written-out form.
        var members: [Int]
    }

    struct Matcher {
        let graph: Graph
        let readers: ValueReaders
        let producer: [String: Int]

        init(graph: Graph, readers: ValueReaders) {
            self.graph = graph
            self.readers = readers
            var producer: [String: Int] = [:]
            for (index, node) in graph.nodes.enumerated() { for output in node.outputs { producer[output] = index } }
            self.producer = producer
        }

        /// x / √2 or x · (1/√2) → Erf → + 1 → the product with x and 0.5.
        func erfForm(at erf: Int) -> Match? {
            guard let (scaling, x) = operand(of: graph.nodes[erf].inputs[0], readBy: erf, scaledBy: 1 / Float(2).squareRoot()) else { return nil }
            return tail(after: erf, input: x, tanh: false, members: [scaling, erf])
        }

        /// x · x · x (or Pow(x, 3)) · 0.044715 + x, · √(2/π) → Tanh → + 1 → the product with x and 0.5.
        func tanhForm(at tanh: Int) -> Match? {
            guard let (scaling, sum) = operand(of: graph.nodes[tanh].inputs[0], readBy: tanh, scaledBy: 0.7978845608028654),
                  let add = producer(of: sum, readBy: scaling), case .binary(.add) = graph.nodes[add].op else { return nil }
            let operands = graph.nodes[add].inputs
            for (x, term) in [(operands[0], operands[1]), (operands[1], operands[0])] {
                guard let (product, cube) = operand(of: term, readBy: add, scaledBy: 0.044715),
                      let cubeMembers = self.cube(cube, of: x, readBy: product) else { continue }
                return tail(after: tanh, input: x, tanh: true, members: [scaling, add, product] + cubeMembers + [tanh])
            }
            return nil
        }

        /// The nodes computing `value` = x³ (Pow(x, 3), or x · (x · x) in any order).
        private func cube(_ value: String, of x: String, readBy reader: Int) -> [Int]? {
            guard let node = producer(of: value, readBy: reader) else { return nil }
            let inputs = graph.nodes[node].inputs
            switch graph.nodes[node].op {
            case .binary(.pow):
                guard inputs[0] == x, let exponent = readers.constant(inputs[1]), exponent.shape.count <= 1 else { return nil }
                switch exponent {
                case .float(let t): return t.scalars == [3] ? [node] : nil
                case .int(let t): return t.scalars == [3] ? [node] : nil
                }
            case .binary(.mul):
                guard inputs.contains(x), let square = inputs.first(where: { $0 != x }),
                      let squaring = producer(of: square, readBy: node), case .binary(.mul) = graph.nodes[squaring].op,
                      graph.nodes[squaring].inputs == [x, x] else { return nil }
                return [squaring, node]
            default:
                return nil
            }
        }

        /// From the Erf or Tanh: + 1, then x · that · 0.5 in any association and order.
        private func tail(after nonlinearity: Int, input x: String, tanh: Bool, members: [Int]) -> Match? {
            guard let plusOne = reader(of: graph.nodes[nonlinearity].outputs[0], adding: 1) else { return nil }
            let onePlus = graph.nodes[plusOne].outputs[0]
            guard let first = readers.only(onePlus), case .binary(.mul) = graph.nodes[first].op,
                  let other = graph.nodes[first].inputs.first(where: { $0 != onePlus }) else { return nil }
            let found = members + [plusOne, first], firstOutput = graph.nodes[first].outputs[0]
            if other == x || isConstant(other, 0.5) {
                // (1 + f) · x, then · 0.5; or (1 + f) · 0.5, then · x.
                guard let second = readers.only(firstOutput), case .binary(.mul) = graph.nodes[second].op,
                      let last = graph.nodes[second].inputs.first(where: { $0 != firstOutput }) else { return nil }
                let matches = other == x ? isConstant(last, 0.5) : last == x
                return matches ? Match(input: x, tanh: tanh, members: found + [second]) : nil
            }
            // (0.5 · x) · (1 + f).
            guard let (half, halved) = operand(of: other, readBy: first, scaledBy: 0.5), halved == x else { return nil }
            return Match(input: x, tanh: tanh, members: found + [half])
        }

        /// The node making `value` when `reader` is its only reader.
        private func producer(of value: String, readBy reader: Int) -> Int? {
            guard readers.only(value) == reader else { return nil }
            return producer[value]
        }

        /// `value` = x · c (either order) or x / (1/c): the node and x.
        private func operand(of value: String, readBy reader: Int, scaledBy c: Float) -> (Int, String)? {
            guard let node = producer(of: value, readBy: reader), graph.nodes[node].inputs.count == 2 else { return nil }
            let (a, b) = (graph.nodes[node].inputs[0], graph.nodes[node].inputs[1])
            switch graph.nodes[node].op {
            case .binary(.mul):
                if isConstant(b, c) { return (node, a) }
                if isConstant(a, c) { return (node, b) }
            case .binary(.div):
                if isConstant(b, 1 / c) { return (node, a) }
            default:
                break
            }
            return nil
        }

        /// The only reader of `value` when it is value + c (either order).
        private func reader(of value: String, adding c: Float) -> Int? {
            guard let node = readers.only(value), case .binary(.add) = graph.nodes[node].op else { return nil }
            let other = graph.nodes[node].inputs.first { $0 != value }
            return other.map { isConstant($0, c) } == true ? node : nil
        }

        /// A one-element float initializer within 1e-5 (relative) of `expected`. Rank at most
        /// one: it must not broadcast x to more axes.
        private func isConstant(_ name: String, _ expected: Float) -> Bool {
            guard case .float(let t)? = readers.constant(name), t.count == 1, t.rank <= 1 else { return false }
            return abs(t.scalars[0] - expected) <= 1e-5 * abs(expected)
        }
    }
}
