import Foundation

/// Batch-parallel forward passes: the batch split into one part per thread, each part run
/// by its own plan on one thread (single-threaded GEMMs), the outputs joined. Two threads
/// splitting every product between them (the BLAS library's own threading) scaled poorly on the
/// small products of sequence models; whole parts per core do not share anything.
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

    /// The plans of the parts `run` splits the batch into on `threads` threads and the axis
    /// each output joins along, nil when it runs the batch whole (too small to share, or a graph
    /// that mixes sequences of a batch).
    package func batchParts(threads: Int) throws -> (plans: [ExecutionPlan], outputAxes: [String: Int])? {
        guard threads > 1, let rows = floatInputShapes.first?.value.first,
              rows >= threads * Self.minimumRowsPerPart,
              floatInputShapes.values.allSatisfy({ $0.first == rows }) else { return nil }
        var parts: [ExecutionPlan] = [], outputAxes: [String: Int] = [:]
        for part in 0..<threads {
            guard let split = try partPlans.plan(rows: rows * (part + 1) / threads - rows * part / threads, of: self) else { return nil }
            parts.append(split.plan)
            outputAxes = split.outputAxes
        }
        return (parts, outputAxes)
    }

    /// `run`'s batch-parallel path, nil when `batchParts` is.
    func runInParts(_ inputs: [String: Tensor<Float>], threads: Int) throws -> [String: Value]? {
        // runWhole reports missing or misshapen inputs.
        guard inputSlots.keys.allSatisfy({ inputs[$0]?.shape == inputShapes[$0] }),
              let (plans, outputAxes) = try batchParts(threads: threads) else { return nil }
        var bounds = [0]
        for plan in plans { bounds.append(bounds.last! + (plan.floatInputShapes.first?.value[0] ?? 0)) }
        let partInputs = try (0..<threads).map { part in
            try Self.rows(bounds[part]..<bounds[part + 1], of: inputs.filter { inputSlots[$0.key] != nil })
        }
        BLAS.setThreads(1)
        nonisolated(unsafe) var results = [Result<[String: Value], Error>?](repeating: nil, count: threads)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            // On the engine's pool: its workers spin between passes, where Dispatch's take tens
            // of µs to wake (a batch of 64 small sequences takes ~0.4 ms).
            concurrently(threads) { part in
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
