import Foundation
import Genomics
import Inference

/// What to attribute and how: the settings `seqlens attr` exposes.
public struct AttributionSettings: Sendable {
    public var method: AttributionMethod
    /// Output index (task) whose value is attributed.
    public var target: Int
    /// Subtract, at each position, the mean gradient over the alphabet (Majdandzic, Rajesh
    /// & Koo 2023) before the gradient meets the input.
    public var corrected: Bool
    /// Attribute the pre-activation output: a final Sigmoid/Softmax is bypassed.
    public var logits: Bool
    public var smoothGradSamples: Int
    public var smoothGradSigma: Float
    public var seed: UInt64
    public var steps: Int
    public var quadrature: Quadrature
    public var baseline: IntegratedGradientsBaseline
    /// DeepSHAP's references (`--shuffles` dinucleotide shuffles by default, or `--references`).
    public var references: DeepSHAPReferences
    /// The run's index of the first sequence given: noise and shuffles are seeded per sequence
    /// (seed + index), so a shard of a run (`--shard`) draws what the whole run draws.
    public var firstSequence = 0

    /// Defaults follow captum: IG from a zero baseline, 50 Gauss–Legendre steps; SmoothGrad
    /// with 5 samples of σ = 1 (NoiseTunnel's defaults).
    public init(
        method: AttributionMethod, target: Int = 0, corrected: Bool = false, logits: Bool = false,
        smoothGradSamples: Int = 5, smoothGradSigma: Float = 1, seed: UInt64 = 0,
        steps: Int = 50, quadrature: Quadrature = .gaussLegendre, baseline: IntegratedGradientsBaseline = .zeros,
        references: DeepSHAPReferences = .shuffled(count: DeepSHAP.defaultShuffles, seed: 0)
    ) {
        self.method = method
        self.target = target
        self.corrected = corrected
        self.logits = logits
        self.smoothGradSamples = smoothGradSamples
        self.smoothGradSigma = smoothGradSigma
        self.seed = seed
        self.steps = steps
        self.quadrature = quadrature
        self.baseline = baseline
        self.references = references
    }
}

/// Computes attribution maps: float32 (N, A, L) in alphabet order, whatever the model's layout.
public struct Attributor: Sendable {
    public let model: SequenceModel
    public var batchSize: Int
    public var threads: Int

    public init(model: SequenceModel, batchSize: Int = 64, threads: Int = 1) {
        self.model = model
        self.batchSize = batchSize
        self.threads = threads
    }

    /// Attributions for sequences of one length.
    /// - Parameter progress: called with the number of sequences done.
    /// - Parameter isCancelled: polled between batches of gradients (between integration steps
    ///   for IG); when it returns true the call throws `CancellationError`.
    public func attribute(_ sequences: [[UInt8]], settings: AttributionSettings, progress: ((Int) -> Void)? = nil,
                          isCancelled: (() -> Bool)? = nil) throws -> Tensor<Float> {
        let xs = try sequences.map { try OneHot.encode([$0], alphabet: model.alphabet, layout: .channelsFirst) }
        return try attribute(encoded: xs, sequences: sequences, settings: settings, progress: progress, isCancelled: isCancelled)
    }

