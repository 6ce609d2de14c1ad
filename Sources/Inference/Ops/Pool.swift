import CVectorMath

/// MaxPool, AveragePool (1-D and 2-D, with pads, strides, dilations, ceil_mode,
/// count_include_pad) and the global pools.
enum Pool {
    static func geometry(_ attributes: PoolAttributes, input: [Int], node: Node) throws -> WindowGeometry {
        guard input.count == 3 || input.count == 4 else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): input \(input) must be 3-D (N, C, L) or 4-D (N, C, H, W)")
        }
        return try WindowGeometry(attributes.spatial, inputSpatial: Array(input.dropFirst(2)), kernel: attributes.spatial.kernelShape, ceilMode: attributes.ceilMode, node: node)
    }

    static func outputShape(_ attributes: PoolAttributes, input: [Int], node: Node) throws -> [Int] {
        Array(input.prefix(2)) + (try geometry(attributes, input: input, node: node).output)
    }

    static func maxPool(
        _ attributes: PoolAttributes, input x: Tensor<Float>, outputShape: [Int], wantsIndices: Bool, node: Node, context: ExecutionContext
    ) throws -> (Tensor<Float>, indices: Tensor<Int64>) {
        let (y, indices) = try windows(attributes, maximum: true, wantsIndices: wantsIndices, input: x, outputShape: outputShape, node: node, context: context)
        return (y, Tensor(shape: wantsIndices ? outputShape : [0], scalars: indices))
    }

    static func averagePool(
        _ attributes: PoolAttributes, input x: Tensor<Float>, outputShape: [Int], node: Node, context: ExecutionContext
    ) throws -> Tensor<Float> {
        try windows(attributes, maximum: false, wantsIndices: false, input: x, outputShape: outputShape, node: node, context: context).0
    }

    /// One pass over every window: maximum (and, if asked, its flat input index as ONNX
    /// defines it) or average.
    private static func windows(
        _ attributes: PoolAttributes, maximum: Bool, wantsIndices: Bool, input x: Tensor<Float>, outputShape: [Int], node: Node, context: ExecutionContext
    ) throws -> (Tensor<Float>, [Int64]) {
        let g = try context.window ?? geometry(attributes, input: x.shape, node: node).asTwoDimensional
        let planes = x.shape[0] * x.shape[1]
        let (inH, inW) = (g.input[0], g.input[1])
        let (outH, outW) = (g.output[0], g.output[1])
        let (kH, kW) = (g.kernel[0], g.kernel[1])
        let (sH, sW) = (g.strides[0], g.strides[1])
        let (dH, dW) = (g.dilations[0], g.dilations[1])
        let (pH, pW) = (g.padBegin[0], g.padBegin[1])
        // The padded extent: count_include_pad counts padding cells but not cells beyond it (ceil mode).
        let (paddedH, paddedW) = (inH + g.padEnd[0], inW + g.padEnd[1])
        var y = context.buffers.take(count: planes * outH * outW)
        if maximum, !wantsIndices, inH == 1, kH == 1, dW == 1, pW == 0, (outW - 1) * sW + kW <= inW {
            // The shape of every 1-D CNN's pooling: windows inside the input, no padding.
            maxPoolRows(x, into: &y, planes: planes, inW: inW, outW: outW, kernel: kW, stride: sW, context: context)
            return (Tensor(shape: outputShape, scalars: y), [])
        }
        var indices = [Int64](repeating: 0, count: wantsIndices ? y.count : 0)
        x.scalars.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in
        indices.withUnsafeMutableBufferPointer { ip in
            let xBase = xp.baseAddress!, yBase = yp.baseAddress!, iBase = wantsIndices ? ip.baseAddress : nil
            parallelFor(planes, threads: context.threads, work: planes * outH * outW * kH * kW) { plane in
                let source = xBase + plane * inH * inW
                let target = yBase + plane * outH * outW
                for oh in 0..<outH {
                    let h0 = oh * sH - pH
                    for ow in 0..<outW {
                        let w0 = ow * sW - pW
                        var best = -Float.infinity, bestIndex = 0, sum: Float = 0, inside = 0, padded = 0
                        for kh in 0..<kH {
                            let h = h0 + kh * dH
                            for kw in 0..<kW {
                                let w = w0 + kw * dW
                                if h >= 0 && h < inH && w >= 0 && w < inW {
                                    let v = source[h * inW + w]
                                    if v > best || v.isNaN {
                                        best = v
                                        bestIndex = attributes.columnMajorIndices ? w * inH + h : h * inW + w
                                    }
                                    sum += v
                                    inside += 1
                                } else if h >= -pH && h < paddedH && w >= -pW && w < paddedW {
                                    padded += 1
                                }
                            }
                        }
                        let position = oh * outW + ow
                        if maximum {
                            target[position] = best
                            iBase?[plane * outH * outW + position] = Int64(plane * inH * inW + bestIndex)
                        } else {
                            let divisor = attributes.countIncludePad ? inside + padded : inside
                            target[position] = divisor > 0 ? sum / Float(divisor) : 0
                        }
                    }
                }
            }
        }}}
        return (Tensor(shape: outputShape, scalars: y), indices)
    }

    private static func maxPoolRows(
        _ x: Tensor<Float>, into y: inout [Float], planes: Int, inW: Int, outW: Int, kernel: Int, stride: Int, context: ExecutionContext
    ) {
        x.scalars.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in
            let xBase = xp.baseAddress!, yBase = yp.baseAddress!
            // Vectorised C (the select a window's maximum needs was several SSE2 instructions in
            // Swift), a block of planes per call, which pools short planes as one row.
            parallelChunks(planes, threads: context.threads, work: planes * inW) { block in
                seqlens_max_pool_rows(xBase + block.lowerBound * inW, yBase + block.lowerBound * outW, block.count, inW, outW, kernel, stride)
            }
        }}
    }

    /// GlobalAveragePool / GlobalMaxPool: one value per (sample, channel).
    static func global(_ x: Tensor<Float>, maximum: Bool) -> Tensor<Float> {
        let planes = x.shape.prefix(2).reduce(1, *)
        let size = planes == 0 ? 0 : x.count / planes
        var y = [Float](repeating: 0, count: planes)
        for plane in 0..<planes {
            let slice = x.scalars[plane * size ..< (plane + 1) * size]
            y[plane] = maximum ? (slice.max() ?? 0) : slice.reduce(0, +) / Float(size)
        }
        return Tensor(shape: Array(x.shape.prefix(2)) + Array(repeating: 1, count: max(0, x.rank - 2)), scalars: y)
    }
}

