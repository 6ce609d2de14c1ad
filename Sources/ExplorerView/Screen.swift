import ExplorerCore
import Genomics
import Rendering

/// Draws the explorer's state into a Canvas (the View of the Elm architecture): a pure function of
/// the state, so whole screens are tested as values.
///
/// ```text
/// header        model │ record i/N id │ task │ method            progress indicator
/// predictions   one bar per task: current value, reference and Δ
/// logo          the attribution map of the current method and task
/// heatmap       ISM: Δ prediction of every substitution, for the task
/// ruler, sequence row (cursor, mutated bases), annotation rows
/// profile       a target's bins, reference and now (BPNet profiles; see ProfileTrack)
/// status        cursor, bases, effect of the last edit, timings
/// bottom        key hints, prompt or message
/// ```
/// Maps of an older sequence stay on screen dimmed until the new ones arrive.
public enum Screen {
    static let grey = Color.rgb(128, 128, 128)
    static let spinner: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    public static func render(_ state: ExplorerState, depth: ColorDepth) -> Canvas {
        var canvas = Canvas(width: state.screenWidth, height: state.screenHeight)
        guard let layout = state.layout else {
            drawTooSmall(state, on: &canvas)
            return canvas
        }
        if state.showsLocus {
            renderLocus(state, layout: layout, depth: depth, on: &canvas)
            return canvas
        }
        let view = VisibleWindow(state)
        drawHeader(state, in: layout.header, on: &canvas)
        drawPredictions(state, in: layout.predictions, columns: layout.predictionColumns, depth: depth, on: &canvas)
        drawLogo(state, view: view, layout: layout, depth: depth, on: &canvas)
        drawHeatmap(state, view: view, layout: layout, depth: depth, on: &canvas)
        drawComparison(state, view: view, layout: layout, depth: depth, on: &canvas)
        drawSequence(state, view: view, layout: layout, depth: depth, on: &canvas)
        drawProfile(state, in: layout.profile, depth: depth, on: &canvas)
        drawStatus(state, mutated: view.mutated.count, in: layout.status, on: &canvas)
        drawBottom(state, in: layout.bottom, on: &canvas)
        drawMotifPane(state, layout: layout, depth: depth, on: &canvas)
        drawTour(state, layout: layout, view: view, on: &canvas)
        if state.mode == .help { drawHelp(state, on: &canvas) }
        if case .pickRecord(let picker) = state.mode { drawRecordPicker(picker, state, on: &canvas) }
        if case .browseFilters(let first) = state.mode { drawFilterBrowser(first: first, state, depth: depth, on: &canvas) }
        if case .suggestEdits(let pane) = state.mode { drawEditSuggestions(pane, state, on: &canvas) }
        if case .browsePatterns(let browser) = state.mode, let modisco = state.modisco { drawModiscoBrowser(browser, modisco, depth: depth, on: &canvas) }
        if case .browseVariants(let browser) = state.mode { drawVariantBrowser(browser, state, on: &canvas) }
        return canvas
    }

    /// The positions on screen, the column each draws into, and the mutated positions (computed
    /// once per frame).
    struct VisibleWindow {
        var positions: Range<Int>
        var spans: [ColumnSpan]
        /// Positions (whole sequence) that differ from the reference.
        var mutated: Set<Int>

        init(_ state: ExplorerState) {
            let end = min(state.length, state.viewStart + state.visibleCount)
            positions = state.viewStart ..< end
            spans = state.zoom.spans(length: positions.count)
            mutated = state.mutatedPositions
        }


        /// Positions given in sequence coordinates, moved into the window's.
        func shifted(_ positions: Set<Int>) -> Set<Int> {
            Set(positions.filter(self.positions.contains).map { $0 - self.positions.lowerBound })
        }
    }

    // MARK: - Panes

    static func drawTooSmall(_ state: ExplorerState, on canvas: inout Canvas) {
        let lines = ["seqlens needs a terminal of at least \(ExplorerLayout.minimumWidth)×\(ExplorerLayout.minimumHeight)",
                     "(this one is \(state.screenWidth)×\(state.screenHeight)): enlarge it, or press q to quit"]
        for (row, line) in lines.enumerated() {
            canvas.write(line, x: 0, y: max(0, state.screenHeight / 2 - 1) + row, maxWidth: state.screenWidth)
        }
    }

