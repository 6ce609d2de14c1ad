import Rendering
import XCTest

final class LegendTests: XCTestCase {
    func testMarkLegendListsSymbolsInAColumnAndExplanations() {
        let legend = MarkLegend(marks: [.unsaved, .edited, .clipped])
        var canvas = Canvas(width: 40, height: 3)
        canvas.render(legend, in: canvas.area)
        assertCanvas(canvas, lines: [
            "[+]  edits not saved yet",
            "*    edited base: star above its stack,…",
            "◂ ▸  the value lies beyond the bar's ax…",
        ], styles: [StyleRegion(row: 0, 0 ... 2, Style(attributes: .bold)), StyleRegion(row: 0, 5 ... 10, .plain)])
        XCTAssertEqual(legend.lines[0], "[+]  edits not saved yet")
        XCTAssertEqual(legend.lines[2], "◂ ▸  the value lies beyond the bar's axis: the bar stops at its end")
    }

    func testEveryMarkOfTheExplorerIsListed() {
        let symbols = Mark.explorer(letters: ["A", "C", "G", "T"]).map(\.symbol)
        XCTAssertEqual(symbols, ["*", "ACgtAC", "acgt", "▁▃▅", "[+]", "│", "◂ ▸", "!", "R/·"])
        // The symbols are the ones the widgets draw.
        XCTAssertEqual(Mark.clipped.symbol, "\(Bars.clippedMarks.left) \(Bars.clippedMarks.right)")
        XCTAssertEqual(Mark.saturated.symbol, String(Bars.saturatedMark))
        XCTAssertEqual(Mark.negativeLetters(["A", "C", "G", "U"]).symbol, "acgu")
        XCTAssertEqual(Mark.consensus(Zoom(level: 4)).inline, "R/· 4 nt/col: base of ≥ 75 %, else IUPAC pair, else ·")
    }

    func testItemsArePackedIntoLines() {
        XCTAssertEqual(Mark.pack(["0.35 attribution per row", "acgt below 0", "* edited"], width: 40),
                       ["0.35 attribution per row · acgt below 0", "* edited"])
        XCTAssertEqual(Mark.pack(["a long item that does not fit", "b"], width: 10), ["a long item that does not fit", "b"])
        XCTAssertEqual(Mark.pack([], width: 10), [])
    }
}
