import ExplorerCore
import Genomics
import Rendering

/// Drawing in the record's own coordinates (see ExplorerCore's RecordCoordinates.swift): maps of
/// the model's input placed on the track, the window of a longer record marked on the ruler and
/// the overview, nothing drawn where the model sees nothing.
extension Screen {
    /// Values of the model's input columns, (A, inputLength) letter-major, placed on the track:
    /// zeros where the model's window does not reach.
    static func onTrack(_ values: [Float], _ state: ExplorerState) -> PositionMatrix {
        let input = state.inputRange, length = state.length, columns = state.window.inputLength
        guard input != 0 ..< length else { return PositionMatrix(alphabet: state.alphabet, length: length, values: values) }
        var track = [Float](repeating: 0, count: state.alphabet.size * length)
        for letter in 0 ..< state.alphabet.size {
            track.replaceSubrange(letter * length + input.lowerBound ..< letter * length + input.upperBound,
                                  with: values[letter * columns ..< (letter + 1) * columns])
        }
        return PositionMatrix(alphabet: state.alphabet, length: length, values: track)
    }

    /// The columns of a plot whose positions the model does not see (outside the window of a
    /// longer record) are left empty: there is nothing computed to show there.
    static func blankOutsideWindow(_ plot: Rect, view: VisibleWindow, state: ExplorerState, on canvas: inout Canvas) {
        guard state.inputRange != 0 ..< state.length else { return }
        blank(plot, view: view, outside: state.inputRange, on: &canvas)
    }

    /// Empties the plot's columns that show no position of `input` (track positions).
    static func blank(_ plot: Rect, view: VisibleWindow, outside input: Range<Int>, on canvas: inout Canvas) {
        for (column, span) in view.spans.enumerated() where column < plot.width {
            let positions = span.positions.lowerBound + view.positions.lowerBound ..< span.positions.upperBound + view.positions.lowerBound
            if !positions.overlaps(input) { canvas.fill(Rect(x: plot.x + column, y: plot.y, width: 1, height: plot.height), with: .blank) }
        }
    }

    /// Brackets at the model window's first and last columns of the overview when the window
    /// covers only part of the record; `columnOf` gives a track position's column.
    static func bracketWindow(_ state: ExplorerState, row: Rect, columnOf: (Int) -> Int?, on canvas: inout Canvas) {
        guard state.window.slides else { return }
        let style = Style(attributes: .bold)
        if let first = columnOf(state.inputRange.lowerBound), (0 ..< row.width).contains(first) {
            canvas.put("[", x: row.x + first, y: row.y, style: style)
        }
        if let last = columnOf(state.inputRange.upperBound - 1), (0 ..< row.width).contains(last) {
            canvas.put("]", x: row.x + last, y: row.y, style: style)
        }
    }

    /// The model's window on the ruler (a record longer than the model): a line between the
    /// labels over the window, a bracket at each end — beside a label rather than over it.
    static func markWindow(_ state: ExplorerState, view: VisibleWindow, ruler: Rect, on canvas: inout Canvas) {
        guard state.window.slides else { return }
        let input = state.inputRange
        let columns = view.spans.indices.filter { column in
            column < ruler.width && view.spans[column].positions.contains { input.contains($0 + view.positions.lowerBound) }
        }
        guard let first = columns.first, let last = columns.last else { return }
        func isBlank(_ column: Int) -> Bool { (0 ..< ruler.width).contains(column) && canvas[ruler.x + column, ruler.y].character == " " }
        for column in columns where isBlank(column) { canvas.put("─", x: ruler.x + column, y: ruler.y, style: Style(foreground: grey)) }
        let style = Style(attributes: .bold)
        let starts = view.positions.lowerBound + view.spans[first].positions.lowerBound <= input.lowerBound
        let ends = view.positions.lowerBound + view.spans[last].positions.upperBound >= input.upperBound
        if starts, let column = [first, first - 1].first(where: { $0 >= 0 && (isBlank($0) || canvas[ruler.x + $0, ruler.y].character == "─") }) {
            canvas.put("[", x: ruler.x + column, y: ruler.y, style: style)
        }
        if ends, let column = [last, last + 1].first(where: { $0 < ruler.width && (isBlank($0) || canvas[ruler.x + $0, ruler.y].character == "─") }) {
            canvas.put("]", x: ruler.x + column, y: ruler.y, style: style)
        }
    }

    /// The status line's facts about the cursor: its position in the record, and the window.
    static func cursorFacts(_ state: ExplorerState) -> [String] {
        let position = "pos \(state.recordPosition(state.cursor))/\(state.recordLength)"
        guard state.window.slides else { return [position] }
        let seen = state.window.recordPositions
        return [position, "model sees \(seen.lowerBound):\(seen.upperBound)"]
    }
}
