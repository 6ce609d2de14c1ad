import Foundation

/// A symmetric colour scale centred at 0, blank at 0: negative values blue, positive red (or
/// orange in the colour-blind scheme), the colour moving away from the background as |value| grows
/// (see `Theme`), so the largest effects contrast most on a dark terminal and on paper alike.
public struct DivergingScale: Hashable, Sendable {
    /// Values beyond ±maximum get the end colours.
    public var maximum: Float

    public init(maximum: Float) {
        self.maximum = maximum > 0 && maximum.isFinite ? maximum : 1
    }

    /// A scale reaching the largest |value|, or with `percentile` (e.g. 99) the |value| below which
    /// that share of values lies, so a few outliers do not wash out the rest (they are clipped).
    public static func fitting(_ values: [Float], percentile: Double? = nil) -> DivergingScale {
        let magnitudes = values.lazy.filter(\.isFinite).map(abs)
        guard let percentile, percentile < 100 else { return DivergingScale(maximum: magnitudes.max() ?? 1) }
        let sorted = magnitudes.sorted()
        guard !sorted.isEmpty else { return DivergingScale(maximum: 1) }
        let rank = Int((Double(sorted.count - 1) * max(0, percentile) / 100).rounded())
        let robust = sorted[rank]
        return DivergingScale(maximum: robust > 0 ? robust : sorted.last!)
    }

    /// `value / maximum`, clipped to −1…1.
    public func normalized(_ value: Float) -> Float {
        guard value.isFinite else { return 0 }
        return min(1, max(-1, value / maximum))
    }

    /// |t| below this is drawn blank: it would not be told from 0 anyway.
    static let blankBelow: Float = 0.05

    /// The truecolor colour of a normalised value t in −1…1 on the theme's background.
    public static func color(normalized t: Float, theme: Theme = .terminal) -> Color {
        let stops = t < 0 ? theme.divergingStops.negative : theme.divergingStops.positive
        let position = Double(min(1, abs(t))) * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        return Color(hex: stops[index]).mixed(with: Color(hex: stops[index + 1]), position - Double(index))
    }

    /// The cell for a normalised value at a depth. Colour depths paint the background; 16 colours
    /// and monochrome use shading for the magnitude (░▒▓█), red or blue for the sign in 16 colours,
    /// and in monochrome ░▒▓█ for positive and . - = # for negative values.
    public static func cell(normalized t: Float, depth: ColorDepth, theme: Theme = .terminal) -> Cell {
        let magnitude = abs(t)
        guard magnitude >= blankBelow else { return .blank }
        let level = min(4, Int(magnitude * 4) + 1)
        switch depth {
        case .trueColor, .palette256: return Cell(" ", style: Style(background: color(normalized: t, theme: theme)))
        case .ansi16:
            let signs = theme.sixteenColorSigns
            return Cell(Glyphs.shades[level], style: Style(foreground: .indexed(t > 0 ? signs.positive : signs.negative)))
        case .monochrome: return Cell(t > 0 ? Glyphs.shades[level] : negativeRamp[level])
        }
    }

    /// Monochrome glyphs for negative magnitudes, light to heavy.
    static let negativeRamp: [Character] = [" ", ".", "-", "=", "#"]
}

/// An (A, L) matrix as a grid of coloured cells, one row per letter (A at the top), centred at 0 on a
/// `DivergingScale`. The reference base of each column shows as its letter (at 16 colours and in
/// monochrome only where the value is blank, as for ISM's zero at the reference). `halfBlock` packs two
/// letters into one row (▀ with foreground above and background below) at 256 colours and truecolor;
/// references are then left to the sequence row, and other depths keep one row per letter.
public struct Heatmap: Widget {
    /// Values, one column per screen column (zoom before, see `Zoom.apply(perLetter: true)`).
    public var matrix: PositionMatrix
    public var scale: DivergingScale
    /// The letter index of the reference base per column (nil: unknown or N).
    public var reference: [Int?]
    public var halfBlock: Bool
    public var depth: ColorDepth
    public var theme: Theme

    public init(matrix: PositionMatrix, scale: DivergingScale, reference: [Int?] = [], halfBlock: Bool = false, depth: ColorDepth = .trueColor,
                theme: Theme = .terminal) {
        self.matrix = matrix
        self.scale = scale
        self.reference = reference
        self.halfBlock = halfBlock
        self.depth = depth
        self.theme = theme
    }

