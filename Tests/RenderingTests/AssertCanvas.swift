import Rendering
import XCTest

/// A rectangle of cells that must all have one style.
struct StyleRegion {
    var rect: Rect
    var style: Style

    /// Cells `columns` of row `row`.
    init(row: Int, _ columns: ClosedRange<Int>, _ style: Style) {
        rect = Rect(x: columns.lowerBound, y: row, width: columns.count, height: 1)
        self.style = style
    }

    init(_ rect: Rect, _ style: Style) {
        self.rect = rect
        self.style = style
    }
}

/// Asserts the characters of every row (trailing spaces ignored) and the style of every cell in
/// `styles` (ratatui's `assert_buffer`): the canvas as a value, checked cell by cell.
func assertCanvas(_ canvas: Canvas, lines expected: [String], styles: [StyleRegion] = [], file: StaticString = #filePath, line: UInt = #line) {
    let actual = canvas.lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }
    XCTAssertEqual(actual, expected, "\n" + actual.map { "|\($0)|" }.joined(separator: "\n"), file: file, line: line)
    for region in styles {
        for y in region.rect.y ..< region.rect.maxY {
            for x in region.rect.x ..< region.rect.maxX where canvas[x, y].style != region.style {
                XCTFail("cell (\(x), \(y)) '\(canvas[x, y].character)' has \(canvas[x, y].style), expected \(region.style)", file: file, line: line)
            }
        }
    }
}

/// ACGT matrix from columns of (A, C, G, T) values.
func matrix(_ columns: [[Float]]) -> PositionMatrix {
    let length = columns.count
    var values = [Float](repeating: 0, count: 4 * length)
    for (position, column) in columns.enumerated() { for letter in 0 ..< 4 { values[letter * length + position] = column[letter] } }
    return PositionMatrix(letters: ["A", "C", "G", "T"], length: length, values: values)
}

/// A deterministic pseudo-random generator, so property tests fail the same way every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let green = Color.rgb(0, 128, 0), blue = Color.rgb(0, 0, 255), orange = Color.rgb(255, 165, 0), red = Color.rgb(255, 0, 0)
