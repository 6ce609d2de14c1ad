import CVectorMath

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
        if let rowsAxis = perm.firstIndex(of: rank - 1), rowsAxis != rank - 1, outputShape[rowsAxis] >= 16, inner >= 16 {
            return blockTransposed(x, perm, outputShape, rowsAxis: rowsAxis, sourceStrides: sourceStrides)
        }
        if innerStride == 1, let floats = x as? Tensor<Float> {
            return rowsCopied(floats, outputShape, sourceStrides: sourceStrides) as! Tensor<S>
        }
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

    /// A transpose of floats that keeps the last axis: rows copied in C two axes at a time
    /// (`seqlens_copy_rows`), the odometer stepping once per block of rows. Axes of one are
    /// dropped and axes contiguous in the source merged first (into the rows themselves where
    /// they follow on), so rows are as long and blocks as large as the layout allows.
    static func rowsCopied(_ x: Tensor<Float>, _ outputShape: [Int], sourceStrides: [Int]) -> Tensor<Float> {
        var width = outputShape[outputShape.count - 1]
        var axes: [(size: Int, stride: Int)] = (0..<(outputShape.count - 1)).filter { outputShape[$0] > 1 }.map { (outputShape[$0], sourceStrides[$0]) }
        while let last = axes.last, last.stride == width {
            width *= last.size
            axes.removeLast()
        }
        var merged: [(size: Int, stride: Int)] = []
        for axis in axes {
            if let previous = merged.last, previous.stride == axis.stride * axis.size {
                merged[merged.count - 1] = (previous.size * axis.size, axis.stride)
            } else {
                merged.append(axis)
            }
        }
        while merged.count < 2 { merged.insert((1, 0), at: 0) }
        let (outer, inner) = (merged[merged.count - 2], merged[merged.count - 1])
        let blockShape = merged.dropLast(2).map(\.size), blockStrides = merged.dropLast(2).map(\.stride)
        let block = outer.size * inner.size * width
        let result = [Float](unsafeUninitializedCapacity: x.count) { target, initialized in
            x.scalars.withUnsafeBufferPointer { source in
                var index = Array(repeating: 0, count: blockShape.count), offset = 0
                for blockIndex in 0..<(x.count / block) {
                    seqlens_copy_rows(source.baseAddress! + offset, outer.stride, inner.stride, target.baseAddress! + blockIndex * block,
                                      outer.size, inner.size, width)
                    advanceOdometer(&index, offset: &offset, strides: blockStrides, shape: blockShape, lastAxis: blockShape.count - 1)
                }
            }
            initialized = x.count
        }
        return Tensor(shape: outputShape, scalars: result)
    }

    /// A transpose that moves the input's contiguous last axis (to output axis `rowsAxis`):
    /// copied in square tiles, so that both the lines read and the lines written stay in cache
    /// (element by element, one of the two strides through memory a whole row apart). Only
    /// for at least a tile each way: a short row (one-hot input's 4 channels) is cached anyway.
    static func blockTransposed<S>(_ x: Tensor<S>, _ perm: [Int], _ outputShape: [Int], rowsAxis: Int, sourceStrides: [Int]) -> Tensor<S> {
        let rank = outputShape.count, tile = 16
        let targetStrides = strides(of: outputShape)
        let outerAxes = (0..<rank).filter { $0 != rowsAxis && $0 != rank - 1 }
        let outerShape = outerAxes.map { outputShape[$0] }
        let outerSourceStrides = outerAxes.map { sourceStrides[$0] }, outerTargetStrides = outerAxes.map { targetStrides[$0] }
        let rows = outputShape[rowsAxis], rowStride = targetStrides[rowsAxis]
        let columns = outputShape[rank - 1], columnStride = sourceStrides[rank - 1]
        let result = [S](unsafeUninitializedCapacity: x.count) { target, initialized in
            x.scalars.withUnsafeBufferPointer { source in
                var sourceIndex = Array(repeating: 0, count: outerAxes.count), targetIndex = sourceIndex
                var sourceOffset = 0, targetOffset = 0
                for _ in 0..<outerShape.reduce(1, *) {
                    if S.self == Float.self {
                        // Floats (activations, attention's K) go through registers, eight by eight.
                        seqlens_transpose(UnsafeRawPointer(source.baseAddress! + sourceOffset).assumingMemoryBound(to: Float.self), columnStride,
                                          UnsafeMutableRawPointer(target.baseAddress! + targetOffset).assumingMemoryBound(to: Float.self), rowStride,
                                          rows, columns)
                    } else {
                        for row0 in stride(from: 0, to: rows, by: tile) {
                            let row1 = min(row0 + tile, rows)
                            for column0 in stride(from: 0, to: columns, by: tile) {
                                let column1 = min(column0 + tile, columns)
                                for row in row0..<row1 {
                                    let line = source.baseAddress! + sourceOffset + row
                                    let out = target.baseAddress! + targetOffset + row * rowStride
                                    for column in column0..<column1 { (out + column).initialize(to: line[column * columnStride]) }
                                }
                            }
                        }
                    }
                    advanceOdometer(&sourceIndex, offset: &sourceOffset, strides: outerSourceStrides, shape: outerShape, lastAxis: outerAxes.count - 1)
                    advanceOdometer(&targetIndex, offset: &targetOffset, strides: outerTargetStrides, shape: outerShape, lastAxis: outerAxes.count - 1)
                }
            }
            initialized = x.count
        }
        return Tensor(shape: outputShape, scalars: result)
    }

    static func transposeBackward(_ dy: Tensor<Float>, permutation: [Int]?) -> Tensor<Float> {
        let inverse = inversePermutation(permutation ?? Array(dy.shape.indices.reversed()))
        let shape = inverse.map { dy.shape[$0] }
        return transposed(dy, inverse, shape)
    }

    /// The permutation that undoes `perm`.
    static func inversePermutation(_ perm: [Int]) -> [Int] {
        var inverse = Array(repeating: 0, count: perm.count)
        for (index, axis) in perm.enumerated() { inverse[axis] = index }
        return inverse
    }
}
