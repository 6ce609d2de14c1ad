/// Evaluates a graph on many variants of one reference input that differ from it only
/// inside a window of positions: the engine behind fast in-silico mutagenesis and live edits.
///
/// Reference activations are computed once. Each op follows its `WindowRule`: through
/// positional layers (convolutions, pools, elementwise ops, batch norm, residual additions,
/// position-wise MatMul, transposes and unit-axis reshapes) each variant is computed only over
/// the positions its window reaches, from the reference context around it
/// (WindowedSteps.swift). A Flatten feeding a Gemm or MatMul passes a delta:
/// y = y_ref + Δx · B[changed features] (DenseDelta.swift). Any other op, where positions mix,
/// gets full tensors (the reference with each variant's window written in) and runs as usual,
/// so every graph works; those that mix positions early just gain less.
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
    /// Every activation of the reference input, by slot.
    private(set) var reference: [Value?] = []
    /// Dense weights laid out feature-major (features × outputs) by weight slot, for Gemms
    /// with transB = 1: transposed on first use and kept, since every edit reads a few of its
    /// rows (`DenseDelta`). Entries of non-constant weights are dropped with the reference.
    var featureMajorWeights: [Int: [Float]] = [:]
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
    /// - Parameter others: the plan's other inputs, the same for every variant (control tracks).
    @discardableResult
    public func setReference(_ input: Tensor<Float>, others: [String: Tensor<Float>] = [:]) throws -> Tensor<Float> {
        let name = plan.inputSlots.first { $0.value == inputSlot }!.key
        reference = try plan.forwardKeepingValues(others.merging([name: input]) { $1 }, threads: threads).slots
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
        let rule = node.op.windowRule
        if let windowed = try windowed(step, rule: rule, inputs: inputs, changed: changed, context: context) {
            lastCounts.windowed += 1
            return windowed
        }
        if let delta = try delta(step, rule: rule, inputs: inputs, changed: changed) {
            lastCounts.delta += 1
            return [delta]
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

    // MARK: Values

    /// What shape inference needs: shapes, and the values of the model's constants
    /// (axes, shapes) that some ops read while planning.
    func abstract(_ values: [Value?], _ step: ExecutionPlan.Step) -> [AbstractValue?] {
        zip(values, step.inputSlots).map { value, slot in
            value.map { AbstractValue(shape: $0.shape, type: $0.elementType, constant: slot.flatMap { plan.constants[$0] }) }
        }
    }

    /// The variants' values over positions [start, end) of `axis` (batch M for windows,
    /// batch 1 for the reference, which broadcasts).
    func slice(_ variant: Variant, slot: Int, axis: Int, _ start: Int, _ end: Int) throws -> Tensor<Float> {
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

    /// An input that no variant changes: a constant of the model, or the reference's value.
    func unchangedValue(_ slot: Int?) -> Value? {
        slot.flatMap { plan.constants[$0] ?? reference[$0] }
    }
}
