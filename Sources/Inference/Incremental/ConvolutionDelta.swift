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
        let first = max(0, w.start + padBegin - extent)
        let last = min(outputLength - 1, w.start + width - 1 + padBegin)
        guard first <= last else { return [.reference] }
        let outputWidth = last - first + 1

        // Changed columns (variant, position in the window) and their change, packed one row per column.
        var columns: [(variant: Int, position: Int)] = []
        var packed: [Float] = []
        w.data.scalars.withUnsafeBufferPointer { data in
        referenceInput.scalars.withUnsafeBufferPointer { ref in
            var column = [Float](repeating: 0, count: channels)
            for variant in 0..<variants {
                for position in 0..<width {
                    var changed = false
                    for channel in 0..<channels {
                        let difference = data[(variant * channels + channel) * width + position] - ref[channel * inputLength + w.start + position]
                        column[channel] = difference
                        if difference != 0 { changed = true }
                    }
                    guard changed else { continue }
                    columns.append((variant, position))
                    packed += column
                }
            }
        }}
        var output = referenceOutput.slice(axis: 2, first, last + 1).repeatingBatch(variants)
        guard !columns.isEmpty else { return [.window(axis: 2, start: first, data: output)] }

        let taps = filters * kernel
        let tapMajor = tapMajorWeights(weightSlot, weights)
        // Contributions: one row per changed column, (filter, tap) along it.
        var contributions = [Float](unsafeUninitializedCapacity: columns.count * taps) { _, count in count = columns.count * taps }
        packed.withUnsafeBufferPointer { a in
        tapMajor.withUnsafeBufferPointer { b in
        contributions.withUnsafeMutableBufferPointer { c in
            BLAS.sgemm(transA: false, transB: false, m: columns.count, n: taps, k: channels,
                       a: a.baseAddress!, lda: channels, b: b.baseAddress!, ldb: taps, c: c.baseAddress!, ldc: taps)
        }}}
        // Tap t of a column at input position i lands on output i + padBegin − extent + t · dilation.
        output.scalars.withUnsafeMutableBufferPointer { out in
        contributions.withUnsafeBufferPointer { z in
            for (index, column) in columns.enumerated() {
                let base = w.start + column.position + padBegin - extent
                let low = max(0, Self.ceilDivide(first - base, dilation)), high = min(kernel - 1, Self.floorDivide(last - base, dilation))
                guard low <= high else { continue }
                let row = z.baseAddress! + index * taps
                for filter in 0..<filters {
                    let target = out.baseAddress! + (column.variant * filters + filter) * outputWidth + (base - first)
                    let source = row + filter * kernel
                    for t in low...high { target[t * dilation] += source[t] }
                }
            }
        }}
        return [.window(axis: 2, start: first, data: output)]
    }

    /// Conv weights (F, C, K) as C × (F·K) with the taps reversed: row c, column f·K + t holds
    /// W[f, c, K − 1 − t], so that a changed column's contributions run in output order. Made
    /// once per weight and kept.
    private func tapMajorWeights(_ slot: Int, _ weights: Tensor<Float>) -> [Float] {
        if let cached = tapMajorConvolutionWeights[slot] { return cached }
        let (filters, channels, kernel) = (weights.shape[0], weights.shape[1], weights.shape[2])
        var result = [Float](repeating: 0, count: weights.count)
        for f in 0..<filters {
            for c in 0..<channels {
                for k in 0..<kernel { result[c * filters * kernel + f * kernel + kernel - 1 - k] = weights.scalars[(f * channels + c) * kernel + k] }
            }
        }
        tapMajorConvolutionWeights[slot] = result
        return result
    }
}
