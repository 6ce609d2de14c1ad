/// Evaluates a graph on many variants of one reference input that differ from it only
/// inside a window of positions: the engine behind fast in-silico mutagenesis and live edits.
///
/// Reference activations are computed once. Through positional layers (convolutions,
/// pools, elementwise ops, batch norm, residual additions, position-wise MatMul, transposes
/// and unit-axis reshapes) each variant is computed only over the positions its window
/// reaches, from the reference context around it. A Flatten feeding a Gemm or MatMul passes a
/// delta: y = y_ref + Δx · B[changed features] (`DenseDelta`). Any other op, where positions mix, gets full
/// tensors (the reference with each variant's window written in) and runs as usual, so every
/// graph works; those that mix positions early just gain less.
public final class IncrementalEvaluator {
    /// What is known about one value for a batch of M variants.
    enum Variant {
        /// Identical to the reference for every variant.
        case reference
        /// Equal to the reference outside [start, start + width) of `axis`; `data` holds the
        /// window for every variant: the reference shape with batch M and that axis cut to width.
        case window(axis: Int, start: Int, data: Tensor<Float>)
        /// A flattened window: (M, features) whose changed features are `columns`; `delta` is
        /// (M, columns.count), variant minus reference.
        case flattened(columns: [Int], delta: Tensor<Float>, window: Window)
        /// Complete values for every variant.
        case full(Value)
    }

    struct Window {
        var axis: Int
        var start: Int
        var data: Tensor<Float>
    }

    let plan: ExecutionPlan
    let inputSlot: Int
    let outputSlot: Int
    let inputAxis: Int
    let threads: Int
    private var reference: [Value?] = []
    /// Dense weights laid out feature-major (features × outputs) by weight slot, for Gemms
    /// with transB = 1: transposed on first use and kept, since every edit reads a few of its
    /// rows (`DenseDelta`). Entries of non-constant weights are dropped with the reference.
    private var featureMajorWeights: [Int: [Float]] = [:]
    /// Ops of the last evaluation by how they ran: over windows, as a dense delta, or in full.
    package private(set) var lastCounts = (windowed: 0, delta: 0, full: 0)

    /// - Parameters:
    ///   - plan: planned for batch 1.
    ///   - positionalAxis: the input's sequence axis (2 for (N, A, L), 1 for (N, L, A)).
    public init(plan: ExecutionPlan, input: String, output: String, positionalAxis: Int, threads: Int = 1) throws {
        guard let inputSlot = plan.inputSlots[input], let outputSlot = plan.slotOf[output] else {
            throw InferenceError("incremental evaluation: no input '\(input)' or value '\(output)'")
        }
        guard plan.inputShapes[input]?.first == 1 else {
            throw InferenceError("incremental evaluation needs a plan for batch 1")
        }
        self.plan = plan
        self.inputSlot = inputSlot
        self.outputSlot = outputSlot
        self.inputAxis = positionalAxis
        self.threads = threads
    }

    /// Computes and keeps every activation of the reference input; returns the output.
    @discardableResult
    public func setReference(_ input: Tensor<Float>) throws -> Tensor<Float> {
        let name = plan.inputSlots.first { $0.value == inputSlot }!.key
        reference = try plan.forwardKeepingValues([name: input], threads: threads).slots
        featureMajorWeights = featureMajorWeights.filter { plan.constants[$0.key] != nil }
        guard case .float(let output)? = reference[outputSlot] else { throw InferenceError("the output is not a float value") }
        return output
    }

    /// The output for M variants of the reference that differ from it only at positions
    /// [start, start + width) of the input's positional axis. `patch` is that window of every
    /// variant: the input's shape with batch M and the positional extent cut to width.
    public func evaluate(start: Int, patch: Tensor<Float>) throws -> Tensor<Float> {
        guard !reference.isEmpty else { throw InferenceError("incremental evaluation: no reference set") }
        let batch = patch.shape[0]
        let context = ExecutionContext(threads: threads, buffers: plan.buffers)
        BLAS.setThreads(threads)
        lastCounts = (0, 0, 0)
        var state = [Variant?](repeating: nil, count: reference.count)
        state[inputSlot] = .window(axis: inputAxis, start: start, data: patch)
        for step in plan.steps {
            let inputs = step.inputSlots.map { slot -> Variant? in
                guard let slot else { return nil }
                return plan.constants[slot] != nil ? nil : (state[slot] ?? .reference)
            }
            let outputs = try evaluate(step, inputs: inputs, batch: batch, context: context)
            for (slot, variant) in zip(step.outputSlots, outputs) { if let slot { state[slot] = variant } }
            if let slot = step.outputSlots.first, slot == outputSlot { break }
        }
        guard case .float(let output) = try materialize(state[outputSlot] ?? .reference, slot: outputSlot, batch: batch) else {
            throw InferenceError("the output is not a float value")
        }
        return output
    }

