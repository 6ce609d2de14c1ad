import Foundation
import Genomics
import Inference

/// The engine behind live editing: predictions, attribution maps and saturation mutagenesis
/// of one sequence that the user keeps changing a base at a time.
///
/// `setReference` caches every activation of a sequence (`IncrementalEvaluator`); `predict`
/// then recomputes only the window of positions between the first and the last base that
/// differ from it. Batch-1 plans are cached per length, and only the changed window is encoded.
///
/// Not thread-safe: use one instance from one worker thread at a time (the explorer's
/// compute thread). It is `@unchecked Sendable` so that it can be handed to that thread;
/// `isCancelled` closures are the only thing called while another thread may be running.
public final class LiveModel: @unchecked Sendable {
    public let model: SequenceModel
    public let threads: Int

    /// How a prediction was computed (diagnostics, tests, a status line).
    public enum PredictionPath: Sendable, Equatable {
        /// The sequence is the reference: its cached predictions.
        case reference
        /// Only the window of changed positions was recomputed.
        case incremental(window: Range<Int>)
        /// A full forward pass.
        case full
    }

    /// Edits spanning more than this fraction of the length run a full pass (windows that wide
    /// save little).
    public var maximumWindowFraction = 0.5
    /// When an edit spans too wide a window, the full pass also makes the edited sequence the
    /// new reference (so the next edits near it are incremental again). The predictions returned
    /// are the same either way; `reference` tells which sequence is cached.
    public var rebasesOnWideEdits = true
    /// Integrated gradients evaluates its path points this many at a time; cancellation is
    /// checked between batches.
    public var integratedGradientsBatchSize = 10
    /// Batch size of saturation mutagenesis (about this many mutants per chunk; cancellation is
    /// checked between chunks).
    public var mutagenesisBatchSize = 64

    /// The sequence whose activations are cached, nil before `setReference`.
    public private(set) var reference: [UInt8]?
    /// The reference's predictions (T values).
    public private(set) var referencePredictions: [Float] = []
    /// How the last `predict` ran.
    public private(set) var lastPredictionPath: PredictionPath = .full
    /// With a target on a many-bin output: its bins as one track (`OutputTarget.binTrack`) for the
    /// sequence last given to `setReference` or `predict`; nil without such a target.
    public private(set) var lastBinTrack: [Float]?
    private var referenceBinTrack: [Float]?

    /// Positions one output unit of the deepest positional layer sees: when it covers the whole
    /// sequence, windows are the whole sequence and full passes are cheaper (as in ISM).
    private let receptiveField: Int
    private var evaluator: IncrementalEvaluator?
    /// One evaluator per length, reused across references: it keeps what it derives from the
    /// weights (the transposed dense layer, ~3 ms and 14 MB on a Basset-sized model).
    private var evaluators: [Int: IncrementalEvaluator] = [:]
    /// False after the incremental evaluator failed on this model: full passes only.
    private var incrementalWorks = true
    private var plans: [Int: ExecutionPlan] = [:]
    /// Every activation of the last sequence `predict` computed by windows: a gradient map of
    /// that sequence, which the explorer asks for right after, backpropagates from them instead
    /// of evaluating the window again (Basset at 1,000 nt: 2 ms of a 12 ms map).
    private var lastValues: (sequence: [UInt8], values: [Value?])?
    /// ISM's engine, kept across calls: the explorer mutates each edit's sequence in three
    /// windows, and its evaluators keep the weights they rearrange (the transposed dense layer).
    private var mutator: SaturationMutagenesis.Mutator?
    /// Reused one-hot buffers in the model's layout.
    private var encoded: [Float] = []
    private var patch: [Float] = []

    public init(model: SequenceModel, threads: Int = 1) {
        self.model = model
        self.threads = max(1, threads)
        self.receptiveField = ReceptiveField(graph: model.graph).positional
    }

    /// Task names for sequences of this length.
    public func taskNames(length: Int) throws -> [String] {
        try model.taskNames(length: length)
    }

