/// Flatten, Reshape, Squeeze and Unsqueeze: only the shape changes (the data is reused
/// as is, see `Value.reshaped`), so the gradient is the output gradient reshaped back.
extension ShapeOps {
    static func flattenShape(_ shape: [Int], axis: Int, node: Node) throws -> [Int] {
        let a = axis < 0 ? axis + shape.count : axis
        guard a >= 0, a <= shape.count else {
            throw InferenceError("node '\(node.name)' (Flatten): axis \(axis) is outside a rank-\(shape.count) tensor")
        }
        return [shape[..<a].reduce(1, *), shape[a...].reduce(1, *)]
    }

    static func reshapeShape(_ shape: [Int], target: [Int64], allowZero: Bool, node: Node) throws -> [Int] {
        var result = target.map(Int.init)
        let count = shape.reduce(1, *)
        for (axis, value) in result.enumerated() where value == 0 && !allowZero {
            guard axis < shape.count else {
                throw InferenceError("node '\(node.name)' (Reshape): 0 at axis \(axis) copies an input dimension the input \(shape) lacks")
            }
            result[axis] = shape[axis]
        }
        let inferred = result.indices.filter { result[$0] == -1 }
        guard inferred.count <= 1, result.allSatisfy({ $0 >= -1 }) else {
            throw InferenceError("node '\(node.name)' (Reshape): target shape \(target) is invalid")
        }
        if let axis = inferred.first {
            let known = Limits.elementCount(result.enumerated().filter { $0.offset != axis }.map(\.element)) ?? 0
            guard known > 0, count % known == 0 else {
                throw InferenceError("node '\(node.name)' (Reshape): cannot reshape \(shape) to \(target)")
            }
            result[axis] = count / known
        }
        guard Limits.elementCount(result) == count else {
            throw InferenceError("node '\(node.name)' (Reshape): cannot reshape \(shape) (\(count) elements) to \(result)")
        }
        return result
    }

    static func squeezeShape(_ shape: [Int], axes raw: [Int64]?, node: Node) throws -> [Int] {
        guard let raw else { return shape.filter { $0 != 1 } }
        let axes = Set(try raw.map { try normalizedAxis(Int($0), rank: shape.count, node: node) })
        for axis in axes where shape[axis] != 1 {
            throw InferenceError("node '\(node.name)' (Squeeze): axis \(axis) of \(shape) is not 1")
        }
        return shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    }

    static func unsqueezeShape(_ shape: [Int], axes raw: [Int64], node: Node) throws -> [Int] {
        let rank = shape.count + raw.count
        let axes = Set(try raw.map { try normalizedAxis(Int($0), rank: rank, node: node) })
        guard axes.count == raw.count else { throw InferenceError("node '\(node.name)' (Unsqueeze): repeated axes \(raw)") }
        var source = shape.makeIterator()
        return (0..<rank).map { axes.contains($0) ? 1 : source.next()! }
    }
}

extension Value {
    /// The same elements under another shape of equal size (Reshape, Flatten, Squeeze...).
    func reshaped(to shape: [Int]) throws -> Value {
        switch self {
        case .float(let t): .float(Tensor(shape: shape, scalars: t.scalars))
        case .int(let t): .int(Tensor(shape: shape, scalars: t.scalars))
        }
    }
}
