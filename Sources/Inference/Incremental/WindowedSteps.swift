/// The windowed rules of `WindowRule`: each computes an op over the positions a window
/// reaches, or returns nil when this step does not qualify (the op then runs on a delta or on
/// full tensors, `IncrementalEvaluator.evaluate`).
extension IncrementalEvaluator {
    /// The op over the window only; nil when the rule or this step's inputs do not allow it.
    func windowed(_ step: ExecutionPlan.Step, rule: WindowRule, inputs: [Variant?], changed: [Int], context: ExecutionContext) throws -> [Variant]? {
        let node = step.node
        guard changed.allSatisfy({ if case .window? = inputs[$0] { true } else { false } }) else { return nil }
        let windows = changed.map { index -> Window in
            guard case .window(let axis, let start, let data)? = inputs[index] else { fatalError("checked above") }
            return Window(axis: axis, start: start, data: data)
        }
        let axis = windows[0].axis
        guard windows.allSatisfy({ $0.axis == axis }) else { return nil }
        let outputShape = plan.slotShapes[step.outputSlots[0] ?? 0]
        switch rule {
        case .pointwise:
            guard changed == [0] else { return nil }
            return try pointwise(step, window: windows[0], context: context)
        case .perChannel:
            guard changed == [0], axis >= 2 else { return nil }
            return try pointwise(step, window: windows[0], context: context)
        case .broadcasting:
            // The union of the changed ranges; each operand sliced to it (constants along the
            // positional axis too, when they have one).
            let rank = outputShape.count
            guard step.inputSlots.allSatisfy({ $0.map { plan.slotShapes[$0].count == rank || plan.constants[$0] != nil } ?? true }) else { return nil }
            // Cut to what readers need: a residual Add's wider operand reaches further.
            let demanded = demandedPositions(step.outputSlots[0], axis: axis) ?? 0 ..< outputShape[axis]
            let start = max(demanded.lowerBound, windows.map(\.start).min()!)
            let end = min(demanded.upperBound, windows.map { $0.start + $0.data.shape[axis] }.max()!)
            guard start < end else { return [.reference] }
            if let sum = residualAdd(step, inputs: inputs, axis: axis, range: start ..< end) { return sum }
            var operands: [Value?] = []
            for (index, slot) in step.inputSlots.enumerated() {
                guard let slot else { operands.append(nil); continue }
                if let constant = plan.constants[slot] {
                    // Where's condition is an integer constant.
                    let constantAxis = axis - (rank - constant.shape.count)
                    let sliced = constantAxis >= 0 && constant.shape[constantAxis] != 1
                    switch constant {
                    case .float(let c): operands.append(.float(sliced ? c.slice(axis: constantAxis, start, end) : c))
                    case .int(let c): operands.append(.int(sliced ? c.slice(axis: constantAxis, start, end) : c))
                    }
                } else {
                    // An unchanged integer or position-independent operand: left to a full pass.
                    guard case .float? = reference[slot], plan.slotShapes[slot][axis] == outputShape[axis] else { return nil }
                    operands.append(.float(try slice(inputs[index] ?? .reference, slot: slot, axis: axis, start, end)))
                }
            }
            let shapes = try node.op.inferOutputs(abstract(operands, step), node: node).map(\.shape)
            guard case .float(let data) = try node.op.forward(operands, outputShapes: shapes, node: node, context: context)[0] else { return nil }
            return [.window(axis: axis, start: start, data: data)]
        case .convolution(let attributes):
            guard changed == [0] else { return nil }
            let geometry = try Conv.geometry(attributes, input: plan.slotShapes[step.inputSlots[0]!], weights: plan.slotShapes[step.inputSlots[1]!], node: node)
            if let delta = convolutionDelta(step, window: windows[0], attributes: attributes, geometry: geometry) { return delta }
            return try windowedSpatial(step, window: windows[0], spatial: attributes.spatial, geometry: geometry, context: context) { pads in
                var modified = attributes
                modified.spatial = pads
                return .conv(modified)
            }
        case .pool(let attributes, let maximum):
            // MaxPool's Indices output indexes the whole input: not windowed.
            guard changed == [0], step.outputSlots.dropFirst().allSatisfy({ $0 == nil }) else { return nil }
            let geometry = try Pool.geometry(attributes, input: plan.slotShapes[step.inputSlots[0]!], node: node)
            return try windowedSpatial(step, window: windows[0], spatial: attributes.spatial, geometry: geometry, context: context) { pads in
                var modified = attributes
                modified.spatial = pads
                return maximum ? .maxPool(modified) : .averagePool(modified)
            }
        case .transpose(let permutation):
            let perm = permutation ?? Array((0..<outputShape.count).reversed())
            guard changed == [0], perm.first == 0, let newAxis = perm.firstIndex(of: axis) else { return nil }
            let w = windows[0]
            let shape = perm.map { w.data.shape[$0] }
            guard case .float(let data) = try ShapeOps.transpose(.float(w.data), permutation: perm, outputShape: shape) else { return nil }
            return [.window(axis: newAxis, start: w.start, data: data)]
        case .reshape:
            // Only reshapes that add or drop unit axes keep the positional axis apart.
            guard changed == [0], let inputSlot = step.inputSlots[0] else { return nil }
            let before = plan.slotShapes[inputSlot]
            guard let newAxis = Self.mappedAxis(axis, from: before, to: outputShape) else { return nil }
            let w = windows[0]
            var shape = outputShape
            shape[0] = w.data.shape[0]
            shape[newAxis] = w.data.shape[axis]
            return [.window(axis: newAxis, start: w.start, data: Tensor(shape: shape, scalars: w.data.scalars))]
        case .matMul:
            // x · W with a constant W and positions not on the contracted axis: position-wise.
            guard changed == [0], let weightSlot = step.inputSlots[1], let weights = plan.constants[weightSlot],
                  case .float(let w2) = weights, w2.rank == 2, axis < outputShape.count - 1 else { return nil }
            let w = windows[0]
            var shape = w.data.shape
            shape[shape.count - 1] = w2.shape[1]
            return [.window(axis: axis, start: w.start, data: try MatrixProduct.matMul(.float(w.data), weights, outputShape: shape, node: node, context: context).floatTensor())]
        case .transposedConvolution(let attributes):
            guard changed == [0] else { return nil }
            return try windowedTransposedConvolution(step, window: windows[0], attributes: attributes, context: context)
        case .resampling(let attributes):
            guard changed == [0] else { return nil }
            return try windowedResize(step, window: windows[0], attributes: attributes)
        case .crop:
            guard changed == [0] else { return nil }
            return try windowedCrop(step, window: windows[0])
        case .gemm, .lengthReduction, .globalAverage, .fullPass:
            return nil
        }
    }

