/// The first convolution applied to a sequence model's input, and the value holding its
/// activation: what "first-layer filters" means for filter interpretation.
public struct FirstConvolution: Sendable, Equatable {
    /// The Conv node's name (or its output's, when the node is unnamed).
    public var convolution: String
    /// The value read as the filters' activations: the output of the first activation function
    /// (Relu, Exp, …) after the Conv, through bias adds and batch normalisation; the Conv's own
    /// output when none follows before a pool or another layer.
    public var activation: String
    /// The activation function's ONNX name ("Relu", "Exp"), or nil for the Conv output itself.
    public var activationOp: String?
    /// Input positions one filter reads (kernel width × dilation).
    public var width: Int
    public var stride: Int
    public var dilation: Int
    let kernel: Int
    let autoPad: AutoPad
    let padBegin: Int

    /// Finds it in `graph`: the Conv must read the sequence input directly or through layout-only
    /// nodes (Transpose, Identity, Cast). Nil, with the reason, otherwise.
    public static func find(in graph: Graph) -> Result<FirstConvolution, InferenceError> {
        guard let input = graph.inputs.first?.name else { return .failure(InferenceError("the model has no input")) }
        var layoutOnly: Set<String> = [input]
        for node in graph.nodes {
            let fromInput = node.inputs.first.map { layoutOnly.contains($0) } ?? false
            switch (node.op, fromInput) {
            case (.transpose, true), (.identity, true), (.cast, true):
                node.outputs.forEach { layoutOnly.insert($0) }
            case (.conv(let attributes), true):
                let kernel = attributes.spatial.kernelShape.last ?? graph.initializers[node.inputs[1]]?.shape.last ?? 1
                let dilation = attributes.spatial.dilations.last ?? 1
                let (value, op) = activation(after: node.outputs[0], in: graph)
                return .success(FirstConvolution(
                    convolution: node.name.isEmpty ? node.outputs[0] : node.name, activation: value, activationOp: op,
                    width: (kernel - 1) * dilation + 1, stride: attributes.spatial.strides.last ?? 1, dilation: dilation,
                    kernel: kernel, autoPad: attributes.spatial.autoPad, padBegin: attributes.spatial.pads.first ?? 0))
            default:
                if node.inputs.contains(where: layoutOnly.contains) {
                    return .failure(InferenceError("the input reaches a \(node.opType) node ('\(node.name)') before any convolution; filters are read from a Conv applied to the one-hot input"))
                }
            }
        }
        return .failure(InferenceError("the model has no convolution applied to its input"))
    }

    /// Follows the single consumer of `value` through bias adds, scalings and batch
    /// normalisation to the first activation function.
    static func activation(after value: String, in graph: Graph) -> (String, String?) {
        var current = value
        while true {
            let consumers = graph.nodes.filter { $0.inputs.contains(current) }
            guard consumers.count == 1, let node = consumers.first, !graph.outputs.contains(where: { $0.name == current }) else { return (value, nil) }
            switch node.op {
            case .unary, .clip:
                return (node.outputs[0], node.opType)
            case .binary(.prelu):
                return (node.outputs[0], node.opType)
            case .batchNormalization, .binary(.add), .binary(.mul), .binary(.sub), .binary(.div), .identity:
                current = node.outputs[0]
            default:
                return (value, nil)
            }
        }
    }

    /// The input positions output position `position` reads, for an input of `length`
    /// (`start` may be negative, or the window may pass the end: padding).
    public func window(of position: Int, inputLength length: Int) -> Range<Int> {
        let begin: Int
        switch autoPad {
        case .notSet: begin = padBegin
        case .valid: begin = 0
        case .sameUpper, .sameLower:
            let outputs = (length + stride - 1) / stride
            let total = max((outputs - 1) * stride + width - length, 0)
            begin = autoPad == .sameUpper ? total / 2 : total - total / 2
        }
        let start = position * stride - begin
        return start ..< start + width
    }
}
