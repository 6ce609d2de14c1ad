import CVectorMath

/// BatchNormalization (inference form), LayerNormalization, and GroupNormalization with its
/// special case InstanceNormalization.
enum Normalization {
    /// y = scale · (x − mean) / √(variance + ε) + bias, per channel (axis 1).
    static func batchNorm(
        _ x: Tensor<Float>, scale: Tensor<Float>, bias: Tensor<Float>, mean: Tensor<Float>, variance: Tensor<Float>,
        epsilon: Float, node: Node, context: ExecutionContext
    ) throws -> Tensor<Float> {
        guard x.rank >= 2 else { throw InferenceError("node '\(node.name)' (BatchNormalization): input \(x.shape) has no channel axis") }
        let channels = x.shape[1]
        guard [scale, bias, mean, variance].allSatisfy({ $0.count == channels }) else {
            throw InferenceError("node '\(node.name)' (BatchNormalization): parameters must have \(channels) values, one per channel")
        }
        let spatial = x.shape.dropFirst(2).reduce(1, *)
        var multiplier = [Float](repeating: 0, count: channels), shift = multiplier
        for c in 0..<channels {
            multiplier[c] = scale.scalars[c] / (variance.scalars[c] + epsilon).squareRoot()
            shift[c] = bias.scalars[c] - mean.scalars[c] * multiplier[c]
        }
        var y = Tensor(shape: x.shape, scalars: context.buffers.take(count: x.count))
        y.scalars.withUnsafeMutableBufferPointer { buffer in
            x.scalars.withUnsafeBufferPointer { source in
                for plane in 0..<(x.shape[0] * channels) {
                    let c = plane % channels, a = multiplier[c], b = shift[c]
                    for i in plane * spatial ..< (plane + 1) * spatial { buffer[i] = source[i] * a + b }
                }
            }
        }
        return y
    }

    /// BatchNormalization's scale, bias, mean and variance each hold one value per channel (axis 1).
    static func checkBatchNormParameters(input: [Int], parameters: [[Int]], node: Node) throws {
        guard input.count >= 2 else { throw InferenceError("node '\(node.name)' (BatchNormalization): input \(input) has no channel axis") }
        guard parameters.allSatisfy({ $0.reduce(1, *) == input[1] }) else {
            throw InferenceError("node '\(node.name)' (BatchNormalization): parameters \(parameters) must have \(input[1]) values, one per channel")
        }
    }

    /// LayerNormalization's scale and bias broadcast over the normalised axes.
    static func checkLayerNormParameters(scale: [Int], bias: [Int]?, normalizedShape: [Int], node: Node) throws {
        try Broadcast.checkFits(scale, normalizedShape, label: "scale", node: node)
        if let bias { try Broadcast.checkFits(bias, normalizedShape, label: "bias", node: node) }
    }

    /// Normalises over axes [axis, rank), then scales and shifts (both broadcast over those axes).
    /// Also returns the mean and 1/√(variance + ε) of each normalised row (optional outputs).
    static func layerNorm(
        _ x: Tensor<Float>, scale: Tensor<Float>, bias: Tensor<Float>?, axis: Int, epsilon: Float, statisticsShape: [Int], node: Node
    ) throws -> (Tensor<Float>, mean: Tensor<Float>, inverseDeviation: Tensor<Float>) {
        let first = axis < 0 ? axis + x.rank : axis
        guard first >= 0, first < x.rank else {
            throw InferenceError("node '\(node.name)' (LayerNormalization): axis \(axis) is outside rank \(x.rank)")
        }
        let normalizedShape = Array(x.shape[first...])
        let size = normalizedShape.reduce(1, *)
        try checkLayerNormParameters(scale: scale.shape, bias: bias?.shape, normalizedShape: normalizedShape, node: node)
        let gamma = scale.broadcastIfNeeded(to: normalizedShape).scalars
        let beta = bias?.broadcastIfNeeded(to: normalizedShape).scalars
        let rows = size == 0 ? 0 : x.count / size
        var means = [Float](repeating: 0, count: rows), inverses = means
        var y = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                gamma.withUnsafeBufferPointer { gamma in
                    if let beta {
                        beta.withUnsafeBufferPointer { beta in
                            seqlens_layer_norm(from, to, rows, size, gamma.baseAddress, beta.baseAddress, epsilon, &means, &inverses)
                        }
                    } else {
                        seqlens_layer_norm(from, to, rows, size, gamma.baseAddress, nil, epsilon, &means, &inverses)
                    }
                }
            }
        }
        return (Tensor(shape: x.shape, scalars: y), Tensor(shape: statisticsShape, scalars: means), Tensor(shape: statisticsShape, scalars: inverses))
    }
}

