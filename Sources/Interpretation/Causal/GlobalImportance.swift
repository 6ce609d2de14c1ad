import Foundation
import Genomics
import Inference

/// One pattern of an arrangement, written from `start` (0-based).
public struct Placement: Sendable, Equatable {
    /// Index into the patterns the analysis was given.
    public var pattern: Int
    public var start: Int

    public init(pattern: Int, start: Int) {
        self.pattern = pattern
        self.start = start
    }
}

/// Writes each placement of `arrangement` into `sequence`: the `member`-th instance of its pattern
/// (instances cycle when there are fewer than members).
func embed(_ arrangement: [Placement], into sequence: inout [UInt8], instances: [[[UInt8]]], member: Int) {
    for placement in arrangement {
        let patterns = instances[placement.pattern]
        EmbeddedPattern.write(patterns[member % patterns.count], into: &sequence, at: placement.start)
    }
}

/// The mean over sequences of f(changed) − f(original), per task, with its 95 % normal interval:
/// mean ± 1.96 · s / √n, s the sample standard deviation (NaN for a single sequence).
public struct ImportanceEstimate: Sendable, Equatable {
    public var mean: [Float]
    public var halfWidth: [Float]
    /// Sequences the mean is over.
    public var count: Int

    public var lower: [Float] { zip(mean, halfWidth).map { $0 - $1 } }
    public var upper: [Float] { zip(mean, halfWidth).map { $0 + $1 } }

    /// z of the two-sided 95 % normal interval.
    static let z = 1.959964

    init(sums: ArraySlice<Double>, squares: ArraySlice<Double>, count: Int) {
        let n = Double(count)
        mean = sums.map { Float($0 / n) }
        halfWidth = zip(sums, squares).map { sum, square in
            guard count > 1 else { return .nan }
            let variance = max(0, (square - sum * sum / n) / (n - 1))
            return Float(Self.z * (variance / n).squareRoot())
        }
        self.count = count
    }

    /// The estimate over rows of `values`, laid out (members, tasks).
    init(values: [Float], tasks: Int) {
        let count = tasks > 0 ? values.count / tasks : 0
        var sums = [Double](repeating: 0, count: tasks), squares = sums
        for (index, value) in values.enumerated() {
            sums[index % tasks] += Double(value)
            squares[index % tasks] += Double(value) * Double(value)
        }
        self.init(sums: sums[...], squares: squares[...], count: count)
    }
}

/// Global importance analysis (Koo et al. 2021, tangermeme's `marginalize` and `space`): the
/// mean over background sequences of f(background with the patterns) − f(background).
public struct GlobalImportance: Sendable {
    public let model: SequenceModel
    public var batchSize: Int
    public var threads: Int
    /// incremental: per background, its activations once, then only the window each
    /// arrangement reaches (as ISM); naive: a full pass per variant. Same numbers.
    public var engine: MutagenesisEngine

    public init(model: SequenceModel, batchSize: Int = 64, threads: Int = 1, engine: MutagenesisEngine = .incremental) {
        self.model = model
        self.batchSize = batchSize
        self.threads = threads
        self.engine = engine
    }

