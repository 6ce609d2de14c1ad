/// Slice, forward and backward.
extension ShapeOps {
    /// Which elements a Slice keeps: a start and step per axis, and the output shape.
    struct SliceRegion {
        var starts: [Int]
        var steps: [Int]
        var outputShape: [Int]

        init(inputShape: [Int]) {
            starts = Array(repeating: 0, count: inputShape.count)
            steps = Array(repeating: 1, count: inputShape.count)
            outputShape = inputShape
        }

        /// From Slice's inputs (starts, ends, axes, steps), clamped as ONNX specifies.
        init(_ shape: [Int], io: borrowing KernelIO, node: Node) throws {
            self.init(inputShape: shape)
            let starts = try io.ints(1), ends = try io.ints(2)
            let axes = try io.optionalInts(3) ?? (0..<Int64(starts.count)).map { $0 }
            let steps = try io.optionalInts(4) ?? Array(repeating: 1, count: starts.count)
            guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
                throw InferenceError("node '\(node.name)' (Slice): starts, ends, axes and steps differ in length")
            }
            for i in starts.indices {
                let axis = try normalizedAxis(Int(axes[i]), rank: shape.count, node: node)
                let dim = shape[axis]
                let step = Int(steps[i])
                guard step != 0 else { throw InferenceError("node '\(node.name)' (Slice): step 0") }
                func resolve(_ value: Int64) -> Int {
                    let v = value < 0 ? Int(clamping: value) + dim : Int(clamping: value)
                    return step > 0 ? min(max(v, 0), dim) : min(max(v, -1), dim - 1)
                }
                let start = resolve(starts[i]), end = resolve(ends[i])
                let count = step > 0 ? max(0, (end - start + step - 1) / step) : max(0, (start - end - step - 1) / -step)
                self.starts[axis] = start
                self.steps[axis] = step
                self.outputShape[axis] = count
            }
        }
    }

    static func slice(_ x: Value, region: SliceRegion) -> Value {
        switch x {
        case .float(let t): .float(sliced(t, region))
        case .int(let t): .int(sliced(t, region))
        }
    }

    /// A strided copy: the trailing axes kept whole (and the innermost partial one, when its
    /// step is 1) form contiguous runs copied at once; the axes before them advance as an
    /// odometer. ChromBPNet's crops spent a third of the forward pass in a per-element
    /// index computation here.
    static func sliced<S>(_ x: Tensor<S>, _ region: SliceRegion) -> Tensor<S> {
        let count = region.outputShape.reduce(1, *)
        guard count > 0 else { return Tensor(shape: region.outputShape, scalars: []) }
        let inputStrides = strides(of: x.shape)
        let base = zip(region.starts, inputStrides).reduce(0) { $0 + $1.0 * $1.1 }
        var run = 1, outerRank = x.shape.count
        while outerRank > 0, region.steps[outerRank - 1] == 1, region.outputShape[outerRank - 1] == x.shape[outerRank - 1] {
            outerRank -= 1
            run *= x.shape[outerRank]
        }
        if outerRank > 0, region.steps[outerRank - 1] == 1 {
            outerRank -= 1
            run *= region.outputShape[outerRank]
        }
        let outerShape = Array(region.outputShape[..<outerRank])
        let outerStrides = (0..<outerRank).map { region.steps[$0] * inputStrides[$0] }
        let result = [S](unsafeUninitializedCapacity: count) { target, initialized in
            x.scalars.withUnsafeBufferPointer { source in
                var index = Array(repeating: 0, count: outerRank)
                var offset = base
                for start in stride(from: 0, to: count, by: run) {
                    (target.baseAddress! + start).initialize(from: source.baseAddress! + offset, count: run)
                    advanceOdometer(&index, offset: &offset, strides: outerStrides, shape: outerShape, lastAxis: outerRank - 1)
                }
            }
            initialized = count
        }
        return Tensor(shape: region.outputShape, scalars: result)
    }

    static func sliceBackward(_ dy: Tensor<Float>, inputShape: [Int], region: SliceRegion) -> Tensor<Float> {
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        let inputStrides = strides(of: inputShape), outputStrides = strides(of: region.outputShape)
        let base = zip(region.starts, inputStrides).reduce(0) { $0 + $1.0 * $1.1 }
        for flat in 0..<dy.count {
            var offset = base
            for axis in region.outputShape.indices {
                offset += (flat / outputStrides[axis]) % region.outputShape[axis] * region.steps[axis] * inputStrides[axis]
            }
            dx[offset] += dy.scalars[flat]
        }
        return Tensor(shape: inputShape, scalars: dx)
    }
}
