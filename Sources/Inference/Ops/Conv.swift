import CVectorMath

/// Conv (1-D, and 2-D such as Keras's unit-height convolutions): im2col + sgemm per group,
/// several samples per product so that BLAS sees wide matrices.
enum Conv {
    /// Floats of im2col buffer per chunk of samples: large enough for wide products, small
    /// enough to stay in cache-friendly territory (16 MiB).
    static let columnBudget = 4 << 20
    /// Output lengths from which one product per sample is wide enough for BLAS.
    static let directOutputWidth = 32

    /// Sizes of one convolution, in the 2-D view (1-D has unit height): shared by forward and backward.
    struct Dimensions {
        let geometry: WindowGeometry
        let batch, channels, filters, group: Int
        let groupChannels, groupFilters: Int
        let inH, inW, outH, outW, kH, kW: Int
        var inPlane: Int { inH * inW }
        var outPlane: Int { outH * outW }
        /// im2col rows: one per (input channel of a group, kernel tap).
        var rows: Int { groupChannels * kH * kW }

        /// - Parameter planned: the geometry in the 2-D view when the plan worked it out already.
        init(_ attributes: ConvAttributes, input: [Int], weights: [Int], node: Node, planned: WindowGeometry? = nil) throws {
            geometry = try planned ?? Conv.geometry(attributes, input: input, weights: weights, node: node).asTwoDimensional
            (batch, channels, filters, group) = (input[0], input[1], weights[0], attributes.group)
            (groupChannels, groupFilters) = (channels / group, filters / group)
            (inH, inW, outH, outW) = (geometry.input[0], geometry.input[1], geometry.output[0], geometry.output[1])
            (kH, kW) = (geometry.kernel[0], geometry.kernel[1])
        }
    }

    static func geometry(_ attributes: ConvAttributes, input: [Int], weights: [Int], node: Node) throws -> WindowGeometry {
        guard input.count == 3 || input.count == 4, weights.count == input.count else {
            throw InferenceError("node '\(node.name)' (Conv): input \(input) and weights \(weights) must both be 3-D (1-D conv) or 4-D (2-D conv)")
        }
        let group = attributes.group
        guard group > 0, input[1] % group == 0, weights[0] % group == 0, weights[1] * group == input[1] else {
            throw InferenceError("node '\(node.name)' (Conv): input has \(input[1]) channels but weights \(weights) with group \(group) expect \(weights[1] * group)")
        }
        let kernel = Array(weights.dropFirst(2))
        if !attributes.spatial.kernelShape.isEmpty, attributes.spatial.kernelShape != kernel {
            throw InferenceError("node '\(node.name)' (Conv): kernel_shape \(attributes.spatial.kernelShape) does not match weights \(weights)")
        }
        return try WindowGeometry(attributes.spatial, inputSpatial: Array(input.dropFirst(2)), kernel: kernel, node: node)
    }

    static func outputShape(_ attributes: ConvAttributes, input: [Int], weights: [Int], node: Node) throws -> [Int] {
        let geometry = try geometry(attributes, input: input, weights: weights, node: node)
        return [input[0], weights[0]] + geometry.output
    }

