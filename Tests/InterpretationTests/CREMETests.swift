import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// CREME's tile tests on the zoo's Enformer against numpy + onnxruntime (tools/make-creme-fixtures.py),
/// fed the same dinucleotide shuffles (Tests/Fixtures/creme/shuffles.fa).
final class CREMETests: XCTestCase {
    private func enformer() throws -> (model: SequenceModel, task: Int) {
        let model = try SequenceModel(contentsOf: Fixtures.url("zoo/enformer-pytorch/model.onnx"))
        let targeted = try model.resolveTarget("output:track=1,bins=12", length: 256)
        return (targeted.model, try XCTUnwrap(targeted.task))
    }

    func testMatchesTheNumpyReference() throws {
        let records = try FASTAReader.read(contentsOf: Fixtures.url("creme/shuffles.fa"))
        let sequence = records[0].sequence
        let backgrounds = records.filter { $0.id.hasPrefix("background_") }.map(\.sequence)
        let tiles = TileTests.tiles(length: 256, width: 32)
        XCTAssertEqual(tiles.count, 8)
        let shuffled = tiles.indices.map { t in records.filter { $0.id.hasPrefix("tile_\(t)_") }.map(\.sequence) }
        let (model, task) = try enformer()
        let result = try TileTests.run(model: model, task: task, sequence: sequence, tiles: tiles, shuffledTiles: shuffled, backgrounds: backgrounds)

        let lines = try String(contentsOf: Fixtures.url("creme/enformer-tiles.tsv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: " ")
        // float32 model, values around 1e-3: within 1e-4 of the largest effect.
        let scale = 0.0123
        XCTAssertEqual(result.reference, Double(header[2])!, accuracy: 1e-6)
        XCTAssertEqual(result.background, Double(header[4])!, accuracy: 1e-6)
        XCTAssertEqual(result.shuffles, 3)
        let rows = lines.dropFirst(2).map { $0.split(separator: "\t").map { Double($0)! } }
        XCTAssertEqual(rows.count, result.tiles.count)
        for (row, tile) in zip(rows, result.tiles) {
            XCTAssertEqual(tile.positions, Int(row[0]) ..< Int(row[1]))
            XCTAssertEqual(tile.necessity, row[2], accuracy: 1e-4 * scale, "\(tile.positions)")
            XCTAssertEqual(tile.necessitySpread, row[3], accuracy: 1e-4 * scale, "\(tile.positions)")
            XCTAssertEqual(tile.sufficiency, row[4], accuracy: 1e-4 * scale, "\(tile.positions)")
            XCTAssertEqual(tile.sufficiencySpread, row[5], accuracy: 1e-4 * scale, "\(tile.positions)")
            XCTAssertEqual(tile.context, row[6], accuracy: 1e-4 * scale, "\(tile.positions)")
        }
    }

    /// With a seed the shuffles are the generator's: backgrounds first, then each tile's; the same
    /// seed gives the same tests, and each shuffle keeps the dinucleotide counts.
    func testSeededShufflesAreReproducible() throws {
        let (model, task) = try enformer()
        let sequence = Array(try FASTAReader.read(contentsOf: Fixtures.url("creme/shuffles.fa"))[0].sequence)
        let a = try TileTests.run(model: model, task: task, sequence: sequence, tile: 100, shuffles: 2, seed: 5)
        let b = try TileTests.run(model: model, task: task, sequence: sequence, tile: 100, shuffles: 2, seed: 5)
        XCTAssertEqual(a.tiles, b.tiles)
        XCTAssertEqual(a.tiles.map(\.positions), [0 ..< 100, 100 ..< 200, 200 ..< 256])
        let c = try TileTests.run(model: model, task: task, sequence: sequence, tile: 100, shuffles: 2, seed: 6)
        XCTAssertNotEqual(a.tiles, c.tiles)
        // The explicit form with the generator's shuffles gives the same numbers.
        var generator = SeededGenerator(seed: 5)
        let backgrounds = (0 ..< 2).map { _ in DinucleotideShuffle.shuffle(sequence, using: &generator) }
        let tiles = TileTests.tiles(length: 256, width: 100)
        let pieces = tiles.map { tile in (0 ..< 2).map { _ in DinucleotideShuffle.shuffle(Array(sequence[tile]), using: &generator) } }
        let explicit = try TileTests.run(model: model, task: task, sequence: sequence, tiles: tiles, shuffledTiles: pieces, backgrounds: backgrounds)
        XCTAssertEqual(explicit.tiles, a.tiles)
    }
}
