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
