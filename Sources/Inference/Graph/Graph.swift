/// A model's computation graph in seqlens's own form: nodes in topological order, each with
/// its op and parsed attributes, initializers as values.
public struct Graph: Sendable {
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    /// Constant tensors: ONNX initializers, `Constant` nodes, and inputs that legacy opsets
    /// gave as attributes (e.g. Squeeze axes before opset 13).
    public var initializers: [String: Value]
    public var nodes: [Node]
    /// The default-domain opset the model was exported with.
    public var opset: Int
    public var metadata: [String: String]
    public var producer: String

    public init(
        inputs: [ValueInfo], outputs: [ValueInfo], initializers: [String: Value], nodes: [Node],
        opset: Int, metadata: [String: String] = [:], producer: String = ""
    ) {
        self.inputs = inputs
        self.outputs = outputs
        self.initializers = initializers
        self.nodes = nodes
        self.opset = opset
        self.metadata = metadata
        self.producer = producer
    }

    /// Number of scalars in float initializers: the model's parameter count.
    public var parameterCount: Int {
        initializers.values.reduce(0) { total, value in
            if case .float(let t) = value { total + t.count } else { total }
        }
    }
}

/// A graph input or output as declared: name, element type, dimensions.
public struct ValueInfo: Sendable, Equatable {
    public enum Dimension: Sendable, Equatable, CustomStringConvertible {
        case fixed(Int)
        /// A named or unnamed dynamic dimension (e.g. "batch").
        case symbolic(String)

        public var description: String {
            switch self {
            case .fixed(let n): "\(n)"
            case .symbolic(let name): name.isEmpty ? "?" : name
            }
        }

        public var fixedValue: Int? {
            if case .fixed(let n) = self { n } else { nil }
        }
    }

    public var name: String
    /// The ONNX element type name as declared (e.g. "float", "int64", "double").
    public var declaredType: String
    public var dimensions: [Dimension]

    public init(name: String, declaredType: String, dimensions: [Dimension]) {
        self.name = name
        self.declaredType = declaredType
        self.dimensions = dimensions
    }

    public var shapeDescription: String {
        "(" + dimensions.map(\.description).joined(separator: ", ") + ")"
    }
}

/// One operation of the graph. Missing optional inputs are empty names, as in ONNX.
public struct Node: Sendable {
    public var name: String
    /// The ONNX op type as written in the model (several map to one `Op`, e.g. Dropout).
    public var opType: String
    public var op: Op
    public var inputs: [String]
    public var outputs: [String]

    public init(name: String, opType: String, op: Op, inputs: [String], outputs: [String]) {
        self.name = name
        self.opType = opType
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
    }
}