    static func forward(
        _ attributes: ConvAttributes, input x: Tensor<Float>, weights w: Tensor<Float>, bias: Tensor<Float>?,
        outputShape: [Int], node: Node, context: ExecutionContext
    ) throws -> Tensor<Float> {
        let d = try Dimensions(attributes, input: x.shape, weights: w.shape, node: node, planned: context.window)
        let g = d.geometry
        let (batch, channels, filters, group) = (d.batch, d.channels, d.filters, d.group)
        let (groupChannels, groupFilters, rows) = (d.groupChannels, d.groupFilters, d.rows)
        let (inH, inW, outW, kH, kW) = (d.inH, d.inW, d.outW, d.kH, d.kW)
        let (inPlane, outPlane) = (d.inPlane, d.outPlane)
        if let bias, bias.count != filters {
            throw InferenceError("node '\(node.name)' (Conv): bias has \(bias.count) values for \(filters) filters")
        }

        if usesTapProducts(d) {
            return tapProducts(d, input: x, weights: w, bias: bias?.scalars, outputShape: outputShape, context: context)
        }
        // Long outputs: one product per sample, written straight into y. Short outputs
        // (deep layers): several samples per product, so BLAS sees wide matrices, then a scatter.
        let direct = outPlane >= directOutputWidth
        let blocks = direct ? positionBlocks(d, threads: context.threads) : 1
        if usesDirectKernel(d) {
            if !direct, batch > 1 {
                return directKernelSideBySide(d, input: x, weights: w, bias: bias?.scalars, outputShape: outputShape, context: context)
            }
            if usesWinograd(d) {
                return winogradConvolution(d, blocks: blocks, input: x, weights: w, bias: bias?.scalars, outputShape: outputShape, context: context)
            }
            return directKernel(d, blocks: blocks, input: x, weights: w, bias: bias?.scalars, outputShape: outputShape, context: context)
        }
        let chunk = direct ? 1 : max(1, min(batch, columnBudget / max(1, rows * outPlane)))
        let relu = context.reluEpilogue
        var columns = context.buffers.take(count: rows * chunk * outPlane)
        var product = context.buffers.take(count: direct ? 0 : groupFilters * chunk * outPlane)
        var y = context.buffers.take(count: batch * filters * outPlane)
        defer {
            context.buffers.recycle(columns)
            context.buffers.recycle(product)
        }

        x.scalars.withUnsafeBufferPointer { xp in
        w.scalars.withUnsafeBufferPointer { wp in
        columns.withUnsafeMutableBufferPointer { cp in
        product.withUnsafeMutableBufferPointer { pp in
        y.withUnsafeMutableBufferPointer { yp in
            let xBase = xp.baseAddress!, cBase = cp.baseAddress!, yBase = yp.baseAddress!
            let pBase = pp.baseAddress ?? cBase  // unused when direct
            let biases = bias?.scalars
            /// im2col of `count` samples from `first`, output positions `positions` of each:
            /// row (c, kh, kw), column (sample, position).
            func fillColumns(first: Int, count: Int, groupIndex: Int, positions: Range<Int>, into target: UnsafeMutablePointer<Float>, threads: Int) {
                let width = count * positions.count
                parallelFor(rows, threads: threads, work: rows * width) { row in
                    let kw = row % kW, kh = (row / kW) % kH, c = row / (kW * kH)
                    for sample in 0..<count {
                        let source = xBase + ((first + sample) * channels + groupIndex * groupChannels + c) * inPlane
                        fillColumnRow(source: source, target: target + row * width + sample * positions.count, kh: kh, kw: kw,
                                      geometry: g, inH: inH, inW: inW, outW: outW, positions: positions)
                    }
                }
            }
            /// Bias (and the fused Relu) over positions `positions` of a group's filter rows of y.
            func finish(_ target: UnsafeMutablePointer<Float>, groupIndex: Int, positions: Range<Int>) {
                guard biases != nil || relu else { return }
                for filter in 0..<groupFilters {
                    let b = biases?[groupIndex * groupFilters + filter] ?? 0, row = target + filter * outPlane
                    if relu {
                        for position in positions { let v = row[position] + b; row[position] = v > 0 ? v : 0 }
                    } else {
                        for position in positions { row[position] += b }
                    }
                }
            }
            // A 1×1 convolution with unit strides and no padding reads its input as the columns
            // (Enformer's attention-pool logits: im2col copied rows two values wide one at a time).
            let pointwise = kH == 1 && kW == 1 && g.strides.allSatisfy { $0 == 1 } && g.padBegin.allSatisfy { $0 == 0 }
                && g.padEnd.allSatisfy { $0 == 0 } && inPlane == outPlane
            for groupIndex in 0..<group {
                let weights = wp.baseAddress! + groupIndex * groupFilters * rows
                var first = 0
                while first < batch {
                    let count = min(chunk, batch - first)
                    let width = count * outPlane
                    if direct {
                        let target = yBase + (first * filters + groupIndex * groupFilters) * outPlane
                        guard blocks > 1 else {
                            var source = UnsafePointer(cBase)
                            if pointwise {
                                source = xBase + (first * channels + groupIndex * groupChannels) * inPlane
                            } else {
                                fillColumns(first: first, count: 1, groupIndex: groupIndex, positions: 0..<outPlane, into: cBase, threads: context.threads)
                            }
                            BLAS.sgemm(transA: false, transB: false, m: groupFilters, n: width, k: rows,
                                       a: weights, lda: rows, b: source, ldb: width, c: target, ldc: outPlane)
                            finish(target, groupIndex: groupIndex, positions: 0..<outPlane)
                            first += count
                            continue
                        }
                        // One sequence cannot be shared by batch: each thread takes a block of
                        // output positions, its own im2col columns and its own product.
                        let sample = first
                        concurrently(blocks) { block in
                            let positions = Self.block(block, of: blocks, extent: outPlane)
                            let blockColumns = cBase + rows * positions.lowerBound
                            fillColumns(first: sample, count: 1, groupIndex: groupIndex, positions: positions, into: blockColumns, threads: 1)
                            BLAS.sgemm(transA: false, transB: false, m: groupFilters, n: positions.count, k: rows,
                                       a: weights, lda: rows, b: blockColumns, ldb: positions.count,
                                       c: target + positions.lowerBound, ldc: outPlane, splitting: false)
                            finish(target, groupIndex: groupIndex, positions: positions)
                        }
                        first += count
                        continue
                    }
                    fillColumns(first: first, count: count, groupIndex: groupIndex, positions: 0..<outPlane, into: cBase, threads: context.threads)
                    BLAS.sgemm(transA: false, transB: false, m: groupFilters, n: width, k: rows,
                               a: weights, lda: rows, b: cBase, ldb: width, c: pBase, ldc: width)
                    // Scatter (filter, sample, position) into (sample, filter, position), adding bias.
                    for sample in 0..<count {
                        for filter in 0..<groupFilters {
                            let outChannel = groupIndex * groupFilters + filter
                            let b = biases?[outChannel] ?? 0
                            let source = pBase + filter * width + sample * outPlane
                            let target = yBase + ((first + sample) * filters + outChannel) * outPlane
                            if relu {
                                for position in 0..<outPlane { let v = source[position] + b; target[position] = v > 0 ? v : 0 }
                            } else {
                                for position in 0..<outPlane { target[position] = source[position] + b }
                            }
                        }
                    }
                    first += count
                }
            }
        }}}}}
        return Tensor(shape: outputShape, scalars: y)
    }

