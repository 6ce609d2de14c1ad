import Foundation

/// Task predictions as horizontal bars, one row each, exact to one eighth of a cell (▏▎▍▌▋▊▉█):
/// `label  ██████▍     0.812  ref 0.640  Δ +0.172`. With a reference value the change is drawn in
/// the bar: a gain as a green stretch (▓ in monochrome), a loss as a red ░ where the bar was.
///
/// Probabilities fill a 0…1 bar from its left end. A domain reaching below 0 (regression outputs)
/// gets a zero line, `│`, with negative values growing left of it and positive ones right, both
/// sides at one scale. A value beyond the drawn axis ends at the bar's edge with ◂ or ▸ beside it,
/// so a clipped bar is never read as the whole value.
public struct Bars: Widget {
    public struct Item: Hashable, Sendable {
        public var label: String
        public var value: Float
        /// The value before an edit (the reference sequence's prediction), if any.
        public var reference: Float?
        /// Whether the output sits at a flat end of its activation (a sigmoid at 0 or 1), where
        /// gradients vanish; the caller knows, the bar shows `!` after the number.
        public var saturated: Bool

        public init(label: String, value: Float, reference: Float? = nil, saturated: Bool = false) {
            self.label = label
            self.value = value
            self.reference = reference
            self.saturated = saturated
        }
    }

    public var items: [Item]
    /// The values the axis shows; bars grow from 0 (or the nearer end when 0 is outside).
    public var domain: ClosedRange<Float>
    public var depth: ColorDepth
    public var theme: Theme

    public init(items: [Item], domain: ClosedRange<Float>? = nil, depth: ColorDepth = .trueColor, theme: Theme = .terminal) {
        self.items = items
        self.domain = domain ?? Bars.domain(for: items)
        self.depth = depth
        self.theme = theme
    }

    /// Whether a probability is saturated: near 0 or 1 the output barely moves with the input,
    /// so gradients and effects there say little (the logits do). Callers that know their
    /// values are probabilities set `Item.saturated` with it.
    public static func isSaturated(_ probability: Float) -> Bool { probability > 0.99 || probability < 0.01 }

    /// 0…1 when every value is a probability, else from min(0, smallest) to max(0, largest).
    public static func domain(for items: [Item]) -> ClosedRange<Float> {
        let values = items.flatMap { [$0.value] + ($0.reference.map { [$0] } ?? []) }.filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else { return 0 ... 1 }
        if low >= 0 && high <= 1 { return 0 ... 1 }
        let lower = min(0, low), upper = max(0, high)
        return lower < upper ? lower ... upper : lower ... lower + 1
    }

    /// Whether a value lies outside the domain, so its bar is (or may be) cut at an end.
    public var hasClippedValues: Bool { items.contains { !$0.value.isNaN && !domain.contains($0.value) } }

    /// The mark after a saturated output's number.
    public static let saturatedMark: Character = "!"
    /// The marks beside a bar clipped at its left or right end.
    public static let clippedMarks: (left: Character, right: Character) = ("◂", "▸")
    /// The zero line of a domain reaching below 0.
    public static let zeroMark: Character = "│"

    /// "0.812" for values that fit, 3 significant digits otherwise.
    public static func number(_ value: Float) -> String {
        abs(value) < 1000 ? String(format: "%.3f", Double(value)) : NumberFormat.short(value)
    }

    /// The text after a bar.
    func text(_ item: Item) -> String {
        let value = Self.number(item.value) + (item.saturated ? String(Self.saturatedMark) : "")
        guard let reference = item.reference else { return value }
        let delta = item.value - reference
        return "\(value)  ref \(Self.number(reference))  Δ \(delta >= 0 ? "+" : "")\(Self.number(delta))"
    }

    /// Where values fall along a bar of some cells: in eighths of a cell from its left end, with
    /// the zero line (when there is one) taking a cell of its own between the two sides.
    struct Axis {
        /// Cells that hold bar, without the zero line.
        var cells: Int
        /// The bar cell the zero line is drawn left of; nil: none.
        var zeroLine: Int?
        /// The value at the left end, and the value of one eighth.
        var left: Float
        var unit: Float

        init(domain: ClosedRange<Float>, width: Int) {
            let lower = domain.lowerBound, upper = domain.upperBound
            if lower < 0 && upper >= 0 && width >= 3 {
                cells = width - 1
                // Whole cells on each side, and one scale for both, fitted to the side that needs more.
                let below = upper == 0 ? cells : min(cells - 1, max(1, Int((-lower / (upper - lower) * Float(cells)).rounded())))
                zeroLine = below
                unit = max(-lower / Float(below * 8), upper / Float(max(1, cells - below) * 8))
                left = -Float(below * 8) * unit
            } else {
                cells = width
                zeroLine = nil
                unit = max((upper - lower) / Float(max(1, width * 8)), .leastNormalMagnitude)
                left = lower
            }
        }

