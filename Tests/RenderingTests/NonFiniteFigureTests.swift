import Genomics
import Rendering
import XCTest

/// inf, nan and values near Float's limit are drawn without trapping or hanging.
final class NonFiniteFigureTests: XCTestCase {
    private func figure(_ values: [Float]) -> AttributionFigure {
        var figure = AttributionFigure(matrix: PositionMatrix(alphabet: .dna, length: values.count / 4, values: values), title: "extremes")
        figure.panels = [.logo, .heatmap]
        return figure
    }

    func testHeightsAreFiniteAndClamped() {
        let matrix = PositionMatrix(alphabet: .dna, length: 2, values: [.infinity, -.infinity, .nan, 1e38, -1e38, 0.5, 2, -3])
        XCTAssertEqual(LogoKind.attribution.heights(of: matrix).values, [0, 0, 0, 1e30, -1e30, 0.5, 2, -3])
    }

    func testExtremeValuesDrawAsTextAndSVG() {
        let extremes: [Float] = [1e38, 1e38, 1e38, 1e38, -1e38, -1e38, -1e38, -1e38, .infinity, -.infinity, .nan, 1e38, 0, 0, 0, 0]
        let drawn = figure(extremes)
        let text = drawn.canvas(width: 40, logoHeight: 6, depth: .monochrome).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("extremes"), text)
        XCTAssertFalse(text.contains("nan") || text.contains("inf"), text)
        let svg = drawn.svg()
        XCTAssertTrue(svg.hasSuffix("</svg>\n") || svg.hasSuffix("</svg>"), String(svg.suffix(80)))
        XCTAssertFalse(svg.contains("nan") || svg.contains("inf"), "non-finite coordinates in the SVG")
    }

    func testAllZeroAndSingleColumnFiguresDraw() {
        XCTAssertTrue(figure([0, 0, 0, 0]).svg().contains("</svg>"))
        XCTAssertFalse(figure([0, 0, 0, 0]).canvas(width: 24, logoHeight: 2, depth: .monochrome).lines.isEmpty)
    }
}
