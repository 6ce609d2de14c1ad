/// The bases under a logo, one row, each in its letter colour. Mutated bases are reversed in colour
/// and lower case in monochrome; the cursor is underlined. Other letters (N) are grey; padding
/// (`SequenceRow.padding`, what --pad adds around a record) is a grey `·`, so it never reads as N.
public struct SequenceRow: Widget {
    /// The byte that stands for padding in a sequence (a column the record itself does not have).
    public static let padding = UInt8(ascii: ".")
    public static let paddingGlyph: Character = "·"

    /// Bases as ASCII letters, one per position.
    public var sequence: [UInt8]
    /// The positions behind each column; each column shows its representative's base.
    public var spans: [ColumnSpan]
    public var scheme: LogoColorScheme
    public var highlights: [Highlight]
    public var depth: ColorDepth

    public init(sequence: [UInt8], spans: [ColumnSpan]? = nil, scheme: LogoColorScheme = .classic, highlights: [Highlight] = [], depth: ColorDepth = .trueColor) {
        self.sequence = sequence
        self.spans = spans ?? .identity(sequence.count)
        self.scheme = scheme
        self.highlights = highlights
        self.depth = depth
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        for (column, span) in spans.enumerated() where column < area.width && span.representative < sequence.count && spans.isCenter(column) {
            let letter = sequence[span.representative] == Self.padding ? Self.paddingGlyph : Character(Unicode.Scalar(sequence[span.representative]))
            let known = "ACGTU".contains(letter)
            let kinds = Set(highlights.filter { h in span.positions.contains { h.positions.contains($0) } }.map(\.kind))
            var style = Style(foreground: depth == .monochrome ? .default : (known ? scheme.color(for: letter) : .rgb(128, 128, 128)),
                              attributes: known ? .bold : [])
            var glyph = letter
            if kinds.contains(.mutated) {
                if depth == .monochrome { glyph = Character(letter.lowercased()) } else { style.attributes.insert(.reverse) }
            }
            if kinds.contains(.cursor) { style.attributes.insert(.underline) }
            canvas.put(glyph, x: area.x + column, y: area.y, style: style)
        }
    }
}
