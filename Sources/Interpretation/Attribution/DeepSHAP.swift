import Foundation
import Genomics
import Inference

/// What DeepSHAP compares each sequence with.
public enum DeepSHAPReferences: Sendable {
    /// k dinucleotide shuffles of each sequence; sequence i's are drawn with seed `seed + i`.
    case shuffled(count: Int, seed: UInt64)
    /// One-hot references, channels-first: (K, A, L) for every sequence, or (N, K, A, L), K per
    /// sequence (tangermeme's `references` tensor).
    case given(Tensor<Float>)
}

/// DeepSHAP maps with their convergence check.
public struct DeepSHAPResult: Sendable {
    /// (N, A, L), alphabet order: contributions at the present base, or hypothetical
    /// contributions of every base when asked for.
    public var attributions: Tensor<Float>
    /// Per sequence: f(x) − mean f(reference), what the contributions should add up to.
    public var outputDifferences: [Float]
    /// Per sequence: Σ contributions − (f(x) − mean f(reference)) (zero for an exact run).
    public var convergence: [Float]
    /// Per sequence: whether |convergence| exceeds the tolerance.
    public var flagged: [Bool]
    /// Nodes on the way from the input to the target that DeepLIFT passed as if linear.
    public var nodesWithoutRule: [NodeWithoutDeepLIFTRule]
}

public enum DeepSHAP {
    /// Convergence is flagged above this fraction of |f(x) − mean f(reference)| (tangermeme
    /// warns at 1 % too).
    public static let defaultTolerance: Float = 0.01
    /// Below this output difference the tolerance is taken relative to it instead, so float32
    /// rounding on near-equal outputs is not flagged.
    static let smallestDifference: Float = 1e-3
    public static let defaultShuffles = 20

    /// Whether a sequence's convergence delta is beyond `tolerance` of its output difference.
    public static func isFlagged(delta: Float, difference: Float, tolerance: Float) -> Bool {
        !(abs(delta) <= tolerance * max(abs(difference), smallestDifference))
    }
}

extension Attributor {
    /// DeepSHAP (Lundberg & Lee 2017; DeepLIFT's rescale rule averaged over references), as
    /// tangermeme's `deep_lift_shap`: for each reference r, multipliers m from one DeepLIFT
    /// pass; hypothetical contributions h[b] = m[b] − Σ_c r[c]·m[c] at each position, averaged
    /// over the references, then kept at the present base unless `hypothetical`.
    public func deepSHAP(
        _ sequences: [[UInt8]], settings: AttributionSettings, hypothetical: Bool = false, tolerance: Float = DeepSHAP.defaultTolerance,
        progress: ((Int) -> Void)? = nil, isCancelled: (() -> Bool)? = nil
    ) throws -> DeepSHAPResult {
        let xs = try sequences.map { try OneHot.encode([$0], alphabet: model.alphabet, layout: .channelsFirst) }
        return try deepSHAP(encoded: xs, sequences: sequences, settings: settings, hypothetical: hypothetical, tolerance: tolerance,
                            progress: progress, isCancelled: isCancelled)
    }

