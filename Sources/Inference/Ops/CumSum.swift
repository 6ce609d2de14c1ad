/// CumSum along one axis (inclusive or exclusive, forward or reversed), on float and integer
/// tensors. Its gradient is the cumulative sum of the output gradient the other way round.
enum CumulativeSum {
    static func axis(_ io: borrowing KernelIO, rank: Int, node: Node) throws -> Int {
        let raw = try io.ints(1)
        guard raw.count == 1 else { throw InferenceError("node '\(node.name)' (CumSum): axis must be one value, got \(raw)") }
        return try ShapeOps.normalizedAxis(Int(raw[0]), rank: rank, node: node)
    }

    static func apply(_ x: Value, axis: Int, exclusive: Bool, reverse: Bool) -> Value {
        switch x {
        case .float(let t): .float(scan(t, axis: axis, exclusive: exclusive, reverse: reverse))
        case .int(let t): .int(scan(t, axis: axis, exclusive: exclusive, reverse: reverse))
        }
    }

    static func scan<S: AdditiveArithmetic>(_ x: Tensor<S>, axis: Int, exclusive: Bool, reverse: Bool) -> Tensor<S> {
        let outer = x.shape[..<axis].reduce(1, *), dim = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *)
        var result = [S](repeating: .zero, count: x.count)
        for o in 0..<outer {
            for i in 0..<inner {
                var running = S.zero
                for step in 0..<dim {
                    let flat = (o * dim + (reverse ? dim - 1 - step : step)) * inner + i
                    if exclusive { result[flat] = running }
                    running += x.scalars[flat]
                    if !exclusive { result[flat] = running }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: result)
    }
}
