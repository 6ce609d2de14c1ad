import Genomics
import Rendering

extension MotifHit {
    /// One colour for scanned hits, apart from the cycle the given annotations are drawn in.
    static let trackColor = Color(hex: 0x7F8C8D)

    /// The hit on the annotation row: the motif's name (its id when it has none) and strand, "CEBPB+".
    var annotation: Annotation {
        let name = motif.hasPrefix(motifID + " ") ? String(motif.dropFirst(motifID.count + 1)) : motif
        return Annotation(positions: positions, label: name + String(strand), color: Self.trackColor)
    }

    /// As the status line names a hit under the cursor: "MA0466.3 CEBPB(+) score 12.3 p 2.1e-5".
    public var statusDescription: String {
        "\(motif)(\(strand)) score \(NumberFormat.short(Float(score))) p \(NumberFormat.axisLabel(Float(pValue)))"
    }
}

extension ExplorerState {
    /// What covers the cursor, for the status line: the given annotations by label, motif hits
    /// with their score and p-value.
    public var coveringCursor: [String] {
        (annotations[record.id] ?? []).filter { $0.positions.contains(recordPosition(cursor)) }.map(\.label)
            + (motifHits?.value ?? []).filter { $0.positions.contains(cursor) }.map(\.statusDescription)
    }
}
