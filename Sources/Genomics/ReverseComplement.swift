/// Reverse complement, IUPAC-aware: A<->T (or U for RNA), C<->G, R<->Y, K<->M, B<->V, D<->H; N, S, W and non-letters (gaps) map to themselves.
///
/// Letter case is kept; T and U in the input are both complemented to A; letters with no IUPAC
/// meaning become N.
public func reverseComplement(_ seq: [UInt8], alphabet: Alphabet) -> [UInt8] {
    let table = alphabet == .dna ? complementDNA : complementRNA
    var out = [UInt8](repeating: 0, count: seq.count)
    let n = seq.count
    for (i, b) in seq.enumerated() {
        out[n - 1 - i] = table[Int(b)]
    }
    return out
}

/// Reverse complement of a record's sequence; id, description and line are kept.
public func reverseComplement(_ record: SequenceRecord, alphabet: Alphabet) -> SequenceRecord {
    var r = record
    r.sequence = reverseComplement(record.sequence, alphabet: alphabet)
    return r
}

private func makeComplementTable(thymine: Character) -> [UInt8] {
    var t = [UInt8](repeating: UInt8(ascii: "N"), count: 256)
    let pairs: [(Character, Character)] = [
        ("A", thymine), ("T", "A"), ("U", "A"), ("C", "G"), ("G", "C"),
        ("R", "Y"), ("Y", "R"), ("K", "M"), ("M", "K"), ("S", "S"), ("W", "W"),
        ("B", "V"), ("V", "B"), ("D", "H"), ("H", "D"), ("N", "N"),
    ]
    for (from, to) in pairs {
        let f = from.asciiValue!, c = to.asciiValue!
        t[Int(f)] = c
        t[Int(f + 32)] = c + 32  // keep lowercase (soft-masked) letters lowercase
    }
    // Non-letters: gaps stay gaps; anything else passes through unchanged rather than inventing bases.
    for b in 0..<256 where !(65...90).contains(b) && !(97...122).contains(b) {
        t[b] = UInt8(b)
    }
    return t
}

private let complementDNA = makeComplementTable(thymine: "T")
private let complementRNA = makeComplementTable(thymine: "U")