    /// Makes `sequence` the reference: caches its activations and returns its predictions (T values).
    /// - Parameter threads: for this pass, instead of the model's (the explorer rebases on one,
    ///   leaving a core to the run loop).
    @discardableResult
    public func setReference(_ sequence: [UInt8], threads passThreads: Int? = nil) throws -> [Float] {
        let length = try checkedLength(sequence)
        if let energy = try model.pottsEnergy(sequence) {
            (reference, referencePredictions, lastPredictionPath) = (sequence, [energy], .reference)
            return [energy]
        }
        let input = encode(sequence)
        reference = nil
        referencePredictions = []
        evaluator = nil
        let output: [Float]
        if usesWindows(length: length) {
            let evaluator = try evaluators[length] ?? IncrementalEvaluator(plan: plan(length: length), input: model.inputName, output: model.outputName,
                                                                           positionalAxis: positionalAxis, threads: threads)
            evaluators[length] = evaluator
            output = try tasks(of: evaluator.setReference(input, others: model.feed(input), threads: passThreads))
            self.evaluator = evaluator
        } else {
            output = try fullPass(input, length: length, threads: passThreads)
        }
        reference = sequence
        referencePredictions = output
        referenceBinTrack = lastBinTrack
        lastPredictionPath = .reference
        return output
    }

    /// Predictions (T values) for `sequence`. When it has the reference's length, only the span
    /// between the first and the last position that differ from the reference is recomputed;
    /// a full pass when the span is wide (`maximumWindowFraction`), when no reference is set,
    /// when the length differs, or when the receptive field covers the whole sequence.
    public func predict(_ sequence: [UInt8]) throws -> [Float] {
        let length = try checkedLength(sequence)
        // A Potts model sums its terms directly: O(L²), no pass through the L·q × L·q couplings.
        if let energy = try model.pottsEnergy(sequence) {
            lastPredictionPath = sequence == reference ? .reference : .full
            return [energy]
        }
        guard let reference, reference.count == length else {
            lastPredictionPath = .full
            return try fullPass(encode(sequence), length: length)
        }
        guard let changed = Self.changedSpan(sequence, reference) else {
            lastPredictionPath = .reference
            lastBinTrack = referenceBinTrack
            return referencePredictions
        }
        if let evaluator, Double(changed.count) <= maximumWindowFraction * Double(length) {
            do {
                let patch = encodePatch(sequence, changed)
                let output: Tensor<Float>
                if let values = try? evaluator.values(start: changed.lowerBound, patch: patch), let value = evaluator.output(of: values) {
                    lastValues = (sequence, values)
                    output = value
                } else {
                    output = try evaluator.evaluate(start: changed.lowerBound, patch: patch)
                }
                lastPredictionPath = .incremental(window: changed)
                return tasks(of: output)
            } catch is InferenceError {
                // A graph the window rules trip on: full passes from now on.
                incrementalWorks = false
                self.evaluator = nil
                evaluators = [:]
            }
        }
        let output = rebasesOnWideEdits && usesWindows(length: length)
            ? try setReference(sequence)
            : try fullPass(encode(sequence), length: length)
        lastPredictionPath = .full
        return output
    }

    /// An attribution map of `sequence` for output `task`: A·L floats, (A, L) letter-major in
    /// alphabet order, whatever the model's layout (the convention of `Attributor`). IG uses the
    /// command line's defaults (zero baseline, 50 Gauss–Legendre steps), SmoothGrad likewise.
    /// - Parameter corrected: gradient correction (subtract the alphabet mean at each position).
    /// - Parameter isCancelled: polled between batches of IG path points / SmoothGrad samples;
    ///   true throws `CancellationError`.
    public func attribution(_ sequence: [UInt8], method: AttributionMethod, task: Int, corrected: Bool = false,
                            isCancelled: (() -> Bool)? = nil) throws -> [Float] {
        try attribution(sequence, settings: AttributionSettings(method: method, target: task, corrected: corrected), isCancelled: isCancelled)
    }

