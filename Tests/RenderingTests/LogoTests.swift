import Rendering
import XCTest

final class LogoTests: XCTestCase {
    private func draw(_ logo: Logo, width: Int? = nil) -> Canvas {
        var canvas = Canvas(width: width ?? logo.heights.length, height: logo.axis.height)
        canvas.render(logo, in: canvas.area)
        return canvas
    }

    private let unsignedAxis = LogoAxis(rowsAbove: 4, rowsBelow: 0, hasBaseline: false, unitsPerRow: 0.5)

    func testStacksLettersLargestOnTopWithEighthsAtTheTop() {
        // A fills two rows; C over G meet half-way through row 0; T is 0.3 = 4.8 eighths → ▅.
        let heights = matrix([[1, 0, 0, 0], [0, 0.75, 0.25, 0], [0, 0, 0, 0.3]])
        let canvas = draw(Logo(heights: heights, axis: unsignedAxis, depth: .trueColor))
        assertCanvas(canvas, lines: ["", "", "AC", "A▄▅"], styles: [
            StyleRegion(row: 2, 0 ... 0, Style(foreground: .rgb(255, 255, 255), background: green, attributes: .bold)),
            StyleRegion(row: 2, 1 ... 1, Style(foreground: .rgb(255, 255, 255), background: blue, attributes: .bold)),
            // The boundary cell: G (lower half) in the ink, C above it as the background.
            StyleRegion(row: 3, 1 ... 1, Style(foreground: orange, background: blue)),
            StyleRegion(row: 3, 2 ... 2, Style(foreground: red)),
        ])
    }

    func testMonochromeShowsTheMajorityLetterInASharedCell() {
        let heights = matrix([[1, 0, 0, 0], [0, 0.75, 0.25, 0], [0, 0, 0, 0.3]])
        let canvas = draw(Logo(heights: heights, axis: unsignedAxis, depth: .monochrome))
        // Half G, half C: ties go to the outer (larger) letter.
        assertCanvas(canvas, lines: ["", "", "AC", "AC▅"], styles: [StyleRegion(row: 3, 0 ... 1, Style(attributes: .bold))])
    }

    func testNegativesHangBelowTheBaselineFlippedAndFaded() {
        let heights = matrix([[1, 0, 0, 0], [0, -0.25, 0, -0.5]])
        let axis = LogoAxis.fitting(heights, height: 5, signed: true)
        XCTAssertEqual(axis, LogoAxis(rowsAbove: 2, rowsBelow: 2, hasBaseline: true, unitsPerRow: 0.5))
        let mono = draw(Logo(heights: heights, axis: axis, depth: .monochrome))
        // C (smaller) next to the baseline, T below it; the T half-cell at the bottom is ▀.
        assertCanvas(mono, lines: ["A", "A", "──", " t", " ▀"])

        let color = draw(Logo(heights: heights, axis: axis, depth: .trueColor))
        let fadedT = Color.rgb(192, 64, 64), fadedC = Color.rgb(64, 64, 192)
        assertCanvas(color, lines: ["A", "A", "──", " ▄", " ▄"], styles: [
            StyleRegion(row: 3, 1 ... 1, Style(foreground: fadedT, background: fadedC)),
            // The upper half filled: the lower half drawn in the terminal's background (reverse video).
            StyleRegion(row: 4, 1 ... 1, Style(foreground: fadedT, attributes: .reverse)),
        ])
    }

    func testEveryFullCellOfALetterShowsTheLetter() {
        let heights = matrix([[0.2, 0.1, 1.2, 0.5]])
        let canvas = draw(Logo(heights: heights, axis: LogoAxis(rowsAbove: 8, rowsBelow: 0, hasBaseline: false, unitsPerRow: 0.25), depth: .trueColor))
        // 2.0 in all = 64 eighths: C 0–3, A 3–10, T 10–26, G 26–64 (cumulative, rounded).
        XCTAssertEqual(canvas.lines, ["G", "G", "G", "G", "▂", "T", "▂", "▃"])
        XCTAssertEqual(canvas[0, 4].style, Style(foreground: red, background: orange))
        XCTAssertEqual(canvas[0, 6].style, Style(foreground: green, background: red))
        XCTAssertEqual(canvas[0, 7].style, Style(foreground: blue, background: green))
    }

    func testStackHeightsAreProportionalWithinOneEighthRow() {
        var random = SplitMix(state: 42)
        for _ in 0 ..< 200 {
            let columns = (0 ..< 6).map { _ in (0 ..< 4).map { _ in Float.random(in: -1 ... 1, using: &random) } }
            let heights = matrix(columns)
            let axis = LogoAxis.fitting(heights, height: Int.random(in: 3 ... 16, using: &random), signed: true)
            let logo = Logo(heights: heights, axis: axis, depth: .trueColor)
            let canvas = draw(logo)
            let eighth = axis.unitsPerRow / 8
            for (column, values) in columns.enumerated() {
                let positive = values.filter { $0 > 0 }.reduce(0, +), negative = -values.filter { $0 < 0 }.reduce(0, +)
                // Drawn height, read back from the cells: full cells count 8, an end cell its eighths.
                var drawnAbove = 0
                for row in 0 ..< axis.rowsAbove {
                    let cell = canvas[column, axis.rowsAbove - 1 - row]
                    if cell.character == " " { break }
                    let lower = ["▁", "▂", "▃", "▄", "▅", "▆", "▇"].firstIndex(of: cell.character)
                    drawnAbove += lower != nil && cell.style.background == .default ? lower! + 1 : 8
                }
                XCTAssertLessThanOrEqual(abs(Float(drawnAbove) - positive / eighth), 0.5 + 1e-3, "column \(column) \(values) axis \(axis)")
                let (above, below) = logo.stacks(column)
                XCTAssertEqual(below.last?.end ?? 0, Int((negative / eighth).rounded()))
                // Each letter's own height is within one eighth of its value.
                for segment in above + below {
                    XCTAssertLessThanOrEqual(abs(Float(segment.end - segment.start) - abs(values[segment.letter]) / eighth), 1 + 1e-3)
                }
                for pair in zip(above, above.dropFirst()) { XCTAssertLessThanOrEqual(values[pair.0.letter], values[pair.1.letter]) }
            }
        }
    }

