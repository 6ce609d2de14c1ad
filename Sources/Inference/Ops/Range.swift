/// Range: start, start + delta, … up to (not including) limit, in the element type of start.
/// Its length depends on the inputs' values, so they must be known while planning
/// (constants or shape arithmetic, as exporters emit them).
extension ShapeOps {
    static func rangeShape(_ io: borrowing KernelIO, node: Node) throws -> ([Int], ElementType) {
        let (start, limit, delta) = try rangeBounds(io, node: node)
        let steps: Double
        switch (start, limit, delta) {
        case (.int(let s), .int(let l), .int(let d)): steps = ((Double(l) - Double(s)) / Double(d)).rounded(.up)
        case (.float(let s), .float(let l), .float(let d)): steps = Double((l - s) / d).rounded(.up)
        default:
            throw InferenceError("node '\(node.name)' (Range): start, limit and delta must share one element type")
        }
        guard steps <= Double(Limits.maximumElementCount) else {
            throw InferenceError("node '\(node.name)' (Range): \(steps) elements is absurd; the model is corrupt")
        }
        return ([Int(max(0, steps))], start.elementType)
    }

    static func range(_ io: borrowing KernelIO, outputShape: [Int], node: Node) throws -> Value {
        let count = outputShape[0]
        switch try rangeBounds(io, node: node) {
        case (.int(let s), _, .int(let d)):
            return .int(Tensor(shape: [count], scalars: (0..<count).map { s &+ Int64($0) &* d }))
        case (.float(let s), _, .float(let d)):
            return .float(Tensor(shape: [count], scalars: (0..<count).map { s + Float($0) * d }))
        default:
            throw InferenceError("node '\(node.name)' (Range): start, limit and delta must share one element type")
        }
    }

    private enum Bound {
        case int(Int64), float(Float)
        var elementType: ElementType {
            switch self {
            case .int: .int
            case .float: .float
            }
        }
    }

    private static func rangeBounds(_ io: borrowing KernelIO, node: Node) throws -> (Bound, Bound, Bound) {
        func bound(_ index: Int, _ label: String) throws -> Bound {
            let value = try io.valueKnownWhilePlanning(index)
            guard value.shape.reduce(1, *) == 1 else {
                throw InferenceError("node '\(node.name)' (Range): \(label) must be a scalar, got shape \(value.shape)")
            }
            switch value {
            case .int(let t): return .int(t.scalars[0])
            case .float(let t):
                guard t.scalars[0].isFinite else { throw InferenceError("node '\(node.name)' (Range): \(label) is \(t.scalars[0])") }
                return .float(t.scalars[0])
            }
        }
        let delta = try bound(2, "delta")
        switch delta {
        case .int(0), .float(0): throw InferenceError("node '\(node.name)' (Range): delta is 0, so the range never ends")
        default: return (try bound(0, "start"), try bound(1, "limit"), delta)
        }
    }
}

extension KernelIO {
    /// An input whose value sizes the output (Range's bounds): its value while running, its
    /// constant value while planning.
    func valueKnownWhilePlanning(_ index: Int) throws -> Value {
        guard planning else { return try value(index) }
        guard index < abstract.count, let known = abstract[index] else {
            throw InferenceError("node '\(nodeName)' (\(opType)) needs input \(index + 1)")
        }
        guard let constant = known.constant else {
            throw InferenceError("node '\(nodeName)' (\(opType)): input \(index + 1) must be known before running (a constant or shape computation), but it depends on the data; this dynamic-shape graph is not supported")
        }
        return constant
    }
}
