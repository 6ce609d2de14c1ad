import Rendering
import XCTest

/// The dependency map figure: exact text, blocks of positions sharing a cell, the diagonal marked
/// and left out of the scale.
final class DependencyMapFigureTests: XCTestCase {
    /// Rows 0–5, columns (substituted) 2–4: [j, i] = 1 at j = i (the diagonal, left out of the
    /// scale), 0.5 where j is next to i, 0.25 elsewhere on row 5, 0 elsewhere.
    func figure() -> DependencyMapFigure {
        var values = [Float](repeating: 0, count: 6 * 3)
        for j in 0 ..< 6 {
            for (c, i) in (2 ..< 5).enumerated() {
                values[j * 3 + c] = j == i ? 1 : abs(j - i) == 1 ? 0.5 : j == 5 ? 0.25 : 0
            }
        }
        return DependencyMapFigure(values: values, rows: 0 ..< 6, columns: 2 ..< 5, title: "toy")
    }

    func testOneCellPerPosition() {
        let canvas = figure().canvas(width: 30, height: 6, depth: .monochrome)
        XCTAssertEqual((0 ..< canvas.height).map { canvas.line($0) }, [
            "toy                           ",
            "      2                       ",
            "    0                         ",
            "      █                       ",
            "      ╲█                      ",
            "      █╲█                     ",
            "       █╲                     ",
            "    5 ▓▓█                     ",
            "-0.5 ###==--. ░▒▒▓▓███ +0.5   ",
            "rows: position whose attribut…",
            "╲ diagonal, left out of the s…",
        ])
    }

    func testBlocksShowTheirLargestValueOffTheDiagonal() {
        // Two rows of three positions: every block holds an off-diagonal 0.5.
        let canvas = figure().canvas(width: 30, height: 2, depth: .monochrome)
        XCTAssertEqual(canvas.line(2), "    0 ██                      ")
        XCTAssertEqual(canvas.line(3), "      ███                     ")
        XCTAssertEqual(canvas.line(6), "1 × 3 positions per cell (the…")
    }
}
