import Genomics

/// A stack of attribution maps as tools save them — tangermeme and captum (N, 4, L), DeepLIFT/SHAP
/// for Keras and modisco (N, L, 4), or one map (4, L) / (L, 4) — with the layout told from the shape.
public struct AttributionArray: Sendable {
    public enum Layout: String, Sendable, CaseIterable {
        /// (N, A, L): PyTorch, tangermeme, captum.
        case channelsFirst = "channels-first"
        /// (N, L, A): Keras, modisco.
        case channelsLast = "channels-last"
    }

    /// Number of maps (N).
    public let count: Int
    /// Positions per map (L).
    public let length: Int
    public let alphabetSize: Int
    public let layout: Layout
    /// How the layout was decided, when the shape alone did not say (L equal to the alphabet size).
    public let layoutNote: String?
    private let values: [Float]

    /// Reads the shape (axes of size 1 after the first are dropped: (N, 1, 4, L) is (N, 4, L)).
    /// `layout` overrides the detection.
    public init(shape: [Int], values: [Float], alphabetSize: Int = 4, layout: Layout? = nil) throws {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        let shown = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dimensions = shape
        if dimensions.count > 3 { dimensions = [dimensions[0]] + dimensions.dropFirst().filter { $0 != 1 } }
        if dimensions.count == 2 { dimensions.insert(1, at: 0) }
        guard dimensions.count == 3 else {
            throw RenderingError("shape \(shown) is not an attribution array; expected (N, \(alphabetSize), L) or (N, L, \(alphabetSize))")
        }
        let (n, first, second) = (dimensions[0], dimensions[1], dimensions[2])
        guard first == alphabetSize || second == alphabetSize else {
            throw RenderingError("shape \(shown) has no axis of \(alphabetSize) letters; expected (N, \(alphabetSize), L) or (N, L, \(alphabetSize))")
        }
        guard !values.isEmpty else {
            throw RenderingError("shape \(shown) is empty: it holds no maps or no positions, so there is nothing to draw")
        }
        var note: String?
        let chosen: Layout
        if let layout {
            guard (layout == .channelsFirst ? first : second) == alphabetSize else {
                throw RenderingError("--layout \(layout.rawValue) needs \(layout == .channelsFirst ? "axis 1" : "the last axis") of size \(alphabetSize), but the shape is \(shown)")
            }
            chosen = layout
        } else if first != second {
            chosen = first == alphabetSize ? .channelsFirst : .channelsLast
        } else {
            // (N, 4, 4): projected contributions have one non-zero letter per position along the
            // alphabet axis only; otherwise fall back to tangermeme's (N, A, L).
            let first = AttributionArray.isProjected(values, n: n, alphabetSize: alphabetSize, length: second, layout: .channelsFirst)
            let last = AttributionArray.isProjected(values, n: n, alphabetSize: alphabetSize, length: second, layout: .channelsLast)
            if last && !first {
                chosen = .channelsLast
                note = "shape \(shown) is ambiguous; took the last axis as the letters (N, L, A), the only reading with one letter per position; --layout overrides"
            } else {
                chosen = .channelsFirst
                note = "shape \(shown) is ambiguous; took axis 1 as the letters (N, A, L) as tangermeme saves them; pass --layout channels-last for (N, L, A)"
            }
        }
        count = n
        self.alphabetSize = alphabetSize
        length = chosen == .channelsFirst ? second : first
        self.layout = chosen
        layoutNote = note
        self.values = values
    }

    /// Map `index` (0-based) as an (A, L) matrix.
    public func matrix(_ index: Int, letters: [Character]) -> PositionMatrix {
        precondition(letters.count == alphabetSize)
        return PositionMatrix(letters: letters, length: length, values: AttributionArray.extract(values, record: index, alphabetSize: alphabetSize, length: length, layout: layout))
    }

    /// "(N, A, L) = (10, 4, 200), channels-first".
    public var shapeDescription: String {
        layout == .channelsFirst ? "(N, A, L) = (\(count), \(alphabetSize), \(length))" : "(N, L, A) = (\(count), \(length), \(alphabetSize))"
    }

    private static func extract(_ values: [Float], record: Int, alphabetSize: Int, length: Int, layout: Layout) -> [Float] {
        let base = record * alphabetSize * length
        switch layout {
        case .channelsFirst: return Array(values[base ..< base + alphabetSize * length])
        case .channelsLast:
            var result = [Float](repeating: 0, count: alphabetSize * length)
            for position in 0 ..< length { for letter in 0 ..< alphabetSize { result[letter * length + position] = values[base + position * alphabetSize + letter] } }
            return result
        }
    }

    private static func isProjected(_ values: [Float], n: Int, alphabetSize: Int, length: Int, layout: Layout) -> Bool {
        (0 ..< n).allSatisfy { record in
            let m = PositionMatrix(letters: Array(repeating: "N", count: alphabetSize), length: length,
                                   values: extract(values, record: record, alphabetSize: alphabetSize, length: length, layout: layout))
            return m.isProjected
        }
    }
}

/// What to draw for one attribution map, given the bases behind it when they are known.
public struct AttributionView: Sendable {
    /// The map to draw: as given, or projected onto the bases.
    public let matrix: PositionMatrix
    /// Bases for the sequence row: the given ones, those read off projected contributions, or nil.
    public let sequence: [UInt8]?
    /// One line saying what was decided, for the figure's notes.
    public let note: String
    /// ISM-like maps (0 at every observed base) read best as a heatmap.
    public let wantsHeatmap: Bool

    /// Projected contributions (one non-zero letter per position) are drawn as they are; without
    /// bases, the non-zero letters are the bases. Hypothetical contributions (every letter) are
    /// projected onto known bases unless `keepHypothetical`. Maps that are exactly 0 at every
    /// observed base, as ISM deltas f(mutant) − f(reference) are, would vanish when projected: they
    /// are drawn for every letter, with a heatmap.
    public init(_ matrix: PositionMatrix, bases: [UInt8]?, alphabet: Alphabet, keepHypothetical: Bool) {
        let projected = bases.map { matrix.projected(onto: $0, alphabet: alphabet) }
        switch (matrix.isProjected, bases, projected) {
        case (true, nil, _):
            self.init(matrix, sequence: matrix.dominantLetters.map { $0.map { alphabet.letters[$0] } ?? UInt8(ascii: "N") },
                      note: "bases: the letter with a non-zero value at each position (N where all are zero)")
        case (true, let bases?, _):
            self.init(matrix, sequence: bases, note: "contributions of the observed bases")
        case (false, nil, _):
            self.init(matrix, sequence: nil, note: "hypothetical contributions of every letter; --fasta projects them onto the sequence")
        case (false, let bases?, _) where keepHypothetical:
            self.init(matrix, sequence: bases, note: "hypothetical contributions of every letter")
        case (false, let bases?, let projected?) where projected.values.allSatisfy({ $0 == 0 }):
            self.init(matrix, sequence: bases, note: "0 at every observed base, as in-silico mutagenesis is: every letter drawn, with a heatmap", wantsHeatmap: true)
        case (false, let bases?, let projected):
            self.init(projected ?? matrix, sequence: bases, note: "hypothetical contributions × sequence (--hypothetical draws every letter)")
        }
    }

    private init(_ matrix: PositionMatrix, sequence: [UInt8]?, note: String, wantsHeatmap: Bool = false) {
        self.matrix = matrix
        self.sequence = sequence
        self.note = note
        self.wantsHeatmap = wantsHeatmap
    }
}
