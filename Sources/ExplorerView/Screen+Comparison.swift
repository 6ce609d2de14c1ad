import ExplorerCore
import Genomics
import Rendering

/// The second model's block under the first's (ExplorerCore's Comparison.swift):
///
/// ```text
/// ◆ model-2 │ task 0.812 ref 0.640 │ 57:G>C 0.640→0.812 Δ +0.172      colour bar of its ISM
/// logo      its map of the same method and the task of the same name, on the same positions
/// heatmap   its ISM, the letters in the gutter
/// ```
/// Its columns are placed on the first model's track by record position, so a base lines up
/// across both blocks; positions it does not see stay empty.
extension Screen {
    static func drawComparison(_ state: ExplorerState, view: VisibleWindow, layout: ExplorerLayout, depth: ColorDepth, on canvas: inout Canvas) {
        guard let comparison = state.comparison, !layout.comparisonTitle.isEmpty else { return }
        let row = layout.comparisonTitle
        canvas.write(comparisonSummary(state, comparison), x: row.x, y: row.y, style: Style(attributes: .bold), maxWidth: row.width)
        if comparison.arePredictionsStale { canvas.setAttributes(.dim, in: row) }
        let seen = state.comparisonInputRange ?? 0 ..< 0
        let logoPlot = Rect(x: layout.plotX, y: layout.comparisonLogo.y, width: layout.plotWidth, height: layout.comparisonLogo.height)
        if let values = state.comparisonMap, let track = state.comparisonOnTrack(values) {
            let matrix = PositionMatrix(alphabet: state.alphabet, length: state.length, values: track)
            let axis = LogoAxis.fitting(matrix, height: logoPlot.height, signed: true)
            let (zoomed, spans) = state.zoom.apply(to: matrix.slice(view.positions))
            let highlights = [Highlight(.cursor, positions: view.shifted([state.cursor])), Highlight(.mutated, positions: view.shifted(view.mutated))]
            canvas.render(Logo(heights: zoomed, axis: axis, spans: spans, scheme: state.theme.scheme, highlights: highlights, depth: depth,
                               background: state.theme.background), in: logoPlot)
            blank(logoPlot, view: view, outside: seen, on: &canvas)
            drawAxis(axis, x: layout.comparisonLogo.x, y: logoPlot.y, on: &canvas)
            if state.isComparisonMapStale { canvas.setAttributes(.dim, in: logoPlot) }
        } else if state.comparisonTask != nil {
            canvas.write("computing \(state.method.title)…", x: logoPlot.x, y: logoPlot.y + logoPlot.height / 2, style: Style(attributes: .dim))
        }
        drawComparisonHeatmap(state, view: view, layout: layout, seen: seen, depth: depth, on: &canvas)
    }

    /// "◆ name │ task value ref value │ edit before→after Δ" — the model's prediction of the
    /// matched task and the effect of the last edit on it; "no task X" when it has no task of that name.
    static func comparisonSummary(_ state: ExplorerState, _ comparison: ComparisonModel) -> String {
        let name = "◆ \(comparison.name)"
        guard state.taskNames.indices.contains(state.task) else { return name }
        guard let task = state.comparisonTask else { return "\(name) │ no task \(state.taskNames[state.task])" }
        let reference = comparison.referencePredictions[state.recordIndex]
        guard let values = comparison.predictions?.value ?? reference, values.indices.contains(task) else {
            return "\(name) │ \(comparison.taskNames[task]) computing…"
        }
        var text = "\(name) │ \(comparison.taskNames[task]) \(Bars.number(values[task]))"
        if state.sequence != state.reference, let reference, reference.indices.contains(task) { text += " ref \(Bars.number(reference[task]))" }
        if let edit = comparison.lastEdit, edit.task == task {
            let delta = edit.after - edit.before
            text += " │ \(state.recordSubstitution(edit.substitution)) \(Bars.number(edit.before))→\(Bars.number(edit.after)) Δ \(delta >= 0 ? "+" : "")\(Bars.number(delta))"
        }
        return text
    }

    static func drawComparisonHeatmap(_ state: ExplorerState, view: VisibleWindow, layout: ExplorerLayout, seen: Range<Int>,
                                      depth: ColorDepth, on canvas: inout Canvas) {
        let area = layout.comparisonHeatmap
        let letters = state.alphabet.letters.map { Character(Unicode.Scalar($0)) }
        for (row, letter) in letters.enumerated() {
            canvas.write(String(letter), x: area.x + ExplorerLayout.gutter - 3, y: area.y + row * layout.heatmapRowsPerLetter)
        }
        for row in 0 ..< area.height { canvas.put("│", x: area.x + ExplorerLayout.gutter - 1, y: area.y + row, style: Style(foreground: grey)) }
        guard let deltas = state.comparisonDeltas, let track = state.comparisonOnTrack(deltas) else { return }
        let matrix = PositionMatrix(alphabet: state.alphabet, length: state.length, values: track)
        let scale = DivergingScale.fitting(deltas)
        let (zoomed, spans) = state.zoom.apply(to: matrix.slice(view.positions), perLetter: true)
        let reference = Heatmap.references(bases: Array(state.sequence[view.positions]), spans: spans, letters: letters)
        let plot = Rect(x: layout.plotX, y: area.y, width: layout.plotWidth, height: area.height)
        renderStretched(Heatmap(matrix: zoomed, scale: scale, reference: reference, depth: depth, theme: state.theme),
                        rowsPerLetter: layout.heatmapRowsPerLetter, in: plot, on: &canvas)
        blank(plot, view: view, outside: seen, on: &canvas)
        if state.isComparisonMutagenesisStale { canvas.setAttributes(.dim, in: plot) }
        // Its colour scale at the end of the block's first row, when the summary leaves room.
        let bar = ColorBar(scale: scale, depth: depth, theme: state.theme, cells: 9)
        let title = layout.comparisonTitle, summary = comparisonSummary(state, state.comparison!).count
        if title.maxX - bar.width > title.x + summary + 1 {
            canvas.render(bar, in: Rect(x: title.maxX - bar.width, y: title.y, width: bar.width, height: 1))
        }
    }
}