    /// An attribution map with full control over the settings (see `AttributionSettings`).
    public func attribution(_ sequence: [UInt8], settings: AttributionSettings, isCancelled: (() -> Bool)? = nil) throws -> [Float] {
        let length = try checkedLength(sequence)
        if settings.method == .saliency || settings.method == .gradInput, !settings.logits {
            // One backward pass at batch 1, straight in the model's layout.
            if isCancelled?() == true { throw CancellationError() }
            let plan = try plan(length: length)
            let tasks = try model.taskNames(length: length).count
            guard settings.target >= 0, settings.target < tasks else {
                throw InterpretationError("target \(settings.target) is out of range: the model has \(tasks) tasks (0–\(tasks - 1))")
            }
            let input = encode(sequence)
            let gradient: Tensor<Float>
            do {
                let seed = { (output: Tensor<Float>) in self.model.seed(task: settings.target, output: output) }
                if let values = incrementalValues(sequence) {
                    gradient = try plan.gradient(of: model.outputName, seed: seed, values: values, respectTo: model.inputName, threads: threads).gradient
                } else {
                    gradient = try plan.gradient(of: model.outputName, seed: seed, inputs: model.feed(input), respectTo: model.inputName, threads: threads).gradient
                }
            } catch let error as InferenceError {
                throw InterpretationError("\(model.url.lastPathComponent): \(error.description)")
            }
            let attributor = Attributor(model: model, batchSize: 1, threads: threads)
            var map = attributor.corrected(model.layout == .channelsFirst ? gradient.scalars : gradient.swappingLastAxes().scalars, settings)
            if settings.method == .gradInput {
                let x = model.layout == .channelsFirst ? input.scalars : input.swappingLastAxes().scalars
                for i in map.indices { map[i] *= x[i] }
            }
            return map
        } else {
            let batch = settings.method == .integratedGradients ? integratedGradientsBatchSize : 64
            let attributor = Attributor(model: model, batchSize: max(1, batch), threads: threads)
            return try attributor.attribute([sequence], settings: settings, isCancelled: isCancelled).scalars
        }
    }

    /// DeepSHAP of `sequence` with its convergence check (the settings' references, 20
    /// dinucleotide shuffles by default), all references in one batch.
    public func deepSHAP(_ sequence: [UInt8], settings: AttributionSettings, isCancelled: (() -> Bool)? = nil) throws -> DeepSHAPResult {
        _ = try checkedLength(sequence)
        return try Attributor(model: model, batchSize: 64, threads: threads).deepSHAP([sequence], settings: settings, isCancelled: isCancelled)
    }

    /// Saturation mutagenesis of `sequence` for all tasks: deltas (1, A, W, T),
    /// f(mutant) − f(sequence), and the sequence's predictions (1, T).
    /// - Parameter window: the positions to mutate (default: all, W = L).
    /// - Parameter isCancelled: polled between chunks of mutants; true throws `CancellationError`.
    public func mutagenesis(_ sequence: [UInt8], window: Range<Int>? = nil, isCancelled: (() -> Bool)? = nil) throws -> SaturationMutagenesis.Result {
        let length = try checkedLength(sequence)
        let ism = SaturationMutagenesis(model: model, batchSize: mutagenesisBatchSize, threads: threads)
        if !model.mutatesNatively, mutator?.length != length || mutator?.ism.batchSize != mutagenesisBatchSize {
            mutator = try SaturationMutagenesis.Mutator(ism, length: length)
        }
        return try ism.run([sequence], windows: [window ?? 0 ..< length], isCancelled: isCancelled, reusing: mutator)
    }

    /// The ISM-derived attribution map of one task (tangermeme's convention,
    /// `ISMAttribution.centered`): A·L floats, (A, L) letter-major, non-zero only at the
    /// sequence's bases. `result` is `mutagenesis(sequence)`.
    public func ismAttribution(from result: SaturationMutagenesis.Result, task: Int, sequence: [UInt8]) throws -> [Float] {
        let deltas = result.deltas(task: task)
        let oneHot = try OneHot.encode([sequence], alphabet: model.alphabet, layout: .channelsFirst)
        guard oneHot.count == deltas.count else {
            throw InterpretationError("the mutagenesis result covers \(deltas.shape[2]) positions, the sequence has \(sequence.count)")
        }
        return ISMAttribution.centered(deltas, oneHot: Tensor(shape: deltas.shape, scalars: oneHot)).scalars
    }

