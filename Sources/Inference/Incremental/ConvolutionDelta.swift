import CVectorMath

/// A stride-1 1-D convolution of a window, evaluated as the reference output plus the change
/// of the input columns that differ: y = y_ref + Σ over changed columns i of W[:, :, k] · Δx[:, i]
/// at output o = i + padBegin − k · dilation.
///
/// Why: recomputing the window computes every output position it reaches from every tap, while
/// a substitution changes one input column (the first layer: a gather of weight columns) and,
/// after ReLU and max pooling, a few pooled columns per variant deeper down. ISM chunks share
/// one window for all their variants, so per variant most of it equals the reference; only the
/// columns that differ for that variant enter the product. On a Basset-sized model this is
/// 2.4× less CPU time for a full ISM than recomputing the window (bench/RESULTS.md, issue 18).
extension IncrementalEvaluator {
    /// nil when this step does not qualify (strides, groups, 2-D kernels, computed weights): the
    /// window is then recomputed (`windowedSpatial`).
    func convolutionDelta(_ step: ExecutionPlan.Step, window w: Window, attributes: ConvAttributes, geometry: WindowGeometry) -> [Variant]? {
        guard attributes.group == 1, geometry.kernel.count == 1, geometry.strides[0] == 1, w.axis == 2, w.data.rank == 3,
              let inputSlot = step.inputSlots[0], let weightSlot = step.inputSlots[1], let outputSlot = step.outputSlots[0],
              case .float(let weights)? = plan.constants[weightSlot], weights.rank == 3,
              case .float(let referenceInput)? = reference[inputSlot], case .float(let referenceOutput)? = reference[outputSlot],
              referenceInput.rank == 3, referenceOutput.rank == 3 else { return nil }
        let (filters, channels, kernel) = (weights.shape[0], weights.shape[1], weights.shape[2])
        let variants = w.data.shape[0], width = w.data.shape[2]
        let inputLength = referenceInput.shape[2], outputLength = referenceOutput.shape[2]
        guard w.data.shape[1] == channels, referenceInput.shape[1] == channels, referenceOutput.shape[1] == filters else { return nil }
        let dilation = geometry.dilations[0], padBegin = geometry.padBegin[0]
        let extent = (kernel - 1) * dilation
        let demanded = demandedPositions(outputSlot, axis: 2) ?? 0 ..< outputLength
        var first = max(demanded.lowerBound, w.start + padBegin - extent)
        var last = min(demanded.upperBound - 1, w.start + width - 1 + padBegin)
        guard first <= last else { return [.reference] }
        if let poolStride = poolStrides[outputSlot] {
            // Out to the pool's window boundaries, so that it pools this window without copying
            // it (the outputs added lie in the reference's values the copy would have read).
            first = max(demanded.lowerBound, first / poolStride * poolStride)
            last = min(demanded.upperBound, outputLength, (last / poolStride + 1) * poolStride) - 1
        }
        let outputWidth = last - first + 1

        // The change, variant by channel by position (rows run along positions, as the data do),
        // and which (variant, position) columns it touches.
        var change = [Float](unsafeUninitializedCapacity: w.data.count) { _, count in count = w.data.count }
        let touched = [UInt8](unsafeUninitializedCapacity: variants * width) { flags, count in
            w.data.scalars.withUnsafeBufferPointer { data in
            referenceInput.scalars.withUnsafeBufferPointer { ref in
            change.withUnsafeMutableBufferPointer { delta in
                for variant in 0..<variants {
                    let rows = variant * channels * width
                    seqlens_row_changes(data.baseAddress! + rows, ref.baseAddress! + w.start, inputLength, channels, width,
                                        delta.baseAddress! + rows, flags.baseAddress! + variant * width)
                }
            }}}
            count = variants * width
        }
        // Runs of consecutive changed positions of one variant: their contributions to one
        // (filter, tap) are consecutive outputs, added by one contiguous loop.
        var runs: [ChangedRun] = []
        var columnCount = 0
        for (index, flag) in touched.enumerated() where flag != 0 {
            let variant = index / width, position = index % width
            if let last = runs.last, last.variant == variant, last.position + last.count == position {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((variant, position, columnCount, 1))
            }
            columnCount += 1
        }
        var output = referenceOutput.slice(axis: 2, first, last + 1).repeatingBatch(variants)
        guard columnCount > 0 else { return [.window(axis: 2, start: first, data: output)] }
        if dilation == 1 {
            // A variant's runs less than a span apart convolve as one: the columns between them
            // changed by exactly 0, and a strip would put as many zeros between them anyway.
            var spans: [ChangedRun] = []
            for run in runs {
                if let last = spans.last, last.variant == run.variant, run.position - (last.position + last.count) <= extent {
                    spans[spans.count - 1].count = run.position + run.count - last.position
                } else {
                    spans.append(run)
                }
            }
            if spans.reduce(0, { $0 + $1.count + extent }) <= Self.stripMultiplyAdds * columnCount {
                addStripConvolutions(spans, change: change, width: width, weights: weights,
                                     outputStart: first - padBegin - w.start + extent, into: &output)
                return [.window(axis: 2, start: first, data: output)]
            }
        }
        if columnCount >= Self.productPerRunLength * runs.count {
            addProductsPerRun(runs, change: change, width: width, windowStart: w.start, weights: tapMajorWeights(weightSlot, weights),
                              shape: (filters, channels, kernel), dilation: dilation, outputStart: first - padBegin, into: &output)
            return [.window(axis: 2, start: first, data: output)]
        }
        if channels <= Self.weightedRowChannels, dilation == 1 {
            addWeightedRows(runs, change: change, width: width, weights: tapReversedWeights(weightSlot, weights),
                            shape: (filters, channels, kernel), outputStart: w.start + padBegin - extent - first, into: &output)
            return [.window(axis: 2, start: first, data: output)]
        }
        // The changed columns' changes, channels × columns: the product's right operand.
        let packed = [Float](unsafeUninitializedCapacity: channels * columnCount) { buffer, count in
            change.withUnsafeBufferPointer { delta in
                for channel in 0..<channels {
                    let target = buffer.baseAddress! + channel * columnCount
                    for run in runs {
                        (target + run.column).update(from: delta.baseAddress! + (run.variant * channels + channel) * width + run.position, count: run.count)
                    }
                }
            }
            count = channels * columnCount
        }

        let tapMajor = tapMajorWeights(weightSlot, weights)
        // Contributions: one row per changed column, its (filter, tap) products side by side, so
        // that adding a column's taps to its variant's outputs reads memory in order (rows per
        // (filter, tap) made that loop stride across the whole product, a cache miss per add).
        // A block of filters at a time, so that the rows are still in L2 when added; blocks of
        // columns instead would pack all the weights once per block.
        let blockFilters = max(1, min(filters, productBlockFloats / (columnCount * kernel)))
        var contributions = [Float](unsafeUninitializedCapacity: columnCount * blockFilters * kernel) { $1 = $0.count }
        tapMajor.withUnsafeBufferPointer { a in
        packed.withUnsafeBufferPointer { b in
        contributions.withUnsafeMutableBufferPointer { z in
        output.scalars.withUnsafeMutableBufferPointer { out in
            for firstFilter in stride(from: 0, to: filters, by: blockFilters) {
                let blockTaps = min(blockFilters, filters - firstFilter) * kernel
                BLAS.sgemm(transA: true, transB: true, m: columnCount, n: blockTaps, k: channels,
                           a: b.baseAddress!, lda: columnCount, b: a.baseAddress! + firstFilter * kernel * channels, ldb: channels,
                           c: z.baseAddress!, ldc: blockTaps)
                let blockRows = blockTaps / kernel
                for run in runs {
                    // Tap t of the run's column j (input position i) lands on output
                    // i + padBegin − extent + t · dilation, j + t · dilation after `offset`.
                    let offset = w.start + run.position + padBegin - extent - first
                    let rows = z.baseAddress! + run.column * blockTaps
                    let blockOutputs = out.baseAddress! + (run.variant * filters + firstFilter) * outputWidth
                    if dilation == 1 {
                        seqlens_add_run_taps(rows, blockTaps, run.count, kernel, blockOutputs, outputWidth, blockRows,
                                             offset, max(0, -offset), outputWidth - offset)
                        continue
                    }
                    for index in 0..<run.count {
                        // The taps whose output lies in [first, last].
                        let columnOffset = offset + index
                        let low = columnOffset >= 0 ? 0 : (-columnOffset + dilation - 1) / dilation
                        let high = min(kernel, (outputWidth - columnOffset + dilation - 1) / dilation)
                        guard low < high else { continue }
                        for filter in 0..<blockRows {
                            let source = rows + index * blockTaps + filter * kernel
                            let target = blockOutputs + filter * outputWidth + columnOffset
                            for t in low..<high { target[t * dilation] += source[t] }
                        }
                    }
                }
            }
        }}}}
        return [.window(axis: 2, start: first, data: output)]
    }

