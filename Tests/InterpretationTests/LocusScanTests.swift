import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// The tiled locus against brute force: each tile predicted and attributed alone through the
/// batch APIs (`SequenceModel.predict`, `Attributor` grad×input), overlaps averaged by a plain
/// loop here; and an edit recomputes only the tiles that read it, equal to a full recompute.
final class LocusScanTests: XCTestCase {
    private static let model = try! SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx"))
    /// 700 bases of human chr1 (the genome fixture), a locus of 200-nt tiles.
    private static let locus: [UInt8] = Array(try! FASTAReader.read(contentsOf: Fixtures.url("genome/mini.fa"))[0].sequence.prefix(700))

    private func bruteForce(_ sequence: [UInt8], tiling: LocusTiling, task: Int) throws -> (predictions: [Float], attribution: [Float]) {
        let model = Self.model, attributor = Attributor(model: model)
        var predictions: [Float] = [], perTile: [[Float]] = []
        for tile in 0 ..< tiling.count {
            let bases = Array(sequence[tiling.positions(ofTile: tile)])
            predictions += try model.predict([bases]).scalars
            let map = try attributor.attribute([bases], settings: AttributionSettings(method: .gradInput, target: task)).scalars
            perTile.append((0 ..< tiling.tileLength).map { column in (0 ..< 4).reduce(Float(0)) { $0 + map[$1 * tiling.tileLength + column] } })
        }
        var attribution = [Float](repeating: 0, count: sequence.count)
        for position in sequence.indices {
            var sum: Float = 0, count = 0
            for tile in 0 ..< tiling.count {
                let start = tiling.start(ofTile: tile)
                if start <= position && position < start + tiling.tileLength {
                    sum += perTile[tile][position - start]
                    count += 1
                }
            }
            attribution[position] = sum / Float(count)
        }
        return (predictions, attribution)
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        let scale = max(expected.map(abs).max() ?? 0, 1e-6)
        let comparison = compare(actual, expected, absolute: 1e-5 * scale, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison)", file: file, line: line)
    }

    func testTracksEqualEachTileAloneWithOverlapsAveraged() throws {
        for stride in [100, 150] {
            let tiling = LocusTiling(locusLength: Self.locus.count, tileLength: 200, stride: stride)
            let scan = LocusScan(tiling: tiling, batchSize: 4, threads: 2)
            var reported: [(Int, Int)] = []
            let computed = try scan.update(Self.locus, task: 3, model: Self.model, progress: { reported.append(($0, $1)) })
            XCTAssertEqual(computed, tiling.count)
            XCTAssertEqual(reported.map(\.0), [4, tiling.count], "progress after each batch of 4")
            XCTAssertEqual(scan.taskCount, 12)
            let expected = try bruteForce(Self.locus, tiling: tiling, task: 3)
            assertClose(scan.tilePredictions, expected.predictions, "predictions, stride \(stride)")
            assertClose(scan.attribution, expected.attribution, "attribution, stride \(stride)")
            XCTAssertGreaterThan(scan.attribution.map(abs).max()!, 0)
        }
    }

    func testAnEditRecomputesOnlyTheTilesReadingItAndEqualsAFullRecompute() throws {
        let tiling = LocusTiling(locusLength: Self.locus.count, tileLength: 200, stride: 150)
        let scan = LocusScan(tiling: tiling, threads: 1)
        try scan.update(Self.locus, task: 0, model: Self.model)
        let original = scan.attribution
        var edited = Self.locus
        edited[320] = edited[320] == UInt8(ascii: "A") ? UInt8(ascii: "C") : UInt8(ascii: "A")
        // Position 320 is read by the tiles at 150 and 300 only.
        XCTAssertEqual(try scan.update(edited, task: 0, model: Self.model), 2)
        XCTAssertEqual(try scan.update(edited, task: 0, model: Self.model), 0, "nothing changed")
        let fresh = LocusScan(tiling: tiling, threads: 1)
        try fresh.update(edited, task: 0, model: Self.model)
        assertClose(scan.tilePredictions, fresh.tilePredictions, "predictions after the edit")
        assertClose(scan.attribution, fresh.attribution, "attribution after the edit")
        XCTAssertNotEqual(scan.attribution[320], original[320], "the edit changes the track")
        // Another task recomputes every tile.
        XCTAssertEqual(try scan.update(edited, task: 5, model: Self.model), tiling.count)
    }

    func testACancelledUpdateIsFinishedByTheNext() throws {
        let tiling = LocusTiling(locusLength: Self.locus.count, tileLength: 200, stride: 100)
        let scan = LocusScan(tiling: tiling, batchSize: 2)
        var batches = 0
        XCTAssertThrowsError(try scan.update(Self.locus, task: 1, model: Self.model, isCancelled: { batches += 1; return batches > 2 })) {
            XCTAssertTrue($0 is CancellationError)
        }
        XCTAssertEqual(try scan.update(Self.locus, task: 1, model: Self.model), tiling.count - 4, "the 4 tiles done before the cancel are kept")
        let expected = try bruteForce(Self.locus, tiling: tiling, task: 1)
        assertClose(scan.tilePredictions, expected.predictions, "predictions")
        assertClose(scan.attribution, expected.attribution, "attribution")
    }
}