    static func drawHeader(_ state: ExplorerState, in area: Rect, on canvas: inout Canvas) {
        let style = Style(attributes: .reverse)
        canvas.fill(area, with: Cell(" ", style: style))
        var progress = ""
        if state.isBusy {
            let pending = [state.arePredictionsStale ? "predictions" : nil, state.isAttributionStale && state.method != .ismDerived ? "map" : nil,
                           state.isMutagenesisStale ? "ISM" : nil].compactMap { $0 }
            progress = "\(spinner[state.tick % spinner.count]) \(pending.joined(separator: ", ")) "
        }
        let task = state.taskNames.isEmpty ? "" : " │ task \(state.taskNames[state.task]) (\(state.task + 1)/\(state.taskNames.count))" + (state.followsTopTask ? " auto" : "")
        // "[+]": edits not saved yet, as in vim.
        let modified = state.unsavedRecords > 0 ? " [+]" : ""
        let facts = "\(state.modelName) │ record \(state.recordIndex + 1)/\(state.records.count) \(state.record.id)\(modified)\(task) │ \(state.logoName)" + (state.showsLogits ? " │ logits" : "")
        // The name of the tool goes first when there is room, also for the longest progress note,
        // so it does not come and go with the indicator.
        let room = area.width - progress.count - 1
        let text = facts.count + 12 <= area.width - 26 ? " seqlens │ " + facts : " " + facts
        canvas.write(text, x: area.x, y: area.y, style: Style(attributes: [.reverse, .bold]), maxWidth: room)
        drawDescription(state.record.description, after: text.count, in: area.inset(right: area.width - room), on: &canvas)
        canvas.write(progress, x: area.maxX - progress.count, y: area.y, style: style)
    }

    static func drawPredictions(_ state: ExplorerState, in area: Rect, columns: Int, depth: ColorDepth, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        let edited = state.sequence != state.reference
        let sortKey = edited ? "|Δ|" : "value"
        canvas.write("predictions" + (edited ? ": now, reference, Δ" : "") + (state.sortsPredictions ? " · sorted by \(sortKey) (o)" : "") + epistasisSummary(state),
                     x: area.x, y: area.y, style: Style(attributes: .bold), maxWidth: area.width)
        guard let predictions = state.predictions?.value ?? state.referencePredictions[state.recordIndex] else {
            canvas.write("computing…", x: area.x, y: area.y + 1, style: Style(attributes: .dim), maxWidth: area.width)
            return
        }
        let reference = state.referencePredictions[state.recordIndex]
        var order = Array(state.taskNames.indices.filter { $0 < predictions.count })
        if state.sortsPredictions {
            // By the change once edited, else by the prediction itself; ties keep the model's order.
            let key = { (task: Int) -> Float in
                guard edited, let reference else { return predictions[task] }
                return abs(predictions[task] - reference[task])
            }
            order.sort { (key($0), -$0) > (key($1), -$1) }
        }
        // Scroll so the selected task is in view.
        let rows = area.height - 1, capacity = rows * columns
        let selected = order.firstIndex(of: state.task) ?? 0
        let first = max(0, min(selected - capacity + 1, order.count - capacity))
        let shown = Array(order.dropFirst(first).prefix(capacity))
        drawHiddenTaskCounts(above: first, below: order.count - first - shown.count, in: area.row(0), on: &canvas)
        let items = shown.map { task in
            Bars.Item(label: (task == state.task ? "▶" : " ") + state.taskNames[task], value: predictions[task],
                      reference: edited ? reference?[task] : nil, saturated: state.marksSaturation && Bars.isSaturated(predictions[task]))
        }
        let domain = Bars.domain(for: items)
        let width = area.width / columns
        for column in 0 ..< columns {
            let slice = Array(items.dropFirst(column * rows).prefix(rows))
            guard !slice.isEmpty else { break }
            let rect = Rect(x: area.x + column * width, y: area.y + 1, width: width - 1, height: rows)
            canvas.render(Bars(items: slice, domain: domain, depth: depth, theme: state.theme), in: rect)
            for (row, task) in shown.dropFirst(column * rows).prefix(rows).enumerated() where task == state.task {
                canvas.setAttributes(.bold, in: rect.row(row).inset(right: rect.width - (state.taskNames[task].count + 1)))
            }
        }
        if state.arePredictionsStale { canvas.setAttributes(.dim, in: area.inset(top: 1)) }
    }

