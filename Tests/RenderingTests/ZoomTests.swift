import Rendering
import XCTest

final class ZoomTests: XCTestCase {
    func testLevelsFitTheWidth() {
        XCTAssertEqual(Zoom.level(fitting: 200, in: 74), 3)
        XCTAssertEqual(Zoom.level(fitting: 74, in: 74), 1)
        XCTAssertEqual(Zoom.level(fitting: 75, in: 74), 2)
        XCTAssertEqual(Zoom.fitting(9, in: 77), Zoom(level: 1, columnsPerPosition: 3))
        XCTAssertEqual(Zoom.fitting(30, in: 77), Zoom(level: 1, columnsPerPosition: 2))
        XCTAssertEqual(Zoom.fitting(1000, in: 77).level, 13)
        XCTAssertEqual(Zoom(level: 2, columnsPerPosition: 3).columnsPerPosition, 1, "magnifying only at level 1")
        XCTAssertNil(Zoom().legend)
        XCTAssertEqual(Zoom(level: 4, aggregation: .mean).legend, "4 positions per column (mean)")
        XCTAssertEqual(Zoom(level: 4).legend, "4 positions per column (max |value|)")
        XCTAssertEqual(Zoom(columnsPerPosition: 2).legend, "2 columns per position")
    }

    func testSpansAndColumnLookup() {
        let spans = Zoom(level: 2).spans(length: 5)
        XCTAssertEqual(spans.map(\.positions), [0 ..< 2, 2 ..< 4, 4 ..< 5])
        XCTAssertEqual(spans.column(of: 3), 1)
        XCTAssertEqual(spans.column(of: 4), 2)
        XCTAssertNil(spans.column(of: 5))
        let magnified = Zoom(columnsPerPosition: 3).spans(length: 2)
        XCTAssertEqual(magnified.count, 6)
        XCTAssertEqual(magnified.column(of: 1), 3)
        XCTAssertEqual(magnified.lastColumn(of: 1), 5)
        XCTAssertEqual((0 ..< 6).filter(magnified.isCenter), [1, 4])
    }

    func testLogoColumnsKeepTheLargestStackOrTheMean() {
        // Position 1 has the largest total |value|, though position 0 has the largest single value of C.
        let m = matrix([[0, 0.9, 0, 0], [1, -0.5, 0, 0.2], [0, 0, 0.3, 0]])
        let (zoomed, spans) = Zoom(level: 3).apply(to: m)
        XCTAssertEqual(spans, [ColumnSpan(positions: 0 ..< 3, representative: 1)])
        XCTAssertEqual(zoomed.column(0), [1, -0.5, 0, 0.2])
        let perLetter = Zoom(level: 3).apply(to: m, perLetter: true).matrix
        XCTAssertEqual(perLetter.column(0), [1, 0.9, 0.3, 0.2])
        let mean = Zoom(level: 3, aggregation: .mean).apply(to: m).matrix
        XCTAssertEqual(mean.column(0).map { ($0 * 1000).rounded() / 1000 }, [0.333, 0.133, 0.1, 0.067])
        let magnified = Zoom(columnsPerPosition: 2).apply(to: m).matrix
        XCTAssertEqual(magnified.length, 6)
        XCTAssertEqual(magnified.column(2), m.column(1))
        XCTAssertEqual(magnified.column(3), m.column(1))
    }
}

final class ColumnBasesTests: XCTestCase {
    private func bases(_ text: String) -> ColumnBases { ColumnBases(Array(text.utf8)) }

    func testAMajorityBaseAPairOrAMix() {
        XCTAssertEqual(bases("G"), .base("G"))
        XCTAssertEqual(bases("AAAT"), .base("A"), "3 of 4 is the 75 % a base needs")
        XCTAssertEqual(bases("AAGT"), .mixed, "A holds half; G and T tie for second place, so no pair names the column")
        XCTAssertEqual(bases("AAGG"), .pair("R"))
        XCTAssertEqual(bases("CTTCCTA"), .pair("Y"), "6 of 7 are C or T")
        XCTAssertEqual(bases("ACGT"), .mixed)
        XCTAssertEqual(bases("GCGC").glyph, "S")
        XCTAssertEqual(bases("ATAT").glyph, "W")
        XCTAssertEqual(bases("GTGT").glyph, "K")
        XCTAssertEqual(bases("ACAC").glyph, "M")
        XCTAssertEqual(bases("ACGT").glyph, "·")
        XCTAssertEqual(bases("uuua"), .base("U"), "soft-masked bases count as their letter; RNA stays U")
        XCTAssertEqual(bases("AUAU"), .pair("W"))
        XCTAssertEqual(bases("NNNA"), .base("N"))
        XCTAssertEqual(bases("NNAA"), .mixed, "N is no base of a two-base code")
        XCTAssertEqual(bases(""), .mixed)
    }

    func testZoomRatio() {
        XCTAssertEqual(Zoom(level: 4).ratio, "4 nt/col")
        XCTAssertEqual(Zoom().ratio, "1 nt/col")
        XCTAssertEqual(Zoom(columnsPerPosition: 3).ratio, "3 col/nt")
    }
}