    /// A 1-D convolution with a few filters, fewer than its input channels, and a long kernel, such as
    /// BPNet's and ChromBPNet's profile heads (64 channels into 1 or 2 filters, 75 taps): im2col
    /// would copy the input once per tap (40 MB at 2,114 positions) to feed a product of one or
    /// two rows.
    static func usesTapProducts(_ d: Dimensions) -> Bool {
        d.group == 1 && d.inH == 1 && d.kH == 1 && d.kW >= minimumTaps && d.filters <= maximumTapFilters && d.filters < d.channels
    }
    static let minimumTaps = 8
    /// Filters up to which the tap products run: with more rows the product amortises im2col's
    /// copy (Basset's 300 → 200-channel, 11-tap convolution made basset-L1000 14 % slower).
    static let maximumTapFilters = 8

    /// A stride-1 1-D convolution (or Keras's unit-height 2-D one) with a kernel wider than one
    /// tap: CVectorMath's direct kernel, per sample and group, reads a zero-padded copy of the
    /// input, where im2col copied it once per tap for a BLAS call whose packing cost as much as
    /// its arithmetic (16 filters over 200 positions: 1.0 against 2.7 µs; 64 over 200, 9 taps:
    /// 65 against 95 µs). A 1×1 convolution is a plain product already.
    static func usesDirectKernel(_ d: Dimensions) -> Bool {
        d.inH == 1 && d.kH == 1 && d.outH == 1 && d.kW > 1 && d.geometry.strides[1] == 1
    }

