import ExplorerCore
import Rendering

extension Screen {
    /// `D`: the dependency map of the positions on screen in the logo's place. Columns are the
    /// screen's columns (substituted positions), rows blocks of the same positions (those whose
    /// ISM-derived score moves); a cell shows its block's largest value off the diagonal.
    static func drawDependencies(_ state: ExplorerState, view: VisibleWindow, layout: ExplorerLayout, depth: ColorDepth, on canvas: inout Canvas) {
        let stale = state.isDependencyStale
        let task = state.taskNames.isEmpty ? "" : " of \(state.taskNames[state.task])"
        var title = "dependency map\(task): rows moved by substituting columns"
        let pane = state.dependencies.map(\.value)
        let fits = pane.map { $0.positions == state.dependencyPositions && $0.task == state.task } ?? false
        if let pane, fits, !pane.isComplete { title += " (\(pane.computed.count)/\(pane.positions.count) positions)" }
        title += timing(state.dependencies?.milliseconds, stale: stale)
        canvas.write(title, x: layout.logoTitle.x, y: layout.logoTitle.y, style: Style(attributes: .bold), maxWidth: layout.logoTitle.width)
        guard let pane, fits else {
            canvas.write("computing the dependency map…", x: layout.plotX, y: layout.logo.y + layout.logo.height / 2, style: Style(attributes: .dim))
            return
        }
        let first = state.inputRange.lowerBound + pane.positions.lowerBound, count = pane.positions.count
        let perRow = (count + layout.logo.height - 1) / layout.logo.height
        // Each screen column's substituted positions, as offsets into the pane.
        let columns = view.spans.map { span in
            (span.positions.lowerBound + view.positions.lowerBound - first ..< span.positions.upperBound + view.positions.lowerBound - first).clamped(to: 0 ..< count)
        }
        var cells: [[Float?]] = []
        var shown: [Float] = []
        for rowStart in stride(from: 0, to: count, by: perRow) {
            let rows = rowStart ..< min(count, rowStart + perRow)
            cells.append(columns.map { substituted in
                var best: Float?
                for i in substituted where pane.computed.contains(i) {
                    for j in rows where j != i {
                        let value = pane.values[j * count + i]
                        if best.map({ abs(value) > abs($0) }) ?? true { best = value }
                    }
                }
                if let best { shown.append(best) }
                return best
            })
        }
        let scale = DivergingScale.fitting(shown)
        for (row, line) in cells.enumerated() {
            let y = layout.logo.y + row
            if row % 3 == 0 {
                let label = "\(state.recordPosition(first + row * perRow))"
                canvas.write(label, x: layout.logo.x + max(0, ExplorerLayout.gutter - 1 - label.count), y: y, maxWidth: ExplorerLayout.gutter - 1)
            }
            canvas.put(row % 3 == 0 ? "┤" : "│", x: layout.logo.x + ExplorerLayout.gutter - 1, y: y, style: Style(foreground: grey))
            for (column, value) in line.enumerated() where column < layout.plotWidth {
                let rows = row * perRow ..< min(count, (row + 1) * perRow)
                if let value {
                    canvas[layout.plotX + column, y] = DivergingScale.cell(normalized: scale.normalized(value), depth: depth, theme: state.theme)
                } else if columns[column].contains(where: { rows.contains($0) && pane.computed.contains($0) }) {
                    canvas[layout.plotX + column, y] = Cell(DependencyMapFigure.diagonal, style: Style(foreground: grey))
                }
            }
        }
        let bar = ColorBar(scale: scale, depth: depth, theme: state.theme, cells: 9)
        let barArea = Rect(x: layout.logoTitle.maxX - bar.width, y: layout.logoTitle.y, width: bar.width, height: 1)
        if barArea.x > layout.logoTitle.x + title.count + 1 { canvas.render(bar, in: barArea) }
        let plot = Rect(x: layout.plotX, y: layout.logo.y, width: layout.plotWidth, height: layout.logo.height)
        if state.dependencies?.version != state.version { canvas.setAttributes(.dim, in: plot) }
    }
}
