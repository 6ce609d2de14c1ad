import ExplorerCore
import Rendering

extension Screen {
    /// A target's bins across the plot's width (`ProfileTrack`): the record's reference above the
    /// sequence as edited now, on one scale, so an edit's effect on the shape shows.
    static func drawProfile(_ state: ExplorerState, in area: Rect, depth: ColorDepth, on canvas: inout Canvas) {
        let rows = ProfileTrack.rowsPerTrack
        guard let track = state.profileTrack, area.height >= 1 + 2 * rows else { return }
        let reference = track.references[state.recordIndex], current = track.current?.value
        let bins = (current ?? reference)?.count ?? 0
        canvas.write("\(track.label) · \(bins) bins · reference, now", x: area.x, y: area.y, style: Style(attributes: .bold), maxWidth: area.width)
        let plot = Rect(x: area.x + ExplorerLayout.gutter, y: area.y + 1, width: area.width - ExplorerLayout.gutter, height: 2 * rows)
        let shown = [reference, current].compactMap { $0 }.flatMap { $0 }
        let range = min(0, shown.min() ?? 0) ... max(shown.max() ?? 1, min(0, shown.min() ?? 0) + .leastNormalMagnitude)
        for (index, (name, values)) in [("ref", reference), ("now", current)].enumerated() {
            let row = plot.y + index * rows
            canvas.write(name, x: area.x, y: row + rows - 1, style: Style(attributes: .dim))
            guard let values else {
                canvas.write("computing…", x: plot.x, y: row + rows - 1, style: Style(attributes: .dim))
                continue
            }
            canvas.render(Sparkline(values: resampled(values, width: plot.width), range: range, depth: depth),
                          in: Rect(x: plot.x, y: row, width: plot.width, height: rows))
        }
    }

    /// Bins to `width` columns: each column the largest of the bins it covers (peaks stay
    /// visible), or each bin over as many whole columns as fit.
    static func resampled(_ values: [Float], width: Int) -> [Float] {
        guard !values.isEmpty, width > 0 else { return [] }
        if values.count <= width {
            let repeats = width / values.count
            return values.flatMap { Array(repeating: $0, count: repeats) }
        }
        return (0..<width).map { column in
            values[column * values.count / width ..< max(column * values.count / width + 1, (column + 1) * values.count / width)].max()!
        }
    }
}