    /// Each sample's output positions in `blocks` blocks (one per thread, each its own padded copy).
    private static func directKernel(
        _ d: Dimensions, blocks: Int, input x: Tensor<Float>, weights w: Tensor<Float>, bias: [Float]?, outputShape: [Int],
        context: ExecutionContext
    ) -> Tensor<Float> {
        var shape = seqlens_convolution(channels: d.groupChannels, inW: d.inW, filters: d.groupFilters, kernel: d.kW,
                                        dilation: d.geometry.dilations[1], padBegin: d.geometry.padBegin[1], outW: d.outW)
        let relu: Int32 = context.reluEpilogue ? 1 : 0
        let widest = (0..<blocks).map { Self.block($0, of: blocks, extent: d.outW).count }.max()!
        let blockScratch = seqlens_direct_convolution_scratch(&shape, widest)
        var scratch = context.buffers.take(count: blocks * blockScratch)
        var y = context.buffers.take(count: d.batch * d.filters * d.outW)
        defer { context.buffers.recycle(scratch) }
        x.scalars.withUnsafeBufferPointer { xp in
        w.scalars.withUnsafeBufferPointer { wp in
        scratch.withUnsafeMutableBufferPointer { sp in
        y.withUnsafeMutableBufferPointer { yp in
        (bias ?? []).withUnsafeBufferPointer { bp in
            for sample in 0..<d.batch {
                for groupIndex in 0..<d.group {
                    let filter = groupIndex * d.groupFilters
                    let input = xp.baseAddress! + (sample * d.channels + groupIndex * d.groupChannels) * d.inW
                    let output = yp.baseAddress! + (sample * d.filters + filter) * d.outW
                    let biases = bias == nil ? nil : bp.baseAddress! + filter
                    guard blocks > 1 else {
                        seqlens_direct_convolution(&shape, input, wp.baseAddress! + filter * d.rows, biases, relu, output, 0, d.outW, sp.baseAddress!)
                        continue
                    }
                    concurrently(blocks) { block in
                        var shape = shape
                        let positions = Self.block(block, of: blocks, extent: d.outW)
                        seqlens_direct_convolution(&shape, input, wp.baseAddress! + filter * d.rows, biases, relu, output,
                                                   positions.lowerBound, positions.count, sp.baseAddress! + block * blockScratch)
                    }
                }
            }
        }}}}}
        return Tensor(shape: outputShape, scalars: y)
    }

    /// Positions side by side in a short-output convolution's row per channel (about 1,000 floats a channel).
    static let sideBySideWidth = 1024

