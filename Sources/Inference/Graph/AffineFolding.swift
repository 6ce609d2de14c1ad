import Foundation

/// Folds per-channel affine ops into the Conv, Gemm or MatMul that produces their input
/// (onnxruntime's Conv/BatchNormalization and MatMul/Add fusions): BatchNormalization, and
/// Mul, Add, Sub or Div by a constant that broadcasts along the output channels, possibly
/// through Squeeze/Unsqueeze (tf2onnx writes Keras' Conv1D as Conv2D between them). The
/// weights are scaled per output channel and the shift goes into the bias, so a chain
/// `Conv → Squeeze → Mul → Add` becomes `Conv → Squeeze`: two passes over the activations fewer.
///
/// Only where nothing else can tell: every value folded away has exactly one reader and is not
/// a graph output, the weights and the affine constants are initializers. A Relu reading the
/// chain's result moves next to the linear op (it commutes with Squeeze and Unsqueeze), so that
/// it runs as the op's in-place epilogue (`ExecutionPlan.inPlaceEpilogues`).
enum AffineFolding {
    static func fold(_ graph: Graph) -> Graph {
        let readers = ValueReaders(graph)
        var rewritten = graph
        var replacements: [Int: [Node]] = [:]
        var removed = Set<Int>()
        var names = Set(graph.initializers.keys).union(graph.nodes.flatMap(\.outputs)).union(graph.inputs.map(\.name))
        func fresh(_ base: String) -> String {
            var index = 0
            while names.contains(GraphRewrites.freshName(base, index: index)) { index += 1 }
            let name = GraphRewrites.freshName(base, index: index)
            names.insert(name)
            return name
        }
        for (index, node) in graph.nodes.enumerated() {
            guard let linear = Linear(node, readers: readers), let chain = Chain(from: index, linear: linear, in: graph, readers: readers) else { continue }
            let folded = linear.folded(by: chain.affine, node: node, fresh: fresh)
            for (name, value) in folded.initializers { rewritten.initializers[name] = value }
            // The linear op, the bias add MatMul needs, the Relu moved up, then the reshapes, each
            // into a fresh value but the last, which keeps the chain's final name.
            let relu = chain.relu.map { [graph.nodes[$0]] } ?? []
            var emitted = [folded.node] + (folded.biasAdd.map { [$0] } ?? []) + relu + chain.passThrough.map { graph.nodes[$0] }
            var previous = ""
            for position in emitted.indices {
                if position > 0 { emitted[position].inputs[0] = previous }
                previous = position == emitted.count - 1 ? chain.finalName : fresh(emitted[position].outputs[0])
                emitted[position].outputs = [previous]
            }
            replacements[index] = emitted
            removed.formUnion(chain.members)
        }
        guard !replacements.isEmpty else { return graph }
        rewritten.nodes = graph.nodes.indices.flatMap { index in
            replacements[index] ?? (removed.contains(index) ? [] : [graph.nodes[index]])
        }
        // Weights and constants only the folded nodes read are dropped.
        let read = Set(rewritten.nodes.flatMap(\.inputs)).union(graph.outputs.map(\.name))
        for node in removed.map({ graph.nodes[$0] }) + replacements.keys.map({ graph.nodes[$0] }) {
            for input in node.inputs where !read.contains(input) { rewritten.initializers[input] = nil }
        }
        return rewritten
    }

    /// y = scale[c] · x + shift[c] along the channel axis.
    struct Affine {
        var scale: [Double]
        var shift: [Double]

        init(channels: Int) {
            scale = Array(repeating: 1, count: channels)
            shift = Array(repeating: 0, count: channels)
        }

        var hasShift: Bool { shift.contains { $0 != 0 } }

        /// Applies y ← a · y + b after what is there already.
        mutating func then(multiply a: [Double], add b: [Double]) {
            for c in scale.indices {
                scale[c] *= a[c]
                shift[c] = shift[c] * a[c] + b[c]
            }
        }
    }

    /// The layout of a value along the chain: its rank (unknown after MatMul, whose input rank
    /// the graph does not say) and where the channels are.
    struct Layout {
        var rank: Int?
        var channelAxis: Int
        let channels: Int

        /// A constant's values per channel, when it broadcasts along the channel axis only and
        /// leaves the shape as it is; nil otherwise.
        func perChannel(_ constant: Tensor<Float>) -> [Double]? {
            let shape = constant.shape
            guard let rank else {
                // Only the last axis is known to be the channels: a scalar or a vector.
                guard shape.count <= 1, constant.count == 1 || constant.count == channels else { return nil }
                return expand(constant)
            }
            guard shape.count <= rank else { return nil }
            for (axis, dimension) in shape.enumerated() where dimension != 1 {
                guard axis + rank - shape.count == channelAxis, dimension == channels else { return nil }
            }
            return expand(constant)
        }

        private func expand(_ constant: Tensor<Float>) -> [Double] {
            constant.count == 1 ? Array(repeating: Double(constant.scalars[0]), count: channels) : constant.scalars.map(Double.init)
        }
    }

