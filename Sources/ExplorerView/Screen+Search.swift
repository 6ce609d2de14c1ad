import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// Background of search hits on the sequence row (in colour; monochrome underlines only).
    static let searchHitBackground = Color.rgb(95, 85, 0)

    /// Every search hit on screen, not only the one at the cursor: underlined on the sequence
    /// row, on a dark yellow background in colour.
    static func markSearchHits(_ state: ExplorerState, view: VisibleWindow, row: Rect, depth: ColorDepth, on canvas: inout Canvas) {
        let covered = state.searchHitPositions(in: view.positions)
        guard !covered.isEmpty else { return }
        for (column, span) in view.spans.enumerated() where column < row.width {
            let positions = span.positions.lowerBound + view.positions.lowerBound ..< span.positions.upperBound + view.positions.lowerBound
            guard positions.contains(where: covered.contains) else { continue }
            canvas[row.x + column, row.y].style.attributes.insert(.underline)
            if depth != .monochrome, !canvas[row.x + column, row.y].style.attributes.contains(.reverse) {
                canvas[row.x + column, row.y].style.background = searchHitBackground
            }
        }
    }
}