    /// Short outputs (deep layers, 25 or 3 positions): several samples side by side in one row
    /// per channel, each with its padding, so that the kernel's vectors of 16 span samples; the
    /// (kernel − 1)·dilation outputs between two samples are dropped when y is scattered.
    private static func directKernelSideBySide(
        _ d: Dimensions, input x: Tensor<Float>, weights w: Tensor<Float>, bias: [Float]?, outputShape: [Int], context: ExecutionContext
    ) -> Tensor<Float> {
        let (dilation, padBegin) = (d.geometry.dilations[1], d.geometry.padBegin[1])
        let span = d.outW + (d.kW - 1) * dilation, padEnd = span - padBegin - d.inW
        let chunk = max(1, min(d.batch, sideBySideWidth / span))
        var shape = seqlens_convolution(channels: d.groupChannels, inW: chunk * span, filters: d.groupFilters, kernel: d.kW,
                                        dilation: dilation, padBegin: 0, outW: chunk * span - (d.kW - 1) * dilation)
        let relu: Int32 = context.reluEpilogue ? 1 : 0
        var rows = context.buffers.take(count: d.groupChannels * chunk * span)
        var product = context.buffers.take(count: d.groupFilters * shape.outW)
        var scratch = context.buffers.take(count: seqlens_direct_convolution_scratch(&shape, shape.outW))
        var y = context.buffers.take(count: d.batch * d.filters * d.outW)
        defer {
            context.buffers.recycle(rows)
            context.buffers.recycle(product)
            context.buffers.recycle(scratch)
        }
        x.scalars.withUnsafeBufferPointer { xp in
        w.scalars.withUnsafeBufferPointer { wp in
        rows.withUnsafeMutableBufferPointer { rp in
        product.withUnsafeMutableBufferPointer { pp in
        scratch.withUnsafeMutableBufferPointer { sp in
        y.withUnsafeMutableBufferPointer { yp in
        (bias ?? []).withUnsafeBufferPointer { bp in
            let (rBase, pBase) = (rp.baseAddress!, pp.baseAddress!)
            for groupIndex in 0..<d.group {
                let filter = groupIndex * d.groupFilters
                var first = 0
                while first < d.batch {
                    let count = min(chunk, d.batch - first)
                    shape.inW = count * span
                    shape.outW = count * span - (d.kW - 1) * dilation
                    for c in 0..<d.groupChannels {
                        var row = rBase + c * shape.inW
                        for sample in first..<first + count {
                            row.update(repeating: 0, count: padBegin)
                            (row + padBegin).update(from: xp.baseAddress! + ((sample * d.channels + groupIndex * d.groupChannels + c) * d.inW), count: d.inW)
                            (row + padBegin + d.inW).update(repeating: 0, count: padEnd)
                            row += span
                        }
                    }
                    seqlens_direct_convolution(&shape, rBase, wp.baseAddress! + filter * d.rows, bias == nil ? nil : bp.baseAddress! + filter,
                                               relu, pBase, 0, shape.outW, sp.baseAddress!)
                    for sample in 0..<count {
                        for f in 0..<d.groupFilters {
                            (yp.baseAddress! + ((first + sample) * d.filters + filter + f) * d.outW)
                                .update(from: pBase + f * shape.outW + sample * span, count: d.outW)
                        }
                    }
                    first += count
                }
            }
        }}}}}}}
        return Tensor(shape: outputShape, scalars: y)
    }

    /// Per sample and filter f, one product Z (taps, input positions) = W_fᵀ · X, then each
    /// output sums its taps' entries, y[o] = Σ_k Z[k, o·stride + k·dilation − pad] (taps in the
    /// padding add nothing). Same multiply-adds as im2col's product; the buffer is taps ×
    /// input length instead of channels × taps × output length.
    private static func tapProducts(
        _ d: Dimensions, input x: Tensor<Float>, weights w: Tensor<Float>, bias: [Float]?, outputShape: [Int], context: ExecutionContext
    ) -> Tensor<Float> {
        let g = d.geometry
        let (taps, inW, outW, channels) = (d.kW, d.inW, d.outW, d.channels)
        let (stride, dilation, pad) = (g.strides[1], g.dilations[1], g.padBegin[1])
        let relu = context.reluEpilogue
        var z = context.buffers.take(count: taps * inW)
        var y = context.buffers.take(count: d.batch * d.filters * outW)
        defer { context.buffers.recycle(z) }
        x.scalars.withUnsafeBufferPointer { xp in
        w.scalars.withUnsafeBufferPointer { wp in
        z.withUnsafeMutableBufferPointer { zp in
        y.withUnsafeMutableBufferPointer { yp in
            let zBase = zp.baseAddress!
            for sample in 0..<d.batch {
                for filter in 0..<d.filters {
                    // W_f is (channels, taps): its transpose times the sample's (channels, inW).
                    BLAS.sgemm(transA: true, transB: false, m: taps, n: inW, k: channels,
                               a: wp.baseAddress! + filter * channels * taps, lda: taps,
                               b: xp.baseAddress! + sample * channels * inW, ldb: inW, c: zBase, ldc: inW)
                    let out = yp.baseAddress! + (sample * d.filters + filter) * outW
                    out.update(repeating: bias?[filter] ?? 0, count: outW)
                    for tap in 0..<taps {
                        let offset = tap * dilation - pad
                        // Outputs whose input position o·stride + offset lies in [0, inW).
                        let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
                        let last = offset >= inW ? -1 : Swift.min(outW - 1, (inW - 1 - offset) / stride)
                        guard first <= last else { continue }
                        let row = zBase + tap * inW + offset
                        if stride == 1 {
                            for o in first...last { out[o] += row[o] }
                        } else {
                            for o in first...last { out[o] += row[o * stride] }
                        }
                    }
                    if relu {
                        for o in 0..<outW { let v = out[o]; out[o] = v > 0 ? v : 0 }
                    }
                }
            }
        }}}}
        return Tensor(shape: outputShape, scalars: y)
    }