extension Normalization {
    /// Inference-mode BatchNorm is a per-channel affine map: dX = dY · scale / √(var + ε).
    static func batchNormBackward(_ dy: Tensor<Float>, scale: Tensor<Float>, variance: Tensor<Float>, epsilon: Float) throws -> Tensor<Float> {
        let channels = dy.shape[1]
        let spatial = dy.shape.dropFirst(2).reduce(1, *)
        var dx = dy.scalars
        for plane in 0..<(dy.shape[0] * channels) {
            let c = plane % channels
            let factor = scale.scalars[c] / (variance.scalars[c] + epsilon).squareRoot()
            for i in plane * spatial ..< (plane + 1) * spatial { dx[i] *= factor }
        }
        return Tensor(shape: dy.shape, scalars: dx)
    }

    /// With x̂ = (x − μ)·s and g = dY·γ over each normalised row of n values:
    /// dX = s · (g − mean(g) − x̂ · mean(g · x̂)).
    static func layerNormBackward(_ dy: Tensor<Float>, x: Tensor<Float>, scale: Tensor<Float>, axis: Int, epsilon: Float) throws -> Tensor<Float> {
        let first = axis < 0 ? axis + x.rank : axis
        let normalizedShape = Array(x.shape[first...])
        let size = normalizedShape.reduce(1, *)
        let gamma = scale.broadcastIfNeeded(to: normalizedShape).scalars
        var dx = [Float](repeating: 0, count: x.count)
        var xhat = [Float](repeating: 0, count: size), g = xhat
        for row in 0..<(size == 0 ? 0 : x.count / size) {
            let start = row * size
            var mean: Float = 0
            for i in 0..<size { mean += x.scalars[start + i] }
            mean /= Float(size)
            var variance: Float = 0
            for i in 0..<size { let d = x.scalars[start + i] - mean; variance += d * d }
            let s = 1 / (variance / Float(size) + epsilon).squareRoot()
            var meanG: Float = 0, meanGX: Float = 0
            for i in 0..<size {
                xhat[i] = (x.scalars[start + i] - mean) * s
                g[i] = dy.scalars[start + i] * gamma[i]
                meanG += g[i]
                meanGX += g[i] * xhat[i]
            }
            meanG /= Float(size)
            meanGX /= Float(size)
            for i in 0..<size { dx[start + i] = s * (g[i] - meanG - xhat[i] * meanGX) }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }
}

/// GroupNormalization and InstanceNormalization: each group of channels of each sample (one
/// channel for InstanceNormalization) is normalised over its channels and positions, then
/// scaled and shifted per channel.
extension Normalization {
    /// Rows of the normalisation: `rows` contiguous runs of `size` values, each spanning
    /// `channelsPerRow` channels of `plane` positions.
    struct Groups {
        let rows, size, channels, channelsPerRow, plane: Int

        init(input shape: [Int], groups: GroupCount, node: Node) throws {
            guard shape.count >= 2 else { throw InferenceError("node '\(node.name)' (\(node.opType)): input \(shape) has no channel axis") }
            channels = shape[1]
            let count: Int
            switch groups {
            case .perChannel: count = channels
            case .count(let groups): count = groups
            }
            guard channels > 0 else { throw InferenceError("node '\(node.name)' (\(node.opType)): input \(shape) has no channels to normalise") }
            guard count > 0, channels % count == 0 else {
                throw InferenceError("node '\(node.name)' (\(node.opType)): \(channels) channels do not split into \(count) groups")
            }
            channelsPerRow = channels / count
            plane = shape.dropFirst(2).reduce(1, *)
            size = channelsPerRow * plane
            rows = shape[0] * count
        }

        /// Per-channel scale or bias from one value per channel or (GroupNormalization-18) per group.
        func perChannel(_ values: [Float], label: String, node: Node) throws -> [Float] {
            if values.count == channels { return values }
            guard values.count == channels / channelsPerRow else {
                throw InferenceError("node '\(node.name)' (\(node.opType)): \(label) has \(values.count) values; expected one per channel (\(channels)) or per group (\(channels / channelsPerRow))")
            }
            return (0..<channels).map { values[$0 / channelsPerRow] }
        }