    // MARK: One step

    private func evaluate(_ step: ExecutionPlan.Step, inputs: [Variant?], batch: Int, context: ExecutionContext) throws -> [Variant] {
        let node = step.node
        let changed = inputs.indices.filter { index in
            if case .reference? = inputs[index] { return false }
            return inputs[index] != nil
        }
        if changed.isEmpty { return step.outputSlots.map { _ in .reference } }
        if let windowed = try windowed(step, inputs: inputs, changed: changed, context: context) {
            lastCounts.windowed += 1
            return windowed
        }
        if changed == [0], case .flattened(let columns, let delta, _)? = inputs[0] {
            // β · C and the reference's product are in y_ref; only α · Δ · B is added.
            switch node.op {
            case .gemm(let alpha, _, false, let transB):
                lastCounts.delta += 1
                return [.full(.float(try denseDelta(step, columns: columns, delta: delta, alpha: alpha, transB: transB)))]
            case .matMul where plan.slotShapes[step.inputSlots[1] ?? 0].count == 2:
                lastCounts.delta += 1
                return [.full(.float(try denseDelta(step, columns: columns, delta: delta, alpha: 1, transB: false)))]
            default: break
            }
        }
        switch node.op {
        case .flatten, .reshape:
            if let flat = flattened(step, inputs: inputs) {
                lastCounts.delta += 1
                return [flat]
            }
        default: break
        }
        lastCounts.full += 1
        // Positions mix here: full tensors for every variant.
        let values = try step.inputSlots.enumerated().map { index, slot -> Value? in
            guard let slot else { return nil }
            if plan.constants[slot] != nil { return plan.constants[slot] }
            return try materialize(inputs[index] ?? .reference, slot: slot, batch: batch)
        }
        let shapes = try node.op.inferOutputs(abstract(values, step), node: node).map(\.shape)
        return try node.op.forward(values, outputShapes: shapes, node: node, context: context).map { .full($0) }
    }

