import Foundation

/// What the values of a logo mean, and how they become letter heights.
public enum LogoKind: Hashable, Sendable {
    /// Letter probabilities (columns are normalised to sum to 1); heights are the probabilities.
    case probability
    /// Letter probabilities drawn in bits: height = p × information content of the column against
    /// `background` (uniform when nil), at most log2(A) = 2 bits for DNA.
    case informationContent(background: [Double]?)
    /// Letter probabilities drawn as log2(p / background), signed. A pseudo-probability of 0.01 per
    /// letter keeps zeros finite: p' = (p + 0.01) / (1 + 0.01·A).
    case weight(background: [Double]?)
    /// Signed values as given (attributions, ISM means): positives above the baseline, negatives below.
    case attribution

    /// The largest height drawn: stacks of letters and zoomed-out columns (sums over up to a
    /// million positions) then stay finite in Float. inf and nan have no height and draw as 0.
    public static let largestHeight: Float = 1e30

    static func drawable(_ value: Float) -> Float {
        value.isFinite ? min(largestHeight, max(-largestHeight, value)) : 0
    }

    /// The heights to stack, column by column.
    public func heights(of matrix: PositionMatrix) -> PositionMatrix {
        let size = matrix.letters.count
        if self == .attribution {
            return PositionMatrix(letters: matrix.letters, length: matrix.length, values: matrix.values.map(Self.drawable))
        }
        var heights = matrix
        for position in 0 ..< matrix.length {
            let column = matrix.column(position).map { max(0, Double($0)) }
            let total = column.reduce(0, +)
            let p = column.map { total > 0 ? $0 / total : 1 / Double(size) }
            let result: [Double]
            switch self {
            case .probability: result = p
            case .informationContent(let background):
                let b = background ?? [Double](repeating: 1 / Double(size), count: size)
                let information = zip(p, b).reduce(0) { $0 + ($1.0 > 0 ? $1.0 * log2($1.0 / $1.1) : 0) }
                result = p.map { $0 * information }
            case .weight(let background):
                let b = background ?? [Double](repeating: 1 / Double(size), count: size)
                result = zip(p, b).map { log2((($0 + 0.01) / (1 + 0.01 * Double(size))) / $1) }
            case .attribution: result = p
            }
            for letter in 0 ..< size { heights[letter, position] = Float(result[letter]) }
        }
        return heights
    }

    /// Whether negative heights occur, so a baseline with room below it is drawn.
    public var isSigned: Bool {
        switch self {
        case .weight, .attribution: return true
        case .probability, .informationContent: return false
        }
    }

    /// The top of the y axis when it is fixed by the kind (1 for probability, log2(A) bits).
    public func fixedMaximum(alphabetSize: Int) -> Float? {
        switch self {
        case .probability: return 1
        case .informationContent: return Float(log2(Double(alphabetSize)))
        case .weight, .attribution: return nil
        }
    }

    /// Axis title: "probability", "bits", "log2 odds" or "attribution".
    public var axisTitle: String {
        switch self {
        case .probability: return "probability"
        case .informationContent: return "bits"
        case .weight: return "log2 odds"
        case .attribution: return "attribution"
        }
    }
}

/// The vertical layout of a logo: rows above the baseline, an optional one-row baseline, rows below,
/// and the value one row stands for (the same above and below, so heights compare).
public struct LogoAxis: Hashable, Sendable {
    public var rowsAbove: Int
    public var rowsBelow: Int
    public var hasBaseline: Bool
    public var unitsPerRow: Float

    public init(rowsAbove: Int, rowsBelow: Int, hasBaseline: Bool, unitsPerRow: Float) {
        self.rowsAbove = rowsAbove
        self.rowsBelow = rowsBelow
        self.hasBaseline = hasBaseline
        self.unitsPerRow = unitsPerRow
    }

    public var height: Int { rowsAbove + rowsBelow + (hasBaseline ? 1 : 0) }
    /// The value at the top edge of the logo.
    public var top: Float { Float(rowsAbove) * unitsPerRow }
    /// The value at the bottom edge (≤ 0).
    public var bottom: Float { -Float(rowsBelow) * unitsPerRow }