    func testHighlights() {
        let heights = matrix([[0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 0.5, 0]])
        let logo = Logo(heights: heights, axis: unsignedAxis, highlights: [Highlight(.cursor, positions: [0]), Highlight(.mutated, positions: [1]), Highlight(.motif, positions: [2])], depth: .monochrome)
        assertCanvas(draw(logo), lines: ["┊", "┊", "┊*", "ACG"])
        let color = draw(Logo(heights: heights, axis: unsignedAxis, highlights: logo.highlights, depth: .trueColor))
        XCTAssertEqual(color[0, 0].style.background, .rgb(88, 88, 88))
        XCTAssertEqual(color[2, 0].style.background, .rgb(48, 48, 72))
        XCTAssertEqual(color[1, 2].character, "*")
        XCTAssertEqual(color[1, 2].style.foreground, .rgb(255, 215, 0), "a gold star on a dark terminal")
        // On a light background: light tints, a darker star.
        let light = draw(Logo(heights: heights, axis: unsignedAxis, highlights: logo.highlights, depth: .trueColor, background: .light))
        XCTAssertEqual(light[0, 0].style.background, Color(hex: 0xE0E0E0))
        XCTAssertEqual(light[2, 0].style.background, Color(hex: 0xE8EEF8))
        XCTAssertEqual(light[1, 2], Cell("*", style: Style(foreground: Color(hex: 0xB8860B), attributes: .bold)))
    }

    func testKindsTurnProbabilitiesIntoHeights() {
        let probabilities = matrix([[0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0], [0.5, 0.5, 0, 0]])
        let bits = LogoKind.informationContent(background: nil).heights(of: probabilities)
        XCTAssertEqual(bits.column(0), [0, 0, 0, 0])
        XCTAssertEqual(bits.column(1), [2, 0, 0, 0])
        XCTAssertEqual(bits.column(2), [0.5, 0.5, 0, 0])
        let weights = LogoKind.weight(background: nil).heights(of: probabilities)
        XCTAssertEqual(weights[0, 1], Float(log2((1.01 / 1.04) / 0.25)), accuracy: 1e-5)
        XCTAssertEqual(weights[1, 1], Float(log2((0.01 / 1.04) / 0.25)), accuracy: 1e-5)
        XCTAssertEqual(LogoKind.probability.heights(of: matrix([[2, 2, 0, 4]])).column(0), [0.25, 0.25, 0, 0.5])
        XCTAssertEqual(LogoKind.attribution.heights(of: probabilities), probabilities)
        XCTAssertEqual(LogoKind.informationContent(background: nil).fixedMaximum(alphabetSize: 4), 2)
        XCTAssertNil(LogoKind.attribution.fixedMaximum(alphabetSize: 4))
    }

    func testAxisSharesRowsBetweenSignsAndFixedMaxima() {
        let heights = matrix([[3, 0, 0, 0], [0, -1, 0, 0]])
        XCTAssertEqual(LogoAxis.fitting(heights, height: 9, signed: true), LogoAxis(rowsAbove: 6, rowsBelow: 2, hasBaseline: true, unitsPerRow: 0.5))
        XCTAssertEqual(LogoAxis.fitting(heights, height: 9, signed: false, maximum: 2), LogoAxis(rowsAbove: 9, rowsBelow: 0, hasBaseline: false, unitsPerRow: 2 / 9))
        let negativeOnly = LogoAxis.fitting(matrix([[-2, 0, 0, 0]]), height: 5, signed: true)
        XCTAssertEqual(negativeOnly, LogoAxis(rowsAbove: 0, rowsBelow: 4, hasBaseline: true, unitsPerRow: 0.5))
        XCTAssertEqual(negativeOnly.bottom, -2)
    }

    func testColorBlindSchemeAndLetterKey() {
        XCTAssertEqual(LogoColorScheme.colorBlindSafe.color(for: "a"), Color(hex: 0x009E73))
        XCTAssertEqual(LogoColorScheme.classic.color(for: "U"), red)
        XCTAssertEqual(LogoColorScheme.classic.color(for: "N"), .rgb(128, 128, 128))
        var canvas = Canvas(width: 12, height: 1)
        canvas.render(LetterKey(letters: ["A", "C", "G", "U"], depth: .trueColor), in: canvas.area)
        assertCanvas(canvas, lines: [" A  C  G  U"], styles: [
            StyleRegion(row: 0, 0 ... 2, Style(foreground: .rgb(255, 255, 255), background: green, attributes: .bold)),
            StyleRegion(row: 0, 3 ... 5, Style(foreground: .rgb(255, 255, 255), background: blue, attributes: .bold)),
        ])
    }
}
