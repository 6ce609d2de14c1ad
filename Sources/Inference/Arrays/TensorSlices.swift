/// Windows of positions along one axis: what the incremental evaluator cuts out of and
/// writes into reference activations.
extension Tensor {
    /// Positions [start, end) of `axis`.
    public func slice(axis: Int, _ start: Int, _ end: Int) -> Tensor {
        if start == 0 && end == shape[axis] { return self }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), length = shape[axis]
        let row = (end - start) * inner
        // Block copies: appending an ArraySlice per row cost a retain, a release and a
        // capacity check each, on windows of many short rows (ISM's pooled layers).
        let result = [Scalar](unsafeUninitializedCapacity: outer * row) { buffer, count in
            scalars.withUnsafeBufferPointer { source in
                for o in 0..<outer {
                    (buffer.baseAddress! + o * row).initialize(from: source.baseAddress! + (o * length + start) * inner, count: row)
                }
            }
            count = outer * row
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

    /// Positions [start, end) of `axis` for each variant of `window` (batch M, the window's
    /// positions starting at `windowStart` of that axis): this batch-1 tensor's values, with
    /// the window's where the two overlap. One copy of each value, where slicing this tensor,
    /// repeating it per variant and writing the window's slice over it made four.
    func spliced(_ window: Tensor, at windowStart: Int, axis: Int, _ start: Int, _ end: Int) -> Tensor {
        precondition(shape[0] == 1 && window.shape.count == shape.count && axis > 0, "a batch-1 tensor and a window of its rank")
        let variants = window.shape[0], rows = shape[1..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let length = shape[axis], windowWidth = window.shape[axis], width = end - start
        let from = min(max(start, windowStart), end), to = max(min(end, windowStart + windowWidth), from)
        let result = [Scalar](unsafeUninitializedCapacity: variants * rows * width * inner) { buffer, count in
            scalars.withUnsafeBufferPointer { reference in
            window.scalars.withUnsafeBufferPointer { changed in
                for row in 0..<variants * rows {
                    let target = buffer.baseAddress! + row * width * inner
                    let referenceRow = reference.baseAddress! + (row % rows) * length * inner
                    let windowRow = changed.baseAddress! + row * windowWidth * inner
                    target.initialize(from: referenceRow + start * inner, count: (from - start) * inner)
                    (target + (from - start) * inner).initialize(from: windowRow + (from - windowStart) * inner, count: (to - from) * inner)
                    (target + (to - start) * inner).initialize(from: referenceRow + to * inner, count: (end - to) * inner)
                }
            }}
            count = variants * rows * width * inner
        }
        var newShape = window.shape
        newShape[axis] = width
        return Tensor(shape: newShape, scalars: result)
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
        let result = [Scalar](unsafeUninitializedCapacity: outer * block * count) { buffer, written in
            scalars.withUnsafeBufferPointer { source in
                for o in 0..<outer {
                    for copy in 0..<count {
                        (buffer.baseAddress! + (o * count + copy) * block).initialize(from: source.baseAddress! + o * block, count: block)
                    }
                }
            }
            written = outer * block * count
        }
        var newShape = shape
        newShape[axis] *= count
        return Tensor(shape: newShape, scalars: result)
    }
}
