import Foundation

/// A dependency map as a heatmap: one column per substituted position, one row per position
/// whose attribution moves (tangermeme's orientation, `[j, i]`). Blocks of positions share a
/// cell when the map is larger than the figure; a cell shows its block's largest |value|. The
/// diagonal (a substitution's effect on its own position, several times the rest) is drawn as
/// `╲` and left out of the scale, as tangermeme advises masking it.
public struct DependencyMapFigure: Sendable {
    /// rows × columns, row-major.
    public var values: [Float]
    /// The positions of the rows and of the columns (the records' own).
    public var rows: Range<Int>
    public var columns: Range<Int>
    public var title: String
    public var notes: [String] = []
    public var scheme: LogoColorScheme = .classic
    /// nil: dark in a terminal, light in SVG.
    public var background: Background?

    public init(values: [Float], rows: Range<Int>, columns: Range<Int>, title: String) {
        precondition(values.count == rows.count * columns.count, "\(values.count) values do not fill \(rows.count) × \(columns.count)")
        self.values = values
        self.rows = rows
        self.columns = columns
        self.title = title
    }

    /// Positions per cell across and down so the map fits `width` columns (after the row
    /// labels) and `height` rows.
    func blocks(width: Int, height: Int) -> (across: Int, down: Int) {
        let across = max(1, (columns.count + max(1, width - Self.gutter) - 1) / max(1, width - Self.gutter))
        let down = max(1, (rows.count + max(1, height) - 1) / max(1, height))
        return (across, down)
    }

    static let gutter = 6
    /// The glyph of a cell on the diagonal, which is left out of the scale (the explorer draws it too).
    public static let diagonal: Character = "╲"

    /// The cells of the binned map: the largest |value| of each block off the diagonal, nil
    /// for a block that holds only diagonal entries.
    func binned(across: Int, down: Int) -> (cells: [[Float?]], scale: DivergingScale) {
        var cells: [[Float?]] = []
        var offDiagonal: [Float] = []
        for rowStart in stride(from: 0, to: rows.count, by: down) {
            var line: [Float?] = []
            for columnStart in stride(from: 0, to: columns.count, by: across) {
                var best: Float?
                for r in rowStart ..< min(rows.count, rowStart + down) {
                    for c in columnStart ..< min(columns.count, columnStart + across) where rows.lowerBound + r != columns.lowerBound + c {
                        let value = values[r * columns.count + c]
                        if best.map({ abs(value) > abs($0) }) ?? true { best = value }
                    }
                }
                if let best { offDiagonal.append(best) }
                line.append(best)
            }
            cells.append(line)
        }
        return (cells, DivergingScale.fitting(offDiagonal))
    }

    public func canvas(width: Int, height: Int, depth: ColorDepth) -> Canvas {
        let theme = Theme(scheme: scheme, background: background ?? .dark)
        let (across, down) = blocks(width: width, height: height)
        let (cells, scale) = binned(across: across, down: down)
        let header = [title] + notes
        let legend = ["rows: position whose attribution moves · columns: substituted position",
                      "\(across == 1 && down == 1 ? "" : "\(across) × \(down) positions per cell (the largest |value|) · ")\(Self.diagonal) diagonal, left out of the scale"]
        var canvas = Canvas(width: width, height: header.count + 1 + cells.count + 1 + legend.count)
        var y = 0
        for line in header {
            canvas.write(line, x: 0, y: y, maxWidth: width)
            y += 1
        }
        // Column ruler: a label every ten cells, where it fits.
        var x = Self.gutter
        for (index, start) in stride(from: 0, to: columns.count, by: across).enumerated() where index % 10 == 0 && x + index < width {
            canvas.write("\(columns.lowerBound + start)", x: x + index, y: y, maxWidth: width - x - index)
        }
        y += 1
        for (rowIndex, line) in cells.enumerated() {
            let position = rows.lowerBound + rowIndex * down
            if rowIndex % 5 == 0 {
                let label = "\(position)"
                canvas.write(String(repeating: " ", count: max(0, Self.gutter - 1 - label.count)) + label, x: 0, y: y, maxWidth: Self.gutter - 1)
            }
            x = Self.gutter
            for value in line where x < width {
                if let value {
                    canvas[x, y] = DivergingScale.cell(normalized: scale.normalized(value), depth: depth, theme: theme)
                } else {
                    canvas[x, y] = Cell(Self.diagonal)
                }
                x += 1
            }
            y += 1
        }
        canvas.render(ColorBar(scale: scale, depth: depth, theme: theme), in: Rect(x: 0, y: y, width: width, height: 1))
        y += 1
        for line in legend {
            canvas.write(line, x: 0, y: y, maxWidth: width)
            y += 1
        }
        return canvas
    }

    /// The figure as SVG: the text figure's cells (truecolor, light background unless set).
    public func svg(width: Int, height: Int) -> String {
        var figure = self
        figure.background = background ?? .light
        return SVGWriter.render(figure.canvas(width: width, height: height, depth: .trueColor))
    }
}
