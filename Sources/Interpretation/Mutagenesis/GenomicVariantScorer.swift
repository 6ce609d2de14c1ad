import Foundation
import Genomics
import Inference

/// One row of a variant's scores: a task of a one-axis output (reference, alternative, their
/// difference and log fold change), or a profile output (the Jensen-Shannon distance between
/// the reference's and the alternative's predicted distributions), or a `--target` (both when
/// it reads a profile).
public struct VariantScore: Hashable, Sendable {
    public var task: String
    public var reference: Float?
    public var alternative: Float?
    /// log2(alternative / reference) of a score that is not a log (nil unless both are
    /// positive), or (alternative − reference) / ln 2 of one on a natural-log scale (BPNet and
    /// ChromBPNet log counts, `--logits`), which is the same fold change: ChromBPNet's logfc.
    public var log2FoldChange: Float?
    /// Base 2, in [0, 1]: 0 when the distributions are the same (scipy's jensenshannon, base=2).
    public var jensenShannonDistance: Float?

    /// alternative − reference.
    public var delta: Float? { reference.flatMap { reference in alternative.map { $0 - reference } } }
}

/// Scores genomic variants (GenomicVariant.windows) with a model: every task of every output,
/// on the forward strand and on the reverse complement, averaged, as ChromBPNet's variant scorer
/// does by default: a task's value is the mean of both strands; a profile's distribution is the
/// mean of both strands' softmax, the reverse complement's bins flipped back (tracks are not
/// swapped). Profile outputs (two axes per sequence) are read as logits over tracks × bins
/// flattened, as BPNet and ChromBPNet (bpnet-lite) train them.
public struct GenomicVariantScorer: Sendable {
    public let model: SequenceModel
    /// The windows' length: the model's input length.
    public let length: Int
    public let averagesStrands: Bool
    /// Row names, in the order `score` gives each variant's rows.
    public var tasks: [String] { readouts.map(\.name) }

    private enum Reading: Sendable {
        /// Value `index` of a one-axis output.
        case value(index: Int)
        /// The model's target: its value, and also a distance when it reads a profile.
        case target(OutputTarget)
        /// A two-axis output read whole as a distribution.
        case profile(OutputTarget)
    }

    private struct Readout: Sendable {
        var name: String
        var output: String
        var reading: Reading
        var logScale: Bool
    }

    private let readouts: [Readout]

    /// - Parameters:
    ///   - model: read through its target when it has one (one row), else every output.
    ///   - task: with a model without target, only this task of its output.
    ///   - logScale: whether one-axis scores are natural logs (`--logits`); default: only when a
    ///     one-axis output sits beside a profile output (BPNet-class log counts).
    public init(model: SequenceModel, length: Int, task: Int? = nil, averagingStrands: Bool = true, logScale: Bool? = nil) throws {
        self.model = model
        self.length = length
        averagesStrands = averagingStrands
        let outputs = try model.outputShapes(length: length)
        let logScale = logScale ?? outputs.contains { $0.shape.count == 2 }
        if let target = model.target {
            readouts = [Readout(name: target.label, output: model.outputName, reading: .target(target), logScale: logScale)]
            return
        }
        if let task {
            let names = try model.taskNames(length: length)
            readouts = [Readout(name: names[task], output: model.outputName, reading: .value(index: task), logScale: logScale)]
            return
        }
        var readouts: [Readout] = []
        for (name, shape) in outputs {
            switch shape.count {
            case 0, 1:
                let names = try model.reading(output: name).taskNames(length: length)
                readouts += names.enumerated().map { Readout(name: $1, output: name, reading: .value(index: $0), logScale: logScale) }
            case 2:
                let axes = model.inferredAxes(shape: shape)
                let (tracks, bins) = axes == .tracksBins ? (shape[0], shape[1]) : (shape[1], shape[0])
                let whole = OutputTarget(trackCount: tracks, binCount: bins, axes: axes, tracks: Array(0..<tracks), bins: 0..<bins, reduction: .profile, label: name)
                readouts.append(Readout(name: name, output: name, reading: .profile(whole), logScale: logScale))
            default:
                throw InterpretationError("output '\(name)' has \(shape.count) axes per sequence (\(shape.map(String.init).joined(separator: ", "))); say what to score with --target \(TargetSyntax.summary)")
            }
        }
        self.readouts = readouts
    }

