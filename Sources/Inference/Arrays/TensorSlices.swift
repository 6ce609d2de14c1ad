/// Windows of positions along one axis: what the incremental evaluator cuts out of and
/// writes into reference activations.
extension Tensor {
    /// Positions [start, end) of `axis`.
    public func slice(axis: Int, _ start: Int, _ end: Int) -> Tensor {
        if start == 0 && end == shape[axis] { return self }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), length = shape[axis]
        var result = [Scalar]()
        result.reserveCapacity(outer * (end - start) * inner)
        for o in 0..<outer {
            let base = o * length
            result.append(contentsOf: scalars[(base + start) * inner ..< (base + end) * inner])
        }
        var newShape = shape
        newShape[axis] = end - start
        return Tensor(shape: newShape, scalars: result)
    }
}

extension Tensor where Scalar == Float {
    /// Writes `block` (same shape but along `axis`) at position `offset` of `axis`.
    mutating func write(_ block: Tensor, axis: Int, at offset: Int) {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let length = shape[axis], width = block.shape[axis]
        scalars.withUnsafeMutableBufferPointer { target in
            block.scalars.withUnsafeBufferPointer { source in
                for o in 0..<outer {
                    (target.baseAddress! + (o * length + offset) * inner).update(from: source.baseAddress! + o * width * inner, count: width * inner)
                }
            }
        }
    }

    /// A batch-1 tensor repeated to batch `count`.
    func repeatingBatch(_ count: Int) -> Tensor {
        shape[0] == count ? self : repeated(count, along: 0)
    }
}

extension Tensor {
    /// Each block from `axis` inwards repeated `count` times: axis `axis` grows `count`-fold.
    /// A batch-1 value whose batch sits at `axis` (or is the outer factor of it) becomes the same
    /// value for each of `count` variants.
    func repeated(_ count: Int, along axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *), block = shape[axis...].reduce(1, *)
        var result = [Scalar]()
        result.reserveCapacity(outer * block * count)
        for o in 0..<outer {
            for _ in 0..<count { result.append(contentsOf: scalars[(o * block)..<((o + 1) * block)]) }
        }
        var newShape = shape
        newShape[axis] *= count
        return Tensor(shape: newShape, scalars: result)
    }
}
