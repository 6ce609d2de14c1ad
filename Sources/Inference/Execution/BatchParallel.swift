import Dispatch
import Foundation

/// Batch-parallel forward passes: the batch split into one part per thread, each part run
/// by its own plan on one thread (single-threaded GEMMs), the outputs joined. Two threads
/// splitting every product between them (the BLAS library's own threading) scaled poorly on the
/// small products of sequence models; whole parts per core do not share anything.
final class BatchParts: @unchecked Sendable {
    private let lock = NSLock()
    /// Whether every computed value keeps the batch as its first axis (nil: not yet known).
    private var separable: Bool?
    private var plans: [Int: ExecutionPlan] = [:]

    /// The plan for a part of `rows` sequences, nil when the graph mixes sequences of a batch.
    func plan(rows: Int, of whole: ExecutionPlan) throws -> ExecutionPlan? {
        lock.lock()
        defer { lock.unlock() }
        if separable == nil { separable = try Self.isSeparable(whole) }
        guard separable == true else { return nil }
        if let plan = plans[rows] { return plan }
        let plan = try whole.replanned(batch: rows)
        plans[rows] = plan
        return plan
    }

    /// True when every computed value and every output has the batch as its first axis, so
    /// that a part of the batch computes exactly its rows of every value.
    private static func isSeparable(_ plan: ExecutionPlan) throws -> Bool {
        guard let layout = try? plan.batchAxes() else { return false }
        let computed = plan.steps.flatMap { $0.outputSlots.compactMap { $0 } }
        return computed.allSatisfy { layout.axes[$0] == 0 }
    }
}

extension ExecutionPlan {
    /// Smallest batch split across threads: below it a part would be a single sequence with
    /// nothing left to share the fixed cost of a pass.
    static let minimumRowsPerPart = 2

    /// The plans of the parts `run` splits the batch into on `threads` threads, nil when it runs
    /// the batch whole (too small to share, or a graph that mixes sequences of a batch).
    package func batchParts(threads: Int) throws -> [ExecutionPlan]? {
        guard threads > 1, let rows = inputShapes.first(where: { inputSlots[$0.key] != nil })?.value.first,
              rows >= threads * Self.minimumRowsPerPart,
              inputSlots.keys.allSatisfy({ inputShapes[$0]?.first == rows }) else { return nil }
        var parts: [ExecutionPlan] = []
        for part in 0..<threads {
            guard let plan = try partPlans.plan(rows: rows * (part + 1) / threads - rows * part / threads, of: self) else { return nil }
            parts.append(plan)
        }
        return parts
    }

    /// `run`'s batch-parallel path, nil when `batchParts` is.
    func runInParts(_ inputs: [String: Tensor<Float>], threads: Int) throws -> [String: Value]? {
        // runWhole reports missing or misshapen inputs.
        guard inputSlots.keys.allSatisfy({ inputs[$0]?.shape == inputShapes[$0] }),
              let parts = try batchParts(threads: threads) else { return nil }
        var bounds = [0]
        for plan in parts { bounds.append(bounds.last! + (plan.inputShapes.first { inputSlots[$0.key] != nil }?.value[0] ?? 0)) }
        let plans = parts
        let partInputs = try (0..<threads).map { part in
            try inputs.filter { inputSlots[$0.key] != nil }.mapValues { tensor in
                try ShapeOps.slice(.float(tensor), region: Self.rows(bounds[part]..<bounds[part + 1], of: tensor.shape)).floatTensor()
            }
        }
        BLAS.setThreads(1)
        nonisolated(unsafe) var results = [Result<[String: Value], Error>?](repeating: nil, count: threads)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                slots[part] = Result { try plans[part].runWhole(partInputs[part], threads: 1, timing: nil) }
            }
        }
        let outputs = try results.map { try $0!.get() }
        var joined: [String: Value] = [:]
        for (name, _) in outputSlots {
            joined[name] = try Self.stacked(outputs.map { $0[name] }, shape: outputShapes[name] ?? [])
        }
        return joined
    }

    /// Parts of one value along its first axis, joined (row-major: their scalars in order).
    private static func stacked(_ parts: [Value?], shape: [Int]) throws -> Value {
        var floats: [Float] = [], integers: [Int64] = []
        for part in parts {
            switch part {
            case .float(let t)?: floats.append(contentsOf: t.scalars)
            case .int(let t)?: integers.append(contentsOf: t.scalars)
            case nil: throw InferenceError("internal: a part of the batch lacks an output")
            }
        }
        if case .int? = parts.first { return .int(Tensor(shape: shape, scalars: integers)) }
        return .float(Tensor(shape: shape, scalars: floats))
    }

    private static func rows(_ range: Range<Int>, of shape: [Int]) -> ShapeOps.SliceRegion {
        var region = ShapeOps.SliceRegion(inputShape: shape)
        region.starts[0] = range.lowerBound
        region.outputShape[0] = range.count
        return region
    }
}
