import Rendering
import XCTest

final class TracksTests: XCTestCase {
    private func draw(_ widget: some Widget, width: Int, height: Int = 1) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        canvas.render(widget, in: canvas.area)
        return canvas
    }

    func testRulerLabelsRoundPositionsAtTheirColumns() {
        assertCanvas(draw(Ruler(spans: .identity(30)), width: 30), lines: ["    5    10   15   20   25"])
        // Zoomed out 3×: labels every 20 positions, at the column holding the position.
        let zoomed = Zoom(level: 3).spans(length: 100)
        assertCanvas(draw(Ruler(spans: zoomed), width: 34), lines: ["      20     40    60     80"])
        // Magnified 3×: every position gets a label.
        let magnified = Zoom(columnsPerPosition: 3).spans(length: 5)
        assertCanvas(draw(Ruler(spans: magnified), width: 15), lines: ["1  2  3  4  5"])
        // A genomic origin.
        assertCanvas(draw(Ruler(spans: .identity(30), origin: 1_000_001), width: 30), lines: ["         1000010   1000020"])
        XCTAssertEqual(Ruler.roundStep(atLeast: 3), 5)
        XCTAssertEqual(Ruler.roundStep(atLeast: 11), 20)
        XCTAssertEqual(Ruler.roundStep(atLeast: 120), 200)
    }

    func testSequenceRowColoursBasesAndHighlightsEdits() {
        let row = SequenceRow(sequence: Array("ACGTN".utf8), highlights: [Highlight(.mutated, positions: [1]), Highlight(.cursor, positions: [2])], depth: .trueColor)
        assertCanvas(draw(row, width: 5), lines: ["ACGTN"], styles: [
            StyleRegion(row: 0, 0 ... 0, Style(foreground: green, attributes: .bold)),
            StyleRegion(row: 0, 1 ... 1, Style(foreground: blue, attributes: [.bold, .reverse])),
            StyleRegion(row: 0, 2 ... 2, Style(foreground: orange, attributes: [.bold, .underline])),
            StyleRegion(row: 0, 4 ... 4, Style(foreground: .rgb(128, 128, 128))),
        ])
        var mono = row
        mono.depth = .monochrome
        assertCanvas(draw(mono, width: 5), lines: ["AcGTN"])
        let magnified = SequenceRow(sequence: Array("AC".utf8), spans: Zoom(columnsPerPosition: 3).spans(length: 2), depth: .monochrome)
        assertCanvas(draw(magnified, width: 6), lines: [" A  C"])
    }

    func testSequenceRowDrawsPaddingAsPadding() {
        let row = SequenceRow(sequence: [SequenceRow.padding, SequenceRow.padding] + Array("ANT".utf8), depth: .trueColor)
        assertCanvas(draw(row, width: 5), lines: ["··ANT"], styles: [
            StyleRegion(row: 0, 0 ... 1, Style(foreground: .rgb(128, 128, 128))),
            StyleRegion(row: 0, 2 ... 2, Style(foreground: green, attributes: .bold)),
        ])
    }

    func testAnnotationsGetBracketsLabelsAndLanes() {
        let annotations = [
            Annotation(positions: 2 ..< 12, label: "GATA1"),
            Annotation(positions: 8 ..< 14, label: "E-box motif"),
            Annotation(positions: 15 ..< 16, label: "x"),
            Annotation(positions: 17 ..< 19, label: "y"),
        ]
        let track = AnnotationTrack(annotations: annotations, spans: .identity(20), depth: .monochrome)
        XCTAssertEqual(track.height, 2)
        assertCanvas(draw(track, width: 20, height: 2), lines: ["  ├─GATA1──┤   ┃ ├┤", "        ├E-b…┤"])
        let colored = draw(AnnotationTrack(annotations: annotations, spans: .identity(20)), width: 20, height: 2)
        XCTAssertEqual(colored[2, 0].style, Style(foreground: Color(hex: 0x8E44AD)))
        XCTAssertEqual(colored[5, 0].style, Style(foreground: Color(hex: 0x8E44AD), attributes: .bold))
        // Zoomed out, an interval covers the columns of its first and last positions.
        let zoomed = AnnotationTrack(annotations: [annotations[0]], spans: Zoom(level: 2).spans(length: 20), depth: .monochrome)
        assertCanvas(draw(zoomed, width: 10), lines: [" ├GA…┤"])
    }

    func testSparklineIsExactToAnEighth() {
        let spark = Sparkline(values: [0, 0.5, 1, 0.3, -0.1], range: 0 ... 1, depth: .monochrome)
        assertCanvas(draw(spark, width: 5, height: 2), lines: ["  █", " ██▅"])
        let colored = draw(Sparkline(values: [1], color: red), width: 1, height: 1)
        XCTAssertEqual(colored[0, 0], Cell("█", style: Style(foreground: red)))
    }

    func testBarsAreExactToAnEighthWithReferenceAndDelta() {
        let bars = Bars(items: [Bars.Item(label: "GATA", value: 0.5)], depth: .monochrome)
        XCTAssertEqual(bars.domain, 0 ... 1)
        assertCanvas(draw(bars, width: 30), lines: ["GATA █████████▌          0.500"])

        let gain = Bars(items: [Bars.Item(label: "GATA", value: 0.75, reference: 0.5)], depth: .monochrome)
        assertCanvas(draw(gain, width: 60), lines: ["GATA ██████████████▓▓▓▓▓▓▓        0.750  ref 0.500  Δ +0.250"])
        let loss = Bars(items: [Bars.Item(label: "GATA", value: 0.5, reference: 0.75)], depth: .trueColor)
        let canvas = draw(loss, width: 60)
        assertCanvas(canvas, lines: ["GATA ██████████████░░░░░░░        0.500  ref 0.750  Δ -0.250"], styles: [
            StyleRegion(row: 0, 5 ... 18, Style(foreground: Color(hex: 0x6C8EBF))),
            StyleRegion(row: 0, 19 ... 25, Style(foreground: Color(hex: 0xE41A1C))),
        ])
    }

    func testBarsGrowLeftForNegativeValues() {
        let bars = Bars(items: [Bars.Item(label: "a", value: -0.15), Bars.Item(label: "b", value: 1)], domain: -0.3 ... 1, depth: .trueColor)
        let canvas = draw(bars, width: 20, height: 2)
        // 11 cells of 8 eighths; 0 sits 20 eighths in, in the middle of the third cell.
        assertCanvas(canvas, lines: ["a  ▎▌         -0.150", "b   ▌████████ 1.000"])
        let bar = Color(hex: 0x6C8EBF)
        // Fills ending on the right of a cell are drawn reversed: the left part in the terminal's background.
        XCTAssertEqual(canvas[3, 0], Cell("▎", style: Style(foreground: bar, attributes: .reverse)))
        XCTAssertEqual(canvas[4, 0], Cell("▌", style: Style(foreground: bar)))
        XCTAssertEqual(canvas[4, 1], Cell("▌", style: Style(foreground: bar, attributes: .reverse)))
        XCTAssertEqual(Bars.domain(for: [Bars.Item(label: "x", value: 3), Bars.Item(label: "y", value: 1, reference: -2)]), -2 ... 3)
    }

    func testSaturatedProbabilitiesAreMarked() {
        let items = [Bars.Item(label: "a", value: 0.995), Bars.Item(label: "b", value: 0.5), Bars.Item(label: "c", value: 0.004, reference: 0.5)]
        let bars = Bars(items: items, depth: .monochrome, marksSaturation: true)
        XCTAssertTrue(bars.showsSaturation)
        assertCanvas(draw(bars, width: 50, height: 3), lines: [
            "a ████████████████▉ 0.995 sat",
            "b ████████▌         0.500",
            "c ▏░░░░░░░░         0.004 sat  ref 0.500  Δ -0.496",
        ])
        // Values that are not probabilities (logits) are never marked.
        let logits = Bars(items: items, depth: .monochrome)
        XCTAssertFalse(logits.showsSaturation)
        assertCanvas(draw(logits, width: 12), lines: ["a ████ 0.995"])
        XCTAssertFalse(Bars(items: [Bars.Item(label: "a", value: 0.99), Bars.Item(label: "b", value: 0.01)], marksSaturation: true).showsSaturation,
                       "0.99 and 0.01 themselves are not saturated")
    }
}
