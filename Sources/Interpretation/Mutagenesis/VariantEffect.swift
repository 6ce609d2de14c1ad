import Foundation
import Genomics
import Inference

/// Reference and alternative predictions of substitutions, for every task.
public struct VariantEffect: Sendable {
    public var record: String
    public var substitution: Substitution
    /// Per task.
    public var reference: [Float]
    public var alternative: [Float]
    public var difference: [Float] { zip(alternative, reference).map(-) }

    /// Scores each substitution on each record (REF must match the record's base).
    /// - Parameter origins: per record, its own position of the first base given (a record
    ///   cropped or padded to the model's length); substitutions and messages use the records'
    ///   own positions. Default: 0 for every record.
    public static func score(
        model: SequenceModel, records: [SequenceRecord], substitutions: [Substitution], origins: [Int]? = nil, batchSize: Int = 64, threads: Int = 1
    ) throws -> [VariantEffect] {
        var mutated: [[UInt8]] = []
        var pairs: [(record: Int, substitution: Substitution)] = []
        for (index, record) in records.enumerated() {
            let origin = origins?[index] ?? 0
            for substitution in substitutions {
                try substitution.check(in: record, origin: origin)
                var sequence = record.sequence
                sequence[substitution.position - origin] = substitution.alternative
                mutated.append(sequence)
                pairs.append((index, substitution))
            }
        }
        let reference = try PredictionTable.predict(model: model, records: records, batchSize: batchSize, threads: threads)
        let alternative = try PredictionTable.predict(
            model: model, records: zip(pairs, mutated).map { SequenceRecord(id: records[$0.record].id, sequence: $1) },
            batchSize: batchSize, threads: threads)
        let tasks = reference.tasks.count
        return pairs.enumerated().map { row, pair in
            VariantEffect(
                record: records[pair.record].id, substitution: pair.substitution,
                reference: Array(reference.values.scalars[pair.record * tasks ..< (pair.record + 1) * tasks]),
                alternative: Array(alternative.values.scalars[row * tasks ..< (row + 1) * tasks]))
        }
    }
}