    /// The op on the first input's window, its other inputs whole (they are unchanged).
    private func pointwise(_ step: ExecutionPlan.Step, window w: Window, context: ExecutionContext) throws -> [Variant]? {
        let values: [Value?] = [.float(w.data)] + step.inputSlots.dropFirst().map(unchangedValue)
        guard case .float(let data) = try step.node.op.forward(values, outputShapes: [w.data.shape], node: step.node, context: context)[0] else { return nil }
        return [.window(axis: w.axis, start: w.start, data: data)]
    }

    /// Conv and pools along the last axis: the output positions whose windows meet the
    /// changed input range, computed from an input slice with the padding made explicit.
    private func windowedSpatial(
        _ step: ExecutionPlan.Step, window w: Window, spatial: SpatialAttributes, geometry: WindowGeometry, context: ExecutionContext,
        op makeOp: (SpatialAttributes) -> Op
    ) throws -> [Variant]? {
        let node = step.node
        let inputShape = plan.slotShapes[step.inputSlots[0]!]
        let rank = inputShape.count
        guard w.axis == rank - 1, let outputSlot = step.outputSlots[0] else { return nil }
        let last = geometry.kernel.count - 1
        let (kernel, stride, dilation, padBegin) = (geometry.kernel[last], geometry.strides[last], geometry.dilations[last], geometry.padBegin[last])
        let inputLength = inputShape[rank - 1], outputLength = plan.slotShapes[outputSlot][rank - 1]
        let changedEnd = w.start + w.data.shape[w.axis]
        let extent = (kernel - 1) * dilation
        let demanded = demandedPositions(outputSlot, axis: w.axis) ?? 0 ..< outputLength
        let first = max(demanded.lowerBound, Self.ceilDivide(w.start + padBegin - extent, stride))
        let lastOutput = min(demanded.upperBound - 1, Self.floorDivide(changedEnd - 1 + padBegin, stride))
        guard first <= lastOutput else { return [.reference] }
        let needStart = first * stride - padBegin, needEnd = lastOutput * stride - padBegin + extent + 1
        let sliceStart = max(0, needStart), sliceEnd = min(inputLength, needEnd)
        let input = try slice(.window(axis: w.axis, start: w.start, data: w.data), slot: step.inputSlots[0]!, axis: w.axis, sliceStart, sliceEnd)
        var pads = SpatialAttributes(kernelShape: spatial.kernelShape, strides: geometry.strides, dilations: geometry.dilations,
                                     pads: geometry.padBegin + geometry.padEnd, autoPad: .notSet)
        pads.pads[last] = sliceStart - needStart
        pads.pads[last + geometry.kernel.count] = needEnd - sliceEnd
        let op = makeOp(pads)
        let values: [Value?] = [.float(input)] + step.inputSlots.dropFirst().map(unchangedValue)
        let shapes = try op.inferOutputs(abstract(values, step), node: node).map(\.shape)
        guard case .float(let data) = try op.forward(values, outputShapes: shapes, node: node, context: context)[0] else { return nil }
        return [.window(axis: w.axis, start: first, data: data)]
    }

    /// Where `axis` of `before` lands in `after` when the reshape only adds or drops unit
    /// axes (the axis itself is not 1); nil otherwise.
    static func mappedAxis(_ axis: Int, from before: [Int], to after: [Int]) -> Int? {
        guard before[axis] != 1 else { return nil }
        let kept = before.enumerated().filter { $0.element != 1 || $0.offset == 0 }
        let keptAfter = after.enumerated().filter { $0.element != 1 || $0.offset == 0 }
        guard kept.map(\.element) == keptAfter.map(\.element), let rank = kept.firstIndex(where: { $0.offset == axis }) else { return nil }
        return keptAfter[rank].offset
    }

    static func ceilDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }
    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