    /// The map the logo shows: the method's attribution, or the centred ISM effects.
    static func attributionMatrix(_ state: ExplorerState) -> PositionMatrix? {
        if state.showsFamilyLogo, let family = state.familyLogo { return onTrack(family.values, state) }
        if state.method == .ismDerived {
            return state.mutagenesis.flatMap { state.taskSlice($0.value.centered) }.map { onTrack($0, state) }
        }
        guard let map = state.attribution?.value, map.values.count == state.alphabet.size * state.window.inputLength else { return nil }
        return onTrack(map.values, state)
    }

    /// ISM deltas (A, input length) of the current task.
    static func taskDeltas(_ state: ExplorerState) -> [Float]? {
        state.mutagenesis.flatMap { state.taskSlice($0.value.deltas) }
    }

    static func drawLogo(_ state: ExplorerState, view: VisibleWindow, layout: ExplorerLayout, depth: ColorDepth, on canvas: inout Canvas) {
        if state.showsDependencies { return drawDependencies(state, view: view, layout: layout, depth: depth, on: &canvas) }
        let stale = state.isAttributionStale
        let task = state.taskNames.isEmpty ? "" : " of \(state.taskNames[state.task])"
        let title = state.showsFamilyLogo ? familyLogoTitle(state)
            : (state.comparison == nil ? "" : "\(state.modelName): ") + "\(state.method.title)\(task)\(trustMark(state))" + timing(state.method == .ismDerived ? state.mutagenesis?.milliseconds : state.attribution?.milliseconds, stale: stale)
        canvas.write(title, x: layout.logoTitle.x, y: layout.logoTitle.y, style: Style(attributes: .bold), maxWidth: layout.logoTitle.width)
        guard let matrix = attributionMatrix(state) else {
            canvas.write("computing \(state.method.title)…", x: layout.plotX, y: layout.logo.y + layout.logo.height / 2, style: Style(attributes: .dim))
            return
        }
        let overviewWidth = min(40, layout.logoTitle.width - title.count - 3)
        if view.positions.count < state.length && overviewWidth >= 10 {
            let overview = Rect(x: layout.logoTitle.maxX - overviewWidth, y: layout.logoTitle.y, width: overviewWidth, height: 1)
            drawOverview(matrix, view: view, in: overview, depth: depth, on: &canvas)
            let perColumn = (matrix.length + overview.width - 1) / overview.width
            bracketWindow(state, row: overview, columnOf: { $0 / perColumn }, on: &canvas)
        }
        // One scale for the whole sequence, so scrolling does not rescale the letters.
        let axis = LogoAxis.fitting(matrix, height: layout.logo.height, signed: !state.showsFamilyLogo || state.familyLogo?.signed == true)
        let (zoomed, spans) = state.zoom.apply(to: matrix.slice(view.positions))
        let highlights = [Highlight(.cursor, positions: view.shifted([state.cursor])),
                          Highlight(.mutated, positions: view.shifted(view.mutated))]
        let logo = Logo(heights: zoomed, axis: axis, spans: spans, scheme: state.theme.scheme, highlights: highlights, depth: depth,
                        background: state.theme.background)
        let plot = Rect(x: layout.plotX, y: layout.logo.y, width: layout.plotWidth, height: layout.logo.height)
        canvas.render(logo, in: plot)
        blankOutsideWindow(plot, view: view, state: state, on: &canvas)
        drawAxis(axis, x: layout.logo.x, y: layout.logo.y, on: &canvas)
        if stale { dim(plot, view: view, fresh: state.method == .ismDerived ? freshMutagenesis(state) : nil, on: &canvas) }
    }

    /// The whole sequence in one row when only part of it is on screen: total |attribution| per
    /// stretch of positions, the stretches on screen underlined.
    static func drawOverview(_ matrix: PositionMatrix, view: VisibleWindow, in area: Rect, depth: ColorDepth, on canvas: inout Canvas) {
        let perColumn = (matrix.length + area.width - 1) / area.width
        let totals = stride(from: 0, to: matrix.length, by: perColumn).map { start in
            (start ..< min(matrix.length, start + perColumn)).reduce(Float(0)) { sum, position in
                sum + matrix.column(position).reduce(0) { $0 + abs($1) }
            }
        }
        canvas.render(Sparkline(values: totals, depth: depth), in: area)
        for column in view.positions.lowerBound / perColumn ... (view.positions.upperBound - 1) / perColumn {
            canvas[area.x + column, area.y].style.attributes.insert(.underline)
        }
    }

