import Foundation

/// Task predictions as horizontal bars, one row each, exact to one eighth of a cell (▏▎▍▌▋▊▉█):
/// `label  ██████▍     0.812  ref 0.640  Δ +0.172`. With a reference value the change is drawn in
/// the bar: a gain as a green stretch (▓ in monochrome), a loss as a red ░ where the bar was.
public struct Bars: Widget {
    public struct Item: Hashable, Sendable {
        public var label: String
        public var value: Float
        /// The value before an edit (the reference sequence's prediction), if any.
        public var reference: Float?

        public init(label: String, value: Float, reference: Float? = nil) {
            self.label = label
            self.value = value
            self.reference = reference
        }
    }

    public var items: [Item]
    /// The values at the left and right ends; bars grow from 0 (or the nearer end).
    public var domain: ClosedRange<Float>
    public var depth: ColorDepth
    /// The values are probabilities (a final Sigmoid/Softmax): saturated ones get `saturationMark`.
    public var marksSaturation: Bool

    public init(items: [Item], domain: ClosedRange<Float>? = nil, depth: ColorDepth = .trueColor, marksSaturation: Bool = false) {
        self.items = items
        self.domain = domain ?? Bars.domain(for: items)
        self.depth = depth
        self.marksSaturation = marksSaturation
    }

    /// After a saturated probability's value: near 0 or 1 the output barely moves with the
    /// input, so gradients and effects there say little (the logits do).
    public static let saturationMark = "sat"
    public static let saturationLegend = "sat: probability above 0.99 or below 0.01 (saturated; --logits shows the pre-activation value)"

    public static func isSaturated(_ probability: Float) -> Bool { probability > 0.99 || probability < 0.01 }

    /// Some item is marked saturated.
    public var showsSaturation: Bool { marksSaturation && items.contains { Self.isSaturated($0.value) } }

    /// 0…1 when every value is a probability, else from min(0, smallest) to max(0, largest).
    public static func domain(for items: [Item]) -> ClosedRange<Float> {
        let values = items.flatMap { [$0.value] + ($0.reference.map { [$0] } ?? []) }.filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else { return 0 ... 1 }
        if low >= 0 && high <= 1 { return 0 ... 1 }
        let lower = min(0, low), upper = max(0, high)
        return lower < upper ? lower ... upper : lower ... lower + 1
    }

    static let barColor = Color(hex: 0x6C8EBF)
    static let gainColor = Color(hex: 0x4DAF4A)
    static let lossColor = Color(hex: 0xE41A1C)

    /// "0.812" for values that fit, 3 significant digits otherwise.
    public static func number(_ value: Float) -> String {
        abs(value) < 1000 ? String(format: "%.3f", Double(value)) : NumberFormat.short(value)
    }

    /// The text after a bar.
    func text(_ item: Item) -> String {
        let value = Self.number(item.value) + (marksSaturation && Self.isSaturated(item.value) ? " " + Self.saturationMark : "")
        guard let reference = item.reference else { return value }
        let delta = item.value - reference
        return "\(value)  ref \(Self.number(reference))  Δ \(delta >= 0 ? "+" : "")\(Self.number(delta))"
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        let labelWidth = min(items.map(\.label.count).max() ?? 0, max(4, area.width / 4))
        let textWidth = items.map { text($0).count }.max() ?? 0
        let barWidth = max(4, area.width - labelWidth - textWidth - 2)
        for (row, item) in items.enumerated() where row < area.height {
            let y = area.y + row
            canvas.write(item.label, x: area.x, y: y, maxWidth: labelWidth)
            drawBar(item, x: area.x + labelWidth + 1, y: y, width: barWidth, on: &canvas)
            canvas.write(text(item), x: area.x + labelWidth + 1 + barWidth + 1, y: y, maxWidth: area.maxX - (area.x + labelWidth + barWidth + 2))
        }
    }

    private enum Part { case empty, bar, change, lost }

    private func drawBar(_ item: Item, x: Int, y: Int, width: Int, on canvas: inout Canvas) {
        let span = domain.upperBound - domain.lowerBound
        func eighths(_ value: Float) -> Int {
            let clipped = min(domain.upperBound, max(domain.lowerBound, value.isFinite ? value : 0))
            return Int(((clipped - domain.lowerBound) / span * Float(width * 8)).rounded())
        }
        let origin = eighths(0), end = eighths(item.value)
        let reference = item.reference.map(eighths)
        let changeColor = (item.reference.map { item.value >= $0 } ?? true) ? Self.gainColor : Self.lossColor
        func part(_ e: Int) -> Part {
            let inBar = (min(origin, end) ..< max(origin, end)).contains(e)
            guard let reference else { return inBar ? .bar : .empty }
            let changed = (min(reference, end) ..< max(reference, end)).contains(e)
            if inBar { return changed ? .change : .bar }
            return changed ? .lost : .empty
        }
        func color(_ part: Part) -> Color {
            if depth == .monochrome { return .default }
            return part == .bar ? Self.barColor : changeColor
        }
        for cell in 0 ..< width {
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
            canvas[x + cell, y] = glyph
        }
    }
}
