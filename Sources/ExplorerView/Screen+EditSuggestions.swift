import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// The `b` pane in a box: the edits that raise the task most, then those that lower it most,
    /// each with its predicted effect and the prediction it would give; the selected one reversed.
    static func drawEditSuggestions(_ pane: EditSuggestions, _ state: ExplorerState, on canvas: inout Canvas) {
        let suggestions = state.editSuggestions
        let width = min(canvas.width - 4, 48)
        let height = min(canvas.height - 2, 2 * EditSuggestions.perDirection + 3)
        let box = Rect(x: (canvas.width - width) / 2, y: (canvas.height - height) / 2, width: width, height: height)
        let task = state.taskNames.indices.contains(state.task) ? state.taskNames[state.task] : "task \(state.task)"
        let current = state.predictions.flatMap { $0.value.indices.contains(state.task) ? $0.value[state.task] : nil }
        drawBox(box, title: " best next edits: \(task)" + (current.map { " (now \(Bars.number($0)))" } ?? "") + " ", on: &canvas)
        canvas.write("edit        effect     prediction", x: box.x + 2, y: box.y + 1, style: Style(attributes: .dim), maxWidth: width - 4)
        guard !suggestions.isEmpty else {
            canvas.write("computing ISM of this sequence…", x: box.x + 2, y: box.y + 3, style: Style(attributes: .dim), maxWidth: width - 4)
            return
        }
        let rows = height - 3
        let first = max(0, min(pane.selection - rows / 2, suggestions.count - rows))
        for (row, suggestion) in suggestions.dropFirst(first).prefix(rows).enumerated() {
            let edit = state.recordSubstitution(suggestion.substitution).description
            let effect = (suggestion.delta >= 0 ? "+" : "") + Bars.number(suggestion.delta)
            let after = current.map { "→ " + Bars.number($0 + suggestion.delta) } ?? ""
            let line = pad(edit, 12) + pad(effect, 11) + after
            let area = Rect(x: box.x + 1, y: box.y + 2 + row, width: width - 2, height: 1)
            let selected = first + row == pane.selection
            let style = selected ? Style(attributes: [.reverse, .bold]) : .plain
            if selected { canvas.fill(area, with: Cell(" ", style: style)) }
            canvas.write(line, x: area.x + 1, y: area.y, style: style, maxWidth: area.width - 2)
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - text.count))
    }
}