    /// The linear op at the head of a chain, with its constant weights.
    enum Linear {
        case conv(weights: Tensor<Float>, bias: Tensor<Float>?)
        case gemm(alpha: Float, beta: Float, transA: Bool, transB: Bool, weights: Tensor<Float>, bias: Tensor<Float>?)
        case matMul(weights: Tensor<Float>)

        init?(_ node: Node, readers: ValueReaders) {
            func constant(_ position: Int) -> Tensor<Float>? {
                guard position < node.inputs.count, case .float(let tensor)? = readers.constant(node.inputs[position]) else { return nil }
                return tensor
            }
            let hasBias = node.inputs.count > 2 && !node.inputs[2].isEmpty
            switch node.op {
            case .conv:
                guard let weights = constant(1), weights.rank >= 3, node.outputs.count == 1 else { return nil }
                let bias = constant(2)
                guard !hasBias || bias?.count == weights.shape[0] else { return nil }
                self = .conv(weights: weights, bias: bias)
            case .gemm(let alpha, let beta, let transA, let transB):
                guard let weights = constant(1), weights.rank == 2 else { return nil }
                let bias = constant(2)
                // C must broadcast along the columns only: [], [1], [N] or [1, N].
                if hasBias {
                    guard let bias, bias.rank <= 2, bias.count == 1 || bias.count == weights.shape[transB ? 0 : 1],
                          bias.rank < 2 || bias.shape[0] == 1 else { return nil }
                }
                self = .gemm(alpha: alpha, beta: beta, transA: transA, transB: transB, weights: weights, bias: bias)
            case .matMul:
                guard let weights = constant(1), weights.rank == 2 else { return nil }
                self = .matMul(weights: weights)
            default:
                return nil
            }
        }

        var layout: Layout {
            switch self {
            case .conv(let weights, _): Layout(rank: weights.rank, channelAxis: 1, channels: weights.shape[0])
            case .gemm(_, _, _, let transB, let weights, _): Layout(rank: 2, channelAxis: 1, channels: weights.shape[transB ? 0 : 1])
            case .matMul(let weights): Layout(rank: nil, channelAxis: -1, channels: weights.shape[1])
            }
        }

        /// The node computing the linear op followed by `affine`, its new initializers, and for
        /// MatMul (which has no bias) the Add of the shift (its input and output set by the caller).
        func folded(by affine: Affine, node: Node, fresh: (String) -> String) -> (node: Node, initializers: [String: Value], biasAdd: Node?) {
            let channels = affine.scale.count
            var node = node
            var initializers: [String: Value] = [:]
            func add(_ tensor: Tensor<Float>, as base: String, at position: Int) {
                let name = fresh(base)
                initializers[name] = .float(tensor)
                while node.inputs.count <= position { node.inputs.append("") }
                node.inputs[position] = name
            }
            let weightName = node.inputs[1], biasName = node.inputs.count > 2 && !node.inputs[2].isEmpty ? node.inputs[2] : node.name + ".bias"
            switch self {
            case .conv(var weights, let bias):
                let perChannel = weights.count / channels
                for c in 0..<channels { for i in c * perChannel ..< (c + 1) * perChannel { weights.scalars[i] = Float(Double(weights.scalars[i]) * affine.scale[c]) } }
                add(weights, as: weightName, at: 1)
                let b = (0..<channels).map { c in Float(Double(bias?.scalars[c] ?? 0) * affine.scale[c] + affine.shift[c]) }
                add(Tensor(shape: [channels], scalars: b), as: biasName, at: 2)
                return (node, initializers, nil)
            case .gemm(let alpha, let beta, let transA, let transB, var weights, let bias):
                let columns = weights.shape[1]
                for i in weights.scalars.indices {
                    let c = transB ? i / columns : i % columns
                    weights.scalars[i] = Float(Double(weights.scalars[i]) * affine.scale[c])
                }
                add(weights, as: weightName, at: 1)
                // The new C already carries beta: beta becomes 1.
                let b = (0..<channels).map { c -> Float in
                    let original = bias.map { Double(beta) * Double($0.scalars[$0.count == 1 ? 0 : c]) } ?? 0
                    return Float(original * affine.scale[c] + affine.shift[c])
                }
                add(Tensor(shape: [channels], scalars: b), as: biasName, at: 2)
                node.op = .gemm(alpha: alpha, beta: 1, transA: transA, transB: transB)
                return (node, initializers, nil)
            case .matMul(var weights):
                for i in weights.scalars.indices { weights.scalars[i] = Float(Double(weights.scalars[i]) * affine.scale[i % channels]) }
                add(weights, as: weightName, at: 1)
                guard affine.hasShift else { return (node, initializers, nil) }
                let shiftName = fresh(node.name + ".shift")
                initializers[shiftName] = .float(Tensor(shape: [channels], scalars: affine.shift.map(Float.init)))
                let biasAdd = Node(name: fresh(node.name + ".add"), opType: "Add", op: .binary(.add), inputs: ["", shiftName], outputs: [""])
                return (node, initializers, biasAdd)
            }
        }
    }

