import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// "↑ 3 more ↓ 7 more" at the right of the predictions' title when the pane cannot show every task.
    static func drawHiddenTaskCounts(above: Int, below: Int, in row: Rect, on canvas: inout Canvas) {
        let text = [above > 0 ? "↑ \(above) more" : nil, below > 0 ? "↓ \(below) more" : nil].compactMap { $0 }.joined(separator: " ")
        guard !text.isEmpty else { return }
        canvas.write(text, x: row.maxX - text.count, y: row.y, style: Style(attributes: .bold))
    }
}