    /// The predictions for the backgrounds and, for every arrangement, the estimate over them.
    /// - Parameter instances: per pattern, the letters written into background i: instance
    ///   i mod count (one instance: the same letters everywhere; see `EmbeddedPattern`).
    /// - Parameter progress: called with the model evaluations done so far, of
    ///   `backgrounds.count · (arrangements.count + 1)`.
    public func run(backgrounds: [[UInt8]], instances: [[[UInt8]]], arrangements: [[Placement]],
                    progress: ((Int) -> Void)? = nil, isCancelled: (() -> Bool)? = nil) throws -> (baseline: Tensor<Float>, estimates: [ImportanceEstimate]) {
        let length = backgrounds.first?.count ?? 0
        for arrangement in arrangements {
            for placement in arrangement {
                let width = instances[placement.pattern].first?.count ?? 0
                guard placement.start >= 0, placement.start + width <= length else {
                    throw InterpretationError("a pattern of \(width) nt at position \(placement.start) does not fit in \(length) nt (positions 0 to \(length - width))")
                }
            }
        }
        // A window pays off when several arrangements share a background's activations and a
        // change does not reach every position anyway.
        if engine == .incremental, arrangements.count > 1, ReceptiveField(graph: model.graph).positional < length {
            return try incrementalRun(backgrounds: backgrounds, instances: instances, arrangements: arrangements, progress: progress, isCancelled: isCancelled)
        }
        let baseline = try model.predict(backgrounds, batchSize: batchSize, threads: threads)
        progress?(backgrounds.count)
        let estimates = try effects(groups: arrangements.count, members: backgrounds.count, references: baseline,
                                    reference: { _, member in member },
                                    variant: { group, member in
                                        var sequence = backgrounds[member]
                                        embed(arrangements[group], into: &sequence, instances: instances, member: member)
                                        return sequence
                                    },
                                    progress: { progress?(backgrounds.count + $0) }, isCancelled: isCancelled)
        return (baseline, estimates)
    }

    /// `run` background by background: its full pass is kept by the incremental evaluator, and
    /// consecutive arrangements (at most `batchSize`, spanning at most `batchSize` positions
    /// more than the widest) are evaluated together over the window they change.
    private func incrementalRun(backgrounds: [[UInt8]], instances: [[[UInt8]]], arrangements: [[Placement]],
                                progress: ((Int) -> Void)?, isCancelled: (() -> Bool)?) throws -> (baseline: Tensor<Float>, estimates: [ImportanceEstimate]) {
        let length = backgrounds[0].count, letters = model.alphabet.size
        let evaluator = try IncrementalEvaluator(plan: model.plan(batch: 1, length: length), input: model.inputName, output: model.outputName,
                                                 positionalAxis: model.layout == .channelsFirst ? 2 : 1, threads: threads)
        let regions = arrangements.map { arrangement in
            arrangement.map(\.start).min()! ..< arrangement.map { $0.start + (instances[$0.pattern].first?.count ?? 0) }.max()!
        }
        let span = (regions.map(\.count).max() ?? 0) + batchSize
        var chunks: [(arrangements: Range<Int>, window: Range<Int>)] = []
        var first = 0
        while first < arrangements.count {
            var window = regions[first], end = first + 1
            while end < arrangements.count, end - first < batchSize {
                let merged = min(window.lowerBound, regions[end].lowerBound) ..< max(window.upperBound, regions[end].upperBound)
                guard merged.count <= span else { break }
                window = merged
                end += 1
            }
            chunks.append((first ..< end, window))
            first = end
        }
        var baseline: [Float] = []
        var sums: [Double] = [], squares: [Double] = []
        for (member, background) in backgrounds.enumerated() {
            if isCancelled?() == true { throw CancellationError() }
            let input = Tensor(shape: model.inputShape(batch: 1, length: length),
                               scalars: try OneHot.encode([background], alphabet: model.alphabet, layout: model.layout))
            let reference = try model.tasks(of: evaluator.setReference(input, others: model.feed(input))).scalars
            let tasks = reference.count
            if sums.isEmpty { sums = [Double](repeating: 0, count: arrangements.count * tasks); squares = sums }
            baseline += reference
            for chunk in chunks {
                let patches = try chunk.arrangements.flatMap { group in
                    var sequence = background
                    embed(arrangements[group], into: &sequence, instances: instances, member: member)
                    return try OneHot.encode([Array(sequence[chunk.window])], alphabet: model.alphabet, layout: .channelsFirst)
                }
                let patch = Tensor(shape: [chunk.arrangements.count, letters, chunk.window.count], scalars: patches)
                let output = try model.tasks(of: evaluator.evaluate(start: chunk.window.lowerBound,
                                                                   patch: model.layout == .channelsFirst ? patch : patch.swappingLastAxes())).scalars
                for (row, group) in chunk.arrangements.enumerated() {
                    for task in 0..<tasks {
                        let difference = Double(output[row * tasks + task]) - Double(reference[task])
                        sums[group * tasks + task] += difference
                        squares[group * tasks + task] += difference * difference
                    }
                }
            }
            progress?((member + 1) * (arrangements.count + 1))
        }
        let tasks = baseline.count / backgrounds.count
        let estimates = (0..<arrangements.count).map {
            ImportanceEstimate(sums: sums[$0 * tasks ..< ($0 + 1) * tasks], squares: squares[$0 * tasks ..< ($0 + 1) * tasks], count: backgrounds.count)
        }
        return (Tensor(shape: [backgrounds.count, tasks], scalars: baseline), estimates)
    }

