import Genomics
import Rendering
import XCTest

final class AttributionFigureTests: XCTestCase {
    /// Twelve positions: a GATA site (positions 4–7) carrying most of the signal, small noise around it.
    static func figure() -> AttributionFigure {
        let sequence = Array("CTTAGATAAGCT".utf8)
        let contributions: [Float] = [0.05, -0.1, 0.02, 0.3, 1.2, 0.9, 1.1, 0.8, 0.4, -0.35, 0.05, -0.02]
        var values = [Float](repeating: 0, count: 48)
        for (position, base) in sequence.enumerated() {
            values[Alphabet.dna.index(of: base)! * 12 + position] = contributions[position]
        }
        var figure = AttributionFigure(matrix: PositionMatrix(alphabet: .dna, length: 12, values: values), title: "record seq1 · saliency")
        figure.notes = ["model tiny-motifs · task GATA"]
        figure.sequence = sequence
        figure.predictions = [Bars.Item(label: "GATA", value: 0.92, reference: 0.97), Bars.Item(label: "Ebox", value: 0.01)]
        figure.annotations = [Annotation(positions: 3 ..< 9, label: "GATA")]
        figure.highlights = [Highlight(.mutated, positions: [9])]
        return figure
    }

    func testMonochromeFigureAtFortyColumns() {
        let canvas = Self.figure().canvas(width: 40, logoHeight: 6, depth: .monochrome)
        // Twelve positions in 33 columns: two columns each. Position 10 (mutated) is starred and lower case.
        assertCanvas(canvas, lines: [
            "record seq1 · saliency",
            "model tiny-motifs · task GATA",
            "  1.4 ┤        ▃▃  ▁▁",
            "      │        GG▅▅TT▂▂",
            "      │        GGAATTAA▁▁",
            "      │▁▁    ▇▇GGAATTAAAA* ▁▁",
            "    0 ┼────────────────────────",
            "-0.35 ┤  ▔▔              gg",
            "       0   2   4   6   8   10",
            "       C T T A G A T A A G C T",
            "             ├───GATA───┤",
            "",
            "GATA ███████▍ 0.920  ref 0.970  Δ -0.050",
            "Ebox ▏        0.010",
            " A  C  G  T   0.35 attribution per row",
            "              2 columns per position",
            "              acgt below 0 · * edited",
        ], styles: [StyleRegion(row: 0, 0 ... 21, Style(attributes: .bold)), StyleRegion(row: 1, 0 ... 28, Style(attributes: .dim))])
    }

    func testColourFigureCells() {
        let canvas = Self.figure().canvas(width: 40, logoHeight: 6, depth: .trueColor)
        // Two columns per position: in colour one wide letter, printed in its first column.
        XCTAssertEqual(canvas.lines[4].prefix(18), "      │        G A")
        XCTAssertEqual(canvas[16, 4], Cell(" ", style: Style(foreground: .rgb(0, 0, 0), background: orange, attributes: .bold)))
        XCTAssertEqual(canvas[15, 4].style, Style(foreground: .rgb(0, 0, 0), background: orange, attributes: .bold))
        // The faded T below the baseline at position 2: 0.1 is 2 eighths of a 0.35 row.
        XCTAssertEqual(canvas[9, 7], Cell("▆", style: Style(foreground: Color.rgb(192, 64, 64), attributes: .reverse)))
        XCTAssertEqual(canvas[25, 9].style, Style(foreground: orange, attributes: [.bold, .reverse]), "the mutated base in the sequence row")
        XCTAssertEqual(canvas[25, 5], Cell("*", style: Style(foreground: .rgb(255, 215, 0), attributes: .bold)))
    }

    func testHeatmapPanelMarksReferencesAndHasAColourBar() {
        var figure = Self.figure()
        figure.panels = [.logo, .heatmap]
        figure.predictions = []
        let canvas = figure.canvas(width: 40, logoHeight: 6, depth: .monochrome)
        XCTAssertEqual(Array(canvas.lines[8 ... 11]).map { String($0.reversed().drop { $0 == " " }.reversed()) }, [
            "    A │      ▒▒  ▓▓  ▓▓▒▒",
            "    C │C                   C",
            "    G │        ██        --",
            "    T │  ..T       ██        T",
        ])
        XCTAssertEqual(canvas.lines.last?.hasPrefix("-1.2 ###==--. ░▒▒▓▓███ +1.2  scale: lar"), true)
        // 36 of the 48 values are zero; the 95th percentile of |value| is the third largest.
        figure.heatmapPercentile = 95
        XCTAssertEqual(figure.resolvedHeatmapScale.maximum, 0.9)
    }

