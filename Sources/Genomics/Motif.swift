import Foundation

/// A binding motif: the probability of each letter at each of `width` positions (a position
/// probability matrix), with the background frequencies it is compared against.
public struct Motif: Sendable, Equatable {
    /// Identifier as the file gives it, e.g. `MA0079.5`.
    public var id: String
    /// Name (e.g. `SP1`); "" when the file gives none.
    public var name: String
    public var alphabet: Alphabet
    /// Number of positions.
    public let width: Int
    /// Letter-major (A, W), like attribution arrays: `probabilities[letter * width + position]`.
    /// Every position sums to 1.
    public let probabilities: [Double]
    /// Letter frequencies of the background, one per letter, summing to 1.
    public var background: [Double]
    /// Number of sites the matrix was built from, when the file says.
    public var sites: Int?

    /// Creates a motif from per-position probabilities (`columns[position][letter]`), each column
    /// normalised to sum to 1. The background defaults to uniform.
    public init(id: String, name: String = "", alphabet: Alphabet, columns: [[Double]], background: [Double]? = nil, sites: Int? = nil) {
        let size = alphabet.size
        precondition(columns.allSatisfy { $0.count == size }, "every column needs \(size) probabilities")
        self.id = id
        self.name = name
        self.alphabet = alphabet
        self.width = columns.count
        var flat = [Double](repeating: 0, count: size * columns.count)
        for (position, column) in columns.enumerated() {
            let total = column.reduce(0, +)
            for letter in 0 ..< size { flat[letter * columns.count + position] = total > 0 ? column[letter] / total : 1 / Double(size) }
        }
        self.probabilities = flat
        self.background = background ?? [Double](repeating: 1 / Double(size), count: size)
        self.sites = sites
    }

    /// Probability of `letter` (channel index) at `position`.
    public func probability(_ letter: Int, at position: Int) -> Double {
        probabilities[letter * width + position]
    }

    /// Letter probabilities at one position.
    public func column(_ position: Int) -> [Double] {
        (0 ..< alphabet.size).map { probability($0, at: position) }
    }

    /// Information content per position in bits: the relative entropy Σ p·log2(p/b) against the
    /// background (2 − entropy for a uniform DNA background). Heights of a bits logo are p × this.
    public var informationContent: [Double] {
        (0 ..< width).map { position in
            (0 ..< alphabet.size).reduce(0) { sum, letter in
                let p = probability(letter, at: position)
                return p > 0 ? sum + p * log2(p / background[letter]) : sum
            }
        }
    }

    /// Total information content in bits.
    public var totalInformation: Double { informationContent.reduce(0, +) }

    /// The most probable letter per position, e.g. `GGGGCGGGG`.
    public var consensus: String {
        let letters = alphabet.letters
        return String(decoding: (0 ..< width).map { position in
            letters[(0 ..< alphabet.size).max { probability($0, at: position) < probability($1, at: position) }!]
        }, as: UTF8.self)
    }

    /// The motif of the opposite strand: positions reversed, A↔T(U) and C↔G swapped.
    public func reverseComplement() -> Motif {
        let complement = [3, 2, 1, 0]
        let columns = (0 ..< width).reversed().map { position in
            complement.map { probability($0, at: position) }
        }
        return Motif(id: id, name: name, alphabet: alphabet, columns: columns,
                     background: complement.map { background[$0] }, sites: sites)
    }

    /// "MA0079.5 SP1", or the id alone when there is no name.
    public var label: String { name.isEmpty ? id : "\(id) \(name)" }
}

extension Motif {
    /// The one motif whose id or name is `query` (ids exactly, names ignoring case); the error names
    /// the source, and lists the ids when a name is shared or near matches when nothing matches.
    public static func find(_ query: String, in motifs: [Motif], source: String) throws -> Motif {
        if let motif = motifs.first(where: { $0.id == query }) { return motif }
        let named = motifs.filter { $0.name.caseInsensitiveCompare(query) == .orderedSame }
        if named.count == 1 { return named[0] }
        if named.count > 1 {
            let ids = named.map(\.id).joined(separator: ", ")
            throw GenomicsError("\(source): \(named.count) motifs are named '\(query)' (\(ids)); pass one of the ids")
        }
        let needle = query.lowercased()
        let near = motifs.filter { $0.name.lowercased().contains(needle) || $0.id.lowercased().hasPrefix(needle) }
        let hint = near.isEmpty ? "" : " (similar: \(near.prefix(5).map(\.label).joined(separator: ", "))\(near.count > 5 ? ", ..." : ""))"
        throw GenomicsError("\(source): no motif with id or name '\(query)'\(hint); list them with 'seqlens motif FILE --list'")
    }
}
