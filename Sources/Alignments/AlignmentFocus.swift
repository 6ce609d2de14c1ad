import Genomics

/// The sequence an alignment is seen from and the columns a model is fit on, as plmc's and
/// EVcouplings' focus mode choose them: the columns where the focus sequence has an uppercase
/// residue (its match states); its gaps and lowercase inserts are left out.
public struct AlignmentFocus: Sendable, Equatable {
    /// The focus sequence's row.
    public var index: Int
    /// The alignment columns kept (0-based, ascending).
    public var columns: [Int]
    /// The focus sequence's residue number at each kept column: its range start (`ID/start-end`,
    /// the Pfam and EVcouplings convention; 1 without a range) plus the number of its residues,
    /// inserts included, before that column (plmc's offsets).
    public var positions: [Int]
}

extension Alignment {
    /// The focus sequence `id` names (nil: the first sequence) and its match columns. An id is
    /// found exactly, or without its `/start-end` range, or else as the first id that starts with
    /// it (EVcouplings and plmc match the start of the name).
    public func focus(id: String? = nil) throws -> AlignmentFocus {
        let index = try focusIndex(id: id)
        let row = self.row(index)
        let table = Alphabet.proteinGapped.channelTable
        var columns: [Int] = [], positions: [Int] = []
        var residue = Alignment.rangeStart(of: ids[index]) ?? 1
        for (column, letter) in row.enumerated() {
            guard AlignmentParser.isLetter(letter) else { continue }
            if letter < UInt8(ascii: "a") {
                guard table[Int(letter)] > 0 else {
                    throw AlignmentError("\(source):\(lines[index]): the focus sequence '\(ids[index])' has '\(Character(Unicode.Scalar(letter)))' at residue \(residue), outside the 20 amino acids; focus on another sequence or replace the letter")
                }
                columns.append(column)
                positions.append(residue)
            }
            residue += 1
        }
        guard !columns.isEmpty else {
            throw AlignmentError("\(source):\(lines[index]): the focus sequence '\(ids[index])' has no residues in match columns (only gaps and lowercase inserts); focus on another sequence")
        }
        return AlignmentFocus(index: index, columns: columns, positions: positions)
    }

    private func focusIndex(id: String?) throws -> Int {
        guard let id else { return 0 }
        if let exact = ids.firstIndex(of: id) { return exact }
        if let unranged = ids.firstIndex(where: { Alignment.nameWithoutRange($0).map(String.init) == id }) { return unranged }
        if let prefixed = ids.firstIndex(where: { $0.hasPrefix(id) }) { return prefixed }
        let examples = ids.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
        throw AlignmentError("\(source): no sequence '\(id)' to focus on (its \(count) ids start \(examples)\(count > 3 ? ", …" : "")); give the id of one of its sequences")
    }

    /// The start of an `ID/start-end` range at the end of an id (Pfam's and EVcouplings' names).
    static func rangeStart(of id: String) -> Int? {
        guard let range = rangeSuffix(of: id) else { return nil }
        return Int(range.split(separator: "-")[0])
    }

    static func nameWithoutRange(_ id: String) -> Substring? {
        guard let range = rangeSuffix(of: id) else { return nil }
        return id.dropLast(range.count + 1)
    }

    /// "start-end" after the last '/', both numbers, or nil.
    private static func rangeSuffix(of id: String) -> Substring? {
        guard let slash = id.lastIndex(of: "/") else { return nil }
        let range = id[id.index(after: slash)...]
        let parts = range.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        return range
    }

    /// The sequences with a letter outside the 20 amino acids (X, B, Z, J, O, U) at a focus column.
    /// plmc leaves such sequences out of the fit, and so does `encoded(focus:identity:)`.
    public func sequencesOutsideAlphabet(at focus: AlignmentFocus) -> [Int] {
        let table = Alphabet.proteinGapped.channelTable
        return (0..<count).filter { n in
            let row = self.row(n)
            return focus.columns.contains { table[Int(row[row.startIndex + $0])] < 0 }
        }
    }

    /// The focus columns as states of `Alphabet.proteinGapped` (gap first; '.' is a gap; a lowercase
    /// letter is its residue, as plmc reads it), the sequences with letters outside the 21 states
    /// left out (`sequencesOutsideAlphabet`), each weighted at `identity` (nil: weight 1 each).
    public func encoded(focus: AlignmentFocus, identity: Double? = 0.8) -> EncodedAlignment {
        let table = Alphabet.proteinGapped.channelTable
        let skipped = Set(sequencesOutsideAlphabet(at: focus))
        let kept = (0..<count).filter { !skipped.contains($0) }
        let length = focus.columns.count
        var states = [UInt8](repeating: 0, count: kept.count * length)
        for (k, n) in kept.enumerated() {
            let row = self.row(n)
            for (i, column) in focus.columns.enumerated() { states[k * length + i] = UInt8(table[Int(row[row.startIndex + column])]) }
        }
        let weights = identity.map { SequenceWeights.weights(states: states, length: length, identity: $0) }
            ?? [Float](repeating: 1, count: kept.count)
        return EncodedAlignment(alphabet: Alphabet.proteinGapped.letters, ids: kept.map { ids[$0] }, length: length, states: states,
                                weights: weights, positions: focus.positions,
                                focusSequence: focus.columns.map { letters[focus.index * width + $0] })
    }
}
