import Genomics
import Inference

/// The global importance analyses of `seqlens gia`, each a set of arrangements run over the
/// same backgrounds and laid out as an `ImportanceTable`.
public enum ImportanceAnalysis: Sendable, Equatable {
    /// The pattern at one start (nil: centred, as tangermeme's `marginalize`).
    case marginal(start: Int?)
    /// The pattern at every `step`-th start.
    case positions(step: Int)
    /// 1 … `maximum` copies, `spacing` bases apart, centred.
    case copies(maximum: Int, spacing: Int)
    /// Two patterns at each spacing (tangermeme's `space`), and each alone at the same place.
    case spacing([Int])
    /// Every k-mer at one start (nil: centred), ranked by `rankTask`'s effect, largest first.
    case kmers(k: Int, start: Int?, rankTask: Int)
}

extension GlobalImportance {
    /// Runs `analysis` with `patterns` over `backgrounds`; degenerate patterns draw one instance
    /// per background with `generator`.
    /// - Parameter progress: called with the model evaluations done and the total.
    public func table<G: RandomNumberGenerator>(_ analysis: ImportanceAnalysis, patterns: [EmbeddedPattern], backgrounds: [[UInt8]],
                                                tasks: [String], using generator: inout G, progress: ((Int, Int) -> Void)? = nil) throws -> ImportanceTable {
        let length = backgrounds.first?.count ?? 0
        var instances = patterns.map { pattern in
            pattern.isDegenerate ? backgrounds.map { _ in pattern.instance(using: &generator) } : [pattern.instance(using: &generator)]
        }
        let widths = patterns.map(\.width)
        if let wide = patterns.first(where: { $0.width > length }) {
            throw InterpretationError("pattern \(wide.text) has \(wide.width) nt, longer than the \(length) nt the model takes")
        }
        let arrangements: [[Placement]]
        var keyNames: [String]
        var keys: [[String]]
        switch analysis {
        case .marginal(let start):
            arrangements = [Arrangements.inOrder(widths: widths, spacings: [], length: length, start: start)]
            keyNames = ["start"]
        case .positions(let step):
            arrangements = Arrangements.positionScan(width: widths[0], length: length, step: step)
            keyNames = ["start"]
        case .copies(let maximum, let spacing):
            let extent = Arrangements.extent(widths: Array(repeating: widths[0], count: maximum), spacings: Array(repeating: spacing, count: maximum - 1))
            guard extent <= length else {
                throw InterpretationError("--copies \(maximum) of \(patterns[0].text) --spacing \(spacing) take \(extent) nt, more than the \(length) nt the model takes; ask for fewer copies or a smaller spacing")
            }
            arrangements = Arrangements.copies(width: widths[0], maximum: maximum, spacing: spacing, length: length)
            keyNames = ["copies", "starts"]
        case .spacing(let spacings):
            let extent = Arrangements.extent(widths: widths, spacings: [spacings.max() ?? 0])
            guard extent <= length else {
                throw InterpretationError("\(patterns[0].text) and \(patterns[1].text) at spacing \(spacings.max() ?? 0) take \(extent) nt, more than the \(length) nt the model takes; give smaller --spacings")
            }
            let total = backgrounds.count * (3 * spacings.count + 1)
            return try spacingTable(spacings, patterns: patterns, instances: instances, backgrounds: backgrounds, tasks: tasks,
                                    progress: { progress?($0, total) })
        case .kmers(let k, let start, _):
            let kmers = Arrangements.kmers(k, alphabet: model.alphabet)
            instances = kmers.map { [$0] }
            let position = start ?? EmbeddedPattern.centredStart(width: k, length: length)
            arrangements = kmers.indices.map { [Placement(pattern: $0, start: position)] }
            keyNames = ["kmer", "start"]
        }
        if let outside = arrangements.joined().first(where: { $0.start < 0 || $0.start + (instances[$0.pattern].first?.count ?? 0) > length }) {
            throw InterpretationError("--start \(outside.start) puts the pattern outside positions 0 to \(length) of the model's input; give a start from 0 to \(length - (instances[outside.pattern].first?.count ?? 0))")
        }
        let total = backgrounds.count * (arrangements.count + 1)
        let (baseline, estimates) = try run(backgrounds: backgrounds, instances: instances, arrangements: arrangements,
                                            progress: { progress?($0, total) })
        let reference = columnMeans(baseline)
        switch analysis {
        case .copies:
            keys = arrangements.map { ["\($0.count)", $0.map { "\($0.start)" }.joined(separator: ",")] }
        case .kmers:
            keys = arrangements.map { [String(decoding: instances[$0[0].pattern][0], as: UTF8.self), "\($0[0].start)"] }
        default:
            keys = arrangements.map { ["\($0[0].start)"] }
        }
        var rows = zip(keys, estimates).map { ImportanceTable.Row(keys: $0, estimate: $1, reference: reference) }
        if case .kmers(_, _, let task) = analysis {
            rows.sort { $0.estimate.mean[task] > $1.estimate.mean[task] }
        }
        return ImportanceTable(keyNames: keyNames, tasks: tasks, rows: rows)
    }

