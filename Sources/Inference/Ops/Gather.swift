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
        let count = outer * indices.count * inner
        // Pointer copies: a Gather along the last axis (inner 1, as a reverse complement of
        // channels-first data is) moves one element per index.
        let result = [S](unsafeUninitializedCapacity: count) { target, initialized in
            x.scalars.withUnsafeBufferPointer { source in
                var out = target.baseAddress!
                for o in 0..<outer {
                    let block = source.baseAddress! + o * dim * inner
                    if inner == 1 {
                        for i in indices { out.initialize(to: block[i]); out += 1 }
                    } else {
                        for i in indices { out.initialize(from: block + i * inner, count: inner); out += inner }
                    }
                }
            }
            initialized = count
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

/// GatherND: slices of `data` addressed by index tuples along the last axis of `indices`,
/// within each of the leading `batchDims` axes that data and indices share. Backward adds
/// the gradient of each gathered slice back where it came from (repeated tuples add up).
extension ShapeOps {
    struct GatherNDLayout {
        let outputShape: [Int]
        /// Elements in one gathered slice (data's axes after the addressed ones).
        let sliceSize: Int
        private let dataShape: [Int]
        private let batchDims: Int
        /// Length of one index tuple: how many of data's axes it addresses.
        private let depth: Int
        private let tuplesPerBatch: Int

        init(data: [Int], indices: [Int], batchDims: Int, node: Node) throws {
            func refuse(_ reason: String) -> InferenceError {
                InferenceError("node '\(node.name)' (GatherND): \(reason) (data \(data), indices \(indices), batch_dims \(batchDims))")
            }
            guard !data.isEmpty, !indices.isEmpty else { throw refuse("data and indices need at least one axis") }
            guard batchDims >= 0, batchDims < min(data.count, indices.count) else {
                throw refuse("batch_dims must lie in 0..<\(min(data.count, indices.count))")
            }
            guard data.prefix(batchDims).elementsEqual(indices.prefix(batchDims)) else {
                throw refuse("the first \(batchDims) axes of data and indices must be equal")
            }
            let depth = indices[indices.count - 1]
            guard depth >= 1, depth <= data.count - batchDims else {
                throw refuse("the last axis of indices must hold 1 to \(data.count - batchDims) coordinates")
            }
            self.dataShape = data
            self.batchDims = batchDims
            self.depth = depth
            self.tuplesPerBatch = indices[batchDims ..< indices.count - 1].reduce(1, *)
            self.sliceSize = data[(batchDims + depth)...].reduce(1, *)
            self.outputShape = Array(indices.dropLast()) + Array(data[(batchDims + depth)...])
        }

        /// Where each gathered slice starts in data, in output order; indices may be negative.
        func sliceStarts(_ indices: Tensor<Int64>, node: Node) throws -> [Int] {
            let batches = dataShape.prefix(batchDims).reduce(1, *)
            let batchStride = dataShape[batchDims...].reduce(1, *)
            let addressed = Array(dataShape[batchDims ..< batchDims + depth])
            var strides = [Int](repeating: sliceSize, count: depth)
            for axis in stride(from: depth - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * addressed[axis + 1] }
            var starts = [Int]()
            starts.reserveCapacity(batches * tuplesPerBatch)
            for batch in 0..<batches {
                for tuple in 0..<tuplesPerBatch {
                    let first = (batch * tuplesPerBatch + tuple) * depth
                    var start = batch * batchStride
                    for axis in 0..<depth {
                        let raw = indices.scalars[first + axis], dim = addressed[axis]
                        guard raw >= -Int64(dim), raw < Int64(dim) else {
                            throw InferenceError("node '\(node.name)' (GatherND): index \(raw) is out of range for axis \(batchDims + axis) of size \(dim)")
                        }
                        start += (raw < 0 ? Int(raw) + dim : Int(raw)) * strides[axis]
                    }
                    starts.append(start)
                }
            }
            return starts
        }
    }

    static func gatherND(_ x: Value, indices: Tensor<Int64>, batchDims: Int, node: Node) throws -> Value {
        let layout = try GatherNDLayout(data: x.shape, indices: indices.shape, batchDims: batchDims, node: node)
        let starts = try layout.sliceStarts(indices, node: node)
        func gathered<S>(_ t: Tensor<S>) -> Tensor<S> {
            var result = [S]()
            result.reserveCapacity(starts.count * layout.sliceSize)
            for start in starts { result.append(contentsOf: t.scalars[start ..< start + layout.sliceSize]) }
            return Tensor(shape: layout.outputShape, scalars: result)
        }
        switch x {
        case .float(let t): return .float(gathered(t))
        case .int(let t): return .int(gathered(t))
        }
    }

    static func gatherNDBackward(_ dy: Tensor<Float>, inputShape: [Int], indices: Tensor<Int64>, batchDims: Int, node: Node) throws -> Tensor<Float> {
        let layout = try GatherNDLayout(data: inputShape, indices: indices.shape, batchDims: batchDims, node: node)
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for (slice, start) in try layout.sliceStarts(indices, node: node).enumerated() {
            let source = slice * layout.sliceSize
            for j in 0..<layout.sliceSize { dx[start + j] += dy.scalars[source + j] }
        }
        return Tensor(shape: inputShape, scalars: dx)
    }
}
