/// Pad in constant, reflect and edge modes, forward and backward.
extension ShapeOps {
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
        guard pads.allSatisfy({ abs($0) <= Limits.maximumElementCount }) else {
            throw InferenceError("node '\(node.name)' (Pad): pads \(pads) exceed the limit of \(Limits.maximumElementCount); the model is corrupt")
        }
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
        if mode == .constant, !x.shape.isEmpty {
            return constantPadded(x, amounts, fill: fill, count: count)
        }
        let outputStrides = strides(of: amounts.outputShape), inputStrides = strides(of: x.shape)
        return Tensor(shape: amounts.outputShape, scalars: (0..<count).map { flat in
            paddedSource(flat, amounts: amounts, inputShape: x.shape, mode: mode, outputStrides: outputStrides, inputStrides: inputStrides)
                .map { x.scalars[$0] } ?? fill
        })
    }

    /// Constant padding, pads of either sign (a negative pad crops: grelu's crops): each output
    /// row filled, then the part of its input row that survives copied in (per element, the
    /// crops and Basenji's pads took most of their models' time).
    private static func constantPadded<S>(_ x: Tensor<S>, _ amounts: PadAmounts, fill: S, count: Int) -> Tensor<S> {
        let rank = x.shape.count, outputShape = amounts.outputShape
        let inputStrides = strides(of: x.shape)
        let (rowLength, inputRow) = (outputShape[rank - 1], x.shape[rank - 1])
        // Output columns [first, last) of every row come from input columns shifted by `begin`.
        let shift = amounts.begin[rank - 1]
        let first = max(0, min(rowLength, shift)), last = max(first, min(rowLength, shift + inputRow))
        let result = [S](unsafeUninitializedCapacity: count) { target, initialized in
            target.initialize(repeating: fill)
            initialized = count
            guard last > first, rowLength > 0 else { return }
            x.scalars.withUnsafeBufferPointer { source in
                var index = Array(repeating: 0, count: rank - 1)
                for row in stride(from: 0, to: count, by: rowLength) {
                    // The input row this output row copies, if every axis lands inside the input.
                    var offset = 0, inside = true
                    for axis in 0..<(rank - 1) {
                        let inputIndex = index[axis] - amounts.begin[axis]
                        guard inputIndex >= 0, inputIndex < x.shape[axis] else { inside = false; break }
                        offset += inputIndex * inputStrides[axis]
                    }
                    if inside {
                        (target.baseAddress! + row + first).update(from: source.baseAddress! + offset + first - shift, count: last - first)
                    }
                    var axis = rank - 2
                    while axis >= 0 {
                        index[axis] += 1
                        if index[axis] < outputShape[axis] { break }
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return Tensor(shape: outputShape, scalars: result)
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
