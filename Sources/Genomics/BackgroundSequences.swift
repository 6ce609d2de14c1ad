/// Null sequences for global importance analysis (Koo et al. 2021): what a pattern is embedded
/// in, so that its effect is measured apart from any particular genomic context.
public enum BackgroundKind: String, Sendable, CaseIterable {
    /// Every base drawn with equal probability.
    case uniform
    /// Each position drawn from that position's base frequencies over a set of records
    /// (Koo et al.'s "profile" background): keeps positional composition, breaks motifs.
    case profile
    /// A record's bases in random order: keeps its composition.
    case shuffle
    /// A record shuffled keeping every dinucleotide count (tangermeme's default null).
    case dinucleotide

    /// Whether the backgrounds come from records (all but uniform).
    public var needsRecords: Bool { self != .uniform }
}

public enum BackgroundSequences {
    /// `count` backgrounds of `length` bases of the kind asked. Shuffles take the records in
    /// turn (background i shuffles record i mod records.count); the profile needs records of
    /// one length, `length`.
    public static func make<G: RandomNumberGenerator>(_ kind: BackgroundKind, count: Int, length: Int, records: [[UInt8]],
                                                      alphabet: Alphabet, using generator: inout G) throws -> [[UInt8]] {
        if kind.needsRecords {
            guard !records.isEmpty else { throw GenomicsError("--background \(kind.rawValue) needs records to draw from; give a FASTA file with --fasta") }
            if let other = records.first(where: { $0.count != length }) {
                throw GenomicsError("--background \(kind.rawValue): a record has \(other.count) nt but the model takes \(length); give records of \(length) nt")
            }
        }
        switch kind {
        case .uniform:
            return (0..<count).map { _ in (0..<length).map { _ in alphabet.letters.randomElement(using: &generator)! } }
        case .profile:
            let frequencies = positionFrequencies(records, alphabet: alphabet)
            return (0..<count).map { _ in frequencies.map { draw(alphabet.letters, weights: $0, using: &generator) } }
        case .shuffle:
            return (0..<count).map { records[$0 % records.count].shuffled(using: &generator) }
        case .dinucleotide:
            return (0..<count).map { DinucleotideShuffle.shuffle(records[$0 % records.count], using: &generator) }
        }
    }

    /// Per position, the share of each letter among the records' letters of `alphabet` there
    /// (N and other codes left out; a position with none of them is uniform).
    package static func positionFrequencies(_ records: [[UInt8]], alphabet: Alphabet) -> [[Double]] {
        let length = records.first?.count ?? 0
        return (0..<length).map { position in
            var counts = [Double](repeating: 0, count: alphabet.size)
            for record in records where position < record.count {
                if let index = alphabet.index(of: record[position]) { counts[index] += 1 }
            }
            let total = counts.reduce(0, +)
            return total > 0 ? counts.map { $0 / total } : [Double](repeating: 1 / Double(alphabet.size), count: alphabet.size)
        }
    }

    private static func draw<G: RandomNumberGenerator>(_ letters: [UInt8], weights: [Double], using generator: inout G) -> UInt8 {
        var remaining = Double.random(in: 0..<1, using: &generator)
        for (letter, weight) in zip(letters, weights) {
            remaining -= weight
            if remaining < 0 { return letter }
        }
        return letters[weights.lastIndex { $0 > 0 } ?? letters.count - 1]
    }
}
