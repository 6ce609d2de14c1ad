import Genomics

/// An (A, L) matrix of one value per letter and position — an attribution map, ISM deltas, a motif —
/// stored letter-major like tangermeme's arrays: `values[letter * length + position]`.
public struct PositionMatrix: Hashable, Sendable {
    /// Row letters, e.g. A, C, G, T.
    public let letters: [Character]
    /// Number of positions (columns).
    public let length: Int
    public private(set) var values: [Float]

    public init(letters: [Character], length: Int, values: [Float]) {
        precondition(values.count == letters.count * length, "\(values.count) values do not fill (\(letters.count), \(length))")
        self.letters = letters
        self.length = length
        self.values = values
    }

    public init(alphabet: Alphabet, length: Int, values: [Float]) {
        self.init(letters: alphabet.letters.map { Character(Unicode.Scalar($0)) }, length: length, values: values)
    }

    /// The alphabet whose letters are the rows, in its order; nil for other rows.
    public var alphabet: Alphabet? {
        Alphabet.allCases.first { $0.letters.map { Character(Unicode.Scalar($0)) } == letters }
    }

    /// A motif's letter probabilities.
    public init(motif: Motif) {
        self.init(alphabet: motif.alphabet, length: motif.width, values: motif.probabilities.map { Float($0) })
    }

    public subscript(letter: Int, position: Int) -> Float {
        get { values[letter * length + position] }
        set { values[letter * length + position] = newValue }
    }

    /// The values of all letters at one position.
    public func column(_ position: Int) -> [Float] {
        letters.indices.map { self[$0, position] }
    }

    /// The positions in `range` as a matrix of their own.
    public func slice(_ range: Range<Int>) -> PositionMatrix {
        var result: [Float] = []
        result.reserveCapacity(letters.count * range.count)
        for letter in letters.indices { result += values[letter * length + range.lowerBound ..< letter * length + range.upperBound] }
        return PositionMatrix(letters: letters, length: range.count, values: result)
    }

    /// Keeps only the value of the observed base at each position: hypothetical contributions (one per
    /// letter, as DeepLIFT/SHAP and modisco store them) become the contributions of `sequence`.
    /// Positions with other letters (N) become all zero.
    public func projected(onto sequence: [UInt8], alphabet: Alphabet) -> PositionMatrix {
        var result = PositionMatrix(letters: letters, length: length, values: [Float](repeating: 0, count: values.count))
        for position in 0 ..< min(length, sequence.count) {
            if let letter = alphabet.index(of: sequence[position]), letter < letters.count { result[letter, position] = self[letter, position] }
        }
        return result
    }

    /// True when at most one letter per position is non-zero (contributions already projected onto a sequence).
    public var isProjected: Bool {
        (0 ..< length).allSatisfy { position in letters.indices.filter { self[$0, position] != 0 }.count <= 1 }
    }

    /// The letter with the largest |value| at each position, or nil where all are zero: the sequence
    /// behind projected contributions.
    public var dominantLetters: [Int?] {
        (0 ..< length).map { position in
            let column = self.column(position)
            guard let best = column.indices.max(by: { abs(column[$0]) < abs(column[$1]) }), column[best] != 0 else { return nil }
            return best
        }
    }
}
