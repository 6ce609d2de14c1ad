import ExplorerCore
import Genomics
import Interpretation

extension ExplorerApp {
    /// The GI of `sequence[site]` in the record's own background: written at its place in
    /// `ExplorerState.importanceBackgrounds` dinucleotide shuffles of `sequence` (seed 0, so the
    /// same sequence always gives the same numbers).
    static func motifImportance(_ sequence: [UInt8], site: Range<Int>, model: LiveModel, label: String, positions: Range<Int>,
                                isCancelled: @escaping () -> Bool) throws -> MotifImportance {
        var generator = SeededGenerator(seed: 0)
        let backgrounds = (0..<ExplorerState.importanceBackgrounds).map { _ in DinucleotideShuffle.shuffle(sequence, using: &generator) }
        let importance = GlobalImportance(model: model.model, batchSize: 50, threads: model.threads)
        let (_, estimates) = try importance.run(backgrounds: backgrounds, instances: [[Array(sequence[site])]],
                                                arrangements: [[Placement(pattern: 0, start: site.lowerBound)]], isCancelled: isCancelled)
        return MotifImportance(label: label, positions: positions, mean: estimates[0].mean, halfWidth: estimates[0].halfWidth, count: estimates[0].count)
    }
}
