/// Trilu: keeps the upper (column − row ≥ k) or lower (column − row ≤ k) triangle of the
/// last two axes and zeroes the rest; the gradient passes through the same mask.
extension ShapeOps {
    static func triangle(_ x: Value, upper: Bool, diagonal k: Int64, node: Node) throws -> Value {
        guard x.shape.count >= 2 else { throw InferenceError("node '\(node.name)' (Trilu): input must have at least 2 axes, got \(x.shape)") }
        return switch x {
        case .float(let t): .float(masked(t, upper: upper, k: k))
        case .int(let t): .int(masked(t, upper: upper, k: k))
        }
    }

    static func masked<S: Numeric>(_ x: Tensor<S>, upper: Bool, k: Int64) -> Tensor<S> {
        let rows = x.shape[x.rank - 2], columns = x.shape[x.rank - 1]
        var result = x.scalars
        for flat in result.indices {
            let column = flat % columns, row = flat / columns % rows
            let offset = Int64(column - row)
            if upper ? offset < k : offset > k { result[flat] = .zero }
        }
        return Tensor(shape: x.shape, scalars: result)
    }

    /// Trilu's optional k input (default 0).
    static func triangleDiagonal(_ io: borrowing KernelIO, node: Node) throws -> Int64 {
        guard let k = try io.optionalInts(1) else { return 0 }
        guard k.count == 1 else { throw InferenceError("node '\(node.name)' (Trilu): k must be one value, got \(k)") }
        return k[0]
    }
}
