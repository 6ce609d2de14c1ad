/// Concat and Split, forward and backward (each is the other's gradient).
extension ShapeOps {
    static func concatShape(_ shapes: [[Int]], axis: Int, node: Node) throws -> [Int] {
        guard let first = shapes.first else { throw InferenceError("node '\(node.name)' (Concat) has no inputs") }
        let a = try normalizedAxis(axis, rank: first.count, node: node)
        var result = first
        result[a] = 0
        for shape in shapes {
            guard shape.count == first.count, shape.indices.allSatisfy({ $0 == a || shape[$0] == first[$0] }) else {
                throw InferenceError("node '\(node.name)' (Concat): shapes \(shapes) differ outside axis \(axis)")
            }
            result[a] += shape[a]
        }
        return result
    }

    static func concat(_ values: [Value], axis: Int, outputShape: [Int], node: Node) throws -> Value {
        let a = try normalizedAxis(axis, rank: outputShape.count, node: node)
        if values.allSatisfy({ $0.elementType == .float }) {
            return .float(concatenated(values.map { if case .float(let t) = $0 { t } else { fatalError() } }, axis: a, outputShape: outputShape))
        }
        guard values.allSatisfy({ $0.elementType == .int }) else {
            throw InferenceError("node '\(node.name)' (Concat): inputs mix element types")
        }
        return .int(concatenated(values.map { if case .int(let t) = $0 { t } else { fatalError() } }, axis: a, outputShape: outputShape))
    }

    /// Row copies through pointers: appending array slices cost more than the copies themselves
    /// when the rows are short (attention's relative-position shift concatenates rows of ~100).
    private static func concatenated<S>(_ tensors: [Tensor<S>], axis: Int, outputShape: [Int]) -> Tensor<S> {
        let outer = outputShape[..<axis].reduce(1, *)
        let blocks = tensors.map { $0.shape[axis...].reduce(1, *) }
        let count = outputShape.reduce(1, *)
        let result = [S](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard var target = buffer.baseAddress else { return }
            for o in 0..<outer {
                for (t, block) in zip(tensors, blocks) where block > 0 {
                    t.scalars.withUnsafeBufferPointer { source in
                        target.initialize(from: source.baseAddress! + o * block, count: block)
                    }
                    target += block
                }
            }
            initialized = count
        }
        return Tensor(shape: outputShape, scalars: result)
    }

    static func splitSizes(_ shape: [Int], axis: Int, sizes: [Int64]?, outputCount: Int, node: Node) throws -> [Int] {
        let a = try normalizedAxis(axis, rank: shape.count, node: node)
        if let sizes {
            // Sizes are checked one by one first, so their sum cannot overflow.
            guard sizes.allSatisfy({ $0 >= 0 && $0 <= shape[a] }), sizes.reduce(0, +) == shape[a] else {
                throw InferenceError("node '\(node.name)' (Split): sizes \(sizes) do not add up to \(shape[a])")
            }
            return sizes.map(Int.init)
        }
        guard outputCount > 0 else { throw InferenceError("node '\(node.name)' (Split) has no outputs") }
        // Equal parts; the last is smaller when the axis does not divide evenly (opset 18).
        let part = (shape[a] + outputCount - 1) / outputCount
        return (0..<outputCount).map { min(part, max(0, shape[a] - $0 * part)) }
    }

    static func split(_ x: Value, axis: Int, outputShapes: [[Int]]) throws -> [Value] {
        let a = axis < 0 ? axis + x.shape.count : axis
        var start = 0
        return outputShapes.map { shape in
            var region = SliceRegion(inputShape: x.shape)
            region.starts[a] = start
            region.steps[a] = 1
            region.outputShape = shape
            start += shape[a]
            return slice(x, region: region)
        }
    }

    static func concatBackward(_ dy: Tensor<Float>, inputShapes: [[Int]], axis: Int, node: Node) throws -> [Tensor<Float>] {
        let a = try normalizedAxis(axis, rank: dy.rank, node: node)
        var start = 0
        return inputShapes.map { shape in
            var region = SliceRegion(inputShape: dy.shape)
            region.starts[a] = start
            region.outputShape = shape
            start += shape[a]
            return sliced(dy, region)
        }
    }

    static func splitBackward(_ gradients: [Tensor<Float>?], outputs: [Value?], input: Tensor<Float>, axis: Int) throws -> Tensor<Float> {
        let a = axis < 0 ? axis + input.rank : axis
        let parts = zip(gradients, outputs).map { gradient, output in gradient ?? Tensor.zeros(output?.shape ?? []) }
        return concatenated(parts, axis: a, outputShape: input.shape)
    }
}
