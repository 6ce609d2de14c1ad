import Rendering
import XCTest
@testable import TerminalUI

final class CanvasDiffTests: XCTestCase {
    private func canvas(_ lines: [String]) -> Canvas {
        var canvas = Canvas(width: lines[0].count, height: lines.count)
        for (y, line) in lines.enumerated() { canvas.write(line, x: 0, y: y) }
        return canvas
    }

    func testNoChangeDrawsNothing() {
        let screen = canvas(["abc", "def"])
        XCTAssertEqual(CanvasDiff.changedRuns(from: screen, to: screen), [])
    }

    func testOneChangedCellIsOneRun() {
        let old = canvas(["abc", "def"])
        var new = old
        new.put("▄", x: 1, y: 1)
        XCTAssertEqual(CanvasDiff.changedRuns(from: old, to: new), [CellRun(x: 1, y: 1, cells: [Cell("▄")])])
    }

    func testAStyleChangeAloneIsAChange() {
        let old = canvas(["abc"])
        var new = old
        new.setStyle(Style(foreground: .rgb(200, 0, 0)), in: Rect(x: 2, y: 0, width: 1, height: 1))
        XCTAssertEqual(CanvasDiff.changedRuns(from: old, to: new).map(\.x), [2])
    }

    func testAdjacentChangesJoinAndSeparateOnesSplit() {
        let runs = CanvasDiff.changedRuns(from: canvas(["abcdef"]), to: canvas(["aXYdeZ"]))
        XCTAssertEqual(runs, [
            CellRun(x: 1, y: 0, cells: [Cell("X"), Cell("Y")]),
            CellRun(x: 5, y: 0, cells: [Cell("Z")]),
        ])
    }

    func testFirstFrameAndSizeChangeRedrawEveryRow() {
        let new = canvas(["ab", "cd", "ef"])
        let full = [
            CellRun(x: 0, y: 0, cells: [Cell("a"), Cell("b")]),
            CellRun(x: 0, y: 1, cells: [Cell("c"), Cell("d")]),
            CellRun(x: 0, y: 2, cells: [Cell("e"), Cell("f")]),
        ]
        XCTAssertEqual(CanvasDiff.changedRuns(from: nil, to: new), full)
        XCTAssertEqual(CanvasDiff.changedRuns(from: canvas(["ab", "cd"]), to: new), full)
    }
}
