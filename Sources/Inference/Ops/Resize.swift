/// Resize and Upsample: nearest and linear interpolation. Both are separable, so the input
/// is resampled one axis at a time, and 1-D, unit-height and full 2-D resizes share one loop.
/// Source positions follow ONNX's reference implementation (computed in Double from the
/// scale, as it does), which is what the conformance cases were generated with.
enum Resize {
    /// Where each output position of one axis reads:
    /// y[o] = x[lower[o]] · (1 − weight[o]) + x[upper[o]] · weight[o] (nearest: weight 0).
    struct Taps: Equatable {
        var lower: [Int]
        var upper: [Int]
        var weight: [Float]
        var count: Int { lower.count }

        /// Output positions [start, end) only, reading from an input slice that begins at `offset`.
        func restricted(_ start: Int, _ end: Int, offset: Int) -> Taps {
            Taps(lower: lower[start..<end].map { $0 - offset }, upper: upper[start..<end].map { $0 - offset },
                 weight: Array(weight[start..<end]))
        }
    }

    /// A resize for one input shape: the output shape and the taps of every axis that changes
    /// (nil where an axis is copied as is).
    struct Layout {
        var outputShape: [Int]
        var taps: [Taps?]
    }

    static func layout(_ attributes: ResizeAttributes, input shape: [Int], scales: [Float]?, sizes: [Int64]?, node: Node) throws -> Layout {
        func fail(_ message: String) -> InferenceError { InferenceError("node '\(node.name)' (\(node.opType)): \(message)") }
        let rank = shape.count
        let axes = try (attributes.axes ?? Array(0..<rank)).map { axis in
            guard axis >= -rank, axis < rank else { throw fail("axis \(axis) is outside rank \(rank)") }
            return axis < 0 ? axis + rank : axis
        }
        guard Set(axes).count == axes.count else { throw fail("axes \(axes) repeat an axis") }
        // Empty scales or sizes stand for "not given" (opset 11 needs a scales input even with sizes).
        let sizes = sizes.flatMap { $0.isEmpty ? nil : $0 }, scales = scales.flatMap { $0.isEmpty ? nil : $0 }
        guard let count = sizes?.count ?? scales?.count else { throw fail("needs scales or sizes") }
        guard count == axes.count else { throw fail("has \(count) scales or sizes for \(axes.count) axes of input \(shape)") }
        guard axes.allSatisfy({ shape[$0] > 0 }) else { throw fail("cannot resize the empty input \(shape)") }

        var scale = Array(repeating: 1.0, count: rank)
        var output = shape
        if let sizes {
            guard sizes.allSatisfy({ $0 >= 0 && $0 <= Int64(Limits.maximumElementCount) }) else { throw fail("sizes \(sizes) must lie in 0...\(Limits.maximumElementCount)") }
            for (axis, size) in zip(axes, sizes) { scale[axis] = Double(size) / Double(shape[axis]) }
            switch attributes.aspectRatioPolicy {
            case .stretch:
                for (axis, size) in zip(axes, sizes) { output[axis] = Int(size) }
            case .notLarger, .notSmaller:
                let ratios = axes.map { scale[$0] }
                let common = attributes.aspectRatioPolicy == .notLarger ? ratios.min()! : ratios.max()!
                for axis in axes {
                    scale[axis] = common
                    output[axis] = Int((common * Double(shape[axis]) + 0.5).rounded(.down))
                }
            }
        } else if let scales {
            for (axis, value) in zip(axes, scales) {
                guard value > 0, value.isFinite, Double(value) * Double(shape[axis]) <= Double(Limits.maximumElementCount) else {
                    throw fail("scale \(value) must be positive and keep the output within \(Limits.maximumElementCount) elements")
                }
                scale[axis] = Double(value)
                output[axis] = Int((Double(value) * Double(shape[axis])).rounded(.down))
            }
        }
        if attributes.antialias, scale.contains(where: { $0 < 1 }) {
            throw fail("antialiased downsampling is not supported; re-export the model with antialias=0 or without downsampling")
        }
        let taps = (0..<rank).map { axis -> Taps? in
            // As ONNX's reference: an axis scaled by 1 is copied whatever the coordinate mode.
            if abs(scale[axis] - 1) <= 1e-9, output[axis] == shape[axis] { return nil }
            return Self.taps(attributes, input: shape[axis], output: output[axis], scale: scale[axis])
        }
        return Layout(outputShape: output, taps: taps)
    }

