/// Number of letters in the record that are not in the alphabet (N, IUPAC codes); they encode as all-zero columns.
public func ambiguousCount(in record: SequenceRecord, alphabet: Alphabet) -> Int {
    ambiguousCount(in: record.sequence, alphabet: alphabet)
}

/// Number of letters in the sequence that are not in the alphabet (N, IUPAC codes; X, B, Z, '*' in proteins).
public func ambiguousCount(in sequence: [UInt8], alphabet: Alphabet) -> Int {
    // Hoist the table: this runs over whole genomes' worth of reads.
    let table = alphabet.channelTable
    var n = 0
    for b in sequence where table[Int(b)] < 0 { n += 1 }
    return n
}

extension SequenceRecord {
    /// One-line warning about letters outside the alphabet, or nil when every letter is in it.
    ///
    /// e.g. `warning: 3 of 8 records contain 17 non-ACGT letters (N or IUPAC); they are encoded as all-zero columns`
    public static func ambiguityWarning(records: [SequenceRecord], alphabet: Alphabet) -> String? {
        var affected = 0
        var letters = 0
        for r in records {
            let n = ambiguousCount(in: r, alphabet: alphabet)
            if n > 0 {
                affected += 1
                letters += n
            }
        }
        return ambiguityWarning(affected: affected, letters: letters, of: records.count, alphabet: alphabet)
    }

    /// The same line from counts: `affected` of `total` records hold `letters` letters outside
    /// the alphabet (streamed input, whose records are not kept).
    public static func ambiguityWarning(affected: Int, letters: Int, of total: Int, alphabet: Alphabet) -> String? {
        guard letters > 0 else { return nil }
        let recordNoun = total == 1 ? "record" : "records"
        let verb = affected == 1 ? "contains" : "contain"
        let letterNoun = letters == 1 ? "letter" : "letters"
        let tail = letters == 1 ? "it is encoded as an all-zero column" : "they are encoded as all-zero columns"
        let kinds = alphabet.isNucleic ? "N or IUPAC" : alphabet == .protein ? "X, B, Z, *, gaps and the like" : "X, B, Z, * and the like"
        return "warning: \(affected) of \(total) \(recordNoun) \(verb) \(letters) non-\(alphabet.lettersString) \(letterNoun) (\(kinds)); \(tail)"
    }
}
