/// Block characters for sub-cell precision.
enum Glyphs {
    /// Lower n eighths of a cell, n = 0…8.
    static let lower: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// Left n eighths of a cell, n = 0…8.
    static let left: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    /// Light to full shading, for magnitudes in monochrome.
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    /// The upper `n` eighths of a cell filled with `color`. Unicode has no upper-eighth blocks beyond
    /// ▔ and ▀, so in colour the lower (8 − n) eighths are drawn as ink in the terminal's background
    /// (reverse video); monochrome rounds to ▔, ▀ or █.
    static func upper(_ n: Int, color: Color, depth: ColorDepth) -> Cell {
        if n >= 8 { return Cell("█", style: Style(foreground: color)) }
        if n <= 0 { return .blank }
        if depth == .monochrome { return Cell(n <= 2 ? "▔" : n <= 5 ? "▀" : "█") }
        return Cell(lower[8 - n], style: Style(foreground: color, attributes: .reverse))
    }

    /// The right `n` eighths of a cell filled with `color` (same trick as `upper`).
    static func right(_ n: Int, color: Color, depth: ColorDepth) -> Cell {
        if n >= 8 { return Cell("█", style: Style(foreground: color)) }
        if n <= 0 { return .blank }
        if depth == .monochrome { return Cell(n <= 2 ? "▕" : n <= 5 ? "▐" : "█") }
        return Cell(left[8 - n], style: Style(foreground: color, attributes: .reverse))
    }
}
