import Foundation
import Genomics
import Inference

/// One tile's results in CREME's tile tests.
public struct TileEffect: Sendable, Equatable {
    /// The tile, 0-based, end-exclusive.
    public var positions: Range<Int>
    /// Necessity: f(x) − mean over shuffles of f(x with this tile dinucleotide-shuffled); positive when
    /// the prediction drops without the tile.
    public var necessity: Double
    /// Standard deviation (population) over the shuffles of f(x with the tile shuffled).
    public var necessitySpread: Double
    /// Sufficiency: mean over backgrounds of f(background with this tile restored) − f(background); positive
    /// when the tile alone lifts the prediction of a dinucleotide-shuffled sequence.
    public var sufficiency: Double
    /// Standard deviation over the backgrounds of that rise.
    public var sufficiencySpread: Double
    /// Context dependence: the tile's effect in its own context minus its effect in shuffled
    /// backgrounds (necessity − sufficiency); 0 when the tile acts alike anywhere.
    public var context: Double { necessity - sufficiency }
}

/// CREME's tile tests (Toneyan & Koo, "Interpreting cis-regulatory interactions in genomic deep neural
/// networks", Nat Mach Intell 2024): a sequence cut into tiles, each tested for
///   - necessity: shuffle the tile (dinucleotide shuffle) in the real sequence, measure the drop;
///   - sufficiency: keep the tile at its place in a dinucleotide-shuffled copy of the whole sequence,
///     measure the rise over that background;
///   - context dependence: the tile's effect in its own context (necessity) against its effect in the
///     shuffled backgrounds (sufficiency).
/// Every value is of one scalar prediction (a task of a model read through `--target`).
public struct TileTests: Sendable {
    /// f(x) of the sequence as it is.
    public var reference: Double
    /// Mean f over the shuffled backgrounds.
    public var background: Double
    public var shuffles: Int
    public var tiles: [TileEffect]

    /// Tiles of `width` from position 0; the last holds what is left.
    public static func tiles(length: Int, width: Int) -> [Range<Int>] {
        stride(from: 0, to: length, by: width).map { $0 ..< min($0 + width, length) }
    }

    /// Runs the three tests with shuffles from `seed`: first the `shuffles` backgrounds (shuffles of the
    /// whole sequence), then, tile by tile, `shuffles` shuffles of the tile's letters, all from one
    /// `SeededGenerator`, so that a seed gives the same tests every time.
    public static func run(model: SequenceModel, task: Int, sequence: [UInt8], tile width: Int, shuffles: Int, seed: UInt64,
                           batchSize: Int = 64, threads: Int = 1, progress: ((Int, Int) -> Void)? = nil) throws -> TileTests {
        var generator = SeededGenerator(seed: seed)
        let backgrounds = (0 ..< shuffles).map { _ in DinucleotideShuffle.shuffle(sequence, using: &generator) }
        let ranges = Self.tiles(length: sequence.count, width: width)
        let shuffledTiles = ranges.map { tile in
            (0 ..< shuffles).map { _ in DinucleotideShuffle.shuffle(Array(sequence[tile]), using: &generator) }
        }
        return try run(model: model, task: task, sequence: sequence, tiles: ranges, shuffledTiles: shuffledTiles, backgrounds: backgrounds,
                       batchSize: batchSize, threads: threads, progress: progress)
    }

    /// The tests with the shuffles given: `shuffledTiles[t][k]` replaces tile t in shuffle k, and
    /// `backgrounds[k]` is background k (the same count for both). Package API: the reference
    /// fixtures give their own shuffles.
    package static func run(model: SequenceModel, task: Int, sequence: [UInt8], tiles: [Range<Int>], shuffledTiles: [[[UInt8]]],
                            backgrounds: [[UInt8]], batchSize: Int = 64, threads: Int = 1,
                            progress: ((Int, Int) -> Void)? = nil) throws -> TileTests {
        let count = backgrounds.count
        precondition(count > 0 && shuffledTiles.count == tiles.count && shuffledTiles.allSatisfy { $0.count == count })
        // One batch of sequences: x, the backgrounds, then per tile its shuffles in x and its
        // restorations in the backgrounds.
        var inputs: [[UInt8]] = [sequence] + backgrounds
        for (tile, shuffled) in zip(tiles, shuffledTiles) {
            for replacement in shuffled {
                var necessity = sequence
                necessity.replaceSubrange(tile, with: replacement)
                inputs.append(necessity)
            }
            for background in backgrounds {
                var sufficiency = background
                sufficiency.replaceSubrange(tile, with: sequence[tile])
                inputs.append(sufficiency)
            }
        }
        let output = try model.predict(inputs, batchSize: batchSize, threads: threads) { progress?($0, inputs.count) }
        let tasks = output.shape[1]
        let f = (0 ..< inputs.count).map { Double(output.scalars[$0 * tasks + task]) }
        let reference = f[0]
        let bases = Array(f[1 ... count])
        var effects: [TileEffect] = []
        var row = 1 + count
        for tile in tiles {
            let shuffled = Array(f[row ..< row + count])
            let restored = Array(f[row + count ..< row + 2 * count])
            row += 2 * count
            let rises = zip(restored, bases).map { $0 - $1 }
            effects.append(TileEffect(positions: tile, necessity: reference - mean(shuffled), necessitySpread: deviation(shuffled),
                                      sufficiency: mean(rises), sufficiencySpread: deviation(rises)))
        }
        return TileTests(reference: reference, background: mean(bases), shuffles: count, tiles: effects)
    }

    private static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    /// Population standard deviation, as numpy's `std`.
    private static func deviation(_ values: [Double]) -> Double {
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
    }
}
