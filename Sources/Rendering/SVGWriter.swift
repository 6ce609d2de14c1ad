import Foundation

/// Canvas → SVG, cell for cell (for screens and tracks; `AttributionFigure.svg` draws real vector
/// logos). Backgrounds become rectangles, block and shade characters are drawn as rectangles so they
/// do not depend on the font, other characters as monospace text. The terminal's default colours
/// become black on white.
public enum SVGWriter {
    public static func render(_ canvas: Canvas, cellWidth: Double = 8.4, cellHeight: Double = 17) -> String {
        var document = SVGDocument(width: Double(canvas.width) * cellWidth, height: Double(canvas.height) * cellHeight)
        for y in 0 ..< canvas.height {
            let top = Double(y) * cellHeight
            // Backgrounds, merged into runs of one colour.
            var x = 0
            while x < canvas.width {
                let fill = colors(canvas[x, y].style).background
                var end = x + 1
                while end < canvas.width, colors(canvas[end, y].style).background == fill { end += 1 }
                if let fill { document.rect(x: Double(x) * cellWidth, y: top, width: Double(end - x) * cellWidth, height: cellHeight, fill: fill) }
                x = end
            }
            // Glyphs: blocks as rectangles, text in runs of one style with a position per character.
            var run: (start: Int, characters: [Character], positions: [Double], style: Style)?
            func flush(_ document: inout SVGDocument) {
                guard let r = run else { return }
                let fill = colors(r.style).foreground
                let weight = r.style.attributes.contains(.bold) ? " font-weight=\"bold\"" : ""
                let decoration = r.style.attributes.contains(.underline) ? " text-decoration=\"underline\"" : ""
                let opacity = r.style.attributes.contains(.dim) ? " fill-opacity=\"0.6\"" : ""
                let xs = r.positions.map(SVGDocument.number).joined(separator: " ")
                document.raw("<text x=\"\(xs)\" y=\"\(SVGDocument.number(top + cellHeight * 0.78))\" font-family=\"DejaVu Sans Mono, Menlo, monospace\" font-size=\"\(SVGDocument.number(cellHeight * 0.8))\" text-anchor=\"middle\" fill=\"\(fill)\"\(weight)\(decoration)\(opacity)>\(SVGDocument.escape(String(r.characters)))</text>")
                run = nil
            }
            for x in 0 ..< canvas.width {
                let cell = canvas[x, y]
                let left = Double(x) * cellWidth
                if let block = blockRect(cell.character) {
                    flush(&document)
                    document.rect(x: left + block.x * cellWidth, y: top + block.y * cellHeight, width: block.width * cellWidth,
                                  height: block.height * cellHeight, fill: colors(cell.style).foreground, extra: block.opacity < 1 ? "fill-opacity=\"\(block.opacity)\"" : "")
                    continue
                }
                if cell.character == " " { flush(&document); continue }
                if let r = run, r.style == cell.style, r.start + r.characters.count == x {
                    run!.characters.append(cell.character)
                    run!.positions.append(left + cellWidth / 2)
                } else {
                    flush(&document)
                    run = (x, [cell.character], [left + cellWidth / 2], cell.style)
                }
            }
            flush(&document)
        }
        return document.rendered
    }

    /// Writes the SVG to a file atomically.
    public static func write(_ canvas: Canvas, to url: URL) throws {
        try Data(render(canvas).utf8).write(to: url, options: .atomic)
    }

    /// Ink and background as SVG colours, reverse video applied; nil background: none drawn.
    private static func colors(_ style: Style) -> (foreground: String, background: String?) {
        let foreground = style.foreground.hex ?? "#000000"
        let background = style.background.hex
        if style.attributes.contains(.reverse) { return (background ?? "#FFFFFF", foreground) }
        return (foreground, background)
    }

    /// The part of a cell a block character fills, as fractions of the cell.
    private static func blockRect(_ character: Character) -> (x: Double, y: Double, width: Double, height: Double, opacity: Double)? {
        if let n = Glyphs.lower.firstIndex(of: character), n > 0 { return (0, 1 - Double(n) / 8, 1, Double(n) / 8, 1) }
        if let n = Glyphs.left.firstIndex(of: character), n > 0 { return (0, 0, Double(n) / 8, 1, 1) }
        if let n = Glyphs.shades.firstIndex(of: character), n > 0, n < 4 { return (0, 0, 1, 1, Double(n) / 4) }
        switch character {
        case "▀": return (0, 0, 1, 0.5, 1)
        case "▔": return (0, 0, 1, 0.125, 1)
        case "▐": return (0.5, 0, 0.5, 1, 1)
        case "▕": return (0.875, 0, 0.125, 1, 1)
        default: return nil
        }
    }
}
