import Rendering

/// Consecutive cells of one row, starting at column `x` of row `y`.
struct CellRun: Equatable {
    let x: Int
    let y: Int
    let cells: [Cell]
}

/// What must be redrawn to turn the screen showing `old` into `new`.
enum CanvasDiff {
    /// Runs of changed cells, row by row; every row whole when there is no old canvas or the size
    /// differs (the terminal was resized or this is the first frame).
    static func changedRuns(from old: Canvas?, to new: Canvas) -> [CellRun] {
        guard let old, old.width == new.width, old.height == new.height else {
            return (0 ..< new.height).map { y in CellRun(x: 0, y: y, cells: (0 ..< new.width).map { new[$0, y] }) }
        }
        var runs: [CellRun] = []
        for y in 0 ..< new.height {
            var x = 0
            while x < new.width {
                guard old[x, y] != new[x, y] else { x += 1; continue }
                let start = x
                while x < new.width, old[x, y] != new[x, y] { x += 1 }
                runs.append(CellRun(x: start, y: y, cells: (start ..< x).map { new[$0, y] }))
            }
        }
        return runs
    }
}