    /// Below this many multiply-adds per sample and group (about 10 µs), a convolution runs its
    /// sample on one thread (as `BLAS.minimumSplitWork`).
    static let minimumBlockedWork = 1 << 20
    /// Blocks of output positions start at multiples of this many (whole vector registers).
    static let blockGranule = 16

    /// Threads that share each sample's convolution, one block of output positions each: 1 on
    /// one thread or for a small product.
    static func positionBlocks(_ d: Dimensions, threads: Int) -> Int {
        guard threads > 1, d.groupFilters * d.rows * d.outPlane >= minimumBlockedWork else { return 1 }
        return max(1, min(threads, d.outPlane / blockGranule))
    }

    /// Block `index` of `count` over 0..<extent, boundaries at multiples of `blockGranule`.
    static func block(_ index: Int, of count: Int, extent: Int) -> Range<Int> {
        let granules = (extent + blockGranule - 1) / blockGranule
        let start = Swift.min(extent, granules * index / count * blockGranule)
        let end = Swift.min(extent, granules * (index + 1) / count * blockGranule)
        return start..<end
    }

    /// One im2col row for one sample: the input values that kernel tap (kh, kw) meets at
    /// output positions `positions` (flat over (oh, ow)), zero where the tap falls in the padding.
    @inline(__always)
    private static func fillColumnRow(
        source: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>, kh: Int, kw: Int,
        geometry g: WindowGeometry, inH: Int, inW: Int, outW: Int, positions: Range<Int>
    ) {
        let (strideH, strideW) = (g.strides[0], g.strides[1])
        let offsetH = kh * g.dilations[0] - g.padBegin[0]
        let offsetW = kw * g.dilations[1] - g.padBegin[1]
        // Output columns whose input column lies inside [0, inW).
        let firstW = offsetW >= 0 ? 0 : (-offsetW + strideW - 1) / strideW
        let lastW = offsetW >= inW ? -1 : min(outW - 1, (inW - 1 - offsetW) / strideW)
        var position = positions.lowerBound, row = target
        while position < positions.upperBound {
            // The part [start, end) of output row oh that the range covers.
            let oh = position / outW, start = position % outW
            let end = min(outW, start + positions.upperBound - position)
            let ih = oh * strideH + offsetH
            let (low, high) = (max(start, firstW), min(end - 1, lastW))
            if ih < 0 || ih >= inH || low > high {
                row.update(repeating: 0, count: end - start)
            } else {
                if low > start { row.update(repeating: 0, count: low - start) }
                if high < end - 1 { (row + high + 1 - start).update(repeating: 0, count: end - 1 - high) }
                let line = source + ih * inW + offsetW, out = row - start
                if strideW == 1 {
                    (out + low).update(from: line + low, count: high - low + 1)
                } else {
                    for ow in low...high { out[ow] = line[ow * strideW] }
                }
            }
            row += end - start
            position += end - start
        }
    }
}

