import Foundation

/// Batch-parallel forward passes: the batch split into one part per thread (or several, each
/// small enough for its activations to stay in cache), each part run by its own plan on one
/// thread (single-threaded GEMMs), the outputs joined. Two threads splitting every product
/// between them (the BLAS library's own threading) scaled poorly on the small products of
/// sequence models; whole parts per core do not share anything.
final class BatchParts: @unchecked Sendable {
    private let lock = NSLock()
    private var checked = false
    /// Each output's batch axis, the axis parts are joined along (nil: the batch runs whole).
    private var outputAxes: [String: Int]?
    private var plans: [Int: ExecutionPlan] = [:]

    /// The plan for a part of `rows` sequences and the outputs' batch axes, nil when the graph
    /// mixes sequences of a batch.
    func plan(rows: Int, of whole: ExecutionPlan) throws -> (plan: ExecutionPlan, outputAxes: [String: Int])? {
        lock.lock()
        defer { lock.unlock() }
        if !checked {
            outputAxes = Self.splitAxes(whole)
            checked = true
        }
        guard let outputAxes else { return nil }
        if let plan = plans[rows] { return (plan, outputAxes) }
        let plan = try whole.replanned(batch: rows)
        plans[rows] = plan
        return (plan, outputAxes)
    }

    /// Each output's batch axis when every computed value has a batch axis (wherever it sits:
    /// sequence-first attention, a recurrent layer's [seq, directions, batch, hidden]) and a
    /// probe finds that parts compute exactly their block of every output; nil otherwise.
    private static func splitAxes(_ plan: ExecutionPlan) -> [String: Int]? {
        guard let layout = try? plan.batchAxes() else { return nil }
        let computed = plan.steps.flatMap { $0.outputSlots.compactMap { $0 } }
        guard computed.allSatisfy({ layout.axes[$0] != nil }) else { return nil }
        var axes: [String: Int] = [:]
        for (name, slot) in plan.outputSlots {
            guard let axis = layout.axes[slot] else { return nil }
            axes[name] = axis
        }
        return (try? agreesInParts(plan, outputAxes: axes)) == true ? axes : nil
    }

    /// Shapes alone cannot tell a batch×heads axis ordered batch-outer (a part computes its
    /// block) from one ordered heads-outer, nor see a flip along the batch or an index sized by
    /// it: four distinct inputs run whole must equal them run as two parts of two rows, joined.
    /// Parts of two, as the split's own parts have at least two rows: one row takes other
    /// kernels (matrix-vector products) whose rounding differs, which through a deep network
    /// exceeded a per-value tolerance (DeepSEA's 919 outputs). Rounding stays far below the
    /// tolerance, a share of each output's scale; rows of other sequences are far above it.
    /// Each part is planned for its own rows, so Shape-derived values and constants sized by the
    /// batch are its own. Runs whole plans only: it cannot come back here.
    private static func agreesInParts(_ plan: ExecutionPlan, outputAxes: [String: Int]) throws -> Bool {
        let whole = try plan.replanned(batch: 4)
        let inputs = whole.floatInputShapes.mapValues { shape in
            // Distinct scalars in [0, 1) (a Fibonacci hash of the index), so no two rows agree.
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float((UInt64($0 + 1) &* 0x9E37_79B9_7F4A_7C15) >> 40) / 0x100_0000 })
        }
        let expected = try whole.runWhole(inputs, threads: 1, timing: nil)
        let half = try plan.replanned(batch: 2)
        let parts = try [0..<2, 2..<4].map { rows in try half.runWhole(try ExecutionPlan.rows(rows, of: inputs), threads: 1, timing: nil) }
        let joined = try whole.joined(parts, outputAxes: outputAxes)
        return expected.allSatisfy { name, value in
            switch (value, joined[name]) {
            case (.float(let a), .float(let b)?):
                let scale = a.scalars.lazy.filter(\.isFinite).map(abs).max() ?? 0
                return a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= 1e-4 * scale || ($0.isNaN && $1.isNaN) || $0 == $1 }
            case (.int(let a), .int(let b)?):
                return a == b
            default:
                return false
            }
        }
    }
}

