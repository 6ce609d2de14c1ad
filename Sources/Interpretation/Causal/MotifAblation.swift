import Genomics
import Inference

/// Ablation of annotated sites in real sequences (tangermeme's `ablate`): each site's bases are
/// scrambled `count` times and the effect is the mean of f(scrambled) − f(sequence), negative
/// where the site drove the prediction.
public struct MotifAblation: Sendable {
    /// How a site's bases are scrambled.
    public enum Scramble: String, Sendable, CaseIterable {
        /// The site's bases in random order (tangermeme's default, `ersatz.shuffle`).
        case shuffle
        /// Keeping the site's dinucleotide counts (`ersatz.dinucleotide_shuffle`).
        case dinucleotide
    }

    /// A site: positions `region` (0-based, end excluded) of sequence `sequence`.
    public struct Site: Sendable, Equatable {
        public var sequence: Int
        public var region: Range<Int>

        public init(sequence: Int, region: Range<Int>) {
            self.sequence = sequence
            self.region = region
        }
    }

    public let importance: GlobalImportance

    public init(model: SequenceModel, batchSize: Int = 64, threads: Int = 1) {
        importance = GlobalImportance(model: model, batchSize: batchSize, threads: threads)
    }

    /// The predictions for the sequences (N, T) and one estimate per site.
    public func run<G: RandomNumberGenerator>(_ sequences: [[UInt8]], sites: [Site], count: Int, scramble: Scramble, using generator: inout G,
                                              progress: ((Int) -> Void)? = nil) throws -> (before: Tensor<Float>, estimates: [ImportanceEstimate]) {
        let replacements = sites.map { site in
            let bases = Array(sequences[site.sequence][site.region])
            return (0..<count).map { _ in
                scramble == .shuffle ? bases.shuffled(using: &generator) : DinucleotideShuffle.shuffle(bases, using: &generator)
            }
        }
        return try run(sequences, sites: sites, replacements: replacements, progress: progress)
    }

    /// The same with the scrambled bases given: `replacements[s][j]` is written over site s in
    /// its j-th variant (tests feed tangermeme's own shuffles).
    package func run(_ sequences: [[UInt8]], sites: [Site], replacements: [[[UInt8]]],
                     progress: ((Int) -> Void)? = nil) throws -> (before: Tensor<Float>, estimates: [ImportanceEstimate]) {
        let before = try importance.model.predict(sequences, batchSize: importance.batchSize, threads: importance.threads)
        progress?(sequences.count)
        let estimates = try importance.effects(groups: sites.count, members: replacements.first?.count ?? 0, references: before,
                                               reference: { site, _ in sites[site].sequence },
                                               variant: { site, member in
                                                   var sequence = sequences[sites[site].sequence]
                                                   sequence.replaceSubrange(sites[site].region, with: replacements[site][member])
                                                   return sequence
                                               },
                                               progress: { progress?(sequences.count + $0) })
        return (before, estimates)
    }
}

extension MotifAblation {
    /// The ablation of every site as a table: keys id, start, end (the sequence's own positions
    /// are `origins[i]` + column) and strand; the reference is f(sequence).
    /// - Parameter progress: called with the model evaluations done and the total.
    public func table<G: RandomNumberGenerator>(_ sequences: [[UInt8]], ids: [String], origins: [Int], sites: [Site], strands: [String],
                                                count: Int, scramble: Scramble, tasks: [String], using generator: inout G,
                                                progress: ((Int, Int) -> Void)? = nil) throws -> ImportanceTable {
        let total = sequences.count + sites.count * count
        let (before, estimates) = try run(sequences, sites: sites, count: count, scramble: scramble, using: &generator,
                                          progress: { progress?($0, total) })
        let rows = zip(zip(sites, strands), estimates).map { site, estimate in
            let (site, strand) = site
            let origin = origins[site.sequence]
            return ImportanceTable.Row(keys: [ids[site.sequence], "\(origin + site.region.lowerBound)", "\(origin + site.region.upperBound)", strand],
                                       estimate: estimate,
                                       reference: Array(before.scalars[site.sequence * tasks.count ..< (site.sequence + 1) * tasks.count]))
        }
        return ImportanceTable(keyNames: ["id", "start", "end", "strand"], tasks: tasks, rows: rows)
    }
}
