import Interpretation
import XCTest

/// ISM's chunks: their size from the model's span, and the order the queue hands them out.
final class ChunkSizerTests: XCTestCase {
    func testShortSpanKeepsTheLargestChunk() {
        // Basset: a 19-wide first convolution, 21 positions of 3 mutants → a 39-wide window.
        let sizer = ChunkSizer(largest: 21)
        sizer.measured(positions: 21, mutantsPerPosition: 3, widestWindow: 39, ranPlainPass: false)
        XCTAssertEqual(sizer.positionsPerChunk, 21)
    }

    func testLongSpanShrinksToTheFewestPositionsThatFillAProduct() {
        // BPNet-class: a window of ~1,000 positions per mutant fills a product with one position.
        let wide = ChunkSizer(largest: 21)
        wide.measured(positions: 21, mutantsPerPosition: 3, widestWindow: 1057, ranPlainPass: false)
        XCTAssertEqual(wide.positionsPerChunk, 1)
        // A span of 200: p positions give 3p × (200 + p) columns; 5 is the first to reach 2,560.
        let medium = ChunkSizer(largest: 21)
        medium.measured(positions: 21, mutantsPerPosition: 3, widestWindow: 221, ranPlainPass: false)
        XCTAssertEqual(medium.positionsPerChunk, 5)
        XCTAssertLessThan(3 * 4 * 204, ChunkSizer.productColumns)
        XCTAssertGreaterThanOrEqual(3 * 5 * 205, ChunkSizer.productColumns)
    }

    func testOnlyTheFirstChunkSetsTheSizeAndPlainPassesKeepIt() {
        let sizer = ChunkSizer(largest: 21)
        sizer.measured(positions: 21, mutantsPerPosition: 3, widestWindow: 39, ranPlainPass: false)
        sizer.measured(positions: 21, mutantsPerPosition: 3, widestWindow: 1057, ranPlainPass: false)
        XCTAssertEqual(sizer.positionsPerChunk, 21, "a later chunk does not change the size")
        let plain = ChunkSizer(largest: 21)
        plain.measured(positions: 21, mutantsPerPosition: 3, widestWindow: 0, ranPlainPass: true)
        XCTAssertEqual(plain.positionsPerChunk, 21)
    }

    func testQueueHandsOutEveryMutantOnceFromTheMiddle() {
        // Seven positions; the fourth is an N, so all four bases are its mutants.
        let mutantsPerPosition = [3, 3, 3, 4, 3, 3, 3]
        var starts = [0]
        for count in mutantsPerPosition { starts.append(starts.last! + count) }
        let queue = SaturationMutagenesis.ChunkQueue(positionStarts: starts, sizer: ChunkSizer(largest: 2), isCancelled: nil)
        var chunks: [Range<Int>] = []
        while let chunk = queue.next() { chunks.append(chunk) }
        // Positions [3, 5), [5, 7), then [0, 2), [2, 3): the middle first, never past it after wrapping.
        XCTAssertEqual(chunks, [starts[3] ..< starts[5], starts[5] ..< starts[7], starts[0] ..< starts[2], starts[2] ..< starts[3]])
        XCTAssertEqual(chunks.map(\.count).reduce(0, +), starts.last!)
    }

    func testQueueStopsWhenCancelled() {
        let queue = SaturationMutagenesis.ChunkQueue(positionStarts: [0, 3, 6], sizer: ChunkSizer(largest: 1), isCancelled: { true })
        XCTAssertNil(queue.next())
    }
}
