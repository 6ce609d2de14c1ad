import Rendering

extension ExplorerState {
    /// Columns the view moves per notch of the mouse wheel.
    static let columnsPerNotch = 3

    /// Moves the view by a few columns per notch of the wheel (so the same at every zoom); the
    /// cursor moves along only when it would leave the screen.
    mutating func scrollView(by notches: Int) {
        let visible = visibleCount
        let positionsPerNotch = max(1, Self.columnsPerNotch * zoom.level / zoom.columnsPerPosition)
        viewStart = max(0, min(length - visible, viewStart + notches * positionsPerNotch))
        let margin = visible >= 20 ? visible / 10 : 0
        let lowest = viewStart == 0 ? 0 : viewStart + margin
        let highest = viewStart + visible >= length ? length - 1 : viewStart + visible - 1 - margin
        cursor = max(lowest, min(highest, cursor))
    }
}
