/// Tile: the input repeated along each axis; its gradient sums the tiles.
extension ShapeOps {
    static func tileShape(_ shape: [Int], repeats: [Int64], node: Node) throws -> [Int] {
        guard repeats.count == shape.count, repeats.allSatisfy({ $0 >= 0 && $0 <= Int64(Limits.maximumElementCount) }) else {
            throw InferenceError("node '\(node.name)' (Tile): repeats \(repeats) need one non-negative count per axis of \(shape)")
        }
        return zip(shape, repeats).map { $0 * Int($1) }
    }

    static func tile(_ x: Value, outputShape: [Int]) -> Value {
        switch x {
        case .float(let t): .float(tiled(t, outputShape))
        case .int(let t): .int(tiled(t, outputShape))
        }
    }

    /// For each output element, the input element it copies.
    private static func tileSources(inputShape: [Int], outputShape: [Int]) -> [Int] {
        let inputStrides = strides(of: inputShape), outputStrides = strides(of: outputShape)
        return (0..<outputShape.reduce(1, *)).map { flat in
            var offset = 0
            for axis in outputShape.indices { offset += (flat / outputStrides[axis]) % outputShape[axis] % inputShape[axis] * inputStrides[axis] }
            return offset
        }
    }

    private static func tiled<S>(_ x: Tensor<S>, _ outputShape: [Int]) -> Tensor<S> {
        Tensor(shape: outputShape, scalars: tileSources(inputShape: x.shape, outputShape: outputShape).map { x.scalars[$0] })
    }

    static func tileBackward(_ dy: Tensor<Float>, inputShape: [Int]) -> Tensor<Float> {
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for (flat, source) in tileSources(inputShape: inputShape, outputShape: dy.shape).enumerated() { dx[source] += dy.scalars[flat] }
        return Tensor(shape: inputShape, scalars: dx)
    }
}
