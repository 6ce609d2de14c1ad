import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// The `V` list in a box: each variant's number, chrom:POS REF>ALT, id and Δ (alt − ref) of
    /// the current task, the selected one reversed and kept in view, the current record's bold.
    static func drawVariantBrowser(_ browser: VariantBrowser, _ state: ExplorerState, on canvas: inout Canvas) {
        guard let variants = state.variants else { return }
        let order = state.variantOrder(browser)
        let width = min(canvas.width - 4, 100)
        let height = min(canvas.height - 2, max(8, order.count + 4))
        let box = Rect(x: (canvas.width - width) / 2, y: (canvas.height - height) / 2, width: width, height: height)
        let scored = variants.scoredCount
        let progress = scored < order.count ? " · scored \(scored)" : ""
        drawBox(box, title: " variants: \(order.count)\(progress) · \(browser.sortsByEffect ? "by |Δ|" : "VCF order") ", on: &canvas)
        let task = state.taskNames.indices.contains(state.task) ? state.taskNames[state.task] : ""
        canvas.write("Δ = \(task) alt − ref (both strands averaged) · o sorts", x: box.x + 2, y: box.y + 1, style: Style(attributes: .dim), maxWidth: width - 4)
        let rows = height - 4
        let first = max(0, min(browser.selection - rows / 2, order.count - rows))
        let shown = Array(order.dropFirst(first).prefix(rows))
        let numberWidth = String(order.count).count
        let labelWidth = min(40, shown.map { variants.entries[$0].variant.label.count }.max() ?? 0)
        let idWidth = min(20, shown.map { variants.entries[$0].variant.id.count }.max() ?? 0)
        for (row, index) in shown.enumerated() {
            let variant = variants.entries[index].variant
            let delta = variants.deltas[index].map { deltas in
                deltas.indices.contains(state.task) ? deltas[state.task].map(signed) ?? "NA" : "NA"
            } ?? "…"
            let line = padded(String(index + 1), numberWidth, right: true) + "  " + padded(variant.label, labelWidth) + "  "
                + padded(variant.id, idWidth) + "  Δ " + padded(delta, 9, right: true)
            let area = Rect(x: box.x + 1, y: box.y + 3 + row, width: width - 2, height: 1)
            let selected = first + row == browser.selection
            let style = selected ? Style(attributes: [.reverse, .bold]) : index == state.recordIndex ? Style(attributes: .bold) : .plain
            if selected { canvas.fill(area, with: Cell(" ", style: style)) }
            canvas.write(line, x: area.x + 1, y: area.y, style: style, maxWidth: area.width - 2)
        }
        let below = order.count - first - rows
        if below > 0 { canvas.write(" ↓ \(below) more ", x: box.x + 2, y: box.maxY - 1, style: Style(attributes: .bold)) }
    }
}