    /// The positions whose ISM effects belong to the current sequence (the first window, before
    /// the rest arrives); nil when none do.
    static func freshMutagenesis(_ state: ExplorerState) -> Range<Int>? {
        guard let mutagenesis = state.mutagenesis, mutagenesis.version == state.version else { return nil }
        let columns = mutagenesis.value.positions, first = state.inputRange.lowerBound
        return columns.lowerBound + first ..< columns.upperBound + first
    }

    /// Dims the columns of a stale plot, except those whose positions are all in `fresh`.
    static func dim(_ plot: Rect, view: VisibleWindow, fresh: Range<Int>?, on canvas: inout Canvas) {
        for (column, span) in view.spans.enumerated() where column < plot.width {
            let positions = span.positions.lowerBound + view.positions.lowerBound ..< span.positions.upperBound + view.positions.lowerBound
            if let fresh, fresh.lowerBound <= positions.lowerBound && positions.upperBound <= fresh.upperBound { continue }
            canvas.setAttributes(.dim, in: Rect(x: plot.x + column, y: plot.y, width: 1, height: plot.height))
        }
    }

    /// Top, zero and bottom labels of a logo axis in the gutter.
    static func drawAxis(_ axis: LogoAxis, x: Int, y: Int, on canvas: inout Canvas) {
        let gutter = ExplorerLayout.gutter
        var marks: [Int: String] = [0: NumberFormat.axisLabel(axis.top)]
        marks[axis.hasBaseline ? axis.rowsAbove : axis.height - 1] = "0"
        if axis.rowsBelow > 0 { marks[axis.height - 1] = NumberFormat.axisLabel(axis.bottom) }
        for row in 0 ..< axis.height {
            let label = marks[row] ?? ""
            canvas.write(label, x: x + max(0, gutter - 1 - label.count), y: y + row, maxWidth: gutter - 1)
            canvas.put(marks[row] == nil ? "│" : "┤", x: x + gutter - 1, y: y + row, style: Style(foreground: grey))
        }
    }

    static func drawHeatmap(_ state: ExplorerState, view: VisibleWindow, layout: ExplorerLayout, depth: ColorDepth, on canvas: inout Canvas) {
        let stale = state.isMutagenesisStale
        let title = heatmapTitle(state) + timing(state.mutagenesis?.milliseconds, stale: stale)
        canvas.write(title, x: layout.heatmapTitle.x, y: layout.heatmapTitle.y, style: Style(attributes: .bold), maxWidth: layout.heatmapTitle.width)
        let letters = state.alphabet.letters.map { Character(Unicode.Scalar($0)) }
        drawHeatmapLabels(letters, layout: layout, on: &canvas)
        for row in 0 ..< layout.heatmap.height {
            canvas.put("│", x: layout.heatmap.x + ExplorerLayout.gutter - 1, y: layout.heatmap.y + row, style: Style(foreground: grey))
        }
        guard let deltas = state.showsEpistasis ? state.epistasisDeltas : taskDeltas(state) else {
            canvas.write(state.showsEpistasis ? "computing the wild type's ISM…" : "computing ISM…", x: layout.plotX, y: layout.heatmap.y + 1, style: Style(attributes: .dim))
            return
        }
        let matrix = onTrack(deltas, state)
        let scale = DivergingScale.fitting(deltas)
        let (zoomed, spans) = state.zoom.apply(to: matrix.slice(view.positions), perLetter: true)
        let reference = Heatmap.references(bases: Array(state.sequence[view.positions]), spans: spans, letters: letters)
        let plot = Rect(x: layout.plotX, y: layout.heatmap.y, width: layout.plotWidth, height: layout.heatmap.height)
        renderStretched(heatmap(zoomed, scale: scale, reference: reference, lettersPerRow: layout.heatmapLettersPerRow, depth: depth, theme: state.theme),
                        rowsPerLetter: layout.heatmapRowsPerLetter, in: plot, on: &canvas)
        blankOutsideWindow(plot, view: view, state: state, on: &canvas)
        let bar = ColorBar(scale: scale, depth: depth, theme: state.theme, cells: 9)
        let barArea = Rect(x: layout.heatmapTitle.maxX - bar.width, y: layout.heatmapTitle.y, width: bar.width, height: 1)
        if barArea.x > layout.heatmapTitle.x + title.count + 1 { canvas.render(bar, in: barArea) }
        if stale { dim(plot, view: view, fresh: freshMutagenesis(state), on: &canvas) }
    }