        func channel(row: Int, offset: Int) -> Int { (row * channelsPerRow + offset / plane) % channels }

        /// Mean and 1/√(variance + ε) of one row.
        func statistics(_ x: UnsafeBufferPointer<Float>, row: Int, epsilon: Float) -> (mean: Float, inverse: Float) {
            let start = x.baseAddress! + row * size
            let mean = Float(Self.sum(start, count: size, minus: 0, squared: false) / Double(size))
            let variance = Self.sum(start, count: size, minus: mean, squared: true) / Double(size)
            return (mean, Float(1 / (variance + Double(epsilon)).squareRoot()))
        }

        /// Σ (x − minus) or Σ (x − minus)²: eight Float lanes within blocks of 1024 values (vectorised),
        /// blocks added in Double (rows span many positions).
        private static func sum(_ x: UnsafePointer<Float>, count: Int, minus: Float, squared: Bool) -> Double {
            var total = 0.0
            var start = 0
            while start < count {
                let end = min(count, start + 1024)
                var lanes = SIMD8<Float>.zero
                var i = start
                while i + 8 <= end {
                    let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - SIMD8(repeating: minus)
                    lanes += squared ? d * d : d
                    i += 8
                }
                var block = lanes.sum()
                while i < end {
                    let d = x[i] - minus
                    block += squared ? d * d : d
                    i += 1
                }
                total += Double(block)
                start = end
            }
            return total
        }
    }

    static func checkGroupNormParameters(input: [Int], scale: [Int], bias: [Int], groups: GroupCount, node: Node) throws {
        let layout = try Groups(input: input, groups: groups, node: node)
        for (shape, label) in [(scale, "scale"), (bias, "bias")] {
            _ = try layout.perChannel([Float](repeating: 0, count: shape.reduce(1, *)), label: label, node: node)
        }
    }

    static func groupNorm(
        _ x: Tensor<Float>, scale: Tensor<Float>, bias: Tensor<Float>, groups: GroupCount, epsilon: Float, node: Node, context: ExecutionContext
    ) throws -> Tensor<Float> {
        let layout = try Groups(input: x.shape, groups: groups, node: node)
        let gamma = try layout.perChannel(scale.scalars, label: "scale", node: node)
        let beta = try layout.perChannel(bias.scalars, label: "bias", node: node)
        var y = context.buffers.take(count: x.count)
        x.scalars.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { target in
                parallelFor(layout.rows, threads: context.threads, work: x.count) { row in
                    let (mean, inverse) = layout.statistics(source, row: row, epsilon: epsilon)
                    for part in 0..<layout.channelsPerRow {
                        let c = layout.channel(row: row, offset: part * layout.plane)
                        let a = gamma[c] * inverse, b = beta[c] - mean * a
                        let first = row * layout.size + part * layout.plane
                        for i in first ..< first + layout.plane { target[i] = source[i] * a + b }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: y)
    }

    /// Per row, as LayerNormalization's: with x̂ = (x − μ)·s and g = dY·γ[channel],
    /// dX = s · (g − mean(g) − x̂ · mean(g · x̂)).
    static func groupNormBackward(_ dy: Tensor<Float>, x: Tensor<Float>, scale: Tensor<Float>, groups: GroupCount, epsilon: Float, node: Node) throws -> Tensor<Float> {
        let layout = try Groups(input: x.shape, groups: groups, node: node)
        let gamma = try layout.perChannel(scale.scalars, label: "scale", node: node)
        // An empty axis leaves nothing to normalise (and no buffer to read statistics from).
        if x.count == 0 { return x }
        var dx = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { source in
            for row in 0..<layout.rows {
                let (mean, s) = layout.statistics(source, row: row, epsilon: epsilon)
                let first = row * layout.size
                var meanG = 0.0, meanGX = 0.0
                for i in first ..< first + layout.size {
                    let g = Double(dy.scalars[i] * gamma[layout.channel(row: row, offset: i - first)])
                    meanG += g
                    meanGX += g * Double((source[i] - mean) * s)
                }
                let (averageG, averageGX) = (Float(meanG / Double(layout.size)), Float(meanGX / Double(layout.size)))
                for i in first ..< first + layout.size {
                    let g = dy.scalars[i] * gamma[layout.channel(row: row, offset: i - first)]
                    dx[i] = s * (g - averageG - (source[i] - mean) * s * averageGX)
                }
            }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }
}