extension Pool {
    /// MaxPool routes each output's gradient to its window's maximum (the first, on ties,
    /// as the forward pass picks it); AveragePool spreads it over the window's divisor.
    /// - Parameter positiveOnly: MaxPool routes only to maxima above zero. With x the output of
    ///   a Relu, that is the Relu's gradient too: the two backward passes fused into one.
    static func backward(
        _ attributes: PoolAttributes, maximum: Bool, outputGradient dy: Tensor<Float>, input x: Tensor<Float>, node: Node, buffers: BufferPool,
        positiveOnly: Bool = false
    ) throws -> Tensor<Float> {
        let g = try geometry(attributes, input: x.shape, node: node).asTwoDimensional
        let planes = x.shape[0] * x.shape[1]
        let (inH, inW) = (g.input[0], g.input[1])
        let (outH, outW) = (g.output[0], g.output[1])
        let (kH, kW) = (g.kernel[0], g.kernel[1])
        let (pH, pW) = (g.padBegin[0], g.padBegin[1])
        let (paddedH, paddedW) = (inH + g.padEnd[0], inW + g.padEnd[1])
        if maximum, inH == 1, kH == 1, g.dilations[1] == 1, pW == 0, (outW - 1) * g.strides[1] + kW <= inW {
            return maxPoolRowsBackward(dy, input: x, planes: planes, inW: inW, outW: outW, kernel: kW, stride: g.strides[1],
                                       positiveOnly: positiveOnly, buffers: buffers)
        }
        var dx = buffers.takeZeroed(count: x.count)
        for plane in 0..<planes {
            let source = plane * inH * inW
            for oh in 0..<outH {
                for ow in 0..<outW {
                    let gradient = dy.scalars[(plane * outH + oh) * outW + ow]
                    // Two passes over the window: find the maximum (or count the divisor), then route.
                    var best = -Float.infinity, bestIndex = -1, inside = 0, padded = 0
                    for kh in 0..<kH {
                        let h = oh * g.strides[0] - pH + kh * g.dilations[0]
                        for kw in 0..<kW {
                            let w = ow * g.strides[1] - pW + kw * g.dilations[1]
                            if h >= 0 && h < inH && w >= 0 && w < inW {
                                let index = source + h * inW + w
                                if x.scalars[index] > best || bestIndex < 0 { best = x.scalars[index]; bestIndex = index }
                                inside += 1
                            } else if h >= -pH && h < paddedH && w >= -pW && w < paddedW {
                                padded += 1
                            }
                        }
                    }
                    if maximum {
                        if bestIndex >= 0, !positiveOnly || best > 0 { dx[bestIndex] += gradient }
                        continue
                    }
                    let divisor = attributes.countIncludePad ? inside + padded : inside
                    guard divisor > 0 else { continue }
                    let share = gradient / Float(divisor)
                    for kh in 0..<kH {
                        let h = oh * g.strides[0] - pH + kh * g.dilations[0]
                        guard h >= 0 && h < inH else { continue }
                        for kw in 0..<kW {
                            let w = ow * g.strides[1] - pW + kw * g.dilations[1]
                            if w >= 0 && w < inW { dx[source + h * inW + w] += share }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }

    /// Every 1-D CNN's pooling (as in the forward pass): windows inside the input. Each row of
    /// dX is zeroed while in cache, and each window's maximum found without branches (random
    /// data made the comparisons unpredictable).
    private static func maxPoolRowsBackward(
        _ dy: Tensor<Float>, input x: Tensor<Float>, planes: Int, inW: Int, outW: Int, kernel: Int, stride: Int, positiveOnly: Bool, buffers: BufferPool
    ) -> Tensor<Float> {
        var dx = buffers.take(count: x.count)
        x.scalars.withUnsafeBufferPointer { xp in
        dy.scalars.withUnsafeBufferPointer { gp in
        dx.withUnsafeMutableBufferPointer { dp in
            for plane in 0..<planes {
                let source = xp.baseAddress! + plane * inW, target = dp.baseAddress! + plane * inW
                let gradients = gp.baseAddress! + plane * outW
                target.update(repeating: 0, count: inW)
                for ow in 0..<outW {
                    let window = source + ow * stride
                    var best = 0, bestValue = window[0]
                    for i in 1..<kernel {
                        let value = window[i], better = value > bestValue
                        best = better ? i : best
                        bestValue = better ? value : bestValue
                    }
                    target[ow * stride + best] += positiveOnly && !(bestValue > 0) ? 0 : gradients[ow]
                }
            }
        }}}
        return Tensor(shape: x.shape, scalars: dx)
    }

    static func globalBackward(_ dy: Tensor<Float>, input x: Tensor<Float>, maximum: Bool) -> Tensor<Float> {
        let planes = x.shape.prefix(2).reduce(1, *)
        let size = planes == 0 ? 0 : x.count / planes
        var dx = [Float](repeating: 0, count: x.count)
        for plane in 0..<planes {
            let range = plane * size ..< (plane + 1) * size
            if maximum {
                if let best = x.scalars[range].indices.max(by: { x.scalars[$0] < x.scalars[$1] }) { dx[best] = dy.scalars[plane] }
            } else {
                for i in range { dx[i] = dy.scalars[plane] / Float(size) }
            }
        }
        return Tensor(shape: x.shape, scalars: dx)
    }
}
