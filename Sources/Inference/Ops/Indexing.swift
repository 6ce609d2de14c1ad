/// GatherElements and ScatterND: element-wise indexing with an index tensor, on float and
/// integer tensors. Gradients move back along the same indices (repeated ones add up).
extension ShapeOps {
    // MARK: GatherElements

    static func gatherElementsShape(_ data: [Int], indices: [Int], axis: Int, node: Node) throws -> [Int] {
        _ = try normalizedAxis(axis, rank: data.count, node: node)
        guard indices.count == data.count else {
            throw InferenceError("node '\(node.name)' (GatherElements): indices of shape \(indices) must have the rank of data \(data)")
        }
        return indices
    }

    /// For each index element, the flat position in data it names.
    private static func gatherElementsSources(dataShape: [Int], indices: Tensor<Int64>, axis: Int, node: Node) throws -> [Int] {
        let a = try normalizedAxis(axis, rank: dataShape.count, node: node)
        let dataStrides = strides(of: dataShape), indexStrides = strides(of: indices.shape)
        let dim = dataShape[a]
        return try indices.scalars.enumerated().map { flat, raw in
            let i = raw < 0 ? raw + Int64(dim) : raw
            guard i >= 0, i < dim else {
                throw InferenceError("node '\(node.name)' (GatherElements): index \(raw) is out of range for an axis of size \(dim)")
            }
            var offset = 0
            for axis in indices.shape.indices {
                let position = axis == a ? Int(i) : (flat / indexStrides[axis]) % indices.shape[axis]
                guard position < dataShape[axis] else {
                    throw InferenceError("node '\(node.name)' (GatherElements): indices \(indices.shape) exceed data \(dataShape) off the gathered axis")
                }
                offset += position * dataStrides[axis]
            }
            return offset
        }
    }

    static func gatherElements(_ x: Value, indices: Tensor<Int64>, axis: Int, node: Node) throws -> Value {
        let sources = try gatherElementsSources(dataShape: x.shape, indices: indices, axis: axis, node: node)
        return switch x {
        case .float(let t): .float(Tensor(shape: indices.shape, scalars: sources.map { t.scalars[$0] }))
        case .int(let t): .int(Tensor(shape: indices.shape, scalars: sources.map { t.scalars[$0] }))
        }
    }

    static func gatherElementsBackward(_ dy: Tensor<Float>, dataShape: [Int], indices: Tensor<Int64>, axis: Int, node: Node) throws -> Tensor<Float> {
        var dx = [Float](repeating: 0, count: dataShape.reduce(1, *))
        for (flat, source) in try gatherElementsSources(dataShape: dataShape, indices: indices, axis: axis, node: node).enumerated() {
            dx[source] += dy.scalars[flat]
        }
        return Tensor(shape: dataShape, scalars: dx)
    }

    // MARK: ScatterND

    static func scatterNDShape(_ data: [Int], indices: [Int], updates: [Int], node: Node) throws -> [Int] {
        guard let depth = indices.last, depth <= data.count,
              updates == Array(indices.dropLast()) + Array(data[depth...]) else {
            throw InferenceError("node '\(node.name)' (ScatterND): data \(data), indices \(indices) and updates \(updates) do not fit (updates must be indices.shape[:-1] + data.shape[indices.shape[-1]:])")
        }
        return data
    }

    /// The flat start in data of each index tuple's slice, and the slice length.
    private static func scatterNDTargets(dataShape: [Int], indices: Tensor<Int64>, node: Node) throws -> (starts: [Int], length: Int) {
        let depth = indices.shape.last ?? 0
        let dataStrides = strides(of: dataShape)
        let length = dataShape[depth...].reduce(1, *)
        let starts = try (0..<indices.shape.dropLast().reduce(1, *)).map { tuple in
            var offset = 0
            for axis in 0..<depth {
                let raw = indices.scalars[tuple * depth + axis], dim = Int64(dataShape[axis])
                let i = raw < 0 ? raw + dim : raw
                guard i >= 0, i < dim else {
                    throw InferenceError("node '\(node.name)' (ScatterND): index \(raw) is out of range for an axis of size \(dim)")
                }
                offset += Int(i) * dataStrides[axis]
            }
            return offset
        }
        return (starts, length)
    }

    static func scatterND(_ data: Value, indices: Tensor<Int64>, updates: Value, reduction: ScatterReduction, node: Node) throws -> Value {
        let (starts, length) = try scatterNDTargets(dataShape: data.shape, indices: indices, node: node)
        func scattered<S: Numeric & Comparable>(_ x: Tensor<S>, _ u: Tensor<S>) -> Tensor<S> {
            var result = x.scalars
            for (tuple, start) in starts.enumerated() {
                for j in 0..<length {
                    let v = u.scalars[tuple * length + j], t = start + j
                    switch reduction {
                    case .none: result[t] = v
                    case .add: result[t] += v
                    case .mul: result[t] *= v
                    case .max: result[t] = Swift.max(result[t], v)
                    case .min: result[t] = Swift.min(result[t], v)
                    }
                }
            }
            return Tensor(shape: x.shape, scalars: result)
        }
        switch (data, updates) {
        case (.float(let x), .float(let u)): return .float(scattered(x, u))
        case (.int(let x), .int(let u)): return .int(scattered(x, u))
        default: throw InferenceError("node '\(node.name)' (ScatterND): data and updates have different element types")
        }
    }

    /// Replacing (reduction none): data's gradient is zero where updates landed, and updates
    /// take the gradient there. Adding: both take it unchanged.
    static func scatterNDBackward(_ dy: Tensor<Float>, indices: Tensor<Int64>, updatesShape: [Int], reduction: ScatterReduction, wanted: (data: Bool, updates: Bool), node: Node) throws -> (Tensor<Float>?, Tensor<Float>?) {
        let (starts, length) = try scatterNDTargets(dataShape: dy.shape, indices: indices, node: node)
        var dUpdates = [Float](repeating: 0, count: wanted.updates ? starts.count * length : 0)
        var dData = wanted.data ? dy.scalars : []
        for (tuple, start) in starts.enumerated() {
            for j in 0..<length {
                if wanted.updates { dUpdates[tuple * length + j] = dy.scalars[start + j] }
                if wanted.data, reduction == .none { dData[start + j] = 0 }
            }
        }
        return (wanted.data ? Tensor(shape: dy.shape, scalars: dData) : nil, wanted.updates ? Tensor(shape: updatesShape, scalars: dUpdates) : nil)
    }
}
