/// Two rules that keep BPNet-class heads incremental (issue 18): a crop (Slice with constant
/// bounds) moves and clips the window, and a mean or sum over the positional axis becomes the
/// reference's plus the window's summed change. Without them every ISM chunk materialised the
/// whole tower output for every variant (ChromBPNet's residual crops and the counts head's
/// mean), and every layer after the first crop ran in full.
extension IncrementalEvaluator {
    /// Slice with constant bounds, step 1 along the window's axis and the batch untouched: the
    /// window, clipped to the crop, starts `crop start` earlier. A window wholly outside the crop
    /// changes nothing after it.
    func windowedCrop(_ step: ExecutionPlan.Step, window w: Window) throws -> [Variant]? {
        guard let inputSlot = step.inputSlots[0],
              step.inputSlots.dropFirst().allSatisfy({ $0.map { plan.constants[$0] != nil } ?? true }) else { return nil }
        let inputShape = plan.slotShapes[inputSlot]
        let io = KernelIO(node: step.node, values: [nil] + step.inputSlots.dropFirst().map(unchangedValue))
        let region = try ShapeOps.SliceRegion(inputShape, io: io, node: step.node)
        guard region.starts[0] == 0, region.steps[0] == 1, region.outputShape[0] == inputShape[0],
              region.steps[w.axis] == 1 else { return nil }
        let cropStart = region.starts[w.axis], cropEnd = cropStart + region.outputShape[w.axis]
        let from = max(w.start, cropStart), to = min(w.start + w.data.shape[w.axis], cropEnd)
        guard from < to else { return [.reference] }
        // The same crop on the window's data: every variant, the kept part of the window.
        var local = region
        local.outputShape[0] = w.data.shape[0]
        local.starts[w.axis] = from - w.start
        local.outputShape[w.axis] = to - from
        return [.window(axis: w.axis, start: from - cropStart, data: ShapeOps.sliced(w.data, local))]
    }

    /// ReduceMean or ReduceSum over axes that include the window's (not the batch's), or
    /// GlobalAveragePool: y = y_ref + Σ (window − reference window) / (mean ? count : 1), summed
    /// over the reduced axes. The result is small (batch × channels), so it is complete.
    func lengthReductionDelta(_ step: ExecutionPlan.Step, rule: WindowRule, inputs: [Variant?]) throws -> Variant? {
        guard case .window(let axis, let start, let data)? = inputs[0], let inputSlot = step.inputSlots[0],
              let outputSlot = step.outputSlots[0], case .float(let referenceOutput)? = reference[outputSlot] else { return nil }
        let inputShape = plan.slotShapes[inputSlot], rank = inputShape.count
        let axes: Set<Int>, mean: Bool
        switch rule {
        case .lengthReduction(let isMean, let noopWithEmptyAxes):
            guard step.inputSlots.dropFirst().allSatisfy({ $0.map { plan.constants[$0] != nil } ?? true }) else { return nil }
            let io = KernelIO(node: step.node, values: [nil] + step.inputSlots.dropFirst().map(unchangedValue))
            axes = try Reduce.axes(io.optionalInts(1), rank: rank, noopWithEmptyAxes: noopWithEmptyAxes, node: step.node)
            mean = isMean
        case .globalAverage:
            axes = Set(2..<rank)
            mean = true
        default:
            return nil
        }
        guard axes.contains(axis), !axes.contains(0) else { return nil }
        let width = data.shape[axis], variants = data.shape[0]
        let referenceWindow = try slice(.reference, slot: inputSlot, axis: axis, start, start + width)
        let scale: Float = mean ? 1 / Float(axes.reduce(1) { $0 * inputShape[$1] }) : 1
        let per = referenceOutput.count
        var shape = referenceOutput.shape
        shape[0] = variants
        if axes == [rank - 1] && axis == rank - 1 {
            // Over the last axis only (BPNet's counts head): each row's summed change in one
            // pass, without the generic reduction's index arithmetic.
            precondition(referenceWindow.count == per * width, "one reduced value per row")
            var output = [Float](unsafeUninitializedCapacity: variants * per) { _, count in count = variants * per }
            data.scalars.withUnsafeBufferPointer { rows in
            referenceWindow.scalars.withUnsafeBufferPointer { ref in
                for variant in 0..<variants {
                    for row in 0..<per {
                        let x = rows.baseAddress! + (variant * per + row) * width, r = ref.baseAddress! + row * width
                        var lanes = SIMD16<Float>()
                        var i = 0
                        while i + 16 <= width {
                            lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self) - UnsafeRawPointer(r + i).loadUnaligned(as: SIMD16<Float>.self)
                            i += 16
                        }
                        var sum = lanes.sum()
                        while i < width {
                            sum += x[i] - r[i]
                            i += 1
                        }
                        output[variant * per + row] = referenceOutput.scalars[row] + scale * sum
                    }
                }
            }}
            return .full(.float(Tensor(shape: shape, scalars: output)))
        }
        var change = data
        change.scalars.withUnsafeMutableBufferPointer { target in
            referenceWindow.scalars.withUnsafeBufferPointer { ref in
                for variant in 0..<variants {
                    let row = target.baseAddress! + variant * ref.count
                    for i in 0..<ref.count { row[i] -= ref[i] }
                }
            }
        }
        var keptShape = inputShape.indices.map { axes.contains($0) ? 1 : inputShape[$0] }
        keptShape[0] = variants
        guard case .float(let summed) = try Reduce.apply(.sum, .float(change), axes: axes.sorted().map(Int64.init), keepDims: true,
                                                        noopWithEmptyAxes: false, outputShape: keptShape, node: step.node) else { return nil }
        // Dropping unit axes (keepdims = 0) keeps the order: the reference output per variant.
        precondition(summed.count == variants * per, "one reduced value per reference output")
        var output = [Float](repeating: 0, count: variants * per)
        for variant in 0..<variants {
            for i in 0..<per { output[variant * per + i] = referenceOutput.scalars[i] + scale * summed.scalars[variant * per + i] }
        }
        return .full(.float(Tensor(shape: shape, scalars: output)))
    }
}
