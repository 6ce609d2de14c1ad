import ExplorerCore
import Genomics
import Interpretation

/// The explorer's seqlets: tangermeme's recursive seqlets (default settings) of one attribution
/// map, each labelled by its best TOMTOM match among the scanned motifs when that match's
/// q-value is below 0.05.
struct SeqletFinder: Sendable {
    let tomtom: Tomtom?

    init(motifs: [Motif]) {
        tomtom = motifs.isEmpty ? nil : try? Tomtom(targets: motifs)
    }

    /// - Parameter values: the map, (A, L) letter-major; projected onto `sequence`'s bases.
    func spans(sequence: [UInt8], values: [Float], alphabet: Alphabet) throws -> [SeqletSpan] {
        let projected = projectedAttributions(values, sequences: [sequence], alphabet: alphabet)
        let seqlets = RecursiveSeqletCaller().call(projected)
        guard let tomtom else { return seqlets.map { SeqletSpan(positions: $0.start ..< $0.end, label: "seqlet", pValue: $0.pValue) } }
        return try annotate(seqlets, sequences: [sequence], alphabet: alphabet, tomtom: tomtom, matches: 1).map { item in
            let best = item.matches.first
            let motif = best.map { tomtom.targets[$0.target] }
            let label = best.flatMap { $0.qValue < 0.05 ? (motif!.name.isEmpty ? motif!.id : motif!.name) + ($0.reverseStrand ? "-" : "+") : nil } ?? "seqlet"
            return SeqletSpan(positions: item.seqlet.start ..< item.seqlet.end, label: label, pValue: item.seqlet.pValue)
        }
    }
}
