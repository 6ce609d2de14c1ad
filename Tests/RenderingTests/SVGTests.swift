import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Rendering
import XCTest

/// Counts elements by name while checking the document parses.
private final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var texts: [String] = []
    private var inText = false
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        if name == "text" { inText = true; texts.append("") }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { inText = false }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { texts[texts.count - 1] += string }
    }
}

private func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> ElementCounter {
    let parser = XMLParser(data: Data(svg.utf8))
    let counter = ElementCounter()
    parser.delegate = counter
    XCTAssertTrue(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "")", file: file, line: line)
    return counter
}

final class SVGTests: XCTestCase {
    func testCanvasBecomesRectanglesAndText() {
        var canvas = Canvas(width: 6, height: 2)
        canvas.write("a<&b", x: 0, y: 0, style: Style(foreground: red, attributes: .bold))
        canvas[4, 0] = Cell("▄", style: Style(foreground: blue))
        canvas[5, 0] = Cell("▄", style: Style(foreground: blue, attributes: .reverse))
        canvas.fill(Rect(x: 0, y: 1, width: 3, height: 1), with: Cell(" ", style: Style(background: green)))
        let svg = SVGWriter.render(canvas)
        let counts = parse(svg)
        // The page, the blue cell under the reversed block, the two blocks, one green run; one text run.
        XCTAssertEqual(counts.counts["rect"], 5, svg)
        XCTAssertEqual(counts.counts["text"], 1)
        XCTAssertEqual(counts.texts, ["a<&b"])
        XCTAssertTrue(svg.contains("fill=\"#FF0000\" font-weight=\"bold\""))
        XCTAssertTrue(svg.contains("width=\"25.2\" height=\"17\" fill=\"#008000\""), "one rectangle for the run of three green cells")
        XCTAssertTrue(svg.contains("<rect x=\"42\" y=\"8.5\" width=\"8.4\" height=\"8.5\" fill=\"#FFFFFF\"/>"), "reverse video: white ink on a blue cell")
        XCTAssertTrue(svg.contains("<rect x=\"33.6\" y=\"8.5\" width=\"8.4\" height=\"8.5\" fill=\"#0000FF\"/>"))
    }

    func testFigureDrawsVectorLettersScaledPerStack() {
        let m = matrix([[1, 0, 0, -0.5], [0, 0.3, 0.2, 0], [0, 0, 0, 0], [0.1, 0.1, 0.1, 0.1]])
        var figure = AttributionFigure(matrix: m, title: "test & figure")
        figure.sequence = Array("AC-T".utf8)
        figure.panels = [.logo, .heatmap]
        figure.predictions = [Bars.Item(label: "GATA", value: 0.8, reference: 0.6)]
        figure.annotations = [Annotation(positions: 0 ..< 2, label: "site")]
        figure.highlights = [Highlight(.mutated, positions: [1])]
        let svg = figure.svg(positionWidth: 20)
        let counts = parse(svg)
        // One path per non-zero letter: 2 + 2 + 0 + 4.
        XCTAssertEqual(counts.counts["path"], 8)
        XCTAssertEqual(svg.components(separatedBy: "scale(0.2 -").count - 1, 1, "the one negative letter is flipped")
        XCTAssertTrue(counts.texts.contains("test & figure"))
        XCTAssertTrue(counts.texts.contains("0.800  ref 0.600  Δ +0.200"))
        XCTAssertTrue(counts.texts.contains("attribution"))
        XCTAssertTrue(counts.texts.contains("site"))
        // Heatmap: one rect per value beyond the blank threshold (8 of 16), the reference letters (A, C, T) in cells.
        XCTAssertEqual(svg.components(separatedBy: "height=\"14\" fill=\"#").count - 1, 8 + 1, "8 cells and the annotation")
        XCTAssertEqual(counts.counts["svg"], 1)
    }

