import ExplorerCore
import Genomics
import Rendering

/// The locus view (ExplorerCore's Locus.swift):
///
/// ```text
/// header        model │ locus id, length │ tiles │ task                 progress of the tiles
/// predictions   every task's prediction of the tile nearest the cursor
/// overview      the whole locus: prediction per column, the span on screen between [ ]
/// prediction    the task's prediction per tile around each tile's centre (max per column)
/// attribution   grad×input per base averaged over tiles (largest |value| per column)
/// ruler, sequence row (bases at base level), annotations
/// ```
extension Screen {
    static func renderLocus(_ state: ExplorerState, layout: ExplorerLayout, depth: ColorDepth, on canvas: inout Canvas) {
        guard let locus = state.locus else { return }
        let view = VisibleWindow(state)
        drawLocusHeader(state, locus, in: layout.header, on: &canvas)
        drawLocusTile(state, locus, in: layout.predictions, columns: layout.predictionColumns, depth: depth, on: &canvas)
        let top = layout.logoTitle.y, bottom = max(layout.annotations.maxY, layout.profile.maxY)
        let lanes = layout.annotations.height
        let free = bottom - top - (1 + 2 + 1 + 1 + 1 + 1 + lanes)
        let predictionRows = max(1, free * 2 / 5), attributionRows = max(1, free - predictionRows)
        let rows = Rect(x: layout.logo.x, y: top, width: layout.logo.width, height: bottom - top)
            .rows([.fixed(1), .fixed(2), .fixed(1), .fixed(predictionRows), .fixed(1), .fixed(attributionRows), .fixed(1), .fixed(1), .fill(1)])
        let plotX = layout.plotX, width = layout.plotWidth
        let taskName = state.taskNames.isEmpty ? "" : " of \(state.taskNames[state.task])"
        let stale = state.isLocusStale

        // Overview: the whole locus at the plot's width, the span on screen marked.
        canvas.write("locus \(state.record.id) 0–\(NumberFormat.grouped(state.length)) · prediction\(taskName), max per column",
                     x: rows[0].x, y: rows[0].y, style: Style(attributes: .bold), maxWidth: rows[0].width)
        let overviewSpans = Zoom(level: Zoom.level(fitting: state.length, in: width)).spans(length: state.length)
        if let values = state.locusPredictions(spans: overviewSpans, origin: 0) {
            let plot = Rect(x: plotX, y: rows[1].y, width: width, height: 2)
            canvas.render(Sparkline(values: values, depth: depth), in: plot)
            if let first = overviewSpans.column(of: view.positions.lowerBound), let last = overviewSpans.column(of: view.positions.upperBound - 1) {
                for column in first ... last { canvas[plotX + column, plot.maxY - 1].style.attributes.insert(.underline) }
                canvas.put("[", x: max(layout.logo.x, plotX + first - 1), y: plot.y, style: Style(attributes: .bold))
                canvas.put("]", x: min(plotX + width - 1, plotX + last + 1), y: plot.y, style: Style(attributes: .bold))
            }
            if stale { canvas.setAttributes(.dim, in: plot) }
        }

        let origin = view.positions.lowerBound, scales = state.locusScales
        drawLocusTrack(title: "prediction\(taskName) · a \(locus.tiling.tileLength)-nt tile every \(locus.tiling.stride) nt, drawn around its centre",
                       values: state.locusPredictions(spans: view.spans, origin: origin), range: scales?.prediction, titleRow: rows[2], plot: rows[3],
                       stale: stale, state: state, depth: depth, on: &canvas)
        let attributed = state.taskNames.isEmpty ? "" : " of \(state.taskNames[locus.tracks?.value.task ?? state.task])"
        drawLocusTrack(title: "grad×input\(attributed) · mean over covering tiles, largest |value| per column",
                       values: state.locusAttribution(spans: view.spans, origin: origin), range: scales?.attribution, titleRow: rows[4], plot: rows[5],
                       stale: stale, state: state, depth: depth, on: &canvas)

        // Ruler, bases (what a column's bases share when zoomed out), cursor, annotations.
        canvas.render(Ruler(spans: view.spans, origin: origin), in: Rect(x: plotX, y: rows[6].y, width: width, height: 1))
        let sequenceRow = Rect(x: plotX, y: rows[7].y, width: width, height: 1)
        let highlights = [Highlight(.cursor, positions: view.shifted([state.cursor])), Highlight(.mutated, positions: view.shifted(view.mutated))]
        canvas.render(SequenceRow(sequence: shownBases(state, view.positions), spans: view.spans, scheme: state.theme.scheme, highlights: highlights, depth: depth),
                      in: sequenceRow)
        canvas.write("seq", x: rows[7].x + ExplorerLayout.gutter - 4, y: rows[7].y, style: Style(attributes: .dim))
        for (column, span) in view.spans.enumerated() where column < width && span.positions.contains(state.cursor - origin) {
            canvas[plotX + column, sequenceRow.y].style.attributes.insert(.reverse)
        }
        if lanes > 0 {
            let intervals = state.shownAnnotations.map {
                Annotation(positions: $0.positions.lowerBound - origin ..< $0.positions.upperBound - origin, label: $0.label, color: $0.color)
            }
            canvas.render(AnnotationTrack(annotations: intervals, spans: view.spans, depth: depth), in: Rect(x: plotX, y: rows[8].y, width: width, height: lanes))
        }
        drawLocusStatus(state, locus, mutated: view.mutated.count, in: layout.status, on: &canvas)
        if state.mode == .normal && state.message == nil {
            canvas.write("? help · ←→ move · + - zoom · : jump · \(state.alphabet.lettersString)N mutate · O window · q quit",
                         x: layout.bottom.x, y: layout.bottom.y, style: Style(attributes: .dim), maxWidth: layout.bottom.width)
        } else {
            drawBottom(state, in: layout.bottom, on: &canvas)
        }
        if state.mode == .help { drawHelp(state, on: &canvas) }
    }

