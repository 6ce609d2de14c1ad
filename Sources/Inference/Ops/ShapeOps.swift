/// Ops that move or select data without arithmetic: Flatten, Reshape, Squeeze, Unsqueeze,
/// Transpose, Concat, Split, Slice, Gather, Expand's shape, Shape, ConstantOfShape, Pad, Cast.
/// They work on float and integer tensors alike (graphs compute shapes with them).
enum ShapeOps {
    static func normalizedAxis(_ axis: Int, rank: Int, node: Node) throws -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < rank else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): axis \(axis) is outside a rank-\(rank) tensor")
        }
        return normalized
    }

    // MARK: Shape-only ops (data unchanged: see Value.reshaped)

    static func flattenShape(_ shape: [Int], axis: Int, node: Node) throws -> [Int] {
        let a = axis < 0 ? axis + shape.count : axis
        guard a >= 0, a <= shape.count else {
            throw InferenceError("node '\(node.name)' (Flatten): axis \(axis) is outside a rank-\(shape.count) tensor")
        }
        return [shape[..<a].reduce(1, *), shape[a...].reduce(1, *)]
    }

    static func reshapeShape(_ shape: [Int], target: [Int64], allowZero: Bool, node: Node) throws -> [Int] {
        var result = target.map(Int.init)
        let count = shape.reduce(1, *)
        for (axis, value) in result.enumerated() where value == 0 && !allowZero {
            guard axis < shape.count else {
                throw InferenceError("node '\(node.name)' (Reshape): 0 at axis \(axis) copies an input dimension the input \(shape) lacks")
            }
            result[axis] = shape[axis]
        }
        let inferred = result.indices.filter { result[$0] == -1 }
        guard inferred.count <= 1, result.allSatisfy({ $0 >= -1 }) else {
            throw InferenceError("node '\(node.name)' (Reshape): target shape \(target) is invalid")
        }
        if let axis = inferred.first {
            let known = result.enumerated().filter { $0.offset != axis }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw InferenceError("node '\(node.name)' (Reshape): cannot reshape \(shape) to \(target)")
            }
            result[axis] = count / known
        }
        guard result.reduce(1, *) == count else {
            throw InferenceError("node '\(node.name)' (Reshape): cannot reshape \(shape) (\(count) elements) to \(result)")
        }
        return result
    }

    static func squeezeShape(_ shape: [Int], axes raw: [Int64]?, node: Node) throws -> [Int] {
        guard let raw else { return shape.filter { $0 != 1 } }
        let axes = Set(try raw.map { try normalizedAxis(Int($0), rank: shape.count, node: node) })
        for axis in axes where shape[axis] != 1 {
            throw InferenceError("node '\(node.name)' (Squeeze): axis \(axis) of \(shape) is not 1")
        }
        return shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    }

    static func unsqueezeShape(_ shape: [Int], axes raw: [Int64], node: Node) throws -> [Int] {
        let rank = shape.count + raw.count
        let axes = Set(try raw.map { try normalizedAxis(Int($0), rank: rank, node: node) })
        guard axes.count == raw.count else { throw InferenceError("node '\(node.name)' (Unsqueeze): repeated axes \(raw)") }
        var source = shape.makeIterator()
        return (0..<rank).map { axes.contains($0) ? 1 : source.next()! }
    }

    static func replacing(_ shape: [Int], axis: Int, with value: Int, node: Node) throws -> [Int] {
        var result = shape
        result[try normalizedAxis(axis, rank: shape.count, node: node)] = value
        return result
    }

    // MARK: Transpose

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

    private static func transposed<S>(_ x: Tensor<S>, _ perm: [Int], _ outputShape: [Int]) -> Tensor<S> {
        let inputStrides = strides(of: x.shape)
        let sourceStrides = perm.map { inputStrides[$0] }
        let rank = outputShape.count
        guard rank > 0, x.count > 0 else { return Tensor(shape: outputShape, scalars: x.scalars) }
        var result = [S]()
        result.reserveCapacity(x.count)
        var index = Array(repeating: 0, count: rank)
        var offset = 0
        let inner = outputShape[rank - 1], innerStride = sourceStrides[rank - 1]
        x.scalars.withUnsafeBufferPointer { source in
            for _ in 0..<(x.count / inner) {
                for i in 0..<inner { result.append(source[offset + i * innerStride]) }
                var axis = rank - 2
                while axis >= 0 {
                    index[axis] += 1
                    offset += sourceStrides[axis]
                    if index[axis] < outputShape[axis] { break }
                    offset -= sourceStrides[axis] * index[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return Tensor(shape: outputShape, scalars: result)
    }

    // MARK: Concat and Split

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

    private static func concatenated<S>(_ tensors: [Tensor<S>], axis: Int, outputShape: [Int]) -> Tensor<S> {
        let outer = outputShape[..<axis].reduce(1, *)
        var result = [S]()
        result.reserveCapacity(outputShape.reduce(1, *))
        for o in 0..<outer {
            for t in tensors {
                let block = t.shape[axis...].reduce(1, *)
                result.append(contentsOf: t.scalars[o * block ..< (o + 1) * block])
            }
        }
        return Tensor(shape: outputShape, scalars: result)
    }

    static func splitSizes(_ shape: [Int], axis: Int, sizes: [Int64]?, outputCount: Int, node: Node) throws -> [Int] {
        let a = try normalizedAxis(axis, rank: shape.count, node: node)
        if let sizes {
            guard sizes.reduce(0, +) == shape[a], sizes.allSatisfy({ $0 >= 0 }) else {
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

    // MARK: Slice

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
        init(_ shape: [Int], io: KernelIO, node: Node) throws {
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

    private static func sliced<S>(_ x: Tensor<S>, _ region: SliceRegion) -> Tensor<S> {
        let count = region.outputShape.reduce(1, *)
        guard count > 0 else { return Tensor(shape: region.outputShape, scalars: []) }
        let inputStrides = strides(of: x.shape)
        let outputStrides = strides(of: region.outputShape)
        let base = zip(region.starts, inputStrides).reduce(0) { $0 + $1.0 * $1.1 }
        var result = [S]()
        result.reserveCapacity(count)
        for flat in 0..<count {
            var offset = base
            for axis in region.outputShape.indices {
                offset += (flat / outputStrides[axis]) % region.outputShape[axis] * region.steps[axis] * inputStrides[axis]
            }
            result.append(x.scalars[offset])
        }
        return Tensor(shape: region.outputShape, scalars: result)
    }

    // MARK: Gather

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

    // MARK: Shape, ConstantOfShape, Cast

    static func shapeSlice(_ shape: [Int], start: Int, end: Int?) -> [Int] {
        let rank = shape.count
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
        let s = clamp(start), e = clamp(end ?? rank)
        return s < e ? Array(shape[s..<e]) : []
    }

    static func filled(_ fill: Value, shape: [Int]) -> Value {
        switch fill {
        case .float(let t): .float(Tensor(shape: shape, repeating: t.scalars.first ?? 0))
        case .int(let t): .int(Tensor(shape: shape, repeating: t.scalars.first ?? 0))
        }
    }

    static func cast(_ x: Value, to type: ElementType) -> Value {
        switch (x, type) {
        case (.float, .float), (.int, .int): x
        case (.float(let t), .int): .int(Tensor(shape: t.shape, scalars: t.scalars.map { $0.isFinite ? Int64(clamping: Int($0.rounded(.towardZero))) : 0 }))
        case (.int(let t), .float): .float(Tensor(shape: t.shape, scalars: t.scalars.map { Float($0) }))
        }
    }

    // MARK: Pad

    struct PadAmounts {
        var begin: [Int]
        var end: [Int]
        var outputShape: [Int]
    }

    static func padAmounts(_ shape: [Int], pads: [Int64], axes: [Int64]?, node: Node) throws -> PadAmounts {
        let rank = shape.count
        let axisList = try (axes ?? (0..<Int64(rank)).map { $0 }).map { try normalizedAxis(Int($0), rank: rank, node: node) }
        guard pads.count == 2 * axisList.count else {
            throw InferenceError("node '\(node.name)' (Pad): \(pads.count) pads for \(axisList.count) axes")
        }
        var amounts = PadAmounts(begin: Array(repeating: 0, count: rank), end: Array(repeating: 0, count: rank), outputShape: shape)
        for (i, axis) in axisList.enumerated() {
            amounts.begin[axis] = Int(pads[i])
            amounts.end[axis] = Int(pads[i + axisList.count])
            amounts.outputShape[axis] = shape[axis] + amounts.begin[axis] + amounts.end[axis]
            guard amounts.outputShape[axis] >= 0 else {
                throw InferenceError("node '\(node.name)' (Pad): negative pads remove more than axis \(axis) holds")
            }
        }
        return amounts
    }

    static func pad(_ x: Value, amounts: PadAmounts, mode: PadMode, constant: Value?, node: Node) throws -> Value {
        for axis in x.shape.indices where mode != .constant && x.shape[axis] == 0 && amounts.outputShape[axis] > 0 {
            throw InferenceError("node '\(node.name)' (Pad): cannot \(mode)-pad an empty axis \(axis)")
        }
        switch x {
        case .float(let t):
            var fill: Float = 0
            if case .float(let c)? = constant, let v = c.scalars.first { fill = v }
            return .float(padded(t, amounts, mode: mode, fill: fill))
        case .int(let t):
            var fill: Int64 = 0
            if case .int(let c)? = constant, let v = c.scalars.first { fill = v }
            return .int(padded(t, amounts, mode: mode, fill: fill))
        }
    }

    private static func padded<S>(_ x: Tensor<S>, _ amounts: PadAmounts, mode: PadMode, fill: S) -> Tensor<S> {
        let count = amounts.outputShape.reduce(1, *)
        let outputStrides = strides(of: amounts.outputShape), inputStrides = strides(of: x.shape)
        return Tensor(shape: amounts.outputShape, scalars: (0..<count).map { flat in
            paddedSource(flat, amounts: amounts, inputShape: x.shape, mode: mode, outputStrides: outputStrides, inputStrides: inputStrides)
                .map { x.scalars[$0] } ?? fill
        })
    }
}

extension Value {
    /// The same elements under another shape of equal size (Reshape, Flatten, Squeeze...).
    func reshaped(to shape: [Int]) throws -> Value {
        switch self {
        case .float(let t): .float(Tensor(shape: shape, scalars: t.scalars))
        case .int(let t): .int(Tensor(shape: shape, scalars: t.scalars))
        }
    }
}

// MARK: Gradients of the data-movement ops: move the gradient back where the data came from.

extension ShapeOps {
    static func transposeBackward(_ dy: Tensor<Float>, permutation: [Int]?) -> Tensor<Float> {
        let perm = permutation ?? Array(dy.shape.indices.reversed())
        var inverse = Array(repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let shape = inverse.map { dy.shape[$0] }
        return transposed(dy, inverse, shape)
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

    /// Each output cell adds its gradient to the input cell it copied (none for constant padding).
    static func padBackward(_ dy: Tensor<Float>, inputShape: [Int], amounts: PadAmounts, mode: PadMode) -> Tensor<Float> {
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        let outputStrides = strides(of: amounts.outputShape), inputStrides = strides(of: inputShape)
        for flat in 0..<dy.count {
            if let offset = paddedSource(flat, amounts: amounts, inputShape: inputShape, mode: mode, outputStrides: outputStrides, inputStrides: inputStrides) {
                dx[offset] += dy.scalars[flat]
            }
        }
        return Tensor(shape: inputShape, scalars: dx)
    }

    /// The input offset an output cell of Pad copies, nil for constant padding.
    static func paddedSource(_ flat: Int, amounts: PadAmounts, inputShape: [Int], mode: PadMode, outputStrides: [Int], inputStrides: [Int]) -> Int? {
        var offset = 0
        for axis in amounts.outputShape.indices {
            var i = (flat / outputStrides[axis]) % amounts.outputShape[axis] - amounts.begin[axis]
            let n = inputShape[axis]
            if i < 0 || i >= n {
                switch mode {
                case .constant: return nil
                case .edge: i = min(max(i, 0), n - 1)
                case .reflect:
                    // Mirror without repeating the edge: period 2(n-1).
                    if n == 1 { i = 0 } else {
                        let period = 2 * (n - 1)
                        i = ((i % period) + period) % period
                        if i >= n { i = period - i }
                    }
                }
            }
            offset += i * inputStrides[axis]
        }
        return offset
    }
}
