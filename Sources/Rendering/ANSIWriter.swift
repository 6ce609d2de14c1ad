import Foundation

/// Canvas → terminal text. Each row becomes one line: trailing blank cells are dropped, so no line
/// is wider than the canvas or padded with spaces; SGR escape sequences are emitted only where the
/// style changes, and a line that ends styled ends with a reset, so every line stands alone (for
/// `less -R`, `grep`, `head`). At monochrome the text has no escape sequences at all.
public enum ANSIWriter {
    public static func render(_ canvas: Canvas, depth: ColorDepth) -> String {
        var output = ""
        for y in 0 ..< canvas.height {
            let cells = (0 ..< canvas.width).map { quantized(canvas[$0, y], depth) }
            let end = (cells.lastIndex { !isBlank($0) } ?? -1) + 1
            output += styled(cells[..<end])
            output += "\n"
        }
        return output
    }

    /// Writes the text to a file atomically (a reader never sees half a file).
    public static func write(_ canvas: Canvas, depth: ColorDepth, to url: URL) throws {
        try Data(render(canvas, depth: depth).utf8).write(to: url, options: .atomic)
    }

    /// Cells as terminal text, from the plain style, quantised to `depth`, ending with a reset when
    /// styled: a run of cells a terminal can draw wherever its cursor is (explore --cast frames).
    public static func styledText(_ cells: some Sequence<Cell>, depth: ColorDepth) -> String {
        styled(cells.map { quantized($0, depth) })
    }

    /// Cells already quantised, with an SGR sequence where the style changes and a reset after a
    /// styled last cell.
    private static func styled(_ cells: some Sequence<Cell>) -> String {
        var output = ""
        var current = Style.plain
        for cell in cells {
            if cell.style != current {
                output += sgr(from: current, to: cell.style)
                current = cell.style
            }
            output.append(cell.character)
        }
        if current != .plain { output += "\u{1B}[0m" }
        return output
    }

    /// The cell as `depth` shows it: colours quantised, and no styling at all in monochrome.
    private static func quantized(_ cell: Cell, _ depth: ColorDepth) -> Cell {
        guard depth != .monochrome else { return Cell(cell.character) }
        var cell = cell
        cell.style.foreground = cell.style.foreground.quantized(to: depth)
        cell.style.background = cell.style.background.quantized(to: depth)
        return cell
    }

    /// A cell that shows nothing: a space on the terminal's background.
    private static func isBlank(_ cell: Cell) -> Bool {
        cell.character == " " && cell.style.background == .default && cell.style.attributes.isDisjoint(with: [.reverse, .underline])
    }

    /// The shortest SGR sequence from one style to another: a reset only when an attribute must go.
    static func sgr(from old: Style, to new: Style) -> String {
        var codes: [String] = []
        var old = old
        if !old.attributes.isSubset(of: new.attributes) {
            codes.append("0")
            old = .plain
        }
        let attributeCodes: [(CellAttributes, String)] = [(.bold, "1"), (.dim, "2"), (.underline, "4"), (.reverse, "7")]
        for (attribute, code) in attributeCodes where new.attributes.contains(attribute) && !old.attributes.contains(attribute) {
            codes.append(code)
        }
        if new.foreground != old.foreground { codes.append(colorCode(new.foreground, background: false)) }
        if new.background != old.background { codes.append(colorCode(new.background, background: true)) }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    private static func colorCode(_ color: Color, background: Bool) -> String {
        switch color {
        case .default: return background ? "49" : "39"
        case .rgb(let r, let g, let b): return "\(background ? 48 : 38);2;\(r);\(g);\(b)"
        case .indexed(let index) where index < 8: return "\((background ? 40 : 30) + Int(index))"
        case .indexed(let index) where index < 16: return "\((background ? 100 : 90) + Int(index) - 8)"
        case .indexed(let index): return "\(background ? 48 : 38);5;\(index)"
        }
    }
}