    /// Whether rows are packed two per cell at this depth.
    public var packsRows: Bool { halfBlock && depth >= .palette256 }

    /// Rows the heatmap needs.
    public var height: Int { packsRows ? (matrix.letters.count + 1) / 2 : matrix.letters.count }

    public func render(in area: Rect, on canvas: inout Canvas) {
        for column in 0 ..< min(area.width, matrix.length) {
            let x = area.x + column
            if packsRows {
                for row in 0 ..< min(area.height, height) {
                    let top = color(matrix[2 * row, column])
                    let bottom = 2 * row + 1 < matrix.letters.count ? color(matrix[2 * row + 1, column]) : .default
                    switch (top, bottom) {
                    case (.default, .default): canvas[x, area.y + row] = .blank
                    case (.default, _): canvas[x, area.y + row] = Cell("▄", style: Style(foreground: bottom))
                    default: canvas[x, area.y + row] = Cell("▀", style: Style(foreground: top, background: bottom))
                    }
                }
                continue
            }
            for letter in 0 ..< min(area.height, matrix.letters.count) {
                var cell = DivergingScale.cell(normalized: scale.normalized(matrix[letter, column]), depth: depth, theme: theme)
                // Colour keeps the value under the letter; shading would lose it, so there only blank cells get the letter.
                if column < reference.count, reference[column] == letter, depth >= .palette256 || cell.character == " " {
                    cell.character = matrix.letters[letter]
                    cell.style.attributes = .bold
                    if depth >= .palette256, cell.style.background != .default { cell.style.foreground = textColor(on: cell.style.background) }
                }
                canvas[x, area.y + letter] = cell
            }
        }
    }

    private func color(_ value: Float) -> Color {
        let t = scale.normalized(value)
        return abs(t) < DivergingScale.blankBelow ? .default : DivergingScale.color(normalized: t, theme: theme)
    }

    /// The `reference` of a heatmap over zoomed columns: per column, the row of the base its
    /// positions share (`ColumnBases`: one base holding ≥ 75 %, not a representative that may be
    /// the odd one out), nil for mixed columns, N, and all but the middle column of a magnified position.
    public static func references(bases: [UInt8], spans: [ColumnSpan], letters: [Character]) -> [Int?] {
        spans.indices.map { column in
            let positions = spans[column].positions
            guard positions.upperBound <= bases.count, spans.isCenter(column), case .base(let base) = ColumnBases(bases[positions]) else { return nil }
            return row(of: base, in: letters)
        }
    }

    /// The row of a base among `letters` (T and U are one), nil for N and other letters.
    static func row(of base: Character, in letters: [Character]) -> Int? {
        let letter = base.uppercased()
        return letters.firstIndex { l in
            let upper = l.uppercased()
            return upper == letter || (Set([upper, letter]) == ["T", "U"])
        }
    }
}

/// A one-row legend of a diverging scale: `-0.52 ▕cells▏ +0.52`, the cells drawn exactly as the
/// heatmap draws values from −maximum to +maximum.
public struct ColorBar: Widget {
    public var scale: DivergingScale
    public var depth: ColorDepth
    public var theme: Theme
    /// Cells of the bar itself (odd, so 0 sits in the middle).
    public var cells: Int

    public init(scale: DivergingScale, depth: ColorDepth = .trueColor, theme: Theme = .terminal, cells: Int = 17) {
        self.scale = scale
        self.depth = depth
        self.theme = theme
        self.cells = cells | 1
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        let low = NumberFormat.short(-scale.maximum), high = "+" + NumberFormat.short(scale.maximum)
        var x = area.x
        x += canvas.write(low + " ", x: x, y: area.y, maxWidth: area.maxX - x)
        for i in 0 ..< cells where x < area.maxX {
            let t = Float(2 * i - (cells - 1)) / Float(cells - 1)
            canvas[x, area.y] = DivergingScale.cell(normalized: t, depth: depth, theme: theme)
            x += 1
        }
        canvas.write(" " + high, x: x, y: area.y, maxWidth: area.maxX - x)
    }

    /// Columns the bar takes.
    public var width: Int { NumberFormat.short(-scale.maximum).count + 1 + cells + 2 + NumberFormat.short(scale.maximum).count }
}