    /// DeepSHAP of inputs given as channels-first values: the one-hot sequences, or noisy copies
    /// of them (robustness). `sequences` are what shuffled references shuffle.
    func deepSHAP(
        encoded xs: [[Float]], sequences: [[UInt8]], settings: AttributionSettings, hypothetical: Bool = false,
        tolerance: Float = DeepSHAP.defaultTolerance, progress: ((Int) -> Void)? = nil, isCancelled: (() -> Bool)? = nil
    ) throws -> DeepSHAPResult {
        let a = model.alphabet.size
        guard let length = sequences.first?.count else {
            return DeepSHAPResult(attributions: Tensor(shape: [0, a, 0], scalars: []), outputDifferences: [], convergence: [], flagged: [], nodesWithoutRule: [])
        }
        try checkTarget(settings.target, length: length)
        if case .given(let tensor) = settings.references { try checkOneHot(tensor) }
        let size = a * length
        let references = try sequences.indices.map { try deepSHAPReferences(for: sequences[$0], index: $0, count: sequences.count, settings: settings) }
        let pairs = references.indices.flatMap { i in references[i].indices.map { (example: i, reference: $0) } }
        var averaged = [[Float]](repeating: [Float](repeating: 0, count: size), count: sequences.count)
        var exampleTargets = [Float](repeating: 0, count: sequences.count), referenceTargets = exampleTargets
        var nodesWithoutRule: [NodeWithoutDeepLIFTRule] = []
        var start = 0
        while start < pairs.count {
            if isCancelled?() == true { throw CancellationError() }
            let batch = pairs[start ..< min(start + batchSize, pairs.count)]
            let rows = batch.map { xs[$0.example] } + batch.map { references[$0.example][$0.reference] }
            let channelsFirst = Tensor(shape: [rows.count, a, length], scalars: rows.flatMap { $0 })
            let plan = try model.plan(batch: rows.count, length: length)
            let pass: DeepLIFTPass
            do {
                pass = try plan.deepLIFT(of: targetName(plan, settings), seed: { model.seed(task: settings.target, output: $0) },
                                         inputs: model.feed(model.layout == .channelsFirst ? channelsFirst : channelsFirst.swappingLastAxes()),
                                         respectTo: model.inputName, threads: threads)
            } catch let error as InferenceError {
                throw InterpretationError("\(model.url.lastPathComponent): \(error.description)")
            }
            if nodesWithoutRule.isEmpty { nodesWithoutRule = pass.nodesWithoutRule }
            let multipliers = model.layout == .channelsFirst ? pass.multipliers.scalars : pass.multipliers.swappingLastAxes().scalars
            for (row, pair) in batch.enumerated() {
                let m = multipliers[row * size ..< (row + 1) * size], r = references[pair.example][pair.reference]
                let share = 1 / Float(references[pair.example].count)
                for position in 0..<length {
                    var expected: Float = 0
                    for c in 0..<a { expected += r[c * length + position] * m[m.startIndex + c * length + position] }
                    for b in 0..<a { averaged[pair.example][b * length + position] += share * (m[m.startIndex + b * length + position] - expected) }
                }
                exampleTargets[pair.example] = pass.exampleTargets[row]
                referenceTargets[pair.example] += share * pass.referenceTargets[row]
            }
            start += batch.count
            // Sequences done: up to the batch's last, if that was its last reference.
            let last = batch[batch.endIndex - 1]
            progress?(start == pairs.count ? sequences.count : last.example + (last.reference == references[last.example].count - 1 ? 1 : 0))
        }
        var attributions: [Float] = []
        attributions.reserveCapacity(sequences.count * size)
        var differences: [Float] = [], convergence: [Float] = [], flagged: [Bool] = []
        for (index, x) in xs.enumerated() {
            let contributions = zip(averaged[index], x).map(*)
            let difference = exampleTargets[index] - referenceTargets[index]
            let delta = contributions.reduce(0, +) - difference
            differences.append(difference)
            convergence.append(delta)
            flagged.append(DeepSHAP.isFlagged(delta: delta, difference: difference, tolerance: tolerance))
            attributions += hypothetical ? averaged[index] : contributions
        }
        return DeepSHAPResult(attributions: Tensor(shape: [sequences.count, a, length], scalars: attributions),
                              outputDifferences: differences, convergence: convergence, flagged: flagged, nodesWithoutRule: nodesWithoutRule)
    }

    /// Sequence `index`'s references, channels-first, checked against the model's alphabet and the length.
    package func deepSHAPReferences(for sequence: [UInt8], index: Int, count: Int, settings: AttributionSettings) throws -> [[Float]] {
        let size = model.alphabet.size * sequence.count
        switch settings.references {
        case .shuffled(let k, let seed):
            return try shuffles(of: sequence, count: k, seed: seed &+ UInt64(settings.firstSequence + index))
        case .given(let tensor):
            let shape = tensor.shape
            let perSequence = shape.count == 4 && shape[0] == count
            let tail = Array(shape.suffix(2))
            guard (shape.count == 3 || perSequence), tail == [model.alphabet.size, sequence.count], shape[shape.count - 3] > 0 else {
                throw InterpretationError("references have shape \(shape) but need (K, \(model.alphabet.size), \(sequence.count)) or (\(count), K, \(model.alphabet.size), \(sequence.count)): K one-hot references of the sequences' length")
            }
            let k = shape[shape.count - 3]
            let offset = perSequence ? index * k * size : 0
            return (0..<k).map { Array(tensor.scalars[offset + $0 * size ..< offset + ($0 + 1) * size]) }
        }
    }

    /// Given references must be one-hot in the model's alphabet: 0s and 1s, at most one 1 per
    /// position (an all-zero column is an N, as tangermeme allows).
    func checkOneHot(_ references: Tensor<Float>) throws {
        let a = model.alphabet.size
        guard references.rank >= 3, references.shape[references.rank - 2] == a else {
            throw InterpretationError("references have shape \(references.shape) but the model reads \(a) letters (\(model.alphabet.lettersString)) on the second-to-last axis")
        }
        let length = references.shape[references.rank - 1], planes = references.count / max(a * length, 1)
        for plane in 0..<planes {
            for position in 0..<length {
                var ones = 0
                for c in 0..<a {
                    let value = references.scalars[(plane * a + c) * length + position]
                    guard value == 0 || value == 1 else {
                        throw InterpretationError("references are not one-hot: value \(value) in reference \(plane), position \(position); give 0/1 columns in the order \(model.alphabet.lettersString)")
                    }
                    ones += Int(value)
                }
                guard ones <= 1 else {
                    throw InterpretationError("references are not one-hot: reference \(plane), position \(position) has \(ones) letters set")
                }
            }
        }
    }

    /// k shuffles of `sequence` (dinucleotide for DNA/RNA, residue for proteins), one-hot channels-first.
    func shuffles(of sequence: [UInt8], count k: Int, seed: UInt64) throws -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        return try (0..<k).map { _ in
            try OneHot.encode([ReferenceShuffle.shuffle(sequence, alphabet: model.alphabet, using: &generator)], alphabet: model.alphabet, layout: .channelsFirst)
        }
    }
}