    /// Consecutive changed positions of one variant's window from `position`, and where its
    /// first column sits among all the changed columns (`column`, for the per-column product).
    typealias ChangedRun = (variant: Int, position: Int, column: Int, count: Int)

    /// Mean run length from which each run's change is multiplied straight into its variant's
    /// outputs, one product per tap. Dilated residual towers (BPNet) change runs of hundreds of
    /// positions per variant, where scattering a product's rows over the outputs cost more than
    /// the product itself (dilated taps are not contiguous); Basset's scattered single columns
    /// after pooling would make those products one column wide.
    static let productPerRunLength = 16

    /// How many times the changed columns' multiply-adds a strip may make (each span convolves
    /// its columns and `extent` more outputs) and still beat the products over changed columns:
    /// the direct kernel runs near the core's peak, those products and their scatter at a third.
    static let stripMultiplyAdds = 2

    /// Positions of one strip (`addStripConvolutions`) per channel: with 32 to 96 channels its
    /// rows, their padded copy and the filters' outputs stay within L2.
    static let stripWidth = 512

    /// Every run's change of an undilated convolution convolved in full, as the direct kernel's
    /// rows: the runs of several variants side by side in one strip per channel, each followed
    /// by `extent` zeros, so that one call computes each run's r + extent changed outputs and no
    /// run's taps reach another's. The product `addProductsPerRun` splits into one small call
    /// per run and tap, and the scatter of per-column products that reads kernel-long rows,
    /// both cost more than the extra multiply-adds by zeros at a run's ends while runs are longer
    /// than the kernel's span (multitask-deep's 7-tap layers: bench/RESULTS.md, issue 18).
    ///
    /// Window position p's change reaches output columns p − outputStart through
    /// p − outputStart + extent.
    private func addStripConvolutions(
        _ runs: [ChangedRun], change: [Float], width: Int, weights: Tensor<Float>, outputStart: Int, into output: inout Tensor<Float>
    ) {
        let (filters, channels, kernel) = (weights.shape[0], weights.shape[1], weights.shape[2])
        let extent = kernel - 1, outputWidth = output.shape[2]
        // A run longer than a strip gets one of its own.
        let capacity = max(Self.stripWidth, runs.map(\.count).max()! + extent)
        var shape = seqlens_convolution(channels: channels, inW: 0, filters: filters, kernel: kernel, dilation: 1, padBegin: extent, outW: 0)
        // Each written before it is read: rows per strip, the others by the kernel.
        var rows = [Float](unsafeUninitializedCapacity: channels * capacity) { $1 = channels * capacity }
        var product = [Float](unsafeUninitializedCapacity: filters * capacity) { $1 = filters * capacity }
        let scratchCount = seqlens_direct_convolution_scratch(&shape, capacity)
        var scratch = [Float](unsafeUninitializedCapacity: scratchCount) { $1 = scratchCount }
        output.scalars.withUnsafeMutableBufferPointer { out in
        change.withUnsafeBufferPointer { delta in
        weights.scalars.withUnsafeBufferPointer { w in
        rows.withUnsafeMutableBufferPointer { r in
        product.withUnsafeMutableBufferPointer { z in
        scratch.withUnsafeMutableBufferPointer { sp in
            var next = 0
            while next < runs.count {
                // The runs of this strip, at offsets `starts` with `extent` zeros after each.
                var used = 0, starts: [Int] = []
                var end = next
                while end < runs.count, used == 0 || used + runs[end].count + extent <= capacity {
                    starts.append(used)
                    used += runs[end].count + extent
                    end += 1
                }
                let stripRuns = runs[next ..< end]
                shape.inW = used - extent
                shape.outW = used
                for channel in 0..<channels {
                    let row = r.baseAddress! + channel * shape.inW
                    row.update(repeating: 0, count: shape.inW)
                    for (run, start) in zip(stripRuns, starts) {
                        (row + start).update(from: delta.baseAddress! + (run.variant * channels + channel) * width + run.position, count: run.count)
                    }
                }
                seqlens_direct_convolution(&shape, r.baseAddress!, w.baseAddress!, nil, 0, z.baseAddress!, 0, shape.outW, sp.baseAddress!)
                // Strip output u of a run starting at offset s is output column u − s + position − outputStart.
                for (run, start) in zip(stripRuns, starts) {
                    let column = run.position - outputStart
                    let from = max(0, -column), to = min(run.count + extent, outputWidth - column)
                    guard from < to else { continue }
                    seqlens_add_rows(z.baseAddress! + start + from, shape.outW,
                                     out.baseAddress! + run.variant * filters * outputWidth + column + from, outputWidth, filters, to - from)
                }
                next = end
            }
        }}}}}}
    }