    /// An axis of `height` rows for these heights. Signed logos get a baseline row and share the
    /// other rows between the tallest positive and the deepest negative stack at one scale;
    /// `maximum` fixes the top instead (2 bits, probability 1, or a scale shared between logos).
    public static func fitting(_ heights: PositionMatrix, height: Int, signed: Bool, maximum: Float? = nil) -> LogoAxis {
        var above: Float = 0, below: Float = 0
        for position in 0 ..< heights.length {
            let column = heights.column(position)
            above = max(above, column.filter { $0 > 0 }.reduce(0, +))
            below = max(below, -column.filter { $0 < 0 }.reduce(0, +))
        }
        let baseline = signed && height >= 2
        let rows = max(1, height - (baseline ? 1 : 0))
        if let maximum, maximum > 0 {
            guard baseline, below > 0 else { return LogoAxis(rowsAbove: rows, rowsBelow: 0, hasBaseline: baseline, unitsPerRow: maximum / Float(rows)) }
            let unit = maximum / Float(rows)
            let rowsBelow = min(rows - 1, Int((below / unit).rounded(.up)))
            return LogoAxis(rowsAbove: rows - rowsBelow, rowsBelow: rowsBelow, hasBaseline: true, unitsPerRow: unit)
        }
        guard baseline, below > 0 else {
            return LogoAxis(rowsAbove: rows, rowsBelow: 0, hasBaseline: baseline, unitsPerRow: above > 0 ? above / Float(rows) : 1)
        }
        guard above > 0 else { return LogoAxis(rowsAbove: 0, rowsBelow: rows, hasBaseline: true, unitsPerRow: below / Float(rows)) }
        // The split whose row stands for the least (the tallest stacks fill their side best);
        // ties give the positive side the extra row.
        let rowsAbove = (1 ..< max(2, rows)).min { a, b in
            let ua = max(above / Float(a), below / Float(rows - a)), ub = max(above / Float(b), below / Float(rows - b))
            return ua < ub || (ua == ub && a > b)
        }!
        return LogoAxis(rowsAbove: rowsAbove, rowsBelow: rows - rowsAbove, hasBaseline: true,
                        unitsPerRow: max(above / Float(rowsAbove), below / Float(rows - rowsAbove)))
    }
}

/// Positions to pick out on a logo, a heatmap or a sequence row.
public struct Highlight: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// The explorer's cursor: a tinted column (┊ in monochrome).
        case cursor
        /// Bases changed from the reference: '*' above the stack; reversed in the sequence row.
        case mutated
        /// Motif hits: a tinted column in colour (the annotation row names them).
        case motif
    }

    public var kind: Kind
    public var positions: Set<Int>

    public init(_ kind: Kind, positions: Set<Int>) {
        self.kind = kind
        self.positions = positions
    }
}

/// A sequence logo: each column a stack of letters whose heights are proportional to their values,
/// largest on top; negative values hang below the baseline, smallest nearest to it (logomaker's
/// flipped order) and faded. Each letter fills its cells, and eighth blocks (▁▂▃▄▅▆▇) at the stack
/// ends and between letters keep heights exact to one eighth of a row.
///
/// In colour a letter is its own colour as background with the letter on it; in monochrome the
/// letter alone, upper case above the baseline and lower case below.
public struct Logo: Widget {
    /// Heights, one column per screen column (zoom before, see `Zoom.apply`).
    public var heights: PositionMatrix
    public var axis: LogoAxis
    /// The positions behind each column, to place highlights; nil when columns are positions.
    public var spans: [ColumnSpan]?
    public var scheme: LogoColorScheme
    public var highlights: [Highlight]
    public var depth: ColorDepth
    /// The background the logo is read on: picks the tints and the edit mark that stand out on it.
    public var background: Background

    public init(heights: PositionMatrix, axis: LogoAxis, spans: [ColumnSpan]? = nil, scheme: LogoColorScheme = .classic,
                highlights: [Highlight] = [], depth: ColorDepth = .trueColor, background: Background = .dark) {
        self.heights = heights
        self.axis = axis
        self.spans = spans
        self.scheme = scheme
        self.highlights = highlights
        self.depth = depth
        self.background = background
    }

    private var theme: Theme { Theme(scheme: scheme, background: background) }

    /// A letter's part of a stack, in eighths of a row from the baseline outwards.
    package struct Segment: Equatable {
        package var letter: Int
        package var start: Int
        package var end: Int
    }

