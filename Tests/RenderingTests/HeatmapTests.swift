import Rendering
import XCTest

final class HeatmapTests: XCTestCase {
    private func draw(_ heatmap: Heatmap) -> Canvas {
        var canvas = Canvas(width: heatmap.matrix.length, height: heatmap.height)
        canvas.render(heatmap, in: canvas.area)
        return canvas
    }

    // ISM-like deltas: 0 at the reference base, losses and a gain elsewhere.
    private let deltas = PositionMatrix(letters: ["A", "C", "G", "T"], length: 3, values: [
        0, -2, 0.3,  // A
        -1, 0, 0.05,  // C
        -0.4, -2, 0,  // G
        1, -1.6, 2,  // T
    ])

    func testMonochromeShadesMagnitudeAndMarksTheReference() {
        let heatmap = Heatmap(matrix: deltas, scale: DivergingScale(maximum: 2), reference: [0, 1, 2], depth: .monochrome)
        // Positive ░▒▓█, negative . - = #; |value| < 5 % of the scale stays blank.
        assertCanvas(draw(heatmap), lines: ["A#░", "=C", ".#G", "▓#█"], styles: [StyleRegion(row: 0, 0 ... 0, Style(attributes: .bold))])
    }

    func testColourPaintsTheBackgroundAndReadsTheLetterOnIt() {
        // Dark (terminal) background: the largest effects are the lightest colours.
        let heatmap = Heatmap(matrix: deltas, scale: DivergingScale(maximum: 2), reference: [0, 1, 3], depth: .trueColor)
        let canvas = draw(heatmap)
        assertCanvas(canvas, lines: ["A", " C", "", "  T"], styles: [
            StyleRegion(row: 0, 0 ... 0, Style(attributes: .bold)),
            StyleRegion(row: 0, 1 ... 1, Style(background: Color(hex: 0x7CC4F2))),
            StyleRegion(row: 3, 2 ... 2, Style(foreground: .rgb(0, 0, 0), background: Color(hex: 0xFF9A73), attributes: .bold)),
        ])
        XCTAssertEqual(canvas[2, 1].style, .plain, "0.05 of 2 is below the blank threshold")
        // Light background (paper): the largest effects are the deepest colours, read in white.
        let light = draw(Heatmap(matrix: deltas, scale: DivergingScale(maximum: 2), reference: [0, 1, 3], depth: .trueColor, theme: .print))
        XCTAssertEqual(light[1, 0].style, Style(background: Color(hex: 0x053061)))
        XCTAssertEqual(light[2, 3].style, Style(foreground: .rgb(255, 255, 255), background: Color(hex: 0x67001F), attributes: .bold))
        let colorBlind = draw(Heatmap(matrix: deltas, scale: DivergingScale(maximum: 2), depth: .trueColor, theme: Theme(scheme: .colorBlindSafe)))
        XCTAssertEqual(colorBlind[1, 0].style.background, Color(hex: 0xA8DBF7))
        XCTAssertEqual(colorBlind[2, 3].style.background, Color(hex: 0xF5CB6B))
    }

    func testRampsRunFromTheBackgroundSoTheLargestEffectsContrastMost() {
        for scheme in LogoColorScheme.allCases {
            for background in Background.allCases {
                let theme = Theme(scheme: scheme, background: background)
                var previous = (negative: 0.0, positive: 0.0)
                for step in 1 ... 40 {
                    let t = Float(step) / 40
                    // Contrast as the luminance difference from the background, the same on both sides within 0.08.
                    let negative = abs(DivergingScale.color(normalized: -t, theme: theme).luminance - background.color.luminance)
                    let positive = abs(DivergingScale.color(normalized: t, theme: theme).luminance - background.color.luminance)
                    XCTAssertGreaterThanOrEqual(negative, previous.negative, "\(theme) at -\(t)")
                    XCTAssertGreaterThanOrEqual(positive, previous.positive, "\(theme) at \(t)")
                    XCTAssertEqual(negative, positive, accuracy: 0.08, "\(theme) at ±\(t)")
                    previous = (negative, positive)
                }
                // Blue below 0 in every scheme; red or orange above.
                let low = DivergingScale.color(normalized: -1, theme: theme).components!, high = DivergingScale.color(normalized: 1, theme: theme).components!
                XCTAssertGreaterThan(low.blue, low.red, "\(theme)")
                XCTAssertGreaterThan(high.red, high.blue, "\(theme)")
                XCTAssertGreaterThan(previous.positive, 0.3, "\(theme): the largest effect stands out")
            }
        }
    }

    func testSixteenColoursUseShadesInRedAndBlue() {
        let canvas = draw(Heatmap(matrix: deltas, scale: DivergingScale(maximum: 2), depth: .ansi16))
        XCTAssertEqual(canvas.lines[3], "▓██")
        XCTAssertEqual(canvas[0, 3].style.foreground, .indexed(9))
        XCTAssertEqual(canvas[1, 3].style.foreground, .indexed(12))
        let light = draw(Heatmap(matrix: deltas, scale: DivergingScale(maximum: 2), depth: .ansi16, theme: .print))
        XCTAssertEqual(light[0, 3].style.foreground, .indexed(1), "the darker red and blue on a light background")
        XCTAssertEqual(light[1, 3].style.foreground, .indexed(4))
    }

