import Genomics

/// Projected attributions: at each position, the attribution of the observed letter (0 where the
/// letter is outside the alphabet, e.g. N), the input the seqlet callers take.
/// - Parameters:
///   - maps: (N, A, L) letter-major attributions, `maps[(n * A + a) * L + l]`.
///   - sequences: the N sequences' bases, each L long.
public func projectedAttributions(_ maps: [Float], sequences: [[UInt8]], alphabet: Alphabet) -> [[Float]] {
    sequences.enumerated().map { n, sequence in
        let length = sequence.count, offset = n * alphabet.size * length
        return sequence.indices.map { l in alphabet.index(of: sequence[l]).map { maps[offset + $0 * length + l] } ?? 0 }
    }
}

/// A seqlet and its best TOMTOM matches among a motif database.
public struct AnnotatedSeqlet: Sendable {
    public var seqlet: Seqlet
    /// Best first; empty when no database is given.
    public var matches: [TomtomMatch]
}

/// The seqlet's bases as a query motif (one-hot columns; N as uniform), compared with every motif
/// of `tomtom`'s database — the query tangermeme's annotate_seqlets builds.
public func annotate(_ seqlets: [Seqlet], sequences: [[UInt8]], alphabet: Alphabet, tomtom: Tomtom, matches: Int) throws -> [AnnotatedSeqlet] {
    try seqlets.map { seqlet in
        let bases = sequences[seqlet.example][seqlet.start ..< seqlet.end]
        let columns = bases.map { base -> [Double] in
            let code = alphabet.index(of: base)
            return (0 ..< alphabet.size).map { code == nil ? 1 : ($0 == code ? 1 : 0) }
        }
        let query = Motif(id: "seqlet", alphabet: alphabet, columns: columns)
        return AnnotatedSeqlet(seqlet: seqlet, matches: try tomtom.nearest(query, count: matches))
    }
}
