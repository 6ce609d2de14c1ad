/// How a model's input tensor orders alphabet and position axes.
public enum SequenceLayout: String, Sendable, CaseIterable {
    /// (N, A, L): channels before positions, as in PyTorch Conv1d.
    case channelsFirst = "channels-first"
    /// (N, L, A): positions before channels, as in Keras Conv1D.
    case channelsLast = "channels-last"
}

/// One-hot encoding of sequences into float tensors and back; letters outside the alphabet (N, IUPAC) are all-zero columns.
public enum OneHot {
    /// Writes one sequence as A*L floats into `buffer` (overwriting it) in the given layout.
    ///
    /// Precondition: `buffer.count == alphabet.size * sequence.count`.
    public static func encode(_ sequence: [UInt8], alphabet: Alphabet, layout: SequenceLayout,
                              into buffer: UnsafeMutableBufferPointer<Float>) {
        let a = alphabet.size
        let length = sequence.count
        precondition(buffer.count == a * length,
                     "OneHot.encode: buffer holds \(buffer.count) floats but \(a) x \(length) are needed")
        guard length > 0 else { return }
        buffer.update(repeating: 0)
        let table = alphabet.channelTable
        // Separate loops per layout keep the index arithmetic out of the per-base branch.
        switch layout {
        case .channelsFirst:
            for (i, b) in sequence.enumerated() {
                let c = table[Int(b)]
                if c >= 0 { buffer[Int(c) * length + i] = 1 }
            }
        case .channelsLast:
            for (i, b) in sequence.enumerated() {
                let c = table[Int(b)]
                if c >= 0 { buffer[i * a + Int(c)] = 1 }
            }
        }
    }

    /// Encodes a batch as one contiguous N*A*L array (N*L*A for channels-last); throws if lengths differ.
    public static func encode(_ sequences: [[UInt8]], alphabet: Alphabet, layout: SequenceLayout) throws -> [Float] {
        guard let first = sequences.first else { return [] }
        let length = first.count
        if let k = sequences.firstIndex(where: { $0.count != length }) {
            throw GenomicsError("sequences differ in length (sequence 1 has \(length) nt, sequence \(k + 1) has \(sequences[k].count) nt); fit them to one length with --pad or --crop")
        }
        let stride = alphabet.size * length
        var out = [Float](repeating: 0, count: sequences.count * stride)
        out.withUnsafeMutableBufferPointer { all in
            for (n, s) in sequences.enumerated() {
                let slice = UnsafeMutableBufferPointer(rebasing: all[(n * stride)..<((n + 1) * stride)])
                encode(s, alphabet: alphabet, layout: layout, into: slice)
            }
        }
        return out
    }

    /// Encodes a batch of records; throws if lengths differ, naming the records and their header lines.
    public static func encode(_ records: [SequenceRecord], alphabet: Alphabet, layout: SequenceLayout) throws -> [Float] {
        if let first = records.first, let k = records.firstIndex(where: { $0.sequence.count != first.sequence.count }) {
            let r = records[k]
            throw GenomicsError("records differ in length ('\(first.id)' (line \(first.line)) has \(first.sequence.count) nt, '\(r.id)' (line \(r.line)) has \(r.sequence.count) nt); fit them to one length with --pad or --crop")
        }
        return try encode(records.map(\.sequence), alphabet: alphabet, layout: layout)
    }

    /// Letters of one encoded sequence (A*L floats): the argmax channel of each column, 'N' for an all-zero column.
    ///
    /// Ties go to the first channel. Precondition: `values.count` is a multiple of `alphabet.size`.
    public static func decode(_ values: UnsafeBufferPointer<Float>, alphabet: Alphabet, layout: SequenceLayout) -> [UInt8] {
        let a = alphabet.size
        precondition(values.count % a == 0,
                     "OneHot.decode: \(values.count) floats is not a multiple of the alphabet size \(a)")
        let length = values.count / a
        let letters = alphabet.letters
        var out = [UInt8](repeating: UInt8(ascii: "N"), count: length)
        for i in 0..<length {
            var best = -1
            var bestValue: Float = 0
            var allZero = true
            for c in 0..<a {
                let v = layout == .channelsFirst ? values[c * length + i] : values[i * a + c]
                if v != 0 { allZero = false }
                if best < 0 || v > bestValue {
                    best = c
                    bestValue = v
                }
            }
            if !allZero { out[i] = letters[best] }
        }
        return out
    }

    /// Letters of one encoded sequence held in an array; see `decode(_:alphabet:layout:)` for the buffer form.
    public static func decode(_ values: [Float], alphabet: Alphabet, layout: SequenceLayout) -> [UInt8] {
        values.withUnsafeBufferPointer { decode($0, alphabet: alphabet, layout: layout) }
    }
}