    /// The taps of one axis resized from `input` to `output` positions.
    static func taps(_ attributes: ResizeAttributes, input: Int, output: Int, scale: Double) -> Taps {
        let outputWidth = scale * Double(input)  // fractional when the size comes from a scale
        var taps = Taps(lower: [], upper: [], weight: [])
        for o in 0..<output {
            let y = Double(o)
            let x: Double
            switch attributes.coordinates {
            case .halfPixel: x = (y + 0.5) / scale - 0.5
            case .halfPixelSymmetric:
                let offset = Double(input) / 2 * (1 - Double(output) / outputWidth)
                x = offset + (y + 0.5) / scale - 0.5
            case .pytorchHalfPixel: x = outputWidth == 1 ? -0.5 : (y + 0.5) / scale - 0.5
            case .alignCorners: x = outputWidth == 1 ? 0 : y * Double(input - 1) / (outputWidth - 1)
            case .asymmetric: x = y / scale
            case .tfHalfPixelForNN: x = (y + 0.5) / scale
            }
            let below = x.rounded(.down), fraction = x - below
            func clamped(_ position: Double) -> Int { Int(min(max(position, 0), Double(input - 1))) }
            switch attributes.mode {
            case .linear:
                taps.lower.append(clamped(below))
                taps.upper.append(clamped(below + 1))
                taps.weight.append(Float(fraction))
            case .nearest:
                let nearest: Double
                if fraction == 0 {
                    nearest = x
                } else {
                    switch attributes.rounding {
                    case .roundPreferFloor: nearest = fraction <= 0.5 ? below : below + 1
                    case .roundPreferCeil: nearest = fraction < 0.5 ? below : below + 1
                    case .floor: nearest = below
                    case .ceil: nearest = below + 1
                    case .simple: nearest = scale < 1 ? below + 1 : below
                    }
                }
                taps.lower.append(clamped(nearest))
                taps.upper.append(clamped(nearest))
                taps.weight.append(0)
            }
        }
        return taps
    }

    static func forward(_ x: Tensor<Float>, taps: [Taps?]) -> Tensor<Float> {
        var result = x
        for axis in taps.indices {
            guard let axisTaps = taps[axis] else { continue }
            result = resample(result, axis: axis, taps: axisTaps)
        }
        return result
    }

    /// The transpose of `forward`: each output gradient goes back to the positions it read,
    /// axis by axis in reverse order.
    static func backward(_ dy: Tensor<Float>, inputShape: [Int], taps: [Taps?]) -> Tensor<Float> {
        var gradient = dy
        for axis in taps.indices.reversed() {
            guard let axisTaps = taps[axis] else { continue }
            gradient = scatter(gradient, axis: axis, length: inputShape[axis], taps: axisTaps)
        }
        return gradient
    }

    private static func resample(_ x: Tensor<Float>, axis: Int, taps: Taps) -> Tensor<Float> {
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
        let length = x.shape[axis], outputLength = taps.count
        var shape = x.shape
        shape[axis] = outputLength
        var y = [Float](repeating: 0, count: outer * outputLength * inner)
        x.scalars.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { target in
                for block in 0..<outer {
                    let input = source.baseAddress! + block * length * inner
                    let output = target.baseAddress! + block * outputLength * inner
                    if inner == 1 {
                        // The last axis (sequence upsampling): one value per output position.
                        for o in 0..<outputLength {
                            let w = taps.weight[o], low = input[taps.lower[o]]
                            output[o] = w == 0 ? low : low * (1 - w) + input[taps.upper[o]] * w
                        }
                        continue
                    }
                    for o in 0..<outputLength {
                        let low = input + taps.lower[o] * inner, high = input + taps.upper[o] * inner
                        let w = taps.weight[o], row = output + o * inner
                        if w == 0 {
                            row.update(from: low, count: inner)
                        } else {
                            for i in 0..<inner { row[i] = low[i] * (1 - w) + high[i] * w }
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: y)
    }

    private static func scatter(_ dy: Tensor<Float>, axis: Int, length: Int, taps: Taps) -> Tensor<Float> {
        let outer = dy.shape[..<axis].reduce(1, *), inner = dy.shape[(axis + 1)...].reduce(1, *)
        let outputLength = taps.count
        var shape = dy.shape
        shape[axis] = length
        var dx = [Float](repeating: 0, count: outer * length * inner)
        dy.scalars.withUnsafeBufferPointer { source in
            dx.withUnsafeMutableBufferPointer { target in
                for block in 0..<outer {
                    let gradient = source.baseAddress! + block * outputLength * inner
                    let input = target.baseAddress! + block * length * inner
                    for o in 0..<outputLength {
                        let low = input + taps.lower[o] * inner, high = input + taps.upper[o] * inner
                        let w = taps.weight[o], row = gradient + o * inner
                        for i in 0..<inner {
                            low[i] += row[i] * (1 - w)
                            high[i] += row[i] * w
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: dx)
    }
}
