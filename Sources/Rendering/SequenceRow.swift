/// The bases (or residues) under a logo, one row, each in its letter colour; lower-case
/// (soft-masked) bases are drawn in lower case, coloured as their base. Mutated bases are reversed;
/// the cursor is underlined. Letters the scheme does not colour (N; X, B, Z, * in proteins) are grey; padding
/// (`SequenceRow.padding`, what --pad adds around a record) is a dim grey `·`, so it never reads as N.
///
/// A column standing for several positions (zoomed out) shows what they have in common, never one
/// of them as if it were the sequence: see `ColumnBases`.
public struct SequenceRow: Widget {
    /// The byte that stands for padding in a sequence (a column the record itself does not have).
    public static let padding = UInt8(ascii: ".")
    public static let paddingGlyph: Character = "·"

    /// Bases as ASCII letters, one per position.
    public var sequence: [UInt8]
    /// The positions behind each column.
    public var spans: [ColumnSpan]
    public var scheme: LogoColorScheme
    public var highlights: [Highlight]
    public var depth: ColorDepth
    /// The background the row is read on: black letters (hydrophobic residues) turn light on dark.
    public var background: Background

    public init(sequence: [UInt8], spans: [ColumnSpan]? = nil, scheme: LogoColorScheme = .classic, highlights: [Highlight] = [], depth: ColorDepth = .trueColor,
                background: Background = .dark) {
        self.sequence = sequence
        self.spans = spans ?? .identity(sequence.count)
        self.scheme = scheme
        self.highlights = highlights
        self.depth = depth
        self.background = background
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        for (column, span) in spans.enumerated() where column < area.width && span.positions.upperBound <= sequence.count && spans.isCenter(column) {
            // Padding counts for nothing in a column that also has bases.
            let record = sequence[span.positions].filter { $0 != Self.padding }
            guard !record.isEmpty else {
                canvas.put(Self.paddingGlyph, x: area.x + column, y: area.y, style: Style(foreground: depth == .monochrome ? .default : .rgb(128, 128, 128), attributes: .dim))
                continue
            }
            let bases = ColumnBases(record, namingPairs: !scheme.isProtein)
            let letter = bases.glyph
            let known: Bool
            if case .base(let base) = bases { known = scheme.colors(base) } else { known = false }
            let kinds = Set(highlights.filter { h in span.positions.contains { h.positions.contains($0) } }.map(\.kind))
            var style = Style(foreground: depth == .monochrome ? .default : (known ? scheme.color(for: letter, on: background) : .rgb(128, 128, 128)),
                              attributes: known ? .bold : [])
            // Soft-masked when every position of the column is.
            let glyph = sequence[span.positions].allSatisfy { (97 ... 122).contains($0) } ? Character(letter.lowercased()) : letter
            if kinds.contains(.mutated) { style.attributes.insert(.reverse) }
            if kinds.contains(.cursor) { style.attributes.insert(.underline) }
            canvas.put(glyph, x: area.x + column, y: area.y, style: style)
        }
    }
}

/// What the bases of one column have in common: the base itself for a single position; when
/// zoomed out, the base that holds at least 75 % of the positions, else the IUPAC code of two bases
/// that hold that much together (R = A/G, Y = C/T, S = C/G, W = A/T, K = G/T, M = A/C), else `·`.
/// Residues have no pair codes (R is arginine): a protein column is one residue or `·`.
public enum ColumnBases: Hashable, Sendable {
    case base(Character)
    /// An IUPAC code for two bases.
    case pair(Character)
    case mixed

    /// The share of positions a base (or a pair) must hold to name the column.
    public static let majority = 0.75

    public init(_ bases: some Collection<UInt8>, namingPairs: Bool = true) {
        var counts: [Character: Int] = [:]
        // Lower case (soft-masked) bases count as their letter.
        for base in bases { counts[Character(Character(Unicode.Scalar(base)).uppercased()), default: 0] += 1 }
        let ranked = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        let total = Double(bases.count)
        guard let top = ranked.first else { self = .mixed; return }
        if Double(top.value) >= Self.majority * total {
            self = .base(top.key)
            return
        }
        // The pair must be the only one holding that much: a tie for second place names no pair.
        guard namingPairs, ranked.count >= 2, Double(top.value + ranked[1].value) >= Self.majority * total,
              ranked.count == 2 || ranked[2].value < ranked[1].value,
              let code = Self.iupac[String([top.key, ranked[1].key].sorted())] else { self = .mixed; return }
        self = .pair(code)
    }

    private static let iupac: [String: Character] = ["AG": "R", "CT": "Y", "CU": "Y", "CG": "S", "AT": "W", "AU": "W", "GT": "K", "GU": "K", "AC": "M"]

    /// The character the sequence row shows.
    public var glyph: Character {
        switch self {
        case .base(let base): return base
        case .pair(let code): return code
        case .mixed: return "·"
        }
    }
}