    /// Ops that keep positions apart, computed over the window only; nil when not applicable.
    private func windowed(_ step: ExecutionPlan.Step, inputs: [Variant?], changed: [Int], context: ExecutionContext) throws -> [Variant]? {
        let node = step.node
        guard changed.allSatisfy({ if case .window? = inputs[$0] { true } else { false } }) else { return nil }
        let windows = changed.map { index -> Window in
            guard case .window(let axis, let start, let data)? = inputs[index] else { fatalError("checked above") }
            return Window(axis: axis, start: start, data: data)
        }
        let axis = windows[0].axis
        guard windows.allSatisfy({ $0.axis == axis }) else { return nil }
        let outputShape = plan.slotShapes[step.outputSlots[0] ?? 0]
        switch node.op {
        case .unary, .identity, .clip, .cast(.float):
            guard changed == [0] else { return nil }
            let w = windows[0]
            let values: [Value?] = [.float(w.data)] + step.inputSlots.dropFirst().map { $0.flatMap { plan.constants[$0] } }
            let result = try node.op.forward(values, outputShapes: [w.data.shape], node: node, context: context)
            guard case .float(let data) = result[0] else { return nil }
            return [.window(axis: axis, start: w.start, data: data)]
        case .batchNormalization:
            guard changed == [0], axis >= 2 else { return nil }
            let w = windows[0]
            let values: [Value?] = [.float(w.data)] + step.inputSlots.dropFirst().map { $0.flatMap { plan.constants[$0] } }
            guard case .float(let data) = try node.op.forward(values, outputShapes: [w.data.shape], node: node, context: context)[0] else { return nil }
            return [.window(axis: axis, start: w.start, data: data)]
        case .binary:
            // The union of the changed ranges; each operand sliced to it (constants along the
            // positional axis too, when they have one).
            let rank = outputShape.count
            guard step.inputSlots.allSatisfy({ $0.map { plan.slotShapes[$0].count == rank || plan.constants[$0] != nil } ?? true }) else { return nil }
            let start = windows.map(\.start).min()!
            let end = windows.map { $0.start + $0.data.shape[axis] }.max()!
            var operands: [Value?] = []
            for (index, slot) in step.inputSlots.enumerated() {
                guard let slot else { operands.append(nil); continue }
                if let constant = plan.constants[slot] {
                    guard case .float(let c) = constant else { return nil }
                    let offset = rank - c.rank
                    let constantAxis = axis - offset
                    if constantAxis >= 0, c.shape[constantAxis] != 1 {
                        operands.append(.float(c.slice(axis: constantAxis, start, end)))
                    } else {
                        operands.append(.float(c))
                    }
                } else {
                    operands.append(.float(try slice(inputs[index] ?? .reference, slot: slot, axis: axis, start, end)))
                }
            }
            let shapes = try node.op.inferOutputs(abstract(operands, step), node: node).map(\.shape)
            guard case .float(let data) = try node.op.forward(operands, outputShapes: shapes, node: node, context: context)[0] else { return nil }
            return [.window(axis: axis, start: start, data: data)]
        case .conv(let attributes):
            guard changed == [0] else { return nil }
            return try windowedSpatial(step, window: windows[0], spatial: attributes.spatial, kernel: plan.slotShapes[step.inputSlots[1]!].last!, context: context) { pads in
                var modified = attributes
                modified.spatial = pads
                return .conv(modified)
            }
        case .maxPool(let attributes), .averagePool(let attributes):
            guard changed == [0], !attributes.ceilMode, step.outputSlots.dropFirst().allSatisfy({ $0 == nil }) else { return nil }
            return try windowedSpatial(step, window: windows[0], spatial: attributes.spatial, kernel: attributes.spatial.kernelShape.last!, context: context) { pads in
                var modified = attributes
                modified.spatial = pads
                if case .maxPool = node.op { return .maxPool(modified) }
                return .averagePool(modified)
            }
        case .transpose(let permutation):
            let perm = permutation ?? Array((0..<outputShape.count).reversed())
            guard changed == [0], perm.first == 0, let newAxis = perm.firstIndex(of: axis) else { return nil }
            let w = windows[0]
            let shape = perm.map { w.data.shape[$0] }
            guard case .float(let data) = try ShapeOps.transpose(.float(w.data), permutation: perm, outputShape: shape) else { return nil }
            return [.window(axis: newAxis, start: w.start, data: data)]
        case .flatten, .reshape, .squeeze, .unsqueeze:
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
            return [.window(axis: axis, start: w.start, data: try MatrixProduct.matMul(.float(w.data), weights, outputShape: shape, node: node).floatTensor())]
        default:
            return nil
        }
    }

    /// Conv and pools along the last axis: the output positions whose windows meet the
    /// changed input range, computed from an input slice with the padding made explicit.
    private func windowedSpatial(
        _ step: ExecutionPlan.Step, window w: Window, spatial: SpatialAttributes, kernel: Int, context: ExecutionContext,
        op makeOp: (SpatialAttributes) -> Op
    ) throws -> [Variant]? {
        let node = step.node
        let inputShape = plan.slotShapes[step.inputSlots[0]!]
        let rank = inputShape.count
        guard w.axis == rank - 1, let outputSlot = step.outputSlots[0] else { return nil }
        let geometry: WindowGeometry
        switch node.op {
        case .conv(let attributes): geometry = try Conv.geometry(attributes, input: inputShape, weights: plan.slotShapes[step.inputSlots[1]!], node: node)
        case .maxPool(let attributes), .averagePool(let attributes): geometry = try Pool.geometry(attributes, input: inputShape, node: node)
        default: return nil
        }
        let last = geometry.kernel.count - 1
        let (stride, dilation, padBegin) = (geometry.strides[last], geometry.dilations[last], geometry.padBegin[last])
        let inputLength = inputShape[rank - 1], outputLength = plan.slotShapes[outputSlot][rank - 1]
        let changedEnd = w.start + w.data.shape[w.axis]
        let extent = (kernel - 1) * dilation
        let first = max(0, Self.ceilDivide(w.start + padBegin - extent, stride))
        let lastOutput = min(outputLength - 1, Self.floorDivide(changedEnd - 1 + padBegin, stride))
        guard first <= lastOutput else { return [.reference] }
        let needStart = first * stride - padBegin, needEnd = lastOutput * stride - padBegin + extent + 1
        let sliceStart = max(0, needStart), sliceEnd = min(inputLength, needEnd)
        let input = try slice(.window(axis: w.axis, start: w.start, data: w.data), slot: step.inputSlots[0]!, axis: w.axis, sliceStart, sliceEnd)
        var pads = SpatialAttributes(kernelShape: spatial.kernelShape, strides: geometry.strides, dilations: geometry.dilations,
                                     pads: geometry.padBegin + geometry.padEnd, autoPad: .notSet)
        pads.pads[last] = sliceStart - needStart
        pads.pads[last + geometry.kernel.count] = needEnd - sliceEnd
        let op = makeOp(pads)
        let values: [Value?] = [.float(input)] + step.inputSlots.dropFirst().map { $0.flatMap { plan.constants[$0] } }
        let shapes = try op.inferOutputs(abstract(values, step), node: node).map(\.shape)
        guard case .float(let data) = try op.forward(values, outputShapes: shapes, node: node, context: context)[0] else { return nil }
        return [.window(axis: w.axis, start: first, data: data)]
    }

