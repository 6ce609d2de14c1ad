@testable import Inference
import XCTest

/// The block copies of TensorSlices against element-by-element index arithmetic.
final class TensorSlicesTests: XCTestCase {
    /// A tensor whose every value is distinct (its flat index plus an offset).
    private func numbered(_ shape: [Int], from first: Float = 0) -> Tensor<Float> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { first + Float($0) })
    }

    func testSliceKeepsPositionsOfOneAxis() {
        let t = numbered([2, 3, 5, 2])
        let s = t.slice(axis: 2, 1, 4)
        XCTAssertEqual(s.shape, [2, 3, 3, 2])
        var expected = [Float]()
        for a in 0..<2 { for b in 0..<3 { for p in 1..<4 { for c in 0..<2 { expected.append(Float(((a * 3 + b) * 5 + p) * 2 + c)) } } } }
        XCTAssertEqual(s.scalars, expected)
    }

    /// Each block from `axis` inward, `count` times in a row: along axis 0 the whole tensor.
    func testRepeatedCopiesEachBlockInTurn() {
        let t = numbered([2, 3])
        XCTAssertEqual(t.repeated(2, along: 1).scalars, [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
        XCTAssertEqual(t.repeated(3, along: 0).shape, [6, 3])
        XCTAssertEqual(t.repeated(3, along: 0).scalars, [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5])
    }

    /// Every placement of a window against the range: inside, overlapping either end, covering
    /// it, and clear of it on either side.
    func testSplicedTakesTheWindowWhereItOverlapsAndTheReferenceElsewhere() {
        let channels = 3, length = 12, inner = 2, variants = 4, windowWidth = 4
        let reference = numbered([1, channels, length, inner])
        let window = numbered([variants, channels, windowWidth, inner], from: 1_000)
        for (windowStart, start, end) in [(4, 2, 10), (0, 2, 10), (8, 2, 10), (3, 5, 7), (0, 6, 9), (8, 1, 5), (5, 5, 9)] {
            let spliced = reference.spliced(window, at: windowStart, axis: 2, start, end)
            XCTAssertEqual(spliced.shape, [variants, channels, end - start, inner])
            var expected = [Float]()
            for v in 0..<variants {
                for c in 0..<channels {
                    for p in start..<end {
                        for i in 0..<inner {
                            let inWindow = p >= windowStart && p < windowStart + windowWidth
                            expected.append(inWindow
                                ? window.scalars[((v * channels + c) * windowWidth + p - windowStart) * inner + i]
                                : reference.scalars[(c * length + p) * inner + i])
                        }
                    }
                }
            }
            XCTAssertEqual(spliced.scalars, expected, "window at \(windowStart), range \(start)..<\(end)")
        }
    }
}