    /// For `groups` groups of `members` variants each, the estimate of f(variant) − f(reference):
    /// variants are made and predicted `batchSize` at a time, in order, so memory stays one batch
    /// whatever the number of variants. The engine of GIA and of ablation.
    /// - Parameter reference: the row of `references` a variant is compared with.
    package func effects(groups: Int, members: Int, references: Tensor<Float>, reference: (Int, Int) -> Int,
                         variant: (Int, Int) -> [UInt8], progress: ((Int) -> Void)? = nil,
                         isCancelled: (() -> Bool)? = nil) throws -> [ImportanceEstimate] {
        let tasks = references.shape.count > 1 ? references.shape[1] : 0
        var sums = [Double](repeating: 0, count: groups * tasks), squares = sums
        try stream(groups: groups, members: members, references: references, reference: reference, variant: variant,
                   progress: progress, isCancelled: isCancelled) { group, _, task, difference in
            sums[group * tasks + task] += difference
            squares[group * tasks + task] += difference * difference
        }
        return (0..<groups).map {
            ImportanceEstimate(sums: sums[$0 * tasks ..< ($0 + 1) * tasks], squares: squares[$0 * tasks ..< ($0 + 1) * tasks], count: members)
        }
    }

    /// Every f(variant) − f(reference), (groups, members, tasks): for estimates of combinations
    /// of groups over the same backgrounds (an interaction), where the pairing matters.
    package func differences(groups: Int, members: Int, references: Tensor<Float>, reference: (Int, Int) -> Int,
                             variant: (Int, Int) -> [UInt8], progress: ((Int) -> Void)? = nil,
                             isCancelled: (() -> Bool)? = nil) throws -> Tensor<Float> {
        let tasks = references.shape.count > 1 ? references.shape[1] : 0
        var values = [Float](repeating: 0, count: groups * members * tasks)
        try stream(groups: groups, members: members, references: references, reference: reference, variant: variant,
                   progress: progress, isCancelled: isCancelled) { group, member, task, difference in
            values[(group * members + member) * tasks + task] = Float(difference)
        }
        return Tensor(shape: [groups, members, tasks], scalars: values)
    }

    private func stream(groups: Int, members: Int, references: Tensor<Float>, reference: (Int, Int) -> Int,
                        variant: (Int, Int) -> [UInt8], progress: ((Int) -> Void)?, isCancelled: (() -> Bool)?,
                        _ record: (_ group: Int, _ member: Int, _ task: Int, _ difference: Double) -> Void) throws {
        let tasks = references.shape.count > 1 ? references.shape[1] : 0
        let total = groups * members
        var done = 0
        while done < total {
            if isCancelled?() == true { throw CancellationError() }
            let items = done ..< min(done + batchSize, total)
            let output = try model.predict(items.map { variant($0 / members, $0 % members) }, batchSize: items.count, threads: threads)
            for (row, item) in items.enumerated() {
                let group = item / members, member = item % members, base = reference(group, member) * tasks
                for task in 0..<tasks {
                    record(group, member, task, Double(output.scalars[row * tasks + task]) - Double(references.scalars[base + task]))
                }
            }
            done = items.upperBound
            progress?(done)
        }
    }
}