    /// For each run and tap k: output[variant, :, i + padBegin − k · dilation] += W[:, :, k] · Δx[variant, :, i]
    /// over the run's positions i whose output lies in the window, as one product into the output.
    private func addProductsPerRun(
        _ runs: [ChangedRun], change: [Float], width: Int, windowStart: Int, weights tapMajor: [Float],
        shape: (filters: Int, channels: Int, kernel: Int), dilation: Int, outputStart: Int, into output: inout Tensor<Float>
    ) {
        let (filters, channels, kernel) = shape
        let outputWidth = output.shape[2]
        output.scalars.withUnsafeMutableBufferPointer { out in
        change.withUnsafeBufferPointer { delta in
        tapMajor.withUnsafeBufferPointer { weights in
            for run in runs {
                let source = delta.baseAddress! + run.variant * channels * width
                let target = out.baseAddress! + run.variant * filters * outputWidth
                for k in 0..<kernel {
                    // Window position p lands on output column p + shift.
                    let shift = windowStart - k * dilation - outputStart
                    let from = max(run.position, -shift), to = min(run.position + run.count, outputWidth - shift)
                    guard from < to else { continue }
                    // Tap k's (F × C) weights: rows f · K + K − 1 − k of the tap-major layout.
                    BLAS.sgemm(transA: false, transB: false, m: filters, n: to - from, k: channels,
                               a: weights.baseAddress! + (kernel - 1 - k) * channels, lda: kernel * channels,
                               b: source + from, ldb: width, beta: 1, c: target + from + shift, ldc: outputWidth)
                }
            }
        }}}
    }