        /// Eighths from the left end, unclamped.
        func raw(_ value: Float) -> Float { (value - left) / unit }

        /// Eighths from the left end, within the bar (NaN: the left end).
        func eighths(_ value: Float) -> Int {
            let position = raw(value)
            return position.isNaN ? 0 : Int(min(Float(cells * 8), max(0, position)).rounded())
        }

        /// Where bars start: 0, or the nearer end of the domain when 0 lies outside it.
        func origin(_ domain: ClosedRange<Float>) -> Int { eighths(min(domain.upperBound, max(domain.lowerBound, 0))) }

        /// −1 when `value` lies beyond the left end, +1 beyond the right end, else 0 (also for NaN).
        func clipped(_ value: Float) -> Int {
            let position = raw(value), tolerance: Float = 1e-3
            if position < -tolerance { return -1 }
            if position > Float(cells * 8) + tolerance { return 1 }
            return 0
        }
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        let labelWidth = min(items.map(\.label.count).max() ?? 0, max(4, area.width / 4))
        let textWidth = items.map { text($0).count }.max() ?? 0
        let barWidth = max(4, area.width - labelWidth - textWidth - 2)
        let axis = Axis(domain: domain, width: barWidth)
        let barX = area.x + labelWidth + 1
        for (row, item) in items.enumerated() where row < area.height {
            let y = area.y + row
            canvas.write(item.label, x: area.x, y: y, maxWidth: labelWidth)
            drawBar(item, axis: axis, x: barX, y: y, on: &canvas)
            canvas.write(text(item), x: barX + barWidth + 1, y: y, maxWidth: area.maxX - (barX + barWidth + 1))
        }
    }

    private enum Part { case empty, bar, change, lost }

    private func drawBar(_ item: Item, axis: Axis, x: Int, y: Int, on canvas: inout Canvas) {
        let origin = axis.origin(domain)
        let end = item.value.isNaN ? origin : axis.eighths(item.value)
        let reference = item.reference.map { $0.isNaN ? origin : axis.eighths($0) }
        let changeColor = (item.reference.map { item.value >= $0 } ?? true) ? theme.gainColor : theme.lossColor
        func part(_ e: Int) -> Part {
            let inBar = (min(origin, end) ..< max(origin, end)).contains(e)
            guard let reference else { return inBar ? .bar : .empty }
            let changed = (min(reference, end) ..< max(reference, end)).contains(e)
            if inBar { return changed ? .change : .bar }
            return changed ? .lost : .empty
        }
        func color(_ part: Part) -> Color {
            if depth == .monochrome { return .default }
            return part == .bar ? theme.barColor : changeColor
        }
        func screenX(_ cell: Int) -> Int { x + cell + (axis.zeroLine.map { cell >= $0 ? 1 : 0 } ?? 0) }
        for cell in 0 ..< axis.cells {
            let parts = (cell * 8 ..< cell * 8 + 8).map(part)
            let filled = parts.filter { $0 == .bar || $0 == .change }.count
            let major = [Part.bar, .change, .lost, .empty].max { a, b in parts.filter { $0 == a }.count < parts.filter { $0 == b }.count }!
            let barPart = parts.contains(.change) && parts.filter({ $0 == .change }).count >= parts.filter({ $0 == .bar }).count ? Part.change : Part.bar
            let glyph: Cell
            if filled == 8 {
                glyph = Cell(depth == .monochrome && barPart == .change ? "▓" : "█", style: Style(foreground: color(barPart)))
            } else if filled > 0 {
                // A bar end inside the cell: filled from the left, or from the right for bars growing left.
                let fromLeft = parts[0] == .bar || parts[0] == .change
                glyph = fromLeft ? Cell(Glyphs.left[filled], style: Style(foreground: color(barPart))) : Glyphs.right(filled, color: color(barPart), depth: depth)
            } else if major == .lost {
                glyph = Cell("░", style: Style(foreground: color(.lost)))
            } else {
                glyph = .blank
            }
            canvas[screenX(cell), y] = glyph
        }
        let grey = Style(foreground: depth == .monochrome ? .default : .rgb(128, 128, 128))
        if let zero = axis.zeroLine { canvas.put(Self.zeroMark, x: x + zero, y: y, style: grey) }
        // The marks go in the spaces either side of the bar, so the bar keeps every cell.
        let markStyle = Style(foreground: color(.bar), attributes: .bold)
        switch axis.clipped(item.value) {
        case -1: canvas.put(Self.clippedMarks.left, x: x - 1, y: y, style: markStyle)
        case 1: canvas.put(Self.clippedMarks.right, x: screenX(axis.cells - 1) + 1, y: y, style: markStyle)
        default: break
        }
    }
}
