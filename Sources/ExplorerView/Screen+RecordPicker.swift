import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// The `g` picker in a box: the filter, then the matching records (number, id, description),
    /// the selected one reversed and kept in view.
    static func drawRecordPicker(_ picker: RecordPicker, _ state: ExplorerState, on canvas: inout Canvas) {
        let matches = state.recordMatches(picker.filter)
        let width = min(canvas.width - 4, 100)
        let height = min(canvas.height - 2, max(8, matches.count + 4))
        let box = Rect(x: (canvas.width - width) / 2, y: (canvas.height - height) / 2, width: width, height: height)
        drawBox(box, title: " records: \(matches.count) of \(state.records.count) ", on: &canvas)
        canvas.write("find: " + picker.filter + "▏", x: box.x + 2, y: box.y + 1, maxWidth: width - 4)
        guard !matches.isEmpty else {
            canvas.write("no record's number, id or description contains '\(picker.filter)'", x: box.x + 2, y: box.y + 3,
                         style: Style(attributes: .dim), maxWidth: width - 4)
            return
        }
        let rows = height - 4
        let first = max(0, min(picker.selection - rows / 2, matches.count - rows))
        let numberWidth = String(state.records.count).count
        let idWidth = min(40, matches.dropFirst(first).prefix(rows).map { state.records[$0].id.count }.max() ?? 0)
        for (row, index) in matches.dropFirst(first).prefix(rows).enumerated() {
            let record = state.records[index]
            let number = String(index + 1)
            let id = record.id.count > idWidth ? String(record.id.prefix(idWidth - 1)) + "…" : record.id
            let line = String(repeating: " ", count: numberWidth - number.count) + number + "  "
                + id + String(repeating: " ", count: idWidth - id.count) + "  " + record.description
            let area = Rect(x: box.x + 1, y: box.y + 3 + row, width: width - 2, height: 1)
            let selected = first + row == picker.selection
            let style = selected ? Style(attributes: [.reverse, .bold]) : index == state.recordIndex ? Style(attributes: .bold) : .plain
            if selected { canvas.fill(area, with: Cell(" ", style: style)) }
            canvas.write(line, x: area.x + 1, y: area.y, style: style, maxWidth: area.width - 2)
        }
        let below = matches.count - first - rows
        if below > 0 { canvas.write(" ↓ \(below) more ", x: box.x + 2, y: box.maxY - 1, style: Style(attributes: .bold)) }
    }

    /// A blank box with a single-line border and a bold title on its top edge.
    static func drawBox(_ box: Rect, title: String, on canvas: inout Canvas) {
        canvas.fill(box, with: .blank)
        for x in box.x ..< box.maxX {
            canvas.put("─", x: x, y: box.y)
            canvas.put("─", x: x, y: box.maxY - 1)
        }
        for y in box.y ..< box.maxY {
            canvas.put("│", x: box.x, y: y)
            canvas.put("│", x: box.maxX - 1, y: y)
        }
        canvas.put("┌", x: box.x, y: box.y); canvas.put("┐", x: box.maxX - 1, y: box.y)
        canvas.put("└", x: box.x, y: box.maxY - 1); canvas.put("┘", x: box.maxX - 1, y: box.maxY - 1)
        canvas.write(title, x: box.x + 2, y: box.y, style: Style(attributes: .bold))
    }
}