    func testMotifFigureInBitsHasAFixedAxis() {
        let figure = AttributionFigure(matrix: matrix([[0.97, 0.01, 0.01, 0.01], [0.25, 0.25, 0.25, 0.25]]), kind: .informationContent(background: nil))
        let svg = figure.svg(positionWidth: 30)
        let counts = parse(svg)
        XCTAssertEqual(counts.counts["path"], 4, "the uniform column has no height at all")
        XCTAssertTrue(counts.texts.contains("bits"))
        XCTAssertTrue(["0", "0.5", "1", "1.5", "2"].allSatisfy(counts.texts.contains), "ticks from 0 to 2 bits")
    }

    func testPredictionBarsHaveAZeroLineAndClippedMarks() {
        var figure = AttributionFigure(matrix: matrix([[1, 0, 0, 0]]))
        figure.predictions = [Bars.Item(label: "up", value: 2), Bars.Item(label: "down", value: -0.5), Bars.Item(label: "inf", value: .infinity)]
        let svg = figure.svg(positionWidth: 20)
        let counts = parse(svg)
        // Labels 4 characters wide end at 44 px; the 240 px bar spans -0.5 to 2, so 0 is 48 px in.
        XCTAssertEqual(svg.components(separatedBy: "<line x1=\"92\" ").count - 1, 1, "one zero line through all bars")
        XCTAssertTrue(svg.contains("<rect x=\"44\" y=\"") && svg.contains("width=\"48\" height=\"12\" fill=\"#6C8EBF\"/>"), "-0.5 from 44 to 92 px")
        XCTAssertEqual(counts.counts["path"], 2, "the letter A and one triangle for the clipped infinite value")
        XCTAssertTrue(svg.contains("<path d=\"M285 "), "the triangle points right, just past the bar's end at 284 px")
        XCTAssertTrue(counts.texts.contains("inf"))
        XCTAssertTrue(counts.texts.contains("│ 0 of the bars · ◂ ▸ beyond the bar's axis"), "\(counts.texts)")
        // Probabilities keep a plain bar: no zero line, no marks.
        figure.predictions = [Bars.Item(label: "p", value: 0.25)]
        let plain = figure.svg(positionWidth: 20)
        XCTAssertFalse(plain.contains("<line x1=\"23\""))
        XCTAssertEqual(parse(plain).counts["path"], 1)
    }

    func testBackgroundSetsThePageInkAndHeatmapRamp() {
        var figure = AttributionFigure(matrix: matrix([[1, 0, 0, -1]]))
        figure.panels = [.logo, .heatmap]
        let light = figure.svg(positionWidth: 20)
        XCTAssertTrue(light.contains("width=\"420\" height=\"") && light.contains("fill=\"#FFFFFF\"/>"), "paper is white by default")
        XCTAssertTrue(light.contains("fill=\"#67001F\"/>"), "the largest effect in the deepest red")
        figure.background = .dark
        let dark = figure.svg(positionWidth: 20)
        let page = dark.components(separatedBy: "\n").first { $0.hasPrefix("<rect x=\"0\" y=\"0\"") }
        XCTAssertEqual(page?.hasSuffix("fill=\"#1C1C1C\"/>"), true)
        XCTAssertTrue(dark.contains("fill=\"#FF9A73\"/>"), "the largest effect in the lightest red")
        XCTAssertTrue(dark.contains("fill=\"#E6E6E6\" transform=\"rotate(-90"), "the axis title in light ink")
        XCTAssertFalse(dark.contains("fill=\"#000000\">"), "no black text on the dark page")
    }

    func testWritesFilesAtomically() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: url) }
        try AttributionFigure(matrix: matrix([[1, 0, 0, 0]])).writeSVG(to: url)
        _ = parse(try String(contentsOf: url, encoding: .utf8))
        try SVGWriter.write(Canvas(width: 1, height: 1), to: url)
        _ = parse(try String(contentsOf: url, encoding: .utf8))
    }
}