    func testHalfBlocksPackTwoLettersPerRow() {
        let heatmap = Heatmap(matrix: deltas, scale: DivergingScale(maximum: 2), reference: [0, 1, 2], halfBlock: true, depth: .palette256)
        XCTAssertEqual(heatmap.height, 2)
        let canvas = draw(heatmap)
        // Reference marks are left to the sequence row in this mode.
        assertCanvas(canvas, lines: ["▄▀▀", "▀▀▄"])
        XCTAssertEqual(canvas[0, 0].style, Style(foreground: DivergingScale.color(normalized: -0.5)), "A is 0: only C, below, as ▄")
        XCTAssertEqual(canvas[1, 0].style, Style(foreground: DivergingScale.color(normalized: -1)))
        XCTAssertEqual(canvas[0, 1].style, Style(foreground: DivergingScale.color(normalized: -0.2), background: DivergingScale.color(normalized: 0.5)))
        XCTAssertFalse(Heatmap(matrix: deltas, scale: DivergingScale(maximum: 2), halfBlock: true, depth: .ansi16).packsRows, "16 colours keep one row per letter")
    }

    func testReferencesMarkOnlyTheBaseAZoomedColumnShares() {
        let letters: [Character] = ["A", "C", "G", "T"]
        // AAAA, CCCT (C holds 75 %), AGAG (no single base), NNNN.
        let bases = Array("AAAACCCTAGAGNNNN".utf8)
        XCTAssertEqual(Heatmap.references(bases: bases, spans: Zoom(level: 4).spans(length: 16), letters: letters), [0, 1, nil, nil])
        // Magnified: the letter in the middle column of each position; U is T's row.
        XCTAssertEqual(Heatmap.references(bases: Array("AU".utf8), spans: Zoom(columnsPerPosition: 3).spans(length: 2), letters: letters),
                       [nil, 0, nil, nil, 3, nil])
    }

    func testScaleIsSymmetricAndRobust() {
        var random = SplitMix(state: 7)
        let values = (0 ..< 500).map { _ in Float.random(in: -3 ... 2, using: &random) }
        let scale = DivergingScale.fitting(values)
        XCTAssertEqual(scale.maximum, values.map(abs).max())
        for value in values {
            XCTAssertEqual(scale.normalized(-value), -scale.normalized(value))
            let t = scale.normalized(value)
            XCTAssertEqual(String(DivergingScale.cell(normalized: t, depth: .ansi16).character), String(DivergingScale.cell(normalized: -t, depth: .ansi16).character))
        }
        XCTAssertEqual(scale.normalized(100), 1)
        XCTAssertEqual(DivergingScale.color(normalized: 0, theme: .print), Color(hex: 0xF7F7F7))
        XCTAssertEqual(DivergingScale.color(normalized: 0), Background.dark.color, "a dark ramp starts at the background")
        XCTAssertEqual(DivergingScale.color(normalized: 1, theme: .print), Color(hex: 0x67001F))

        var outliers = [Float](repeating: 1, count: 99)
        outliers.append(50)
        XCTAssertEqual(DivergingScale.fitting(outliers, percentile: 99).maximum, 1)
        XCTAssertEqual(DivergingScale.fitting(outliers).maximum, 50)
        XCTAssertEqual(DivergingScale.fitting([0, 0]).maximum, 1, "an all-zero map still gets a usable scale")
    }

    func testColorBarShowsTheRangeSymmetrically() {
        var canvas = Canvas(width: 30, height: 1)
        let bar = ColorBar(scale: DivergingScale(maximum: 2), depth: .monochrome)
        canvas.render(bar, in: canvas.area)
        assertCanvas(canvas, lines: ["-2 ###==--. ░▒▒▓▓███ +2"])
        XCTAssertEqual(bar.width, 23)
        var color = Canvas(width: 30, height: 1)
        color.render(ColorBar(scale: DivergingScale(maximum: 0.5), depth: .trueColor), in: color.area)
        XCTAssertEqual(color.line(0).prefix(5), "-0.5 ")
        XCTAssertEqual(color[5, 0].style.background, DivergingScale.color(normalized: -1))
        XCTAssertEqual(color[21, 0].style.background, DivergingScale.color(normalized: 1))
        XCTAssertEqual(color[13, 0], .blank)
    }

    func testNumberFormat() {
        XCTAssertEqual(NumberFormat.short(0.52349), "0.523")
        XCTAssertEqual(NumberFormat.short(-12.5), "-12.5")
        XCTAssertEqual(NumberFormat.short(2), "2")
        XCTAssertEqual(NumberFormat.short(0), "0")
        XCTAssertEqual(NumberFormat.short(0.0000123), "1.23e-5")
        XCTAssertEqual(NumberFormat.short(123456), "1.23e5")
    }
}
