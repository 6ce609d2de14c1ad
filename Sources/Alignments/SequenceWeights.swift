import Dispatch
import Foundation

/// Sequence weights as EVcouplings (`num_cluster_members`) and plmc compute them: each sequence
/// weighs 1 / (the number of sequences, itself included, whose identity with it over the L focus
/// columns is at least the threshold), gaps matching gaps; N_eff is the sum of the weights.
public enum SequenceWeights {
    /// 1 / `clusterSizes`, one per row of the N×`length` `states`.
    public static func weights(states: [UInt8], length: Int, identity: Double) -> [Float] {
        clusterSizes(states: states, length: length, identity: identity).map { 1 / Float($0) }
    }

    /// For each row, the number of rows (itself included) with identity ≥ `identity`, where the
    /// identity of two rows is the fraction of the `length` columns at which their states agree,
    /// compared as EVcouplings does (`matches / L >= threshold` in doubles). plmc compares
    /// `matches >= (1 − θ) L`, the same count except where 1 − θ rounds up (θ = 0.7: 4 of 10, not 3).
    ///
    /// All N²/2 pairs are compared 16 columns at a time, rows padded to a multiple of 16; pairs are
    /// split among the cores in blocks of rows, each core counting into its own array (N integers).
    public static func clusterSizes(states: [UInt8], length: Int, identity: Double) -> [Int] {
        precondition(length > 0 && states.count % length == 0)
        let count = states.count / length
        // The fewest matching columns that reach the threshold (EVcouplings' float comparison).
        guard let needed = (0...length).first(where: { Double($0) / Double(length) >= identity }) else {
            return [Int](repeating: 1, count: count)
        }
        let stride = (length + 15) / 16 * 16
        // Padding is the same in every row, so it adds `stride - length` matches to every pair.
        var padded = [UInt8](repeating: 0xFF, count: count * stride)
        for n in 0..<count {
            padded.replaceSubrange((n * stride)..<(n * stride + length), with: states[(n * length)..<((n + 1) * length)])
        }
        let threshold = needed + stride - length
        let workers = min(max(1, count / 64), ProcessInfo.processInfo.activeProcessorCount)
        let blockSize = 32
        let blocks = (count + blockSize - 1) / blockSize
        // A block of rows meets the later rows a tile at a time, the tile staying in cache for the
        // whole block: long alignments are read from memory blockSize times less often.
        let tileRows = max(64, 256 * 1024 / stride)
        let rows = padded
        let perWorker = WorkerCounts(workers: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var neighbours = [Int32](repeating: 0, count: count)
            rows.withUnsafeBytes { rows in
                let base = rows.baseAddress!
                // Blocks dealt round-robin: the triangle's long and short rows even out.
                for block in Swift.stride(from: worker, to: blocks, by: workers) {
                    let blockRows = (block * blockSize)..<min(count, (block + 1) * blockSize)
                    for tile in Swift.stride(from: blockRows.lowerBound + 1, to: count, by: tileRows) {
                        let tileEnd = min(count, tile + tileRows)
                        for i in blockRows where i + 1 < tileEnd {
                            let a = base + i * stride
                            var found: Int32 = 0
                            for j in max(tile, i + 1)..<tileEnd where matches(a, base + j * stride, stride: stride) >= threshold {
                                found += 1
                                neighbours[j] += 1
                            }
                            neighbours[i] += found
                        }
                    }
                }
            }
            perWorker.store(neighbours, at: worker)
        }
        let all = perWorker.take()
        return (0..<count).map { n in 1 + all.reduce(0) { $0 + Int($1[n]) } }
    }

    /// The number of equal bytes in two rows of `stride` bytes (a multiple of 16).
    @inline(__always)
    private static func matches(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, stride: Int) -> Int {
        var total = 0
        var offset = 0
        while offset < stride {
            // Each lane counts at most 255 chunks before it is summed.
            let end = min(stride, offset + 255 * 16)
            var lanes = SIMD16<UInt8>()
            while offset < end {
                let x = a.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
                let y = b.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
                lanes &+= SIMD16<UInt8>().replacing(with: 1, where: x .== y)
                offset += 16
            }
            total += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        return total
    }
}

/// Each worker's neighbour counts, stored once per worker from the concurrent loop.
private final class WorkerCounts: @unchecked Sendable {
    private var counts: [[Int32]]
    private let lock = NSLock()

    init(workers: Int) { counts = [[Int32]](repeating: [], count: workers) }

    func store(_ neighbours: [Int32], at worker: Int) {
        lock.lock()
        counts[worker] = neighbours
        lock.unlock()
    }

    func take() -> [[Int32]] { counts }
}
