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
        // Edits are reversed in monochrome too: lower case means soft-masked.
        assertCanvas(draw(mono, width: 5), lines: ["ACGTN"], styles: [StyleRegion(row: 0, 1 ... 1, Style(attributes: [.bold, .reverse]))])
        let masked = SequenceRow(sequence: Array("ACgtN".utf8), highlights: [Highlight(.mutated, positions: [2])], depth: .trueColor)
        assertCanvas(draw(masked, width: 5), lines: ["ACgtN"], styles: [
            StyleRegion(row: 0, 2 ... 2, Style(foreground: orange, attributes: [.bold, .reverse])),
            StyleRegion(row: 0, 3 ... 3, Style(foreground: red, attributes: .bold)),
        ])
        let magnified = SequenceRow(sequence: Array("AC".utf8), spans: Zoom(columnsPerPosition: 3).spans(length: 2), depth: .monochrome)
        assertCanvas(draw(magnified, width: 6), lines: [" A  C"])
    }

    func testZoomedOutSequenceRowShowsWhatAColumnsBasesShare() {
        // Four positions a column: AAAA, CCCT (C holds 75 %), AGAG (A/G: R), ACGT (no majority), TTTT.
        let sequence = Array("AAAACCCTAGAGACGTTTTT".utf8)
        let spans = Zoom(level: 4).spans(length: sequence.count)
        let row = SequenceRow(sequence: sequence, spans: spans, highlights: [Highlight(.mutated, positions: [9])], depth: .trueColor)
        let grey = Color.rgb(128, 128, 128)
        assertCanvas(draw(row, width: 5), lines: ["ACR·T"], styles: [
            StyleRegion(row: 0, 0 ... 0, Style(foreground: green, attributes: .bold)),
            StyleRegion(row: 0, 1 ... 1, Style(foreground: blue, attributes: .bold)),
            StyleRegion(row: 0, 2 ... 2, Style(foreground: grey, attributes: .reverse)),
            StyleRegion(row: 0, 3 ... 3, Style(foreground: grey)),
        ])
        var mono = row
        mono.depth = .monochrome
        assertCanvas(draw(mono, width: 5), lines: ["ACR·T"], styles: [StyleRegion(row: 0, 0 ... 1, Style(attributes: .bold)), StyleRegion(row: 0, 2 ... 2, Style(attributes: .reverse)),
                                                                       StyleRegion(row: 0, 3 ... 3, .plain)])
        // The representative of a logo column does not pick the base: position 3 (T) of "CCCT" is not shown.
        assertCanvas(draw(SequenceRow(sequence: sequence, spans: [ColumnSpan(positions: 4 ..< 8, representative: 7)], depth: .monochrome), width: 1), lines: ["C"])
    }

    func testSequenceRowDrawsPaddingAsPadding() {
        let row = SequenceRow(sequence: [SequenceRow.padding, SequenceRow.padding] + Array("ANT".utf8), depth: .trueColor)
        // Dim, unlike the grey · of a zoomed-out column whose bases disagree.
        assertCanvas(draw(row, width: 5), lines: ["··ANT"], styles: [
            StyleRegion(row: 0, 0 ... 1, Style(foreground: .rgb(128, 128, 128), attributes: .dim)),
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

    func testBarsGrowLeftOfAZeroLineForNegativeValues() {
        let bars = Bars(items: [Bars.Item(label: "a", value: -0.15), Bars.Item(label: "b", value: 1)], domain: -0.3 ... 1, depth: .trueColor)
        let canvas = draw(bars, width: 20, height: 2)
        // 11 columns: a zero line and 10 cells, 2 left of it (0.3 of 1.3) and 8 right, at one scale
        // fitted to the left side (0.3 in 16 eighths): 1 reaches 69 of the 80 eighths, -0.15 one cell.
        assertCanvas(canvas, lines: ["a  █│         -0.150", "b   │██████▋  1.000"])
        let bar = Color(hex: 0x6C8EBF), grey = Style(foreground: .rgb(128, 128, 128))
        XCTAssertEqual(canvas[3, 0], Cell("█", style: Style(foreground: bar)))
        XCTAssertEqual(canvas[4, 0], Cell("│", style: grey))
        XCTAssertEqual(canvas[4, 1], Cell("│", style: grey))
        XCTAssertEqual(canvas[11, 1], Cell("▋", style: Style(foreground: bar)))
        XCTAssertEqual(Bars.domain(for: [Bars.Item(label: "x", value: 3), Bars.Item(label: "y", value: 1, reference: -2)]), -2 ... 3)

        // Part of a cell left of the zero line is filled from the right: reversed in colour (the left
        // part painted in the terminal's background), a right half block in monochrome.
        let negatives = Bars(items: [Bars.Item(label: "x", value: -2), Bars.Item(label: "y", value: -0.5)], depth: .monochrome)
        XCTAssertEqual(negatives.domain, -2 ... 0)
        assertCanvas(draw(negatives, width: 20, height: 2), lines: ["x ██████████│ -2.000", "y        ▐██│ -0.500"])
        var colour = negatives
        colour.depth = .trueColor
        XCTAssertEqual(draw(colour, width: 20, height: 2)[9, 1], Cell("▌", style: Style(foreground: bar, attributes: .reverse)))
    }

    func testBarsBeyondTheAxisAreMarkedClipped() {
        let items = [Bars.Item(label: "p", value: 1.4), Bars.Item(label: "q", value: -0.2), Bars.Item(label: "r", value: 0.5)]
        let bars = Bars(items: items, domain: 0 ... 1, depth: .monochrome)
        XCTAssertTrue(bars.hasClippedValues)
        // ▸ in the space after a bar cut at the right end, ◂ in the space before one cut at the left.
        assertCanvas(draw(bars, width: 20, height: 3), lines: ["p ███████████▸1.400", "q◂            -0.200", "r █████▌      0.500"])
        let colour = draw(Bars(items: items, domain: 0 ... 1, depth: .trueColor), width: 20, height: 3)
        XCTAssertEqual(colour[13, 0], Cell("▸", style: Style(foreground: Color(hex: 0x6C8EBF), attributes: .bold)))
        XCTAssertEqual(colour[1, 1], Cell("◂", style: Style(foreground: Color(hex: 0x6C8EBF), attributes: .bold)))
        // Infinite values are clipped too; NaN draws no bar and no mark.
        let odd = Bars(items: [Bars.Item(label: "i", value: .infinity), Bars.Item(label: "n", value: .nan), Bars.Item(label: "v", value: 0.25)], depth: .monochrome)
        XCTAssertEqual(odd.domain, 0 ... 1)
        assertCanvas(draw(odd, width: 16, height: 3), lines: ["i ████████▸inf", "n          nan", "v ██       0.250"])
        XCTAssertFalse(Bars(items: [Bars.Item(label: "v", value: 0.25)]).hasClippedValues)
    }

    func testSaturatedOutputsAreMarked() {
        let bars = Bars(items: [Bars.Item(label: "p", value: 0.9999, saturated: true), Bars.Item(label: "q", value: 0.5, reference: 1, saturated: true)], depth: .monochrome)
        assertCanvas(draw(bars, width: 40, height: 2), lines: ["p ██████████ 1.000!", "q █████░░░░░ 0.500!  ref 1.000  Δ -0.500"])
    }

    func testSaturationIsStrictlyBeyondOnePercentFromEitherEnd() {
        XCTAssertTrue(Bars.isSaturated(0.995))
        XCTAssertTrue(Bars.isSaturated(0.004))
        XCTAssertFalse(Bars.isSaturated(0.99), "0.99 itself is not saturated")
        XCTAssertFalse(Bars.isSaturated(0.01))
        XCTAssertFalse(Bars.isSaturated(0.5))
    }
}
