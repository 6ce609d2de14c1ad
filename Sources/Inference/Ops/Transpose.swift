/// Transpose, forward and backward (the inverse permutation).
extension ShapeOps {
    static func transposeShape(_ shape: [Int], permutation: [Int]?, node: Node) throws -> [Int] {
        let perm = permutation ?? Array(shape.indices.reversed())
        guard perm.sorted() == Array(shape.indices) else {
            throw InferenceError("node '\(node.name)' (Transpose): perm \(perm) is not a permutation of \(shape.count) axes")
        }
        return perm.map { shape[$0] }
    }

    static func transpose(_ x: Value, permutation: [Int]?, outputShape: [Int]) throws -> Value {
        let perm = permutation ?? Array(x.shape.indices.reversed())
        switch x {
        case .float(let t): return .float(transposed(t, perm, outputShape))
        case .int(let t): return .int(transposed(t, perm, outputShape))
        }
    }

    static func transposed<S>(_ x: Tensor<S>, _ perm: [Int], _ outputShape: [Int]) -> Tensor<S> {
        let inputStrides = strides(of: x.shape)
        let sourceStrides = perm.map { inputStrides[$0] }
        let rank = outputShape.count
        guard rank > 0, x.count > 0 else { return Tensor(shape: outputShape, scalars: x.scalars) }
        let inner = outputShape[rank - 1], innerStride = sourceStrides[rank - 1]
        let result = [S](unsafeUninitializedCapacity: x.count) { target, initialized in
            x.scalars.withUnsafeBufferPointer { source in
                var index = Array(repeating: 0, count: rank)
                var offset = 0
                var out = target.baseAddress!
                for _ in 0..<(x.count / inner) {
                    let line = source.baseAddress! + offset
                    if innerStride == 1 {
                        out.initialize(from: line, count: inner)
                    } else {
                        for i in 0..<inner { (out + i).initialize(to: line[i * innerStride]) }
                    }
                    out += inner
                    advanceOdometer(&index, offset: &offset, strides: sourceStrides, shape: outputShape, lastAxis: rank - 2)
                }
            }
            initialized = x.count
        }
        return Tensor(shape: outputShape, scalars: result)
    }

    static func transposeBackward(_ dy: Tensor<Float>, permutation: [Int]?) -> Tensor<Float> {
        let perm = permutation ?? Array(dy.shape.indices.reversed())
        var inverse = Array(repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let shape = inverse.map { dy.shape[$0] }
        return transposed(dy, inverse, shape)
    }
}
