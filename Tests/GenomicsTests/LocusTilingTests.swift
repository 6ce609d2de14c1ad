import Genomics
import XCTest

/// The tiling's closed forms against brute force over every position.
final class LocusTilingTests: XCTestCase {
    func testTilesStartEveryStrideAndTheLastEndsAtTheLocusEnd() {
        let even = LocusTiling(locusLength: 700, tileLength: 200, stride: 100)
        XCTAssertEqual((0 ..< even.count).map(even.start(ofTile:)), [0, 100, 200, 300, 400, 500])
        let uneven = LocusTiling(locusLength: 700, tileLength: 200, stride: 150)
        XCTAssertEqual((0 ..< uneven.count).map(uneven.start(ofTile:)), [0, 150, 300, 450, 500])
        let single = LocusTiling(locusLength: 200, tileLength: 200, stride: 100)
        XCTAssertEqual(single.count, 1)
    }

    func testCoveringAndNearestTilesEqualBruteForce() {
        for (length, tile, stride) in [(700, 200, 100), (700, 200, 150), (1003, 200, 200), (1003, 200, 1), (250, 200, 7), (200, 200, 100)] {
            let tiling = LocusTiling(locusLength: length, tileLength: tile, stride: stride)
            let tiles = 0 ..< tiling.count
            for position in 0 ..< length {
                let covering = tiles.filter { tiling.positions(ofTile: $0).contains(position) }
                XCTAssertEqual(Array(tiling.tiles(covering: position)), covering, "\(length)/\(tile)/\(stride) at \(position)")
                let distance = { (index: Int) in abs(tiling.start(ofTile: index) + tile / 2 - position) }
                let nearest = covering.min { distance($0) < distance($1) }!
                XCTAssertEqual(tiling.nearestTile(to: position), nearest, "\(length)/\(tile)/\(stride) at \(position)")
            }
            XCTAssertEqual(Array(tiling.tiles(covering: 0 ..< length)), Array(tiles))
        }
    }
}
