import Genomics
import Rendering

extension MotifSite {
    /// One colour for scanned hits, apart from the cycle the given annotations are drawn in.
    static let trackColor = Color(hex: 0x7F8C8D)

    /// The explorer's hits from `FIMOScanner`'s sites: one per window and motif, on the better
    /// strand (lower p-value, then higher score, then "+"). FIMO reports both strands, but a
    /// site read on both (the palindrome of CEBPB, ATTGCGCAAT) would take two lanes of the
    /// annotation row for one place. Every hit is a row of `seqlens scan`'s table. Sorted by
    /// start, then p-value, then score (the strongest first), then motif order.
    package static func betterStrandPerWindow(_ sites: [MotifSite]) -> [MotifSite] {
        let ranked = sites.sorted {
            ($0.positions.lowerBound, $0.pValue, -$0.score, $0.motifIndex, $0.strand == "+" ? 0 : 1)
                < ($1.positions.lowerBound, $1.pValue, -$1.score, $1.motifIndex, $1.strand == "+" ? 0 : 1)
        }
        var windows = Set<[Int]>()
        return ranked.filter { windows.insert([$0.recordIndex, $0.motifIndex, $0.positions.lowerBound]).inserted }
    }
}

extension ExplorerState {
    /// The hit on the annotation row: its motif's name (its id when it has none) and strand, "CEBPB+".
    func annotation(of hit: MotifSite) -> Annotation {
        let motif = motifs[hit.motifIndex]
        return Annotation(positions: hit.positions, label: (motif.name.isEmpty ? motif.id : motif.name) + String(hit.strand),
                          color: MotifSite.trackColor)
    }

    /// As the status line names a hit under the cursor: "MA0466.3 CEBPB(+) score 12.3 p 2.1e-5".
    func statusDescription(of hit: MotifSite) -> String {
        "\(motifs[hit.motifIndex].label)(\(hit.strand)) score \(NumberFormat.short(Float(hit.score))) p \(NumberFormat.axisLabel(Float(hit.pValue)))"
    }

    /// What covers the cursor, for the status line: the given annotations by label, motif hits
    /// with their score and p-value.
    public var coveringCursor: [String] {
        (annotations[record.id] ?? []).filter { $0.positions.contains(recordPosition(cursor)) }.map(\.label)
            + (motifHits?.value ?? []).filter { $0.positions.contains(cursor) }.map { statusDescription(of: $0) }
    }
}