    /// The segments of one column: positives (smallest first, so the largest ends on top) and
    /// negatives (smallest magnitude first, nearest the baseline). Boundaries are rounded from the
    /// running sum, so every stack is within half an eighth of its exact height.
    package func stacks(_ column: Int) -> (above: [Segment], below: [Segment]) {
        let values = heights.column(column)
        let eighth = axis.unitsPerRow / 8
        func segments(_ letters: [Int], limit: Int) -> [Segment] {
            var result: [Segment] = []
            var sum: Float = 0, start = 0
            for letter in letters {
                sum += abs(values[letter])
                let end = min(limit, Int((sum / eighth).rounded()))
                if end > start { result.append(Segment(letter: letter, start: start, end: end)) }
                start = max(start, end)
            }
            return result
        }
        let positive = values.indices.filter { values[$0] > 0 }.sorted { (values[$0], $0) < (values[$1], $1) }
        let negative = values.indices.filter { values[$0] < 0 }.sorted { (-values[$0], $0) < (-values[$1], $1) }
        return (segments(positive, limit: axis.rowsAbove * 8), segments(negative, limit: axis.rowsBelow * 8))
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        let baselineRow = area.y + axis.rowsAbove
        for column in 0 ..< min(area.width, heights.length) {
            let x = area.x + column
            let kinds = highlightKinds(column)
            let (above, below) = stacks(column)
            // A magnified position is one wide letter in colour: the letter in its middle column only.
            let center = depth == .monochrome || (spans?.isCenter(column) ?? true)
            for row in 0 ..< axis.rowsAbove {
                canvas[x, baselineRow - 1 - row] = cell(row: row, segments: above, negative: false, center: center) ?? emptyCell(kinds)
            }
            if axis.hasBaseline {
                canvas[x, baselineRow] = Cell("─", style: Style(foreground: .rgb(128, 128, 128)))
            }
            let belowTop = baselineRow + (axis.hasBaseline ? 1 : 0)
            for row in 0 ..< axis.rowsBelow {
                canvas[x, belowTop + row] = cell(row: row, segments: below, negative: true, center: center) ?? emptyCell(kinds)
            }
            // A mutated position gets a star just above its stack, where there is room.
            if kinds.contains(.mutated), spans?.isCenter(column) ?? true {
                let rowsUsed = ((above.last?.end ?? 0) + 7) / 8
                if rowsUsed < axis.rowsAbove {
                    canvas[x, baselineRow - 1 - rowsUsed] = Cell("*", style: Style(foreground: depth == .monochrome ? .default : theme.editedMark, attributes: .bold))
                }
            }
        }
    }

    /// The cell of row `row` (0 next to the baseline) of a stack, or nil when the stack does not reach it.
    private func cell(row: Int, segments: [Segment], negative: Bool, center: Bool) -> Cell? {
        let low = row * 8, high = low + 8
        let inside = segments.filter { $0.end > low && $0.start < high }
        guard let outermost = inside.last else { return nil }
        func overlap(_ s: Segment) -> Int { min(s.end, high) - max(s.start, low) }
        // Ties go to the outer letter, the larger one.
        let major = inside.reversed().max { overlap($0) < overlap($1) }!
        if outermost.end < high {
            // The end of the stack: an eighth block in the colour of the letter that fills most of it.
            let n = outermost.end - low
            let color = letterColor(major.letter, negative: negative)
            if negative { return Glyphs.upper(n, color: color, depth: depth) }
            return Cell(Glyphs.lower[n], style: Style(foreground: depth == .monochrome ? .default : color))
        }
        if inside.count == 1 || depth == .monochrome {
            var cell = letterCell(major.letter, negative: negative)
            if !center { cell.character = " " }
            return cell
        }
        // Two letters meet inside the cell: split it at their boundary, inner letter below the
        // boundary for positives, above it for negatives.
        let inner = inside[0], outer = inside.last!
        if negative {
            return Cell(Glyphs.lower[high - inner.end], style: Style(foreground: letterColor(outer.letter, negative: true), background: letterColor(inner.letter, negative: true)))
        }
        return Cell(Glyphs.lower[inner.end - low], style: Style(foreground: letterColor(inner.letter, negative: false), background: letterColor(outer.letter, negative: false)))
    }

    private func letterColor(_ letter: Int, negative: Bool) -> Color {
        let character = heights.letters[letter]
        return negative ? scheme.negativeColor(for: character, depth: depth, on: background) : scheme.color(for: character, on: background)
    }

    private func letterCell(_ letter: Int, negative: Bool) -> Cell {
        let character = heights.letters[letter]
        let glyph = negative ? Character(character.lowercased()) : Character(character.uppercased())
        guard depth != .monochrome else { return Cell(glyph, style: Style(attributes: negative ? [] : .bold)) }
        let background = letterColor(letter, negative: negative)
        return Cell(glyph, style: Style(foreground: textColor(on: background), background: background, attributes: negative ? [] : .bold))
    }

    private func highlightKinds(_ column: Int) -> Set<Highlight.Kind> {
        let positions = spans.map { $0[column].positions } ?? column ..< column + 1
        return Set(highlights.filter { h in positions.contains { h.positions.contains($0) } }.map(\.kind))
    }

    /// Empty cells carry the column highlights: a tint in colour, ┊ for the cursor in monochrome.
    private func emptyCell(_ kinds: Set<Highlight.Kind>) -> Cell {
        if kinds.contains(.cursor) {
            return depth == .monochrome ? Cell("┊") : Cell(" ", style: Style(background: theme.tint(.cursor)))
        }
        if kinds.contains(.motif), depth != .monochrome { return Cell(" ", style: Style(background: theme.tint(.motif))) }
        return .blank
    }
}