    static func drawSequence(_ state: ExplorerState, view: VisibleWindow, layout: ExplorerLayout, depth: ColorDepth, on canvas: inout Canvas) {
        let x = layout.plotX, width = layout.plotWidth
        let ruler = Rect(x: x, y: layout.ruler.y, width: width, height: 1)
        canvas.render(Ruler(spans: view.spans, origin: state.recordPosition(view.positions.lowerBound)), in: ruler)
        markWindow(state, view: view, ruler: ruler, on: &canvas)
        let highlights = [Highlight(.cursor, positions: view.shifted([state.cursor])),
                          Highlight(.mutated, positions: view.shifted(view.mutated))]
        let bases = shownBases(state, view.positions)
        canvas.render(SequenceRow(sequence: bases, spans: view.spans, scheme: state.theme.scheme, highlights: highlights, depth: depth),
                      in: Rect(x: x, y: layout.sequence.y, width: width, height: 1))
        canvas.write("seq", x: layout.sequence.x + ExplorerLayout.gutter - 4, y: layout.sequence.y, style: Style(attributes: .dim))
        // SequenceRow underlines the cursor's letter; reverse video over every column showing its
        // position makes it a block that stays visible at any zoom.
        let cursor = state.cursor - view.positions.lowerBound
        for (column, span) in view.spans.enumerated() where span.positions.contains(cursor) {
            canvas[x + column, layout.sequence.y].style.attributes.insert(.reverse)
        }
        markSearchHits(state, view: view, row: Rect(x: x, y: layout.sequence.y, width: width, height: 1), depth: depth, on: &canvas)
        guard !layout.annotations.isEmpty else { return }
        let intervals = state.shownAnnotations.map {
            Annotation(positions: $0.positions.lowerBound - view.positions.lowerBound ..< $0.positions.upperBound - view.positions.lowerBound,
                       label: $0.label, color: $0.color)
        }
        let track = AnnotationTrack(annotations: intervals, spans: view.spans, depth: depth)
        canvas.render(track, in: Rect(x: x, y: layout.annotations.y, width: width, height: layout.annotations.height))
        drawHiddenAnnotationCount(track.hiddenCount(rows: layout.annotations.height), in: layout.annotations, on: &canvas)
    }

    /// Facts on the left, timings on the right; on a narrow screen the least important go first
    /// (rank 0 always stays: position and base; then the last edit or run, the update time, the
    /// prediction, attribution and ISM effects at the cursor, annotations, the rest).
    static func drawStatus(_ state: ExplorerState, mutated: Int, in area: Rect, on canvas: inout Canvas) {
        let reference = state.reference[state.cursor], current = state.sequence[state.cursor]
        let base = state.isPadding(state.cursor) ? "padding"
            : reference == current ? "base \(letter(current))" : "ref \(letter(reference)) now \(letter(current))"
        var left: [(text: String, rank: Int)] = cursorFacts(state).map { ($0, 0) } + [(base, 0)]
        left += cursorValues(state)
        if let run = runSummary(state) {
            left.append((run, 1))
        } else if let edit = state.lastEdit {
            let delta = edit.after - edit.before
            left.append(("\(state.recordSubstitution(edit.substitution)) \(state.taskNames[edit.task]) \(Bars.number(edit.before))→\(Bars.number(edit.after)) Δ \(delta >= 0 ? "+" : "")\(Bars.number(delta))", 1))
        }
        let covering = state.coveringCursor
        if !covering.isEmpty { left.append(("in " + covering.joined(separator: ", "), 6)) }
        if let importance = state.importanceFact { left.append((importance, 3)) }
        if mutated > 0 { left.append(("\(mutated) mutated", 7)) }
        // Zoomed, a column is not a base: say how many it stands for.
        if state.zoom != Zoom() { left.append(("zoom \(state.zoom.ratio)", 1)) }
        var right: [(text: String, rank: Int)] = []
        if let predictions = state.predictions { right.append(("update \(NumberFormat.milliseconds(predictions.milliseconds))", 2)) }
        if state.method != .ismDerived, let attribution = state.attribution { right.append(("map \(NumberFormat.milliseconds(attribution.milliseconds))", 7)) }
        if let mutagenesis = state.mutagenesis { right.append(("ISM \(NumberFormat.milliseconds(mutagenesis.milliseconds))", 7)) }

        func texts(upTo rank: Int) -> (String, String) {
            (" " + left.filter { $0.rank <= rank }.map(\.text).joined(separator: " │ "),
             right.filter { $0.rank <= rank }.map(\.text).joined(separator: " · ") + " ")
        }
        var (leftText, rightText) = texts(upTo: 0)
        for rank in 1 ... 7 {
            let candidate = texts(upTo: rank)
            if candidate.0.count + 2 + candidate.1.count <= area.width { (leftText, rightText) = candidate }
        }
        let style = Style(attributes: .reverse)
        canvas.fill(area, with: Cell(" ", style: style))
        canvas.write(leftText, x: area.x, y: area.y, style: style, maxWidth: area.width - rightText.count - 1)
        canvas.write(rightText, x: area.maxX - rightText.count, y: area.y, style: style)
    }