extension Conv {
    /// dX: per sample and group, dColumns = Wᵀ · dY, then col2im adds each column entry back
    /// to the input position it was copied from. Also ConvTranspose's forward pass.
    static func backward(
        _ attributes: ConvAttributes, outputGradient dy: Tensor<Float>, inputShape: [Int], weights w: Tensor<Float>,
        node: Node, context: ExecutionContext
    ) throws -> Tensor<Float> {
        let d = try Dimensions(attributes, input: inputShape, weights: w.shape, node: node)
        if let dx = sparseBackward(d, outputGradient: dy, inputShape: inputShape, weights: w, context: context) {
            return dx
        }
        if let dx = try backwardAsConvolution(attributes, d, outputGradient: dy, inputShape: inputShape, weights: w, node: node, context: context) {
            return dx
        }
        let g = d.geometry
        let (batch, channels, filters, group) = (d.batch, d.channels, d.filters, d.group)
        let (groupChannels, groupFilters, rows) = (d.groupChannels, d.groupFilters, d.rows)
        let (inH, inW, outH, outW, kH, kW) = (d.inH, d.inW, d.outH, d.outW, d.kH, d.kW)
        let (inPlane, outPlane) = (d.inPlane, d.outPlane)
        var columns = context.buffers.take(count: rows * outPlane)
        defer { context.buffers.recycle(columns) }
        var dx = context.buffers.takeZeroed(count: inputShape.reduce(1, *))
        dy.scalars.withUnsafeBufferPointer { dyp in
        w.scalars.withUnsafeBufferPointer { wp in
        columns.withUnsafeMutableBufferPointer { cp in
        dx.withUnsafeMutableBufferPointer { dxp in
            let cBase = cp.baseAddress!
            for sample in 0..<batch {
                for groupIndex in 0..<group {
                    BLAS.sgemm(transA: true, transB: false, m: rows, n: outPlane, k: groupFilters,
                               a: wp.baseAddress! + groupIndex * groupFilters * rows, lda: rows,
                               b: dyp.baseAddress! + (sample * filters + groupIndex * groupFilters) * outPlane, ldb: outPlane,
                               c: cBase, ldc: outPlane)
                    // Rows of one input channel touch only that channel's plane: parallel over channels.
                    parallelFor(groupChannels, threads: context.threads, work: rows * outPlane) { c in
                        let target = dxp.baseAddress! + (sample * channels + groupIndex * groupChannels + c) * inPlane
                        for kh in 0..<kH {
                            for kw in 0..<kW {
                                let row = cBase + ((c * kH + kh) * kW + kw) * outPlane
                                let offsetH = kh * g.dilations[0] - g.padBegin[0]
                                let offsetW = kw * g.dilations[1] - g.padBegin[1]
                                // Output columns whose input column lies inside [0, inW) (as in im2col).
                                let strideW = g.strides[1]
                                let firstW = offsetW >= 0 ? 0 : (-offsetW + strideW - 1) / strideW
                                let lastW = offsetW >= inW ? -1 : min(outW - 1, (inW - 1 - offsetW) / strideW)
                                guard firstW <= lastW else { continue }
                                for oh in 0..<outH {
                                    let ih = oh * g.strides[0] + offsetH
                                    guard ih >= 0, ih < inH else { continue }
                                    let line = target + ih * inW + offsetW, source = row + oh * outW
                                    for ow in firstW...lastW { line[ow * strideW] += source[ow] }
                                }
                            }
                        }
                    }
                }
            }
        }}}}
        return Tensor(shape: inputShape, scalars: dx)
    }

