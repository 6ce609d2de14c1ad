/// Evaluates a graph on many variants of one reference input that differ from it only
/// inside a window of positions: the engine behind fast in-silico mutagenesis and live edits.
///
/// Reference activations are computed once. Each op follows its `WindowRule`: through
/// positional layers (convolutions, pools, elementwise ops, batch norm, residual additions,
/// position-wise MatMul, transposes, unit-axis reshapes and crops) each variant is computed
/// only over the positions its window reaches, from the reference context around it
/// (WindowedSteps.swift). A Flatten feeding a Gemm or MatMul passes a delta:
/// y = y_ref + Δx · B[changed features] (DenseDelta.swift); a mean or sum over positions adds
/// the window's summed change (CropAndLengthMean.swift). Any other op, where positions mix,
/// gets full tensors (the reference with each variant's window written in) and runs as usual,
/// so every graph works; those that mix positions early just gain less.
///
/// Exporters compute shapes from the batch size (`x.size(0)`: reshapes to (batch, -1), zero
/// states of (layers, batch, hidden)); planned for one sequence those fold to batch 1. For M
/// variants the graph is also planned for batch M: ops that read such batch-dependent values
/// run in full with batch M's, and a reference value meets the variants repeated along its
/// batch axis, found from the two plans' shapes. Anything else the evaluator cannot carry
/// runs as a plain pass over the M variants, never as an error.
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

        /// Positions of its window along the window's axis (0 for the reference or full values).
        var windowWidth: Int {
            switch self {
            case .window(let axis, _, let data): data.shape[axis]
            case .flattened(_, _, let window): window.data.shape[window.axis]
            case .reference, .full: 0
            }
        }
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
    /// By step: whether the output depends on it. The others are skipped (BPNet's profile
    /// head, a wide convolution, when ISM reads the counts head).
    private let feedsOutput: [Bool]
    /// By slot, the positions the output reads (DemandedPositions.swift).
    let positionDemands: [PositionDemand]
    /// By slot, the stride its window's ends are rounded to (`poolStrides`).
    let poolStrides: [Int: Int]
    /// Whether windows are cut to `positionDemands` (while `evaluate` runs, not `values`).
    private(set) var clipsToDemand = false
    /// Every activation of the reference input, by slot.
    private(set) var reference: [Value?] = []
    /// Dense weights laid out feature-major (features × outputs) by weight slot, for Gemms
    /// with transB = 1: transposed on first use and kept, since every edit reads a few of its
    /// rows (`DenseDelta`). Entries of non-constant weights are dropped with the reference.
    var featureMajorWeights: [Int: [Float]] = [:]
    /// Conv weights of `convolutionDelta` by weight slot, laid out for its product (ConvolutionDelta.swift).
    var tapMajorConvolutionWeights: [Int: [Float]] = [:]
    /// Conv weights of `convolutionDelta`'s first layers (few channels) by weight slot, each
    /// kernel row reversed (ConvolutionDelta.swift).
    var tapReversedConvolutionWeights: [Int: [Float]] = [:]
    /// Floats of `convolutionDelta`'s per-column products made and scattered at a time (a
    /// block of filters): 512 KB stays in this machine kind's 2 MB L2 beside the operands'
    /// packed panels. A test lowers it to run several blocks on a small model.
    var productBlockFloats = 1 << 17
    /// Resize layouts by the step's output slot, computed on first use: they depend only on
    /// planned shapes and constants, and long outputs make them costly to redo per edit.
    var resizeLayouts: [Int: Resize.Layout] = [:]
    /// Ops of the last evaluation by how they ran: over windows, as a dense delta, or in full.
    package private(set) var lastCounts = (windowed: 0, delta: 0, full: 0)
    /// How many Relus the last `evaluate` moved behind the MaxPool after them (`propagate`).
    package private(set) var lastPoolsBeforeRelu = 0
    /// Whether the last evaluation gave up on windows and ran a plain pass over the variants.
    package private(set) var lastRanPlainPass = false
    /// The longest window (positions along its axis) of the last evaluation's values.
    package private(set) var lastWidestWindow = 0

    /// The graph planned for a batch of M variants, with the slots of the constants that differ
    /// from batch 1's.
    struct BatchPlan {
        var plan: ExecutionPlan
        var batchDependent: Set<Int>
    }
    /// By batch size; ISM uses one or two sizes, live edits a few more.
    private var batchPlans: [Int: BatchPlan] = [:]

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
        var needed: Set<Int> = [outputSlot]
        var feeds = [Bool](repeating: false, count: plan.steps.count)
        for (index, step) in plan.steps.enumerated().reversed() where step.outputSlots.contains(where: { $0.map(needed.contains) ?? false }) {
            feeds[index] = true
            needed.formUnion(step.inputSlots.compactMap { $0 })
        }
        feedsOutput = feeds
        positionDemands = Self.positionDemands(plan: plan, outputSlot: outputSlot, feedsOutput: feeds)
        poolStrides = Self.poolStrides(plan: plan)
    }

    /// By slot: the stride of the pool whose windows tile it (kernel = stride, no padding or
    /// dilation, along its last axis) and that alone reads it, directly or through a Relu that
    /// `propagate` moves after the pool. A window of such a slot that starts and ends on the
    /// pool's window boundaries is pooled as it is, where any other is first copied into the
    /// span the pool reads (`windowedSpatial`).
    private static func poolStrides(plan: ExecutionPlan) -> [Int: Int] {
        var readers: [Int: Int] = [:]
        for step in plan.steps {
            for slot in step.inputSlots.compactMap({ $0 }) { readers[slot, default: 0] += 1 }
        }
        var strides: [Int: Int] = [:]
        for (index, step) in plan.steps.enumerated() {
            guard case .pool(let attributes, _) = step.node.op.windowRule, let input = step.inputSlots[0], readers[input] == 1,
                  let geometry = try? Pool.geometry(attributes, input: plan.slotShapes[input], node: step.node),
                  geometry.kernel.count == 1, geometry.kernel[0] == geometry.strides[0], geometry.dilations[0] == 1,
                  geometry.padBegin[0] == 0, geometry.padEnd[0] == 0 else { continue }
            strides[input] = geometry.strides[0]
            if index > 0, plan.reluPools.contains(index - 1), let reluInput = plan.steps[index - 1].inputSlots[0] {
                strides[reluInput] = geometry.strides[0]
            }
        }
        return strides
    }

    /// Computes and keeps every activation of the reference input; returns the output.
    /// - Parameter others: the plan's other inputs, the same for every variant (control tracks).
    /// - Parameter threads: for this pass, when more are free than the evaluator's (ISM's first
    ///   reference runs before its workers start).
    @discardableResult
    public func setReference(_ input: Tensor<Float>, others: [String: Tensor<Float>] = [:], threads: Int? = nil) throws -> Tensor<Float> {
        let name = plan.inputSlots.first { $0.value == inputSlot }!.key
        reference = try plan.forwardKeepingValues(others.merging([name: input]) { $1 }, threads: threads ?? self.threads).slots
        featureMajorWeights = featureMajorWeights.filter { plan.constants[$0.key] != nil }
        guard case .float(let output)? = reference[outputSlot] else { throw InferenceError("the output is not a float value") }
        return output
    }

    /// Takes `other`'s reference activations (shared, not copied) instead of computing them:
    /// workers that evaluate chunks of one reference's variants in parallel (ISM), one
    /// evaluator each, since an evaluator's caches are not for concurrent use.
    public func adoptReference(of other: IncrementalEvaluator) {
        precondition(other.inputSlot == inputSlot && other.plan.steps.count == plan.steps.count, "evaluators of one plan")
        reference = other.reference
        featureMajorWeights = featureMajorWeights.filter { plan.constants[$0.key] != nil }
    }

    /// The output for M variants of the reference that differ from it only at positions
    /// [start, start + width) of the input's positional axis. `patch` is that window of every
    /// variant: the input's shape with batch M and the positional extent cut to width.
    public func evaluate(start: Int, patch: Tensor<Float>) throws -> Tensor<Float> {
        guard !reference.isEmpty else { throw InferenceError("incremental evaluation: no reference set") }
        let batch = patch.shape[0]
        let planned = try batchPlan(batch)
        lastRanPlainPass = false
        do {
            return try evaluate(start: start, patch: patch, planned: planned)
        } catch {
            lastRanPlainPass = true
            return try plainPass(start: start, patch: patch, planned: planned)
        }
    }

    /// Every activation of the reference input, by slot (empty before `setReference`).
    public var referenceValues: [Value?] { reference }

    /// Every value up to the output for one variant (a patch of batch 1), by slot: the
    /// reference's where the window does not reach, the others computed as `evaluate` does.
    /// A backward pass after a live edit starts from these instead of a full forward pass.
    public func values(start: Int, patch: Tensor<Float>) throws -> [Value?] {
        guard !reference.isEmpty else { throw InferenceError("incremental evaluation: no reference set") }
        guard patch.shape[0] == 1 else { throw InferenceError("incremental evaluation: values of one variant at a time") }
        let planned = BatchPlan(plan: plan, batchDependent: [])
        let state = try propagate(start: start, patch: patch, planned: planned)
        return try state.indices.map { slot in
            guard let variant = state[slot] else { return reference[slot] }
            if case .reference = variant { return reference[slot] }
            return try materialize(variant, slot: slot, planned: planned, batch: 1)
        }
    }

    /// The output among `values` (as `values(start:patch:)` returns them).
    public func output(of values: [Value?]) -> Tensor<Float>? {
        guard values.indices.contains(outputSlot), case .float(let output)? = values[outputSlot] else { return nil }
        return output
    }

    private func evaluate(start: Int, patch: Tensor<Float>, planned: BatchPlan) throws -> Tensor<Float> {
        let batch = patch.shape[0]
        clipsToDemand = true
        defer { clipsToDemand = false }
        let state = try propagate(start: start, patch: patch, planned: planned)
        guard case .float(let output) = try materialize(state[outputSlot] ?? .reference, slot: outputSlot, planned: planned, batch: batch) else {
            throw InferenceError("the output is not a float value")
        }
        return output
    }

    /// What every value up to the output is for the variants.
    private func propagate(start: Int, patch: Tensor<Float>, planned: BatchPlan) throws -> [Variant?] {
        let batch = patch.shape[0]
        let context = ExecutionContext(threads: threads, buffers: plan.buffers)
        BLAS.setThreads(threads)
        lastCounts = (0, 0, 0)
        lastPoolsBeforeRelu = 0
        lastWidestWindow = 0
        var state = [Variant?](repeating: nil, count: reference.count)
        state[inputSlot] = .window(axis: inputAxis, start: start, data: patch)
        var poolBeforeRelu: Int?
        for (index, step) in plan.steps.enumerated() where feedsOutput[index] {
            let inputs = step.inputSlots.map { slot -> Variant? in
                guard let slot else { return nil }
                return plan.constants[slot] != nil ? nil : (state[slot] ?? .reference)
            }
            if clipsToDemand, plan.reluPools.contains(index), case .window? = inputs[0], let slot = step.outputSlots[0],
               plan.steps[index + 1].outputSlots.dropFirst().allSatisfy({ $0 == nil }) {
                // The Relu commutes with the MaxPool that alone reads it (both are monotonic, and
                // relu(max(a, relu(b))) = max(relu(a), relu(b)), so reference values the pool's
                // window reaches may stay rectified): the pool takes the pre-activation window and
                // the Relu runs on the pooled one, a pool's stride narrower, sparing a pass over
                // the widest windows. Not in `values`, which hands every slot out as computed.
                state[slot] = inputs[0]
                poolBeforeRelu = index + 1
                lastCounts.windowed += 1
                lastPoolsBeforeRelu += 1
                continue
            }
            var stepContext = context
            stepContext.convolutionWeights = step.convolutionWeights
            var outputs = try evaluate(step, inputs: inputs, planned: planned, batch: batch, context: stepContext)
            if poolBeforeRelu == index { rectify(&outputs[0]) }
            for (slot, variant) in zip(step.outputSlots, outputs) {
                guard let slot else { continue }
                let kept = clippedToDemand(variant, slot: slot)
                lastWidestWindow = max(lastWidestWindow, kept.windowWidth)
                state[slot] = kept
            }
            if let slot = step.outputSlots.first, slot == outputSlot { break }
        }
        return state
    }

    /// The variants' inputs in full through the batch plan: the answer `evaluate` must equal.
    private func plainPass(start: Int, patch: Tensor<Float>, planned: BatchPlan) throws -> Tensor<Float> {
        var inputs: [String: Tensor<Float>] = [:]
        for (name, slot) in plan.inputSlots {
            guard case .float(let value)? = reference[slot] else { throw InferenceError("incremental evaluation: no reference input") }
            var full = value.repeatingBatch(patch.shape[0])
            if slot == inputSlot { full.write(patch, axis: inputAxis, at: start) }
            inputs[name] = full
        }
        // Both plans number the same values alike, so the output's slot is the same.
        let slots = try planned.plan.forwardKeepingValues(inputs, threads: threads, stopAt: outputSlot).slots
        guard case .float(let output)? = slots[outputSlot] else { throw InferenceError("the output is not a float value") }
        return output
    }

    /// The plan for `batch` variants (this plan for one), cached.
    private func batchPlan(_ batch: Int) throws -> BatchPlan {
        if batch == 1 { return BatchPlan(plan: plan, batchDependent: []) }
        if let cached = batchPlans[batch] { return cached }
        let replanned = try plan.replanned(batch: batch)
        let dependent = plan.constants.indices.filter { slot in
            guard let one = plan.constants[slot], let many = replanned.constants[slot] else { return false }
            return !one.isIdentical(to: many)
        }
        if batchPlans.count >= 4 { batchPlans.removeAll() }
        let result = BatchPlan(plan: replanned, batchDependent: Set(dependent))
        batchPlans[batch] = result
        return result
    }

    // MARK: One step

    private func evaluate(_ step: ExecutionPlan.Step, inputs: [Variant?], planned: BatchPlan, batch: Int, context: ExecutionContext) throws -> [Variant] {
        let node = step.node
        let readsBatchSize = step.inputSlots.contains { $0.map(planned.batchDependent.contains) ?? false }
        let changed = inputs.indices.filter { index in
            if case .reference? = inputs[index] { return false }
            return inputs[index] != nil
        }
        // Without a changed input the output is the reference's, unless a batch-size-dependent
        // value gives it batch M (its reference value then repeats along that batch).
        if changed.isEmpty { return step.outputSlots.map { _ in .reference } }
        let rule = node.op.windowRule
        if !readsBatchSize, let windowed = try windowed(step, rule: rule, inputs: inputs, changed: changed, context: context) {
            lastCounts.windowed += 1
            return windowed
        }
        if !readsBatchSize, let delta = try delta(step, rule: rule, inputs: inputs, changed: changed) {
            lastCounts.delta += 1
            return [delta]
        }
        lastCounts.full += 1
        // Positions mix here: full tensors for every variant, and batch M's constants.
        let values = try step.inputSlots.enumerated().map { index, slot -> Value? in
            guard let slot else { return nil }
            if plan.constants[slot] != nil { return planned.plan.constants[slot] }
            return try materialize(inputs[index] ?? .reference, slot: slot, planned: planned, batch: batch)
        }
        let shapes = try node.op.inferOutputs(abstract(values, step, planned: planned), node: node).map(\.shape)
        return try node.op.forward(values, outputShapes: shapes, node: node, context: context).map { .full($0) }
    }

    /// Applies to a MaxPool's output the Relu that was moved before the pool (`propagate`).
    private func rectify(_ variant: inout Variant) {
        switch variant {
        case .window(let axis, let start, var data):
            // Let go of the variant's hold on the data first, so that the Relu writes in place
            // rather than into a copy.
            variant = .reference
            Elementwise.reluInPlace(&data.scalars, threads: threads)
            variant = .window(axis: axis, start: start, data: data)
        case .full(.float(var data)):
            variant = .reference
            Elementwise.reluInPlace(&data.scalars, threads: threads)
            variant = .full(.float(data))
        case .reference, .flattened, .full(.int):
            // The reference pooled the rectified values already; a pool makes no flattened delta.
            break
        }
    }

    // MARK: Values

    /// What shape inference needs: shapes, and the values of the model's constants
    /// (axes, shapes) that some ops read while planning.
    func abstract(_ values: [Value?], _ step: ExecutionPlan.Step, planned: BatchPlan? = nil) -> [AbstractValue?] {
        let constants = planned?.plan.constants ?? plan.constants
        return zip(values, step.inputSlots).map { value, slot in
            value.map { AbstractValue(shape: $0.shape, type: $0.elementType, constant: slot.flatMap { constants[$0] }) }
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
            return ref.spliced(data, at: windowStart, axis: axis, start, end)
        case .flattened, .full:
            throw InferenceError("internal: only windows and the reference are sliced")
        }
    }

    /// Complete values for M variants.
    private func materialize(_ variant: Variant, slot: Int, planned: BatchPlan, batch: Int) throws -> Value {
        guard let ref = reference[slot] else { throw InferenceError("incremental evaluation: no reference value") }
        switch variant {
        case .reference:
            return try Self.repeated(ref, to: planned.plan.slotShapes[slot], batch: batch)
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

    /// The reference value of a batch-1 plan as the value every one of `batch` variants has,
    /// shaped as the batch plan says: unchanged where the batch does not reach it, otherwise
    /// repeated along its batch axis, the one axis of size 1 that became `batch` (wherever a
    /// transpose put it). A batch merged into another axis may interleave with it, so that is
    /// refused, and the caller runs a plain pass.
    package static func repeated(_ value: Value, to shape: [Int], batch: Int) throws -> Value {
        if value.shape == shape { return value }
        guard value.shape.count == shape.count else {
            throw InferenceError("incremental evaluation: cannot carry a \(value.shape) value to \(batch) variants of shape \(shape)")
        }
        let axes = value.shape.indices.filter { value.shape[$0] != shape[$0] }
        guard axes.count == 1, let axis = axes.first, value.shape[axis] == 1, shape[axis] == batch else {
            throw InferenceError("incremental evaluation: cannot carry a \(value.shape) value to \(batch) variants of shape \(shape)")
        }
        switch value {
        case .float(let tensor): return .float(tensor.repeated(batch, along: axis))
        case .int(let tensor): return .int(tensor.repeated(batch, along: axis))
        }
    }

    /// An input that no variant changes: a constant of the model, or the reference's value.
    func unchangedValue(_ slot: Int?) -> Value? {
        slot.flatMap { plan.constants[$0] ?? reference[$0] }
    }
}