    /// The single-reader nodes after a linear op that fold into it.
    struct Chain {
        /// Every node folded away or re-emitted (affine ops, reshapes, the Relu moved up).
        var members: [Int] = []
        var passThrough: [Int] = []
        var relu: Int?
        var affine: Affine
        /// The value the rewritten chain ends in: the last affine op's output, or the Relu's.
        var finalName = ""

        init?(from head: Int, linear: Linear, in graph: Graph, readers: ValueReaders) {
            var layout = linear.layout
            affine = Affine(channels: layout.channels)
            var affineCount = 0, scales = 0
            var current = graph.nodes[head].outputs[0]
            var walked: [Int] = [], pendingPassThrough: [Int] = []
            while let index = readers.only(current) {
                let node = graph.nodes[index]
                guard node.outputs.count == 1, let step = Self.step(node, reading: current, layout: &layout, readers: readers) else { break }
                walked.append(index)
                switch step {
                case .passThrough:
                    pendingPassThrough.append(index)
                case .affine(let a, let b):
                    affine.then(multiply: a, add: b)
                    affineCount += 1
                    if a.contains(where: { $0 != 1 }) { scales += 1 }
                    members = walked
                    passThrough = pendingPassThrough
                    finalName = node.outputs[0]
                }
                current = node.outputs[0]
            }
            // MatMul keeps one Add for the shift: folding a lone bias Add would change nothing.
            if case .matMul = linear, scales == 0 && affineCount < 2 { return nil }
            guard affineCount > 0 else { return nil }
            if let index = readers.only(finalName), case .unary(.relu) = graph.nodes[index].op {
                relu = index
                members.append(index)
                finalName = graph.nodes[index].outputs[0]
            }
        }

        enum Step {
            case passThrough
            case affine(multiply: [Double], add: [Double])
        }

        /// What `node`, reading `value`, does along the channels; nil when it does not fold.
        static func step(_ node: Node, reading value: String, layout: inout Layout, readers: ValueReaders) -> Step? {
            let constant = readers.constant
            let channels = layout.channels
            switch node.op {
            case .identity:
                return .passThrough
            case .squeeze, .unsqueeze:
                guard let rank = layout.rank, node.inputs.count == 2, case .int(let raw)? = constant(node.inputs[1]) else { return nil }
                let isSqueeze: Bool = if case .squeeze = node.op { true } else { false }
                let outputRank = isSqueeze ? rank - raw.count : rank + raw.count
                let axes = raw.scalars.map { Int($0) < 0 ? Int($0) + (isSqueeze ? rank : outputRank) : Int($0) }.sorted()
                guard Set(axes).count == axes.count, axes.allSatisfy({ (0..<(isSqueeze ? rank : outputRank)).contains($0) }),
                      !(isSqueeze && axes.contains(layout.channelAxis)) else { return nil }
                if isSqueeze {
                    layout.channelAxis -= axes.filter { $0 < layout.channelAxis }.count
                } else {
                    for axis in axes where axis <= layout.channelAxis { layout.channelAxis += 1 }
                }
                layout.rank = outputRank
                return .passThrough
            case .binary(let function) where [.add, .sub, .mul, .div].contains(function):
                guard node.inputs.count == 2, node.inputs.filter({ $0 == value }).count == 1 else { return nil }
                let valueFirst = node.inputs[0] == value
                guard case .float(let tensor)? = constant(node.inputs[valueFirst ? 1 : 0]), let v = layout.perChannel(tensor) else { return nil }
                let ones = Array(repeating: 1.0, count: channels), zeros = Array(repeating: 0.0, count: channels)
                switch function {
                case .add: return .affine(multiply: ones, add: v)
                case .sub: return valueFirst ? .affine(multiply: ones, add: v.map { -$0 }) : .affine(multiply: ones.map { -$0 }, add: v)
                case .mul: return .affine(multiply: v, add: zeros)
                default:
                    guard valueFirst, !v.contains(0) else { return nil }
                    return .affine(multiply: v.map { 1 / $0 }, add: zeros)
                }
            case .batchNormalization(let epsilon):
                guard layout.rank.map({ $0 >= 2 }) == true, layout.channelAxis == 1, node.inputs.count == 5, node.inputs[0] == value else { return nil }
                var parameters: [[Float]] = []
                for name in node.inputs.dropFirst() {
                    guard case .float(let tensor)? = constant(name), tensor.count == channels, tensor.rank == 1 else { return nil }
                    parameters.append(tensor.scalars)
                }
                let a = (0..<channels).map { Double(parameters[0][$0]) / (Double(parameters[3][$0]) + Double(epsilon)).squareRoot() }
                return .affine(multiply: a, add: (0..<channels).map { Double(parameters[1][$0]) - Double(parameters[2][$0]) * a[$0] })
            default:
                return nil
            }
        }
    }
}