extension ExecutionPlan {
    /// Smallest batch split across threads: below it a part would be a single sequence with
    /// nothing left to share the fixed cost of a pass.
    static let minimumRowsPerPart = 2
    /// Intermediate floats (8 MB) a part of the batch may make over its pass: a batch whose
    /// sequences make more runs as parts of fewer rows, one after another on each thread, so that
    /// each step's output is still in cache when the next step reads it. At batch 64 on one
    /// thread grelu's conv-transformer (1.25 M floats a sequence, its attention maps) ran 2.3×
    /// faster in parts of 8, the sinusoidal transformer 1.45×, Enformer 1.07×; DeepSTARR and
    /// DeepSEA (20–25 k floats a sequence) ran 9–16 % slower in parts of 8 than whole
    /// (bench/RESULTS.md, issue 18).
    static let partFloats = 1 << 21
    /// Fewest rows of a part made for `partFloats`: below, what a pass reads whatever its rows
    /// (dense weights, per-step set-up) outweighs the cache (Basset: even at 8 rows as at 64).
    static let minimumRowsPerCachedPart = 8

    /// The plans of the parts `run` splits the batch into, in order, and the axis each output
    /// joins along, nil when it runs the batch whole (too small to share or to cache, or a graph
    /// that mixes sequences of a batch). There are `threads` parts, or a multiple of them when a
    /// part would make more than `partFloats` intermediate floats.
    package func batchParts(threads: Int) throws -> (plans: [ExecutionPlan], outputAxes: [String: Int])? {
        guard let rows = floatInputShapes.first?.value.first, rows > 0,
              floatInputShapes.values.allSatisfy({ $0.first == rows }) else { return nil }
        let floatsPerRow = intermediateFloats / rows
        let cachedRows = max(Self.minimumRowsPerCachedPart, Self.partFloats / max(1, floatsPerRow))
        var count = max(1, threads)
        if rows >= 2 * cachedRows {
            count = (rows + cachedRows - 1) / cachedRows
            count = (count + threads - 1) / threads * threads
        }
        guard count > 1, rows >= count * Self.minimumRowsPerPart else { return nil }
        var parts: [ExecutionPlan] = [], outputAxes: [String: Int] = [:]
        for part in 0..<count {
            guard let split = try partPlans.plan(rows: rows * (part + 1) / count - rows * part / count, of: self) else { return nil }
            parts.append(split.plan)
            outputAxes = split.outputAxes
        }
        return (parts, outputAxes)
    }

    /// `run`'s path by parts of the batch, nil when `batchParts` is.
    func runInParts(_ inputs: [String: Tensor<Float>], threads: Int) throws -> [String: Value]? {
        // runWhole reports missing or misshapen inputs.
        guard inputSlots.keys.allSatisfy({ inputs[$0]?.shape == inputShapes[$0] }),
              let (plans, outputAxes) = try batchParts(threads: threads) else { return nil }
        var bounds = [0]
        for plan in plans { bounds.append(bounds.last! + (plan.floatInputShapes.first?.value[0] ?? 0)) }
        let partInputs = try plans.indices.map { part in
            try Self.rows(bounds[part]..<bounds[part + 1], of: inputs.filter { inputSlots[$0.key] != nil })
        }
        BLAS.setThreads(1)
        let workers = min(max(1, threads), plans.count)
        nonisolated(unsafe) var results = [Result<[String: Value], Error>?](repeating: nil, count: plans.count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            // On the engine's pool: its workers spin between passes, where Dispatch's take tens
            // of µs to wake (a batch of 64 small sequences takes ~0.4 ms). Each thread claims the
            // next part when done with its last, so that a thread the host slows (a VM's vCPU)
            // runs fewer parts instead of holding up the batch.
            concurrently(plans.count, participants: workers) { part in
                slots[part] = Result { try plans[part].runWhole(partInputs[part], threads: 1, timing: nil) }
            }
        }
        return try joined(results.map { try $0!.get() }, outputAxes: outputAxes)
    }

    /// The outputs of parts of the batch, in order, joined along each output's batch axis
    /// (blocks interleave when it is not the first).
    func joined(_ parts: [[String: Value]], outputAxes: [String: Int]) throws -> [String: Value] {
        var joined: [String: Value] = [:]
        for (name, _) in outputSlots {
            let values = parts.compactMap { $0[name] }
            guard values.count == parts.count, let axis = outputAxes[name], let shape = outputShapes[name] else {
                throw InferenceError("internal: a part of the batch lacks output '\(name)'")
            }
            joined[name] = try ShapeOps.concat(values, axis: axis, outputShape: shape, node: Node(name: name, opType: "Concat", op: .concat(axis: axis), inputs: [], outputs: [name]))
        }
        return joined
    }

    /// Rows `range` (along the first axis) of every input.
    static func rows(_ range: Range<Int>, of inputs: [String: Tensor<Float>]) throws -> [String: Tensor<Float>] {
        try inputs.mapValues { tensor in
            var region = ShapeOps.SliceRegion(inputShape: tensor.shape)
            region.starts[0] = range.lowerBound
            region.outputShape[0] = range.count
            return try ShapeOps.slice(.float(tensor), region: region).floatTensor()
        }
    }
}
