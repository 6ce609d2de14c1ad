/// ReduceMean, ReduceSum, ReduceMax.
enum Reduce {
    /// Axes to reduce, normalised; nil/empty means all axes unless `noopWithEmptyAxes`.
    static func axes(_ raw: [Int64]?, rank: Int, noopWithEmptyAxes: Bool, node: Node) throws -> Set<Int> {
        guard let raw, !raw.isEmpty else { return noopWithEmptyAxes ? [] : Set(0..<rank) }
        return Set(try raw.map { try ShapeOps.normalizedAxis(Int($0), rank: rank, node: node) })
    }

    static func outputShape(_ shape: [Int], axes raw: [Int64]?, keepDims: Bool, noopWithEmptyAxes: Bool, node: Node) throws -> [Int] {
        let reduced = try axes(raw, rank: shape.count, noopWithEmptyAxes: noopWithEmptyAxes, node: node)
        return shape.indices.compactMap { axis in
            reduced.contains(axis) ? (keepDims ? 1 : nil) : shape[axis]
        }
    }

    static func apply(_ function: ReduceFunction, _ x: Value, axes raw: [Int64]?, keepDims: Bool, noopWithEmptyAxes: Bool, outputShape: [Int], node: Node) throws -> Value {
        let reduced = try axes(raw, rank: x.shape.count, noopWithEmptyAxes: noopWithEmptyAxes, node: node)
        switch x {
        case .float(let t):
            return .float(reduce(t, axes: reduced, outputShape: outputShape, function: function))
        case .int(let t):
            let result = reduce(Tensor(shape: t.shape, scalars: t.scalars.map { Double($0) }), axes: reduced, outputShape: outputShape, function: function)
            // ReduceMax over nothing is -∞: the type's minimum, as ONNX says; sums saturate.
            return .int(Tensor(shape: outputShape, scalars: result.scalars.map { Int64(exactly: $0) ?? ($0 < 0 ? .min : .max) }))
        }
    }

    private static func reduce<S: BinaryFloatingPoint>(_ x: Tensor<S>, axes: Set<Int>, outputShape: [Int], function: ReduceFunction) -> Tensor<S> {
        let keptShape = x.shape.indices.map { axes.contains($0) ? 1 : x.shape[$0] }
        let keptStrides = strides(of: keptShape)
        let inputStrides = strides(of: x.shape)
        let outputCount = keptShape.reduce(1, *)
        // Each function folds by maximum or by sum; mean then divides by the group size.
        let (maximum, divides): (Bool, Bool) = switch function {
        case .sum: (false, false)
        case .mean: (false, true)
        case .max: (true, false)
        }
        var accumulator = [S](repeating: maximum ? -S.infinity : 0, count: outputCount)
        let groupSize = outputCount == 0 ? 0 : x.count / outputCount
        for flat in 0..<x.count {
            var target = 0
            for axis in x.shape.indices where !axes.contains(axis) {
                target += (flat / inputStrides[axis]) % x.shape[axis] * keptStrides[axis]
            }
            let v = x.scalars[flat]
            accumulator[target] = maximum ? max(accumulator[target], v) : accumulator[target] + v
        }
        if divides, groupSize > 0 {
            for i in accumulator.indices { accumulator[i] /= S(groupSize) }
        }
        return Tensor(shape: outputShape, scalars: accumulator)
    }
}

extension Reduce {
    /// Sum: the gradient broadcast back; mean: divided by the group size; max: shared evenly
    /// among the elements equal to the maximum (as torch.amax does).
    static func backward(_ function: ReduceFunction, outputGradient dy: Tensor<Float>, x: Tensor<Float>, y: Tensor<Float>, axes: Set<Int>) -> Tensor<Float> {
        let keptShape = x.shape.indices.map { axes.contains($0) ? 1 : x.shape[$0] }
        let keptStrides = strides(of: keptShape), inputStrides = strides(of: x.shape)
        let groupSize = max(1, x.count / max(1, keptShape.reduce(1, *)))
        func target(_ flat: Int) -> Int {
            var offset = 0
            for axis in x.shape.indices where !axes.contains(axis) { offset += (flat / inputStrides[axis]) % x.shape[axis] * keptStrides[axis] }
            return offset
        }
        let sharesAmongTies: Bool = switch function {
        case .max: true
        case .sum, .mean: false
        }
        var ties = [Float](repeating: 0, count: sharesAmongTies ? y.count : 0)
        if sharesAmongTies { for flat in 0..<x.count where x.scalars[flat] == y.scalars[target(flat)] { ties[target(flat)] += 1 } }
        var dx = [Float](repeating: 0, count: x.count)
        for flat in 0..<x.count {
            let t = target(flat)
            switch function {
            case .sum: dx[flat] = dy.scalars[t]
            case .mean: dx[flat] = dy.scalars[t] / Float(groupSize)
            case .max: dx[flat] = x.scalars[flat] == y.scalars[t] ? dy.scalars[t] / ties[t] : 0
            }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }
}