    /// Rows per spacing: both patterns, each alone, and their interaction GI(both) − GI(first) −
    /// GI(second), its interval from the paired differences over the same backgrounds.
    private func spacingTable(_ spacings: [Int], patterns: [EmbeddedPattern], instances: [[[UInt8]]], backgrounds: [[UInt8]],
                              tasks: [String], progress: ((Int) -> Void)?) throws -> ImportanceTable {
        let length = backgrounds[0].count
        let arrangements = Arrangements.pairSpacing(widths: (patterns[0].width, patterns[1].width), spacings: spacings, length: length)
        let baseline = try model.predict(backgrounds, batchSize: batchSize, threads: threads)
        progress?(backgrounds.count)
        let reference = columnMeans(baseline)
        let block = backgrounds.count * tasks.count
        var rows: [ImportanceTable.Row] = []
        // One spacing at a time: its three arrangements' differences, paired by background, are
        // all that is kept (every spacing at once would hold spacings × 3 × N × T values).
        for (index, spacing) in spacings.enumerated() {
            let trio = Array(arrangements[3 * index ..< 3 * index + 3])
            let values = try differences(groups: 3, members: backgrounds.count, references: baseline,
                                         reference: { _, member in member },
                                         variant: { group, member in
                                             var sequence = backgrounds[member]
                                             embed(trio[group], into: &sequence, instances: instances, member: member)
                                             return sequence
                                         },
                                         progress: { progress?(backgrounds.count * (1 + 3 * index) + $0) }).scalars
            let both = Array(values[0 ..< block]), first = Array(values[block ..< 2 * block]), second = Array(values[2 * block ..< 3 * block])
            var interaction = both
            for item in 0..<block { interaction[item] -= first[item] + second[item] }
            let keys = ["\(spacing)"] + trio[0].map { "\($0.start)" }
            let samples: [(String, [Float])] = [("both", both), (patterns[0].text, first), (patterns[1].text, second), ("interaction", interaction)]
            for (placed, sample) in samples {
                rows.append(ImportanceTable.Row(keys: keys + [placed], estimate: ImportanceEstimate(values: sample, tasks: tasks.count), reference: reference))
            }
        }
        return ImportanceTable(keyNames: ["spacing", "start1", "start2", "placed"], tasks: tasks, rows: rows)
    }

    private func columnMeans(_ values: Tensor<Float>) -> [Float] {
        let rows = values.shape[0], columns = values.shape.count > 1 ? values.shape[1] : 0
        return (0..<columns).map { column in
            Float((0..<rows).reduce(0.0) { $0 + Double(values.scalars[$1 * columns + column]) } / Double(max(rows, 1)))
        }
    }
}
