import Genomics

extension ExplorerState {
    /// The motif hit covering the cursor; the most significant when several do.
    public var motifHitUnderCursor: MotifSite? {
        (motifHits?.value ?? []).filter { $0.positions.contains(cursor) }.min { $0.pValue < $1.pValue }
    }

    /// `I`, then Enter: writes the consensus of the motif named `query` (an id, or a name in any
    /// letter case, among the scanned motifs) from the cursor, as one undo group (a paste). With no
    /// name: the consensus of the hit under the cursor, on its strand, over the hit (the site made
    /// perfect); without one there, the nearest hit's consensus from the cursor.
    mutating func insertMotif(_ query: String) -> [Effect] {
        guard let first = motifs.first else {
            message = "no motifs to insert: start the explorer with --motifs FILE"
            return []
        }
        let motif: Motif, strand: Character
        if query.isEmpty {
            let hits = motifHits?.value ?? []
            func distance(_ hit: MotifSite) -> Int { max(hit.positions.lowerBound - cursor, cursor - hit.positions.upperBound + 1, 0) }
            guard let hit = motifHitUnderCursor ?? hits.min(by: { distance($0) < distance($1) }), motifs.indices.contains(hit.motifIndex) else {
                message = "no motif hit on \(record.id): type a motif's id or name after I (e.g. \(first.label))"
                return []
            }
            if hit.positions.contains(cursor) { moveCursor(to: hit.positions.lowerBound) }
            (motif, strand) = (motifs[hit.motifIndex], hit.strand)
        } else {
            let named = motifs.first { $0.id == query } ?? motifs.first { $0.name.lowercased() == query.lowercased() }
            guard let named else {
                message = "I \(query): none of the \(motifs.count) motifs has that id or name (e.g. \(first.label))"
                return []
            }
            (motif, strand) = (named, "+")
        }
        let consensus = strand == "-" ? motif.reverseComplement().consensus : motif.consensus
        // In the model's alphabet: a DNA motif's T is U for an RNA model, and the other way round.
        let letters = String(decoding: consensus.utf8.map { Alphabet.dna.index(of: $0).map { alphabet.letters[$0] } ?? $0 }, as: UTF8.self)
        let start = recordPosition(cursor)
        let effects = paste(letters)
        if !effects.isEmpty, message == nil {
            message = "inserted \(motif.label) (\(strand)) \(letters) at \(start):\(start + letters.count); u undoes it"
        }
        return effects
    }
}