    /// Channels up to which a changed column's change is added as its channels' weight rows,
    /// each scaled by the channel's change (`seqlens_add_weighted_rows`), instead of through a
    /// product: a first layer's inner dimension is its alphabet, where a product ran at 5–9
    /// GFLOP/s and wrote a contribution row per column and tap to be scattered.
    static let weightedRowChannels = 8

    /// output[variant, f, o] += Σ_c Δx[variant, c, i] · W[f, c, i + padBegin − o] for every changed
    /// column i, over the outputs o of the window its taps reach; `outputStart` is where window
    /// position 0's first tap lands. Needs dilation 1.
    private func addWeightedRows(
        _ runs: [ChangedRun], change: [Float], width: Int, weights reversed: [Float],
        shape: (filters: Int, channels: Int, kernel: Int), outputStart: Int, into output: inout Tensor<Float>
    ) {
        let (filters, channels, kernel) = shape
        let outputWidth = output.shape[2]
        var scale = [Float](repeating: 0, count: channels)
        output.scalars.withUnsafeMutableBufferPointer { out in
        change.withUnsafeBufferPointer { delta in
        reversed.withUnsafeBufferPointer { w in
            for run in runs {
                for position in run.position ..< run.position + run.count {
                    let offset = position + outputStart
                    let low = max(0, -offset), high = min(kernel, outputWidth - offset)
                    guard low < high else { continue }
                    for channel in 0..<channels { scale[channel] = delta[(run.variant * channels + channel) * width + position] }
                    seqlens_add_weighted_rows(w.baseAddress! + low, channels * kernel, kernel, scale, channels,
                                              out.baseAddress! + run.variant * filters * outputWidth + offset + low, outputWidth,
                                              filters, high - low)
                }
            }
        }}}
    }

    /// Conv weights (F, C, K) with each kernel row reversed: element (f · C + c) · K + t holds
    /// W[f, c, K − 1 − t], tap t of a column landing t after its first output. Made once per
    /// weight and kept.
    private func tapReversedWeights(_ slot: Int, _ weights: Tensor<Float>) -> [Float] {
        if let cached = tapReversedConvolutionWeights[slot] { return cached }
        let kernel = weights.shape[2]
        var result = weights.scalars
        for row in stride(from: 0, to: result.count, by: kernel) { result[row ..< row + kernel].reverse() }
        tapReversedConvolutionWeights[slot] = result
        return result
    }

    /// Conv weights (F, C, K) as (F·K) × C with the taps reversed: row f·K + t holds
    /// W[f, :, K − 1 − t], so that tap t of a column lands t · dilation after its first output.
    /// Made once per weight and kept.
    private func tapMajorWeights(_ slot: Int, _ weights: Tensor<Float>) -> [Float] {
        if let cached = tapMajorConvolutionWeights[slot] { return cached }
        let (filters, channels, kernel) = (weights.shape[0], weights.shape[1], weights.shape[2])
        var result = [Float](repeating: 0, count: weights.count)
        for f in 0..<filters {
            for c in 0..<channels {
                for k in 0..<kernel { result[(f * kernel + kernel - 1 - k) * channels + c] = weights.scalars[(f * channels + c) * kernel + k] }
            }
        }
        tapMajorConvolutionWeights[slot] = result
        return result
    }
}