    /// A Flatten/Reshape to (batch, features) of a window: keep it as a sparse delta.
    private func flattened(_ step: ExecutionPlan.Step, inputs: [Variant?]) -> Variant? {
        guard case .window(let axis, let start, let data)? = inputs[0], let outputSlot = step.outputSlots[0],
              let inputSlot = step.inputSlots[0] else { return nil }
        let inputShape = plan.slotShapes[inputSlot]
        let outputShape = plan.slotShapes[outputSlot]
        guard outputShape == [inputShape[0], inputShape.dropFirst().reduce(1, *)], case .float(let ref)? = reference[inputSlot] else { return nil }
        let width = data.shape[axis]
        let inner = inputShape[(axis + 1)...].reduce(1, *)
        let outer = inputShape[1..<axis].reduce(1, *)
        let length = inputShape[axis]
        var columns: [Int] = []
        columns.reserveCapacity(outer * width * inner)
        for o in 0..<outer { for p in start..<(start + width) { for i in 0..<inner { columns.append((o * length + p) * inner + i) } } }
        let batch = data.shape[0]
        let perVariant = outer * width * inner
        var delta = [Float](repeating: 0, count: batch * perVariant)
        for b in 0..<batch {
            for (k, column) in columns.enumerated() {
                // data is (M, outer…, width, inner…): the same order as `columns`.
                delta[b * perVariant + k] = data.scalars[b * perVariant + k] - ref.scalars[column]
            }
        }
        return .flattened(columns: columns, delta: Tensor(shape: [batch, columns.count], scalars: delta), window: Window(axis: axis, start: start, data: data))
    }

    /// Gemm or MatMul on a flattened delta: y = y_ref + α · Δ · B[changed features], B
    /// feature-major (transposed once per weight when stored transB).
    private func denseDelta(_ step: ExecutionPlan.Step, columns: [Int], delta: Tensor<Float>, alpha: Float, transB: Bool) throws -> Tensor<Float> {
        guard let outputSlot = step.outputSlots[0], case .float(let yRef)? = reference[outputSlot],
              let weightSlot = step.inputSlots[1], case .float(let b)? = plan.constants[weightSlot] ?? reference[weightSlot],
              b.rank == 2, yRef.rank == 2 else {
            throw InferenceError("incremental Gemm: missing reference values")
        }
        let n = yRef.shape[1], k = columns.count, m = delta.shape[0]
        guard b.shape == (transB ? [n, plan.slotShapes[step.inputSlots[0]!][1]] : [plan.slotShapes[step.inputSlots[0]!][1], n]) else {
            throw InferenceError("incremental Gemm: unexpected weight shape \(b.shape)")
        }
        let weights: [Float]
        if !transB {
            weights = b.scalars
        } else if let cached = featureMajorWeights[weightSlot] {
            weights = cached
        } else {
            weights = DenseDelta.transposed(b.scalars, rows: b.shape[0], columns: b.shape[1])
            featureMajorWeights[weightSlot] = weights
        }
        let y = delta.scalars.withUnsafeBufferPointer { dp in
            yRef.scalars.withUnsafeBufferPointer { rp in
                weights.withUnsafeBufferPointer { wp in
                    DenseDelta.apply(reference: rp.baseAddress!, n: n, delta: dp.baseAddress!, m: m, k: k,
                                     runs: DenseDelta.runs(features: columns, delta: dp.baseAddress!, variants: m),
                                     weights: wp.baseAddress!, alpha: alpha)
                }
            }
        }
        return Tensor(shape: [m, n], scalars: y)
    }