    /// Attributions of inputs given as channels-first values: the one-hot sequences, or noisy
    /// copies of them (robustness). `sequences` are what IG's shuffled baselines shuffle.
    func attribute(encoded xs: [[Float]], sequences: [[UInt8]], settings: AttributionSettings, progress: ((Int) -> Void)? = nil,
                   isCancelled: (() -> Bool)? = nil) throws -> Tensor<Float> {
        guard let length = sequences.first?.count else { return Tensor(shape: [0, model.alphabet.size, 0], scalars: []) }
        try checkTarget(settings.target, length: length)
        let a = model.alphabet.size
        var result: [Float] = []
        result.reserveCapacity(sequences.count * a * length)
        switch settings.method {
        case .saliency, .gradInput:
            // One gradient per sequence: batch across sequences.
            let gradients = try self.gradients(xs, settings: settings, progress: { progress?($0) }, isCancelled: isCancelled)
            for (x, gradient) in zip(xs, gradients) {
                let map = corrected(gradient, settings)
                result += settings.method == .saliency ? map : zip(map, x).map(*)
            }
        case .smoothgrad:
            // Every noisy copy of every sequence in one stream of batches, then averaged per sequence.
            let n = settings.smoothGradSamples
            var noisy: [[Float]] = []
            for (index, x) in xs.enumerated() {
                var generator = SeededGenerator(seed: settings.seed &+ UInt64(settings.firstSequence + index))
                for _ in 0..<n { noisy.append(x.map { $0 + settings.smoothGradSigma * generator.nextGaussian() }) }
            }
            let gradients = try self.gradients(noisy, settings: settings, progress: { progress?($0 / n) }, isCancelled: isCancelled)
            for index in xs.indices {
                var mean = [Float](repeating: 0, count: a * length)
                for gradient in gradients[index * n ..< (index + 1) * n] { for i in mean.indices { mean[i] += gradient[i] / Float(n) } }
                result += corrected(mean, settings)
            }
        case .deepshap:
            return try deepSHAP(encoded: xs, sequences: sequences, settings: settings, progress: progress, isCancelled: isCancelled).attributions
        case .integratedGradients:
            // The path's steps fill the batches.
            for (index, x) in xs.enumerated() {
                result += try integratedGradients(x, sequence: sequences[index], index: index, settings: settings, isCancelled: isCancelled)
                progress?(index + 1)
            }
        }
        return Tensor(shape: [sequences.count, a, length], scalars: result)
    }

    /// IG for one sequence: (x − x′) ⊙ Σₖ wₖ ∇f(x′ + αₖ(x − x′)), averaged over baselines.
    func integratedGradients(_ x: [Float], sequence: [UInt8], index: Int, settings: AttributionSettings, isCancelled: (() -> Bool)? = nil) throws -> [Float] {
        try integratedGradients(x, baselines: baselines(for: sequence, index: index, settings: settings), settings: settings, isCancelled: isCancelled)
    }

    /// IG from explicit baselines (channels-first, one per entry), averaged over them.
    package func integratedGradients(_ x: [Float], baselines: [[Float]], settings: AttributionSettings, isCancelled: (() -> Bool)? = nil) throws -> [Float] {
        let (points, weights) = settings.quadrature.pointsAndWeights(steps: settings.steps)
        var total = [Float](repeating: 0, count: x.count)
        for baseline in baselines {
            let path = points.map { alpha in zip(x, baseline).map { xi, bi in bi + Float(alpha) * (xi - bi) } }
            let gradient = try corrected(meanGradient(path, weights: weights.map(Float.init), settings: settings, isCancelled: isCancelled), settings)
            for i in total.indices { total[i] += (x[i] - baseline[i]) * gradient[i] / Float(baselines.count) }
        }
        return total
    }

    func baselines(for sequence: [UInt8], index: Int, settings: AttributionSettings) throws -> [[Float]] {
        let count = model.alphabet.size * sequence.count
        switch settings.baseline {
        case .zeros: return [[Float](repeating: 0, count: count)]
        case .uniform: return [[Float](repeating: 1 / Float(model.alphabet.size), count: count)]
        case .shuffled(let k, let seed): return try shuffles(of: sequence, count: k, seed: seed &+ UInt64(settings.firstSequence + index))
        }
    }

    func checkTarget(_ target: Int, length: Int) throws {
        let tasks = try model.taskNames(length: length).count
        guard target >= 0, target < tasks else {
            throw InterpretationError("target \(target) is out of range: the model has \(tasks) tasks (0–\(tasks - 1))")
        }
    }

    /// The value attributed: the model's output, or with `logits` the input of its final Sigmoid/Softmax.
    func targetName(_ plan: ExecutionPlan, _ settings: AttributionSettings) throws -> String {
        guard settings.logits else { return model.outputName }
        guard let logits = plan.logitsName(for: model.outputName) else {
            throw InterpretationError("--logits: output '\(model.outputName)' does not come from a final Sigmoid or Softmax, so it already is the pre-activation value")
        }
        return logits
    }

    /// Σᵢ wᵢ ∇ f_target(inputᵢ), inputs and result channels-first (A, L), evaluated in batches.
    package func meanGradient(_ inputs: [[Float]], weights: [Float], settings: AttributionSettings, isCancelled: (() -> Bool)? = nil) throws -> [Float] {
        var total = [Float](repeating: 0, count: inputs[0].count)
        for (gradient, weight) in zip(try gradients(inputs, settings: settings, isCancelled: isCancelled), weights) {
            for i in total.indices { total[i] += weight * gradient[i] }
        }
        return total
    }

