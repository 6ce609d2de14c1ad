/// Facts about a graph that `seqlens inspect` reports: op counts and receptive field.
extension Graph {
    /// How many nodes of each ONNX op type the model has (Constant nodes excluded: they load as values).
    public var opHistogram: [(opType: String, count: Int)] {
        var counts: [String: Int] = [:]
        for node in nodes { counts[node.opType, default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// How many input positions can influence one output, traced through the positional
/// layers (Conv and pools) from the graph's first input.
public struct ReceptiveField: Sendable, Equatable {
    /// Positions seen by one unit of the deepest positional layer.
    public var positional: Int
    /// True when a later layer (dense, global pooling, attention) mixes all positions, so
    /// every output depends on the whole input.
    public var mixesAllPositions: Bool

    public init(graph: Graph) {
        // Per value: (window size, jump between neighbouring units in input positions).
        var window: [String: (size: Int, jump: Int)] = [:]
        var mixed: Set<String> = []
        if let input = graph.inputs.first { window[input.name] = (1, 1) }
        var deepest = 1
        var mixes = false
        for node in graph.nodes {
            let sources = node.inputs.filter { window[$0] != nil }
            guard !sources.isEmpty else { continue }
            var size = sources.map { window[$0]!.size }.max()!
            var jump = sources.map { window[$0]!.jump }.max()!
            var mixesHere = sources.contains { mixed.contains($0) }
            switch node.op {
            case .conv(let a):
                // Kernel extent comes from the weights; kernel_shape may be absent.
                let kernel = a.spatial.kernelShape.last ?? graph.initializers[node.inputs[1]]?.shape.last ?? 1
                let dilation = a.spatial.dilations.last ?? 1
                size = Self.saturating(size, plus: Self.saturating(kernel - 1, times: Self.saturating(dilation, times: jump)))
                jump = Self.saturating(jump, times: a.spatial.strides.last ?? 1)
            case .maxPool(let a), .averagePool(let a):
                let kernel = a.spatial.kernelShape.last ?? 1, dilation = a.spatial.dilations.last ?? 1
                size = Self.saturating(size, plus: Self.saturating(kernel - 1, times: Self.saturating(dilation, times: jump)))
                jump = Self.saturating(jump, times: a.spatial.strides.last ?? 1)
            case .convTranspose(let a):
                // An output position meets ⌈extent / stride⌉ inputs; the jump between units shrinks by the stride.
                let kernel = a.spatial.kernelShape.last ?? graph.initializers[node.inputs[1]]?.shape.last ?? 1
                let extent = Self.saturating(kernel - 1, times: a.spatial.dilations.last ?? 1) + 1, stride = a.spatial.strides.last ?? 1
                size = Self.saturating(size, plus: Self.saturating((extent + stride - 1) / stride - 1, times: jump))
                jump = max(1, jump / stride)
            case .resize(let a):
                // Linear reads two neighbours; scales are unknown here, so jumps are kept (an overestimate after upsampling).
                if a.mode == .linear { size = Self.saturating(size, plus: jump) }
            // Every output reads all positions (a dense layer, or what feeds one), or may.
            case .gemm, .matMul, .flatten, .globalAveragePool, .globalMaxPool, .reduce, .softmax, .logSoftmax,
                 .einsum, .cumSum, .argMax, .groupNormalization, .recurrent:
                mixesHere = true
            // Taken to keep positions apart. Where they might not (LayerNormalization over a
            // positional axis, a Reshape folding positions into features), a dense layer or
            // pool that mixes them usually follows and is marked.
            case .batchNormalization, .layerNormalization, .unary, .clip, .binary, .reshape, .transpose, .squeeze,
                 .unsqueeze, .concat, .split, .slice, .gather, .gatherND, .expand, .shape, .constantOfShape, .identity, .pad, .cast,
                 .compare, .test, .select, .variadic,
                 .range, .tile, .trilu, .gatherElements, .scatterND:
                break
            }
            deepest = max(deepest, size)
            for output in node.outputs where !output.isEmpty {
                window[output] = (size, jump)
                if mixesHere { mixed.insert(output) }
            }
            if mixesHere, node.outputs.contains(where: { name in graph.outputs.contains { $0.name == name } }) { mixes = true }
        }
        if graph.outputs.contains(where: { mixed.contains($0.name) }) { mixes = true }
        positional = deepest
        mixesAllPositions = mixes
    }

    // Strides compound over layers: a stack of strided layers must not overflow `inspect`.
    private static func saturating(_ a: Int, times b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }
    private static func saturating(_ a: Int, plus b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