    // MARK: Values

    /// What shape inference needs: shapes, and the values of the model's constants
    /// (axes, shapes) that some ops read while planning.
    private func abstract(_ values: [Value?], _ step: ExecutionPlan.Step) -> [AbstractValue?] {
        zip(values, step.inputSlots).map { value, slot in
            value.map { AbstractValue(shape: $0.shape, type: $0.elementType, constant: slot.flatMap { plan.constants[$0] }) }
        }
    }

    /// The variants' values over positions [start, end) of `axis` (batch M for windows,
    /// batch 1 for the reference, which broadcasts).
    private func slice(_ variant: Variant, slot: Int, axis: Int, _ start: Int, _ end: Int) throws -> Tensor<Float> {
        guard case .float(let ref)? = reference[slot] else { throw InferenceError("incremental evaluation: no reference value") }
        switch variant {
        case .reference:
            return ref.slice(axis: axis, start, end)
        case .window(_, let windowStart, let data):
            let windowEnd = windowStart + data.shape[axis]
            if windowStart == start && windowEnd == end { return data }
            var result = ref.slice(axis: axis, start, end).repeatingBatch(data.shape[0])
            let from = max(start, windowStart), to = min(end, windowEnd)
            if from < to { result.write(data.slice(axis: axis, from - windowStart, to - windowStart), axis: axis, at: from - start) }
            return result
        case .flattened, .full:
            throw InferenceError("internal: only windows and the reference are sliced")
        }
    }

    /// Complete values for M variants.
    private func materialize(_ variant: Variant, slot: Int, batch: Int) throws -> Value {
        guard let ref = reference[slot] else { throw InferenceError("incremental evaluation: no reference value") }
        switch variant {
        case .reference:
            guard case .float(let tensor) = ref else { return ref }
            return .float(tensor.repeatingBatch(batch))
        case .window(let axis, let start, let data):
            var full = try ref.floatTensor().repeatingBatch(batch)
            full.write(data, axis: axis, at: start)
            return .float(full)
        case .flattened(_, _, let window):
            // Rebuild the unflattened variants from the window, then flatten them.
            guard let source = plan.steps.first(where: { $0.outputSlots.first == slot })?.inputSlots.first.flatMap({ $0 }),
                  let sourceValue = reference[source] else {
                throw InferenceError("incremental evaluation: flattened value without a source")
            }
            var full = try sourceValue.floatTensor().repeatingBatch(batch)
            full.write(window.data, axis: window.axis, at: window.start)
            return .float(Tensor(shape: [batch] + Array(plan.slotShapes[slot].dropFirst()), scalars: full.scalars))
        case .full(let value):
            return value
        }
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

extension Value {
    func floatTensor() throws -> Tensor<Float> {
        guard case .float(let tensor) = self else { throw InferenceError("expected a float tensor") }
        return tensor
    }
}

extension Tensor where Scalar == Float {
    /// Positions [start, end) of `axis`.
    public func slice(axis: Int, _ start: Int, _ end: Int) -> Tensor {
        if start == 0 && end == shape[axis] { return self }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), length = shape[axis]
        var result = [Float]()
        result.reserveCapacity(outer * (end - start) * inner)
        for o in 0..<outer { result.append(contentsOf: scalars[(o * length + start) * inner ..< (o * length + end) * inner]) }
        var newShape = shape
        newShape[axis] = end - start
        return Tensor(shape: newShape, scalars: result)
    }

    /// Writes `block` (same shape but along `axis`) at position `offset` of `axis`.
    mutating func write(_ block: Tensor, axis: Int, at offset: Int) {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let length = shape[axis], width = block.shape[axis]
        scalars.withUnsafeMutableBufferPointer { target in
            block.scalars.withUnsafeBufferPointer { source in
                for o in 0..<outer {
                    (target.baseAddress! + (o * length + offset) * inner).update(from: source.baseAddress! + o * width * inner, count: width * inner)
                }
            }
        }
    }

    /// A batch-1 tensor repeated to batch `count`.
    func repeatingBatch(_ count: Int) -> Tensor {
        if shape[0] == count { return self }
        var result = [Float]()
        result.reserveCapacity(self.count * count)
        for _ in 0..<count { result.append(contentsOf: scalars) }
        return Tensor(shape: [count] + shape.dropFirst(), scalars: result)
    }
}