    func testZoomsOutToFitAndSaysSo() {
        let length = 300
        var values = [Float](repeating: 0, count: 4 * length)
        for position in 0 ..< length { values[position % 4 * length + position] = position == 150 ? 5 : 0.1 }
        var figure = AttributionFigure(matrix: PositionMatrix(alphabet: .dna, length: length, values: values))
        let canvas = figure.canvas(width: 80, logoHeight: 4, depth: .monochrome)
        // A 3-column gutter leaves 77 columns: 4 positions per column.
        XCTAssertEqual(figure.zoom(forColumns: 77), Zoom(level: 4))
        XCTAssertEqual(canvas.lines.last, " A  C  G  T   1.67 attribution per row · 4 positions per column (max |value|)   ")
        // Column 37 holds positions 148–151: the peak at 150 survives at full height.
        XCTAssertEqual((0 ..< 3).map { canvas[3 + 37, $0].character }, ["G", "G", "G"])
        XCTAssertEqual(canvas.lines[4], "   0    20   40   60   80   100  120  140  160  180  200  220  240  260  280    ")
        figure.aggregation = .mean
        let mean = figure.canvas(width: 80, logoHeight: 4, depth: .monochrome)
        XCTAssertTrue(mean.lines.last!.contains("(mean)"))
        figure.zoom = Zoom(level: 10)
        XCTAssertEqual(figure.canvas(width: 80, logoHeight: 4, depth: .monochrome).lines.last!.contains("10 positions per column"), true)
    }

    func testRangeAndOriginSetTheCoordinates() {
        var figure = Self.figure()
        figure.range = 3 ..< 9
        figure.origin = 1001
        figure.predictions = []
        let canvas = figure.canvas(width: 40, logoHeight: 4, depth: .monochrome)
        assertCanvas(canvas, lines: [
            "record seq1 · saliency",
            "model tiny-motifs · task GATA",
            "1.2 ┤   GGG▂▂▂▆▆▆",
            "    │   GGGAAATTTAAA",
            "    │▆▆▆GGGAAATTTAAAAAA",
            "  0 ┼──────────────────",
            "     1004  1006  1008",
            "      A  G  A  T  A  A",
            "     ├──────GATA──────┤",
            " A  C  G  T   0.4 attribution per row",
            "              3 columns per position",
        ])
    }

    func testZoomedOutSequenceRowAndHeatmapMarkOnlyBasesTheColumnsShare() {
        // Four positions a column: AAAA, CCCT, AGAG, ACGT, TTTT, GGGG; the largest value of each
        // column at its last position, so the logo's representative of CCCT is its T.
        let sequence = Array("AAAACCCTAGAGACGTTTTTGGGG".utf8)
        var values = [Float](repeating: 0, count: 4 * 24)
        for (position, base) in sequence.enumerated() { values[Alphabet.dna.index(of: base)! * 24 + position] = 0.1 * Float(position % 4 + 1) }
        var figure = AttributionFigure(matrix: PositionMatrix(alphabet: .dna, length: 24, values: values))
        figure.sequence = sequence
        figure.zoom = Zoom(level: 4)
        figure.panels = [.logo, .heatmap]
        let canvas = figure.canvas(width: 70, logoHeight: 2, depth: .trueColor)
        let gutter = 5
        XCTAssertEqual(canvas.lines[7].prefix(gutter + 6), "     ACR·TG")
        // Heatmap rows A, C, G, T: the reference letter only where one base holds the column.
        XCTAssertEqual((2 ... 5).map { row in String((0 ..< 6).map { canvas[gutter + $0, row].character }) }, ["A     ", " C    ", "     G", "    T "])
        XCTAssertEqual(canvas.lines[8 ... 9].map { String($0.reversed().drop { $0 == " " }.reversed()) }, [
            " A  C  G  T   0.4 attribution per row",
            "              4 positions per column (max |value|)",
        ])
        XCTAssertEqual(canvas.lines[10].trimmingCharacters(in: .whitespaces), "R/· 4 nt/col: base of ≥ 75 %, else IUPAC pair, else ·")
        // A dark terminal by default; a light background swaps the ramp for the one printed on paper.
        let t = figure.resolvedHeatmapScale.normalized(0.4)
        XCTAssertEqual(canvas[gutter, 2].style.background, DivergingScale.color(normalized: t, theme: .terminal))
        figure.background = .light
        XCTAssertEqual(figure.canvas(width: 70, logoHeight: 2, depth: .trueColor)[gutter, 2].style.background, DivergingScale.color(normalized: t, theme: .print))
        figure.scheme = .colorBlindSafe
        XCTAssertEqual(figure.canvas(width: 70, logoHeight: 2, depth: .trueColor)[gutter, 2].style.background,
                       DivergingScale.color(normalized: t, theme: Theme(scheme: .colorBlindSafe, background: .light)))
    }

    func testRegressionPredictionsGetAZeroLineAndTheLegendSaysSo() {
        var figure = Self.figure()
        figure.predictions = [Bars.Item(label: "expr", value: 2.5), Bars.Item(label: "acc", value: -1.5)]
        figure.highlights = []
        let canvas = figure.canvas(width: 40, logoHeight: 6, depth: .monochrome)
        XCTAssertEqual(Array(canvas.lines.suffix(6)), [
            "expr           │████████████████▋ 2.500",
            "acc  ██████████│                  -1.500",
            " A  C  G  T   0.35 attribution per row",
            "              2 columns per position",
            "              acgt below 0",
            "              │ 0 of the bars",
        ].map { $0.padding(toLength: 40, withPad: " ", startingAt: 0) })
    }
}