    // MARK: Internals

    /// Every activation of `sequence` from the cached reference's, recomputing only the window
    /// of changed positions (as `predict`): the forward half of a saliency map after an edit,
    /// most of a Basset-sized map's time as a full pass. Nil where `predict` would run a full pass.
    private func incrementalValues(_ sequence: [UInt8]) -> [Value?]? {
        if let lastValues, lastValues.sequence == sequence { return lastValues.values }
        guard let evaluator, let reference, reference.count == sequence.count else { return nil }
        guard let changed = Self.changedSpan(sequence, reference) else { return evaluator.referenceValues }
        guard Double(changed.count) <= maximumWindowFraction * Double(sequence.count) else { return nil }
        return try? evaluator.values(start: changed.lowerBound, patch: encodePatch(sequence, changed))
    }

    private var positionalAxis: Int { model.layout == .channelsFirst ? 2 : 1 }

    private func checkedLength(_ sequence: [UInt8]) throws -> Int {
        guard !sequence.isEmpty else { throw InterpretationError("an empty sequence cannot be predicted") }
        return sequence.count
    }

    /// Windows pay off only where an edit does not reach every position.
    private func usesWindows(length: Int) -> Bool {
        incrementalWorks && receptiveField < length
    }

    private func plan(length: Int) throws -> ExecutionPlan {
        if let plan = plans[length] { return plan }
        let plan = try model.plan(batch: 1, length: length)
        plans[length] = plan
        return plan
    }

    private func fullPass(_ input: Tensor<Float>, length: Int, threads passThreads: Int? = nil) throws -> [Float] {
        guard case .float(let output)? = try plan(length: length).run(model.feed(input), threads: passThreads ?? threads)[model.outputName] else {
            throw InterpretationError("\(model.url.lastPathComponent): output '\(model.outputName)' is not a float tensor")
        }
        return tasks(of: output)
    }

    /// The tasks of one sequence's output, keeping its bin track.
    private func tasks(of output: Tensor<Float>) -> [Float] {
        lastBinTrack = model.target.flatMap { $0.binCount > 1 ? $0.binTrack(output.scalars[...]) : nil }
        return model.tasks(of: output).scalars
    }

    /// The whole sequence, batch 1, in the model's layout.
    private func encode(_ sequence: [UInt8]) -> Tensor<Float> {
        let count = model.alphabet.size * sequence.count
        if encoded.count != count { encoded = [Float](repeating: 0, count: count) }
        encoded.withUnsafeMutableBufferPointer { OneHot.encode(sequence, alphabet: model.alphabet, layout: model.layout, into: $0) }
        return Tensor(shape: model.inputShape(batch: 1, length: sequence.count), scalars: encoded)
    }

    /// Positions `window` of the sequence, batch 1, in the model's layout.
    private func encodePatch(_ sequence: [UInt8], _ window: Range<Int>) -> Tensor<Float> {
        let count = model.alphabet.size * window.count
        if patch.count != count { patch = [Float](repeating: 0, count: count) }
        let letters = Array(sequence[window])
        patch.withUnsafeMutableBufferPointer { OneHot.encode(letters, alphabet: model.alphabet, layout: model.layout, into: $0) }
        return Tensor(shape: model.inputShape(batch: 1, length: window.count), scalars: patch)
    }

    /// First to last position where two sequences of one length differ; nil when equal.
    static func changedSpan(_ a: [UInt8], _ b: [UInt8]) -> Range<Int>? {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                var first = 0
                while first < x.count && x[first] == y[first] { first += 1 }
                guard first < x.count else { return nil }
                var last = x.count - 1
                while x[last] == y[last] { last -= 1 }
                return first ..< last + 1
            }
        }
    }
}
