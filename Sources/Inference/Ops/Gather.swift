/// Gather, forward and backward (gradients of repeated indices add up).
extension ShapeOps {
    static func gatherShape(_ data: [Int], indices: [Int], axis: Int, node: Node) throws -> [Int] {
        let a = try normalizedAxis(axis, rank: data.count, node: node)
        return Array(data[..<a]) + indices + Array(data[(a + 1)...])
    }

    static func gather(_ x: Value, indices: Tensor<Int64>, axis: Int, outputShape: [Int], node: Node) throws -> Value {
        let a = try normalizedAxis(axis, rank: x.shape.count, node: node)
        let dim = x.shape[a]
        let resolved = try indices.scalars.map { raw -> Int in
            let i = raw < 0 ? Int(raw) + dim : Int(raw)
            guard i >= 0, i < dim else {
                throw InferenceError("node '\(node.name)' (Gather): index \(raw) is out of range for axis of size \(dim)")
            }
            return i
        }
        switch x {
        case .float(let t): return .float(gathered(t, resolved, axis: a, outputShape: outputShape))
        case .int(let t): return .int(gathered(t, resolved, axis: a, outputShape: outputShape))
        }
    }

    private static func gathered<S>(_ x: Tensor<S>, _ indices: [Int], axis: Int, outputShape: [Int]) -> Tensor<S> {
        let outer = x.shape[..<axis].reduce(1, *)
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        let dim = x.shape[axis]
        var result = [S]()
        result.reserveCapacity(outputShape.reduce(1, *))
        for o in 0..<outer {
            for i in indices {
                let start = (o * dim + i) * inner
                result.append(contentsOf: x.scalars[start ..< start + inner])
            }
        }
        return Tensor(shape: outputShape, scalars: result)
    }

    static func gatherBackward(_ dy: Tensor<Float>, inputShape: [Int], indices: Tensor<Int64>, axis: Int, node: Node) throws -> Tensor<Float> {
        let a = try normalizedAxis(axis, rank: inputShape.count, node: node)
        let outer = inputShape[..<a].reduce(1, *), inner = inputShape[(a + 1)...].reduce(1, *), dim = inputShape[a]
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        var source = 0
        for o in 0..<outer {
            for raw in indices.scalars {
                let i = raw < 0 ? Int(raw) + dim : Int(raw)
                let start = (o * dim + i) * inner
                for j in 0..<inner { dx[start + j] += dy.scalars[source + j] }
                source += inner
            }
        }
        return Tensor(shape: inputShape, scalars: dx)
    }
}