    /// dX of a stride-1 1-D convolution whose dY is mostly zeros, as behind a ReLU and a max pool
    /// (Basset's pool of 4 leaves at most a quarter): each non-zero adds its weight rows to the
    /// transposed dX, work in proportion to the non-zeros where the dense convolution below
    /// multiplies every zero too. Nil for other convolutions, for few channels (rows too short
    /// to vectorise) and for a denser dY.
    private static func sparseBackward(
        _ d: Dimensions, outputGradient dy: Tensor<Float>, inputShape: [Int], weights w: Tensor<Float>, context: ExecutionContext
    ) -> Tensor<Float>? {
        let g = d.geometry
        guard inputShape.count == 3, d.group == 1, d.channels >= 16, g.strides[1] == 1 else { return nil }
        let nonzero = dy.scalars.withUnsafeBufferPointer { values in values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
        guard Double(nonzero) <= sparseDensity * Double(dy.count) else { return nil }
        let (batch, filters, channels, kernel, inW, outW) = (d.batch, d.filters, d.channels, d.kW, d.inW, d.outW)
        let rearrange = {
            [Float](unsafeUninitializedCapacity: w.count) { target, count in
                w.scalars.withUnsafeBufferPointer { wp in
                    for f in 0..<filters {
                        for c in 0..<channels {
                            for t in 0..<kernel { target[(f * kernel + t) * channels + c] = wp[(f * channels + c) * kernel + t] }
                        }
                    }
                }
                count = w.count
            }
        }
        let tapMajor = context.convolutionWeights?.tapMajor.value(rearrange) ?? rearrange()
        let shape = seqlens_convolution(channels: channels, inW: inW, filters: filters, kernel: kernel,
                                        dilation: g.dilations[1], padBegin: g.padBegin[1], outW: outW)
        // Threads take ranges of input positions, whole rows of dX transposed.
        let parts = nonzero / max(1, batch) * kernel * channels >= minimumParallelWork ? min(context.threads, inW) : 1
        var transposed = context.buffers.take(count: inW * channels)
        var dx = context.buffers.take(count: batch * channels * inW)
        defer { context.buffers.recycle(transposed) }
        dy.scalars.withUnsafeBufferPointer { dyp in
        tapMajor.withUnsafeBufferPointer { wp in
        transposed.withUnsafeMutableBufferPointer { tp in
        dx.withUnsafeMutableBufferPointer { dxp in
            for sample in 0..<batch {
                tp.update(repeating: 0)
                let gradient = dyp.baseAddress! + sample * filters * outW
                concurrently(parts) { part in
                    var shape = shape
                    let (first, end) = (inW * part / parts, inW * (part + 1) / parts)
                    seqlens_sparse_convolution_input_gradient(&shape, gradient, wp.baseAddress!, tp.baseAddress!, first, end - first)
                }
                seqlens_transpose(tp.baseAddress!, channels, dxp.baseAddress! + sample * channels * inW, inW, channels, inW)
            }
        }}}}
        return Tensor(shape: inputShape, scalars: dx)
    }

    /// The largest share of non-zeros in dY for which `sparseBackward` runs.
    static let sparseDensity = 0.3

    /// dX of a stride-1 1-D convolution is itself a convolution: of dY with the kernel flipped
    /// and its filter and channel axes swapped, padded by (K − 1)·dilation minus the forward
    /// pads. The forward kernel batches samples into wide products and writes dX directly,
    /// where the general path runs one product per sample and a scatter-add (col2im). Nil for
    /// other convolutions, and for inputs of few channels (the one-hot input: a product of so
    /// few rows is slower than the scatter).
    private static func backwardAsConvolution(
        _ attributes: ConvAttributes, _ d: Dimensions, outputGradient dy: Tensor<Float>, inputShape: [Int], weights w: Tensor<Float>,
        node: Node, context: ExecutionContext
    ) throws -> Tensor<Float>? {
        let g = d.geometry
        let extent = (d.kW - 1) * g.dilations[1]
        guard inputShape.count == 3, d.group == 1, d.channels >= 16, g.strides[1] == 1,
              g.padBegin[1] <= extent, g.padEnd[1] <= extent else { return nil }
        let (filters, channels, kernel) = (d.filters, d.channels, d.kW)
        let flip = {
            [Float](unsafeUninitializedCapacity: w.count) { target, count in
                w.scalars.withUnsafeBufferPointer { wp in
                    for f in 0..<filters {
                        for c in 0..<channels {
                            let source = wp.baseAddress! + (f * channels + c) * kernel, row = target.baseAddress! + (c * filters + f) * kernel
                            for t in 0..<kernel { row[t] = source[kernel - 1 - t] }
                        }
                    }
                }
                count = w.count
            }
        }
        let flipped = context.convolutionWeights?.flipped.value(flip) ?? flip()
        var transposed = attributes
        transposed.spatial = SpatialAttributes(kernelShape: [kernel], strides: [1], dilations: [g.dilations[1]],
                                               pads: [extent - g.padBegin[1], extent - g.padEnd[1]], autoPad: .notSet)
        var inner = context
        inner.window = nil  // another convolution's geometry
        return try forward(transposed, input: dy, weights: Tensor(shape: [channels, filters, kernel], scalars: flipped), bias: nil,
                           outputShape: inputShape, node: node, context: inner)
    }
}