    /// ∇ f_target of each input (channels-first), evaluated `batchSize` inputs at a time.
    /// - Parameter progress: called with the number of inputs done.
    /// - Parameter isCancelled: polled before each batch; true throws `CancellationError`.
    func gradients(_ inputs: [[Float]], settings: AttributionSettings, progress: ((Int) -> Void)? = nil,
                   isCancelled: (() -> Bool)? = nil) throws -> [[Float]] {
        let size = inputs[0].count
        let length = size / model.alphabet.size
        var result: [[Float]] = []
        result.reserveCapacity(inputs.count)
        var start = 0
        while start < inputs.count {
            if isCancelled?() == true { throw CancellationError() }
            let end = min(start + batchSize, inputs.count)
            let batch = try gradient(Array(inputs[start..<end]), length: length, settings: settings)
            for row in 0..<(end - start) { result.append(Array(batch[row * size ..< (row + 1) * size])) }
            start = end
            progress?(end)
        }
        return result
    }

    /// Batched ∇ f_target for channels-first inputs; the result is channels-first too. With
    /// several threads the batch is split between them, each part a pass on one BLAS thread:
    /// samples are independent, and BLAS's own threads, splitting every product of one pass,
    /// gave nothing on two cores (bench/RESULTS.md, issue 18).
    func gradient(_ inputs: [[Float]], length: Int, settings: AttributionSettings) throws -> [Float] {
        let workers = min(threads, inputs.count)
        guard workers > 1 else { return try gradientPass(inputs, length: length, settings: settings) }
        let single = Attributor(model: model, batchSize: batchSize, threads: 1)
        var parts = [Result<[Float], Error>?](repeating: nil, count: workers)
        parts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let results = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let part = Array(inputs[inputs.count * worker / workers ..< inputs.count * (worker + 1) / workers])
                results[worker] = Result { try single.gradientPass(part, length: length, settings: settings) }
            }
        }
        return try parts.flatMap { try $0!.get() }
    }

    /// One batched pass of `gradient` on this attributor's threads.
    private func gradientPass(_ inputs: [[Float]], length: Int, settings: AttributionSettings) throws -> [Float] {
        let a = model.alphabet.size
        let channelsFirst = Tensor(shape: [inputs.count, a, length], scalars: inputs.flatMap { $0 })
        let input = model.layout == .channelsFirst ? channelsFirst : channelsFirst.swappingLastAxes()
        let plan = try model.plan(batch: inputs.count, length: length)
        let gradient: Tensor<Float>
        do {
            gradient = try plan.gradient(of: targetName(plan, settings), seed: { model.seed(task: settings.target, output: $0) }, inputs: model.feed(input),
                                         respectTo: model.inputName, threads: threads).gradient
        } catch let error as InferenceError {
            throw InterpretationError("\(model.url.lastPathComponent): \(error.description)")
        }
        return (model.layout == .channelsFirst ? gradient : gradient.swappingLastAxes()).scalars
    }

    /// Gradient correction: subtract the alphabet mean at each position.
    func corrected(_ gradient: [Float], _ settings: AttributionSettings) -> [Float] {
        guard settings.corrected else { return gradient }
        let a = model.alphabet.size, length = gradient.count / a
        var result = gradient
        for position in 0..<length {
            var mean: Float = 0
            for base in 0..<a { mean += gradient[base * length + position] }
            mean /= Float(a)
            for base in 0..<a { result[base * length + position] -= mean }
        }
        return result
    }
}

extension Tensor where Scalar == Float {
    /// (N, X, Y) → (N, Y, X): between channels-first (N, A, L) and channels-last (N, L, A).
    public func swappingLastAxes() -> Tensor {
        let (n, rows, columns) = (shape[0], shape[1], shape[2])
        var result = [Float](repeating: 0, count: count)
        for sample in 0..<n {
            let base = sample * rows * columns
            for r in 0..<rows { for c in 0..<columns { result[base + c * rows + r] = scalars[base + r * columns + c] } }
        }
        return Tensor(shape: [n, columns, rows], scalars: result)
    }
}