    static func drawBottom(_ state: ExplorerState, in area: Rect, on canvas: inout Canvas) {
        let text: String
        var style = Style(attributes: .dim)
        switch state.mode {
        case .prompt(let kind, let typed):
            text = kind.rawValue + typed + "▏" + kind.hint
            style = .plain
        case .replace:
            text = "-- REPLACE -- typed bases overwrite and move right; Backspace restores; Esc ends"
            style = Style(attributes: .bold)
        case .pickRecord:
            text = "filter by id, description or number · ↑↓ select · Enter opens · Esc cancels"
            style = .plain
        case .browseFilters:
            text = "↑↓ PgUp PgDn scroll · any other key closes"
            style = .plain
        case .suggestEdits:
            text = "best next edits by ISM effect · ↑↓ select · Enter applies (u undoes) · Esc"
            style = .plain
        case .browsePatterns:
            text = "↑↓ pattern · Tab CWM / hypothetical CWM / PPM · Esc closes"
            style = .plain
        case .browseVariants:
            text = "↑↓ select · Enter jumps to the variant · o sorts by |Δ| · Esc closes"
            style = .plain
        case .confirmQuit:
            let records = state.unsavedRecords
            text = "unsaved edits in \(records) record\(records == 1 ? "" : "s"): s save and quit · q quit without saving · Esc stay"
            style = Style(attributes: .bold)
        case .normal, .help:
            if let message = state.message {
                text = message
                style = .plain
            } else {
                text = state.alphabet.isNucleic ? "? help · ←→ move · \(state.alphabet.lettersString)N mutate · u undo · [ ] task · m method · q quit"
                    : "? help · ←→ move · = or R change residues · w epistasis · u undo · q quit"
            }
        }
        canvas.write(text, x: area.x, y: area.y, style: style, maxWidth: area.width)
    }

    /// The key table and the marks in a box; when it is longer than the screen, ↓ and PgDn scroll it.
    static func drawHelp(_ state: ExplorerState, on canvas: inout Canvas) {
        let lines = state.helpLines
        let width = min(canvas.width - 2, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(canvas.height, lines.count + 4)
        let box = Rect(x: (canvas.width - width) / 2, y: (canvas.height - height) / 2, width: width, height: height)
        drawBox(box, title: " keys ", on: &canvas)
        let rows = height - 4
        let first = max(0, min(state.helpScroll, lines.count - rows))
        for (row, line) in lines.dropFirst(first).prefix(rows).enumerated() {
            canvas.write(line, x: box.x + 2, y: box.y + 2 + row, maxWidth: width - 4)
        }
        let more = first + rows < lines.count ? " ↓ \(lines.count - first - rows) more " : ""
        canvas.write(more, x: box.x + 2, y: box.maxY - 1, style: Style(attributes: .bold))
        canvas.write(" any other key closes ", x: box.maxX - 24, y: box.maxY - 1, style: Style(attributes: .dim))
    }

    // MARK: - Helpers

    static func letter(_ base: UInt8) -> Character { Character(Unicode.Scalar(base)) }

    static func timing(_ milliseconds: Double?, stale: Bool) -> String {
        if stale { return milliseconds == nil ? "" : " (updating…)" }
        return milliseconds.map { " (\(NumberFormat.milliseconds($0)))" } ?? ""
    }
}

extension Canvas {
    /// Adds attributes to every cell of a rectangle, keeping characters and colours.
    mutating func setAttributes(_ attributes: CellAttributes, in rect: Rect) {
        for y in rect.y ..< rect.maxY { for x in rect.x ..< rect.maxX { self[x, y].style.attributes.formUnion(attributes) } }
    }
}
