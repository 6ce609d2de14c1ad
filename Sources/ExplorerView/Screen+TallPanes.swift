import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// A heatmap with each letter's row repeated `rowsPerLetter` times (tall screens); the
    /// reference letter stays in the first row of its band only.
    static func renderStretched(_ heatmap: Heatmap, rowsPerLetter: Int, in plot: Rect, on canvas: inout Canvas) {
        guard rowsPerLetter > 1 else { return canvas.render(heatmap, in: plot) }
        let letters = heatmap.matrix.letters.count
        var rows = Canvas(width: plot.width, height: letters)
        rows.render(heatmap, in: Rect(x: 0, y: 0, width: plot.width, height: letters))
        for letter in 0 ..< letters {
            for copy in 0 ..< rowsPerLetter where letter * rowsPerLetter + copy < plot.height {
                for column in 0 ..< plot.width {
                    var cell = rows[column, letter]
                    if copy > 0, cell.character.isLetter { cell.character = " " }
                    canvas[plot.x + column, plot.y + letter * rowsPerLetter + copy] = cell
                }
            }
        }
    }

    /// "+N more" in the gutter of the last annotation row when the lanes cannot show every
    /// interval on screen.
    static func drawHiddenAnnotationCount(_ hidden: Int, in area: Rect, on canvas: inout Canvas) {
        guard hidden > 0, !area.isEmpty else { return }
        let full = "+\(hidden) more"
        let text = full.count < ExplorerLayout.gutter ? full : "+\(hidden)"
        canvas.write(text, x: area.x, y: area.maxY - 1, style: Style(attributes: .bold), maxWidth: ExplorerLayout.gutter - 1)
    }
}
