import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// The `F` browser in a box: per filter, its logo in bits (three rows, 0–2 bits) and beside
    /// it the filter's number, windows and best motif match, from filter `first` on.
    static func drawFilterBrowser(first: Int, _ state: ExplorerState, depth: ColorDepth, on canvas: inout Canvas) {
        let width = min(canvas.width - 4, 100)
        let height = canvas.height - 2
        let box = Rect(x: (canvas.width - width) / 2, y: 1, width: width, height: height)
        guard let filters = state.filters else {
            drawBox(box, title: " first-layer filters ", on: &canvas)
            canvas.write("computing the filters on \(state.records.count) records…", x: box.x + 2, y: box.y + 2, style: Style(attributes: .dim))
            return
        }
        drawBox(box, title: " first-layer filters: \(filters.count) ", on: &canvas)
        let rowsPerFilter = 4
        let shown = max(1, (height - 2) / rowsPerFilter)
        for (slot, filter) in filters.dropFirst(first).prefix(shown).enumerated() {
            let y = box.y + 1 + slot * rowsPerFilter
            let heights = LogoKind.informationContent(background: [Double](repeating: 0.25, count: filter.probabilities.letters.count))
                .heights(of: filter.probabilities)
            let axis = LogoAxis(rowsAbove: 3, rowsBelow: 0, hasBaseline: false, unitsPerRow: 2 / 3)
            let logo = Logo(heights: heights, axis: axis, scheme: state.theme.scheme, highlights: [],
                            depth: depth, background: state.theme.background)
            let logoWidth = min(heights.length, width - 30)
            canvas.render(logo, in: Rect(x: box.x + 2, y: y, width: logoWidth, height: 3))
            let text = "filter \(filter.index) · \(filter.windows) windows" + (filter.match.isEmpty ? "" : " · \(filter.match)")
            canvas.write(text, x: box.x + 4 + logoWidth, y: y + 1, maxWidth: box.maxX - 2 - (box.x + 4 + logoWidth))
        }
        let below = filters.count - first - shown
        if below > 0 { canvas.write(" ↓ \(below) more ", x: box.x + 2, y: box.maxY - 1, style: Style(attributes: .bold)) }
    }
}
