import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// The tour's box over the panes: the step's text, what to press or what it waits for, and
    /// whether its claims held; the pane or positions it points at are marked. The box goes to
    /// the bottom when it points at the predictions or the logo, else to the top, so it does not
    /// hide what it talks about.
    static func drawTour(_ state: ExplorerState, layout: ExplorerLayout, view: VisibleWindow, on canvas: inout Canvas) {
        guard let progress = state.tour else { return }
        let step = progress.current
        if let pane = step.pane { highlight(pane, layout: layout, on: &canvas) }
        if let positions = step.positions { highlight(positions, state: state, view: view, layout: layout, on: &canvas) }

        let width = min(canvas.width, 80)
        let lines = tourLines(progress, state: state, width: width - 4)
        let room = tourBoxRows(screenHeight: canvas.height) - 2
        let shown = Array(lines.prefix(room))
        let height = shown.count + 2
        let atBottom = step.pane == .predictions || step.pane == .logo
        let box = Rect(x: (canvas.width - width) / 2, y: atBottom ? layout.status.y - height : layout.header.maxY, width: width, height: height)
        drawBox(box, title: " \(progress.step + 1)/\(progress.tour.steps.count) · \(step.title) ", on: &canvas)
        for (row, line) in shown.enumerated() {
            canvas.write(line.text, x: box.x + 2, y: box.y + 1 + row, style: line.style, maxWidth: width - 4)
        }
        let last = progress.step == progress.tour.steps.count - 1
        let keys = progress.waiting ? " waiting for you · Esc leaves the tour " : " → Enter \(last ? "finish" : "next") · ← back · Esc leaves the tour "
        canvas.write(keys, x: box.maxX - 2 - keys.count, y: box.maxY - 1, style: Style(attributes: .dim))
    }

    /// Rows the tour's box may take: 9 on an 80×24 screen, more on taller ones.
    package static func tourBoxRows(screenHeight: Int) -> Int { max(9, screenHeight * 2 / 5) }

    /// The box's lines: paragraphs, then what the step waits for or that it is done, then any
    /// claim the model does not bear out now.
    static func tourLines(_ progress: TourProgress, state: ExplorerState, width: Int) -> [(text: String, style: Style)] {
        let step = progress.current
        var lines: [(text: String, style: Style)] = []
        for (index, paragraph) in step.paragraphs.enumerated() {
            if index > 0 { lines.append(("", .plain)) }
            lines += TextWrap.lines(paragraph, width: width).map { ($0, .plain) }
        }
        var status: [String] = []
        if !step.expectations.isEmpty && state.expectationsHold(step) {
            status.append(state.isBusy && progress.waiting ? "✓ done · computing the results…" : "✓ done")
        } else if let press = step.press {
            status.append("▸ " + press)
        } else if progress.waiting {
            status.append("▸ waiting for: " + step.expectations.map(\.text).joined(separator: ", "))
        }
        let outcomes = progress.outcomes[progress.step]
        if !outcomes.isEmpty {
            if outcomes.allSatisfy({ $0?.held == true }) {
                status.append("✓ checked against the model")
            } else if outcomes.contains(where: { $0 == nil }) && !outcomes.contains(where: { $0?.held == false }) {
                status.append("checking against the model…")
            }
        }
        if !status.isEmpty { lines.append((status.joined(separator: "  "), Style(attributes: .bold))) }
        for (claim, outcome) in zip(step.claims, outcomes) {
            guard let outcome, !outcome.held else { continue }
            lines.append(("✗ not so on this sequence now: \(claim.text) (\(outcome.measured))", Style(attributes: .bold)))
        }
        return lines
    }

    /// Reverse video over the title row of a pane.
    static func highlight(_ pane: TourPane, layout: ExplorerLayout, on canvas: inout Canvas) {
        let row: Rect
        switch pane {
        case .predictions: row = layout.predictions.row(0)
        case .logo: row = layout.logoTitle
        case .heatmap: row = layout.heatmapTitle
        case .sequence: row = layout.ruler
        }
        canvas.setAttributes([.reverse, .bold], in: row)
    }

    /// ▼ on the ruler over the positions (record coordinates) and their bases underlined.
    static func highlight(_ positions: Range<Int>, state: ExplorerState, view: VisibleWindow, layout: ExplorerLayout, on canvas: inout Canvas) {
        let first = positions.lowerBound + state.trackOffset - view.positions.lowerBound
        let shifted = first ..< first + positions.count
        for (column, span) in view.spans.enumerated() where column < layout.plotWidth && span.positions.overlaps(shifted) {
            canvas.put("▼", x: layout.plotX + column, y: layout.ruler.y, style: Style(attributes: .bold))
            canvas[layout.plotX + column, layout.sequence.y].style.attributes.insert([.underline, .bold])
        }
    }
}
