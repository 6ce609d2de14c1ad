import Rendering
import XCTest

final class ANSIWriterTests: XCTestCase {
    private let esc = "\u{1B}["

    private func canvas(_ cells: [Cell], width: Int? = nil) -> Canvas {
        var canvas = Canvas(width: width ?? cells.count, height: 1)
        for (x, cell) in cells.enumerated() { canvas[x, 0] = cell }
        return canvas
    }

    func testPlainTextDropsTrailingBlanksOnly() {
        var c = Canvas(width: 6, height: 2)
        c.write(" ab", x: 0, y: 0)
        XCTAssertEqual(ANSIWriter.render(c, depth: .trueColor), " ab\n\n")
    }

    func testEscapesOnlyWhereTheStyleChangesAndResetAtTheLineEnd() {
        let bold = Style(attributes: .bold)
        let boldRed = Style(foreground: red, attributes: .bold)
        let line = canvas([Cell("A", style: bold), Cell("B", style: boldRed), Cell("C", style: boldRed), Cell("D")])
        XCTAssertEqual(ANSIWriter.render(line, depth: .trueColor), "\(esc)1mA\(esc)38;2;255;0;0mBC\(esc)0mD\n")
        // A line ending styled ends with a reset; so does one whose last cell is a coloured blank.
        let styledEnd = canvas([Cell("x", style: Style(background: blue)), Cell(" ", style: Style(background: blue))], width: 4)
        XCTAssertEqual(ANSIWriter.render(styledEnd, depth: .trueColor), "\(esc)48;2;0;0;255mx \(esc)0m\n")
        // Dropping only a colour needs no reset.
        let back = canvas([Cell("a", style: Style(foreground: red)), Cell("b")])
        XCTAssertEqual(ANSIWriter.render(back, depth: .trueColor), "\(esc)38;2;255;0;0ma\(esc)39mb\n")
    }

    func testColoursAreQuantisedToTheDepth() {
        let line = canvas([Cell("x", style: Style(foreground: red, background: .rgb(0, 128, 0))), Cell("▄", style: Style(foreground: .rgb(255, 165, 0), attributes: .reverse))])
        XCTAssertEqual(ANSIWriter.render(line, depth: .palette256), "\(esc)38;5;196;48;5;28mx\(esc)7;38;5;214;49m▄\(esc)0m\n")
        XCTAssertEqual(ANSIWriter.render(line, depth: .ansi16), "\(esc)91;42mx\(esc)7;33;49m▄\(esc)0m\n")
        XCTAssertEqual(ANSIWriter.render(line, depth: .monochrome), "x▄\n")
    }

    func testMonochromeHasNoEscapeByteAndEveryLineFitsTheWidth() {
        let figure = AttributionFigure(matrix: matrix([[1, 0, 0, -0.5], [0, 0.3, 0.2, 0], [0, 0, 0, 0.7]]), title: "a rather long title that will not fit in the width")
        for depth in ColorDepth.allCases {
            let canvas = figure.canvas(width: 30, logoHeight: 6, depth: depth)
            let text = ANSIWriter.render(canvas, depth: depth)
            if depth == .monochrome { XCTAssertFalse(text.utf8.contains(0x1B)) }
            let visible = text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
            let lines = visible.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            XCTAssertEqual(lines.count, canvas.height)
            for line in lines {
                XCTAssertLessThanOrEqual(line.count, 30, "\(depth): \(line)")
                // In colour a trailing space can be a painted cell; plain text never ends in one.
                if depth == .monochrome { XCTAssertFalse(line.hasSuffix(" "), "trailing space in '\(line)'") }
            }
            XCTAssertTrue(text.hasSuffix("\n"))
            for line in text.split(separator: "\n") where line.contains("\u{1B}") {
                XCTAssertTrue(line.hasSuffix("\(esc)0m"), "every styled line ends reset: \(line.debugDescription)")
            }
        }
    }

    func testWritesFilesAtomically() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-ansi-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try ANSIWriter.write(canvas([Cell("z")]), depth: .monochrome, to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "z\n")
    }
}
