/// The windowed rules of the upsampling ops (`WindowRule.transposedConvolution` and
/// `.resampling`), as in WindowedSteps.swift: nil when this step does not qualify.
extension IncrementalEvaluator {
    /// ConvTranspose is linear, so the variants' change along the last axis (window minus
    /// reference) goes through it unpadded and lands on the reference output, where input
    /// position i reaches outputs i · stride − padBegin + k · dilation.
    func windowedTransposedConvolution(_ step: ExecutionPlan.Step, window w: Window, attributes: ConvTransposeAttributes, context: ExecutionContext) throws -> [Variant]? {
        let node = step.node
        guard let inputSlot = step.inputSlots[0], let outputSlot = step.outputSlots[0],
              case .float(let weights)? = unchangedValue(step.inputSlots[1]) else { return nil }
        let inputShape = plan.slotShapes[inputSlot], outputShape = plan.slotShapes[outputSlot]
        let axis = inputShape.count - 1, spatialRank = inputShape.count - 2
        guard w.axis == axis else { return nil }
        var view = try ConvTranspose.convView(attributes, input: inputShape, weights: weights.shape, node: node).conv
        let stride = view.spatial.strides[spatialRank - 1], dilation = view.spatial.dilations[spatialRank - 1]
        let padBegin = view.spatial.pads[spatialRank - 1]
        let width = w.data.shape[axis], batch = w.data.shape[0]

        var change = w.data
        let reference = try slice(.reference, slot: inputSlot, axis: axis, w.start, w.start + width)
        change.scalars.withUnsafeMutableBufferPointer { target in
            for variant in 0..<batch {
                for i in reference.scalars.indices { target[variant * reference.count + i] -= reference.scalars[i] }
            }
        }
        // Unpadded along the axis: local output j is position w.start · stride − padBegin + j.
        view.spatial.pads[spatialRank - 1] = 0
        view.spatial.pads[2 * spatialRank - 1] = 0
        let spread = (width - 1) * stride + (weights.shape[axis] - 1) * dilation + 1
        var changeShape = outputShape
        changeShape[0] = batch
        changeShape[axis] = spread
        let spreadChange = try ConvTranspose.apply(view, input: change, weights: weights, bias: nil, outputShape: changeShape, node: node, context: context)
        let origin = w.start * stride - padBegin
        let first = max(0, origin), end = min(outputShape[axis], origin + spread)
        guard first < end else { return [.reference] }
        let output = try slice(.reference, slot: outputSlot, axis: axis, first, end).repeatingBatch(batch)
        return [.window(axis: axis, start: first, data: output.adding(spreadChange.slice(axis: axis, first - origin, end - origin)))]
    }

    /// Resize on the output positions that read the window, from the input slice they read;
    /// other axes are resampled whole. A resized batch axis would mix variants: not windowed.
    func windowedResize(_ step: ExecutionPlan.Step, window w: Window, attributes: ResizeAttributes) throws -> [Variant]? {
        guard let inputSlot = step.inputSlots[0], let outputSlot = step.outputSlots[0] else { return nil }
        let layout: Resize.Layout
        if let cached = resizeLayouts[outputSlot] {
            layout = cached
        } else {
            let io = KernelIO(node: step.node, values: step.inputSlots.map(unchangedValue))
            layout = try Resize.layout(attributes, input: plan.slotShapes[inputSlot], scales: io.optionalFloats(2), sizes: io.optionalInts(3), node: step.node)
            resizeLayouts[outputSlot] = layout
        }
        guard layout.taps[0] == nil else { return nil }
        let axis = w.axis, start = w.start, end = w.start + w.data.shape[axis]
        guard let taps = layout.taps[axis] else {
            return [.window(axis: axis, start: w.start, data: Resize.forward(w.data, taps: layout.taps))]
        }
        // Output o reads positions lower[o]...upper[o] (at most two neighbours), and both only
        // grow with o: the readers of [start, end) are one run, found by bisection.
        let first = Self.firstIndex(taps.count) { taps.upper[$0] >= start }
        let last = Self.firstIndex(taps.count) { taps.lower[$0] >= end } - 1
        guard first <= last else { return [.reference] }
        let low = taps.lower[first], high = taps.upper[last] + 1
        let input = try slice(.window(axis: axis, start: w.start, data: w.data), slot: inputSlot, axis: axis, low, high)
        var windowTaps = layout.taps
        windowTaps[axis] = taps.restricted(first, last + 1, offset: low)
        return [.window(axis: axis, start: first, data: Resize.forward(input, taps: windowTaps))]
    }

    /// The first index in 0..<count where the monotone `predicate` holds (count if none).
    private static func firstIndex(_ count: Int, where predicate: (Int) -> Bool) -> Int {
        var (low, high) = (0, count)
        while low < high {
            let middle = (low + high) / 2
            if predicate(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
