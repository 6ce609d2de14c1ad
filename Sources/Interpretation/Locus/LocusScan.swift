import Foundation
import Genomics
import Inference

/// A fixed-length model tiled along a locus (`LocusTiling`): every task's prediction per tile,
/// and a per-base attribution track of one task, grad×input summed over the alphabet (for a
/// one-hot input, the gradient at the present base; N bases get 0) averaged over the tiles that
/// read the base. One batched pass per `batchSize` tiles gives both (the gradient pass returns the
/// output it differentiates).
///
/// `update` brings the tracks to a new sequence recomputing only the tiles that read a changed
/// base (all of them for another task or model). Not thread-safe: one worker thread at a time.
public final class LocusScan: @unchecked Sendable {
    public let tiling: LocusTiling
    public let batchSize: Int
    public let threads: Int
    /// Values per tile (the model's tasks); 0 before the first update.
    public private(set) var taskCount = 0
    /// Predictions, tile-major: (tiles, tasks).
    public private(set) var tilePredictions: [Float] = []
    /// The attribution track, one value per locus base.
    public private(set) var attribution: [Float]
    /// Each tile's own per-base attribution, (tiles, tile length), kept so an edit re-averages
    /// only the bases of the tiles it recomputes.
    private var tileAttributions: [Float]
    /// What the tiles (except `staleTiles`) were computed for.
    private var sequence: [UInt8]?
    private var task: Int?
    private var model: SequenceModel?
    /// Tiles still to compute: a cancelled update leaves its remaining tiles here.
    private var staleTiles = Set<Int>()
    /// Tiles computed whose bases are not re-averaged yet (a cancelled update leaves some).
    private var unaveragedTiles = Set<Int>()

    public init(tiling: LocusTiling, batchSize: Int = 64, threads: Int = 1) {
        self.tiling = tiling
        self.batchSize = max(1, batchSize)
        self.threads = max(1, threads)
        attribution = [Float](repeating: 0, count: tiling.locusLength)
        tileAttributions = [Float](repeating: 0, count: tiling.count * tiling.tileLength)
    }

    /// Computes the tiles `sequence` (the whole locus) changes for `task` of `model`.
    /// - Parameter progress: called after each batch with (tiles done, tiles to do).
    /// - Parameter isCancelled: polled between batches; true throws `CancellationError` (the
    ///   tiles not done yet are computed by the next update).
    /// - Returns: how many tiles were computed.
    @discardableResult
    public func update(_ sequence: [UInt8], task: Int, model: SequenceModel, progress: ((Int, Int) -> Void)? = nil,
                       isCancelled: (() -> Bool)? = nil) throws -> Int {
        precondition(sequence.count == tiling.locusLength, "LocusScan.update: \(sequence.count) bases for a \(tiling.locusLength)-nt locus")
        if let previous = self.sequence, task == self.task, model === self.model {
            for position in sequence.indices where sequence[position] != previous[position] {
                staleTiles.formUnion(tiling.tiles(covering: position))
            }
        } else {
            staleTiles = Set(0 ..< tiling.count)
        }
        self.sequence = sequence
        self.task = task
        self.model = model
        let order = staleTiles.sorted()
        var done = 0
        for batchStart in Swift.stride(from: 0, to: order.count, by: batchSize) {
            if isCancelled?() == true { throw CancellationError() }
            let batch = Array(order[batchStart ..< min(order.count, batchStart + batchSize)])
            try compute(batch, of: sequence, task: task, model: model)
            staleTiles.subtract(batch)
            unaveragedTiles.formUnion(batch)
            done += batch.count
            progress?(done, order.count)
        }
        average(readBy: unaveragedTiles.sorted())
        unaveragedTiles = []
        return order.count
    }

    private func compute(_ tiles: [Int], of sequence: [UInt8], task: Int, model: SequenceModel) throws {
        let length = tiling.tileLength, letters = model.alphabet.size
        let inputs = tiles.map { Array(sequence[tiling.positions(ofTile: $0)]) }
        let input = Tensor(shape: model.inputShape(batch: tiles.count, length: length),
                           scalars: try OneHot.encode(inputs, alphabet: model.alphabet, layout: model.layout))
        let plan = try model.plan(batch: tiles.count, length: length)
        let result: (value: Tensor<Float>, gradient: Tensor<Float>)
        do {
            result = try plan.gradient(of: model.outputName, seed: { model.seed(task: task, output: $0) }, inputs: model.feed(input),
                                       respectTo: model.inputName, threads: threads)
        } catch let error as InferenceError {
            throw InterpretationError("\(model.url.lastPathComponent): \(error.description)")
        }
        let predictions = model.tasks(of: result.value)
        let tasks = predictions.count / tiles.count
        if taskCount != tasks {
            taskCount = tasks
            tilePredictions = [Float](repeating: 0, count: tiling.count * tasks)
        }
        let gradient = result.gradient.scalars, encoded = input.scalars, perTile = letters * length
        for (row, tile) in tiles.enumerated() {
            tilePredictions.replaceSubrange(tile * tasks ..< (tile + 1) * tasks, with: predictions.scalars[row * tasks ..< (row + 1) * tasks])
            for column in 0 ..< length {
                var sum: Float = 0
                for letter in 0 ..< letters {
                    let index = row * perTile + (model.layout == .channelsFirst ? letter * length + column : column * letters + letter)
                    sum += gradient[index] * encoded[index]
                }
                tileAttributions[tile * length + column] = sum
            }
        }
    }

    /// Re-averages the attribution of every base that one of `tiles` (ascending) reads, over all
    /// the tiles that read it.
    private func average(readBy tiles: [Int]) {
        let length = tiling.tileLength
        var next = 0
        for tile in tiles {
            let positions = tiling.positions(ofTile: tile)
            for position in max(next, positions.lowerBound) ..< positions.upperBound {
                let covering = tiling.tiles(covering: position)
                var sum: Float = 0
                for other in covering { sum += tileAttributions[other * length + position - tiling.start(ofTile: other)] }
                attribution[position] = sum / Float(covering.count)
            }
            next = positions.upperBound
        }
    }
}
