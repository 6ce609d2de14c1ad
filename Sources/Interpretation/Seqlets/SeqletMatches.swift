import Genomics

/// Projected attributions: at each position, the attribution of the observed letter (the sum of
/// attribution × one-hot over the alphabet), the input the seqlet callers take.
/// - Parameters:
///   - maps: (N, A, L) letter-major attributions, `maps[(n * A + a) * L + l]`.
///   - oneHot: the (N, A, L) one-hot input in the same layout.
public func projectedAttributions(_ maps: [Float], oneHot: [Float], count: Int, letters: Int, length: Int) -> [[Float]] {
    (0 ..< count).map { n in
        (0 ..< length).map { l in
            var sum: Float = 0
            for a in 0 ..< letters { sum += maps[(n * letters + a) * length + l] * oneHot[(n * letters + a) * length + l] }
            return sum
        }
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