    /// Each variant's rows (one per task), in `tasks` order. Reference and alternative windows,
    /// and their reverse complements, run in batches of `batchSize`.
    public func score(_ windows: [VariantWindows], batchSize: Int = 64, threads: Int = 1) throws -> [[VariantScore]] {
        let count = windows.count
        guard count > 0 else { return [] }
        var sequences = windows.map(\.reference) + windows.map(\.alternative)
        if averagesStrands { sequences += sequences.map { reverseComplement($0, alphabet: model.alphabet) } }
        let names = Array(Set(readouts.map(\.output))).sorted()
        let outputs = try model.predictOutputs(sequences, names: names, batchSize: batchSize, threads: threads)
        return (0..<count).map { variant in
            readouts.map { readout in
                let values = outputs[readout.output]!
                let per = values.count / sequences.count
                let slice = { (sequence: Int) in values[sequence * per ..< (sequence + 1) * per] }
                // Sequence indices of the reference and the alternative on each strand.
                let referenceRows = averagesStrands ? [variant, 2 * count + variant] : [variant]
                let alternativeRows = averagesStrands ? [count + variant, 3 * count + variant] : [count + variant]
                switch readout.reading {
                case .value(let index):
                    let mean = { (rows: [Int]) in rows.map { slice($0)[slice($0).startIndex + index] }.reduce(0, +) / Float(rows.count) }
                    return Self.row(readout, reference: mean(referenceRows), alternative: mean(alternativeRows), distance: nil)
                case .target(let target):
                    let mean = { (rows: [Int]) in
                        rows.enumerated().map { strand, row in target.value(Self.forward(slice(row), target, flipped: strand == 1)[...]) }.reduce(0, +) / Float(rows.count)
                    }
                    let distance = target.binCount > 1
                        ? Self.distance(referenceRows.map(slice), alternativeRows.map(slice), target) : nil
                    return Self.row(readout, reference: mean(referenceRows), alternative: mean(alternativeRows), distance: distance)
                case .profile(let target):
                    let distance = Self.distance(referenceRows.map(slice), alternativeRows.map(slice), target)
                    return VariantScore(task: readout.name, jensenShannonDistance: distance)
                }
            }
        }
    }

    private static func row(_ readout: Readout, reference: Float, alternative: Float, distance: Float?) -> VariantScore {
        let foldChange: Float?
        if readout.logScale {
            foldChange = (alternative - reference) / Float(M_LN2)
        } else {
            foldChange = reference > 0 && alternative > 0 ? log2(alternative / reference) : nil
        }
        return VariantScore(task: readout.name, reference: reference, alternative: alternative, log2FoldChange: foldChange, jensenShannonDistance: distance)
    }

    /// One sequence's output in forward orientation: a reverse complement's bins flipped back.
    private static func forward(_ output: ArraySlice<Float>, _ target: OutputTarget, flipped: Bool) -> [Float] {
        guard flipped, target.binCount > 1 else { return Array(output) }
        var result = [Float](repeating: 0, count: output.count)
        let base = output.startIndex, bins = target.binCount, tracks = target.trackCount
        for track in 0..<tracks {
            for bin in 0..<bins {
                let (to, from) = target.axes == .tracksBins
                    ? (track * bins + bin, track * bins + bins - 1 - bin)
                    : (bin * tracks + track, (bins - 1 - bin) * tracks + track)
                result[to] = output[base + from]
            }
        }
        return result
    }

    /// The distribution a profile predicts over the target's tracks × bins, averaged over strands.
    private static func distribution(_ outputs: [ArraySlice<Float>], _ target: OutputTarget) -> [Double] {
        let offsets = target.offsets
        var mean = [Double](repeating: 0, count: offsets.count)
        for (strand, output) in outputs.enumerated() {
            let oriented = forward(output, target, flipped: strand == 1)
            let logits = offsets.map { Double(oriented[$0]) }
            let largest = logits.max() ?? 0
            let exponentials = logits.map { exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            for index in mean.indices { mean[index] += exponentials[index] / total / Double(outputs.count) }
        }
        return mean
    }

    private static func distance(_ reference: [ArraySlice<Float>], _ alternative: [ArraySlice<Float>], _ target: OutputTarget) -> Float {
        let p = distribution(reference, target), q = distribution(alternative, target)
        var divergence = 0.0
        for (pi, qi) in zip(p, q) {
            let m = (pi + qi) / 2
            if pi > 0 { divergence += pi * log2(pi / m) / 2 }
            if qi > 0 { divergence += qi * log2(qi / m) / 2 }
        }
        return Float(max(0, divergence).squareRoot())
    }
}

extension SequenceModel {
    /// The named outputs for sequences of one length, run in batches: per output, every
    /// sequence's values one after another.
    func predictOutputs(_ sequences: [[UInt8]], names: [String], batchSize: Int, threads: Int) throws -> [String: [Float]] {
        guard let length = sequences.first?.count else { return [:] }
        var outputs = Dictionary(uniqueKeysWithValues: names.map { ($0, [Float]()) })
        var done = 0
        while done < sequences.count {
            let batch = Array(sequences[done ..< min(done + batchSize, sequences.count)])
            let input = Tensor(shape: inputShape(batch: batch.count, length: length), scalars: try OneHot.encode(batch, alphabet: alphabet, layout: layout))
            let values = try plan(batch: batch.count, length: length).run(feed(input), threads: threads)
            for name in names {
                guard case .float(let output)? = values[name] else {
                    throw InterpretationError("\(url.lastPathComponent): output '\(name)' is not a float tensor")
                }
                outputs[name]!.append(contentsOf: output.scalars)
            }
            done += batch.count
        }
        return outputs
    }
}
