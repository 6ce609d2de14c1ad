import Rendering
import XCTest

final class CanvasTests: XCTestCase {
    func testWritingClipsAndEllipsises() {
        var canvas = Canvas(width: 8, height: 2)
        XCTAssertEqual(canvas.write("seqlens logo", x: 1, y: 0), 7)
        canvas.write("ab", x: 6, y: 1, style: Style(attributes: .bold))
        canvas.write("x", x: -1, y: 1)
        canvas.put("!", x: 8, y: 0)
        canvas[3, 5] = Cell("?")
        assertCanvas(canvas, lines: [" seqlen…", "      ab"], styles: [StyleRegion(row: 1, 6 ... 7, Style(attributes: .bold))])
        XCTAssertEqual(canvas[100, 100], .blank)
        XCTAssertEqual(canvas.write("hello", x: 2, y: 0, maxWidth: 3), 3)
        XCTAssertEqual(canvas.line(0), " she…en…")
    }

    func testFillStyleAndComposition() {
        var canvas = Canvas(width: 4, height: 3)
        canvas.fill(Rect(x: 1, y: 1, width: 2, height: 2), with: Cell("#"))
        canvas.setStyle(Style(foreground: red), in: Rect(x: 2, y: 0, width: 5, height: 5))
        var small = Canvas(width: 2, height: 1)
        small.write("ok", x: 0, y: 0)
        canvas.draw(small, x: 3, y: 0)
        assertCanvas(canvas, lines: ["   o", " ##", " ##"], styles: [StyleRegion(Rect(x: 2, y: 1, width: 2, height: 2), Style(foreground: red))])
    }

    func testRectanglesSplitIntoRowsAndColumns() {
        let area = Rect(x: 2, y: 1, width: 10, height: 7)
        XCTAssertEqual(area.rows([.fixed(1), .fill(1), .fixed(2)]).map(\.height), [1, 4, 2])
        XCTAssertEqual(area.rows([.fixed(1), .fill(1), .fixed(2)])[2], Rect(x: 2, y: 6, width: 10, height: 2))
        XCTAssertEqual(area.columns([.fill(1), .fill(2)]).map(\.width), [4, 6])
        XCTAssertEqual(area.columns([.fill(1), .fill(1), .fill(1)]).map(\.width), [4, 3, 3], "the remainder goes to the first parts")
        XCTAssertEqual(area.columns([.fixed(8), .fixed(8), .fill(1)]).map(\.width), [8, 2, 0], "fixed parts give way when space runs out")
        XCTAssertEqual(area.inset(left: 3, top: 1), Rect(x: 5, y: 2, width: 7, height: 6))
        XCTAssertEqual(area.intersection(Rect(x: 0, y: 0, width: 4, height: 4)), Rect(x: 2, y: 1, width: 2, height: 3))
        XCTAssertTrue(area.intersection(Rect(x: 20, y: 0, width: 4, height: 4)).isEmpty)
        XCTAssertEqual(area.row(2), Rect(x: 2, y: 3, width: 10, height: 1))
    }
}