    static func drawLocusHeader(_ state: ExplorerState, _ locus: LocusView, in area: Rect, on canvas: inout Canvas) {
        let style = Style(attributes: .reverse)
        canvas.fill(area, with: Cell(" ", style: style))
        var progress = ""
        if state.isLocusStale {
            let counts = locus.progress.map { " \(NumberFormat.grouped($0.done))/\(NumberFormat.grouped($0.total))" } ?? ""
            progress = "\(spinner[state.tick % spinner.count]) tiles\(counts) "
        }
        let task = state.taskNames.isEmpty ? "" : " │ task \(state.taskNames[state.task]) (\(state.task + 1)/\(state.taskNames.count))"
        let modified = state.unsavedRecords > 0 ? " [+]" : ""
        let text = " seqlens │ \(state.modelName) │ locus \(state.record.id)\(modified) \(NumberFormat.grouped(state.length)) nt │ \(NumberFormat.grouped(locus.tiling.count)) tiles\(task)"
        canvas.write(text, x: area.x, y: area.y, style: Style(attributes: [.reverse, .bold]), maxWidth: area.width - progress.count - 1)
        canvas.write(progress, x: area.maxX - progress.count, y: area.y, style: style)
    }

    /// Every task's prediction of the tile nearest the cursor, as the normal view's bars.
    static func drawLocusTile(_ state: ExplorerState, _ locus: LocusView, in area: Rect, columns: Int, depth: ColorDepth, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        guard let (tile, predictions) = state.locusCursorTile else {
            canvas.write("computing the tiles…", x: area.x, y: area.y + 1, style: Style(attributes: .dim), maxWidth: area.width)
            return
        }
        let positions = locus.tiling.positions(ofTile: tile)
        canvas.write("tile \(positions.lowerBound):\(positions.upperBound), nearest the cursor: every task", x: area.x, y: area.y, style: Style(attributes: .bold), maxWidth: area.width)
        let rows = area.height - 1, capacity = rows * columns
        let first = max(0, min(state.task - capacity + 1, predictions.count - capacity))
        let shown = Array(predictions.indices.dropFirst(first).prefix(capacity))
        let items = shown.map { Bars.Item(label: (($0 == state.task ? "▶" : " ") + state.taskNames[$0]), value: predictions[$0], reference: nil, saturated: false) }
        let domain = Bars.domain(for: items), width = area.width / columns
        for column in 0 ..< columns {
            let slice = Array(items.dropFirst(column * rows).prefix(rows))
            guard !slice.isEmpty else { break }
            canvas.render(Bars(items: slice, domain: domain, depth: depth, theme: state.theme), in: Rect(x: area.x + column * width, y: area.y + 1, width: width - 1, height: rows))
        }
        if state.isLocusStale { canvas.setAttributes(.dim, in: area.inset(top: 1)) }
    }

    static func drawLocusTrack(title: String, values: [Float]?, range: ClosedRange<Float>?, titleRow: Rect, plot: Rect, stale: Bool, state: ExplorerState, depth: ColorDepth,
                               on canvas: inout Canvas) {
        canvas.write(title, x: titleRow.x, y: titleRow.y, style: Style(attributes: .bold), maxWidth: titleRow.width)
        let area = Rect(x: plot.x + ExplorerLayout.gutter, y: plot.y, width: plot.width - ExplorerLayout.gutter, height: plot.height)
        guard let values, let range else {
            canvas.write("computing the tiles…", x: area.x, y: area.y + area.height / 2, style: Style(attributes: .dim))
            return
        }
        canvas.render(Sparkline(values: values, range: range, depth: depth), in: area)
        for (row, label) in [(0, NumberFormat.axisLabel(range.upperBound)), (plot.height - 1, NumberFormat.axisLabel(range.lowerBound))] {
            canvas.write(label, x: plot.x + max(0, ExplorerLayout.gutter - 1 - label.count), y: plot.y + row, maxWidth: ExplorerLayout.gutter - 1)
        }
        for row in 0 ..< plot.height { canvas.put("│", x: plot.x + ExplorerLayout.gutter - 1, y: plot.y + row, style: Style(foreground: grey)) }
        if stale { canvas.setAttributes(.dim, in: area) }
    }

    static func drawLocusStatus(_ state: ExplorerState, _ locus: LocusView, mutated: Int, in area: Rect, on canvas: inout Canvas) {
        let base = state.sequence[state.cursor], reference = state.reference[state.cursor]
        var left = ["pos \(NumberFormat.grouped(state.cursor))/\(NumberFormat.grouped(state.length))",
                    base == reference ? "base \(letter(base))" : "ref \(letter(reference)) now \(letter(base))"]
        if let values = state.locusAttribution(spans: [ColumnSpan(positions: 0 ..< 1, representative: 0)], origin: state.cursor) {
            left.append("attr \(signed(values[0]))")
        }
        if mutated > 0 { left.append("\(mutated) mutated") }
        if state.zoom != Zoom() { left.append("zoom \(state.zoom.ratio)") }
        let right = locus.tracks.map { "\(NumberFormat.grouped($0.value.computedTiles)) tiles in \(NumberFormat.milliseconds($0.milliseconds)) " } ?? ""
        let style = Style(attributes: .reverse)
        canvas.fill(area, with: Cell(" ", style: style))
        canvas.write(" " + left.joined(separator: " │ "), x: area.x, y: area.y, style: style, maxWidth: area.width - right.count - 1)
        canvas.write(right, x: area.maxX - right.count, y: area.y, style: style)
    }
}
