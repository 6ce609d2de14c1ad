import Rendering
import XCTest

final class AttributionArrayTests: XCTestCase {
    private let letters: [Character] = ["A", "C", "G", "T"]

    func testLayoutsFromTheShape() throws {
        let values = (0 ..< 24).map(Float.init)
        let first = try AttributionArray(shape: [2, 4, 3], values: values)
        XCTAssertEqual(first.layout, .channelsFirst)
        XCTAssertEqual([first.count, first.length], [2, 3])
        XCTAssertEqual(first.matrix(1, letters: letters).values, Array(values[12...]))
        XCTAssertNil(first.layoutNote)
        XCTAssertEqual(first.shapeDescription, "(N, A, L) = (2, 4, 3)")

        let last = try AttributionArray(shape: [2, 3, 4], values: values)
        XCTAssertEqual(last.layout, .channelsLast)
        // Map 0 is positions × letters; the matrix is letter-major.
        XCTAssertEqual(last.matrix(0, letters: letters).column(1), [4, 5, 6, 7])
        XCTAssertEqual(last.shapeDescription, "(N, L, A) = (2, 3, 4)")

        XCTAssertEqual(try AttributionArray(shape: [4, 6], values: values).count, 1)
        XCTAssertEqual(try AttributionArray(shape: [6, 4], values: values).layout, .channelsLast)
        XCTAssertEqual(try AttributionArray(shape: [2, 1, 4, 3], values: values).length, 3, "singleton axes are dropped")
    }

    func testAmbiguousShapesAreExplained() throws {
        // Neither reading is projected: tangermeme's (N, A, L), said so.
        let dense = try AttributionArray(shape: [1, 4, 4], values: (0 ..< 16).map(Float.init))
        XCTAssertEqual(dense.layout, .channelsFirst)
        XCTAssertEqual(dense.layoutNote, "shape (1, 4, 4) is ambiguous; took axis 1 as the letters (N, A, L) as tangermeme saves them; pass --layout channels-last for (N, L, A)")
        XCTAssertEqual(try AttributionArray(shape: [1, 4, 4], values: (0 ..< 16).map(Float.init), layout: .channelsLast).layout, .channelsLast)
    }

    func testChannelsLastWhenOnlyThatReadingIsProjected() throws {
        // Rows of the (L, A) block each hold one value; its columns do not.
        let values: [Float] = [1, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 5, 0, 0, 0].enumerated().map { index, value in
            [0, 6, 11, 12].contains(index) ? value : 0
        }
        let array = try AttributionArray(shape: [4, 4], values: values)
        XCTAssertEqual(array.layout, .channelsLast)
        XCTAssertEqual(array.layoutNote, "shape (4, 4) is ambiguous; took the last axis as the letters (N, L, A), the only reading with one letter per position; --layout overrides")
    }

    func testShapesThatAreNotAttributions() {
        XCTAssertThrowsError(try AttributionArray(shape: [10, 5, 7], values: [Float](repeating: 0, count: 350))) { error in
            XCTAssertEqual("\(error)", "shape (10, 5, 7) has no axis of 4 letters; expected (N, 4, L) or (N, L, 4)")
        }
        XCTAssertThrowsError(try AttributionArray(shape: [8], values: [Float](repeating: 0, count: 8))) { error in
            XCTAssertEqual("\(error)", "shape (8) is not an attribution array; expected (N, 4, L) or (N, L, 4)")
        }
        XCTAssertThrowsError(try AttributionArray(shape: [2, 4, 3], values: [Float](repeating: 0, count: 24), layout: .channelsLast)) { error in
            XCTAssertEqual("\(error)", "--layout channels-last needs the last axis of size 4, but the shape is (2, 4, 3)")
        }
    }

    func testMatrixHelpers() {
        let m = matrix([[0.5, -1, 0, 0], [0, 0, 0, 0], [0, 0, 2, 0]])
        XCTAssertFalse(m.isProjected)
        XCTAssertEqual(m.dominantLetters, [1, nil, 2])
        let projected = m.projected(onto: Array("ANG".utf8), alphabet: .dna)
        XCTAssertEqual(projected.column(0), [0.5, 0, 0, 0])
        XCTAssertEqual(projected.column(2), [0, 0, 2, 0])
        XCTAssertTrue(projected.isProjected)
        XCTAssertEqual(m.slice(1 ..< 3).column(1), [0, 0, 2, 0])
        XCTAssertEqual(PositionMatrix(alphabet: .rna, length: 1, values: [0, 0, 0, 1]).letters, ["A", "C", "G", "U"])
    }

    func testViewDecidesWhatToDraw() {
        let bases = Array("ACG".utf8)
        let projected = matrix([[0.5, 0, 0, 0], [0, 0, 0, 0], [0, 0, -1, 0]])
        let withoutBases = AttributionView(projected, bases: nil, alphabet: .dna, keepHypothetical: false)
        XCTAssertEqual(withoutBases.sequence, Array("ANG".utf8))
        XCTAssertEqual(withoutBases.matrix, projected)
        XCTAssertEqual(AttributionView(projected, bases: bases, alphabet: .dna, keepHypothetical: false).note, "contributions of the observed bases")

        let hypothetical = matrix([[0.5, 0.2, 0, 0], [0.1, 0.3, 0, 0], [0, 0, -1, 0.4]])
        let onto = AttributionView(hypothetical, bases: bases, alphabet: .dna, keepHypothetical: false)
        XCTAssertEqual(onto.matrix, matrix([[0.5, 0, 0, 0], [0, 0.3, 0, 0], [0, 0, -1, 0]]))
        XCTAssertFalse(onto.wantsHeatmap)
        XCTAssertEqual(AttributionView(hypothetical, bases: bases, alphabet: .dna, keepHypothetical: true).matrix, hypothetical)
        XCTAssertNil(AttributionView(hypothetical, bases: nil, alphabet: .dna, keepHypothetical: false).sequence)

        let ism = matrix([[0, -1, -2, 0.5], [0.2, 0, -0.1, 0], [-3, -3, 0, -2]])
        let view = AttributionView(ism, bases: bases, alphabet: .dna, keepHypothetical: false)
        XCTAssertEqual(view.matrix, ism)
        XCTAssertTrue(view.wantsHeatmap)
        XCTAssertEqual(view.sequence, bases)
    }
}
