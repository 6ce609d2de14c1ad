import ExplorerCore
import Genomics
import Interpretation
import Rendering

/// The filter browser's contents: the model's first-layer filters on the loaded records
/// (FirstLayerFilters, Koo-lab convention), each with its best TOMTOM match among the scanned
/// motifs.
enum FilterSummaries {
    static func compute(model: SequenceModel, sequences: [[UInt8]], finder: SeqletFinder) throws -> [FilterSummary] {
        let filters = try FirstLayerFilters(model: model)
        return try filters.motifs(sequences).map { filter in
            let motif = filter.motif(alphabet: model.alphabet)
            let match = try finder.tomtom.map { tomtom -> String in
                let best = try tomtom.nearest(motif, count: 1)[0]
                return "\(tomtom.targets[best.target].label) q \(NumberFormat.axisLabel(Float(best.qValue)))"
            } ?? ""
            return FilterSummary(index: filter.index, probabilities: PositionMatrix(motif: motif), windows: filter.windows, match: match)
        }
    }
}
