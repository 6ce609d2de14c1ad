/// BatchNormalization (inference form) and LayerNormalization.
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
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<rows {
                let start = row * size
                var mean: Float = 0
                for i in 0..<size { mean += buffer[start + i] }
                mean /= Float(size)
                var variance: Float = 0
                for i in 0..<size { let d = buffer[start + i] - mean; variance += d * d }
                let inverse = 1 / (variance / Float(size) + epsilon).squareRoot()
                means[row] = mean
                inverses[row] = inverse
                for i in 0..<size {
                    buffer[start + i] = (buffer[start + i] - mean) * inverse * gamma[i] + (beta?[i] ?? 0)
                }
            }
        }
        return (y, Tensor(shape: statisticsShape, scalars: means), Tensor(shape: statisticsShape, scalars: inverses))
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
