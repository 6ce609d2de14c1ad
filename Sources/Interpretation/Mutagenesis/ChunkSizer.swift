import Foundation

/// How many consecutive positions one chunk of ISM mutants spans.
///
/// A chunk's mutants share one window: each carries the positions its substitution reaches
/// from any of the chunk's positions, the model's span plus the chunk's. Chunks as large as
/// `--batch` allows suit short spans: Basset's first convolution (span 18) makes products of
/// 63 mutants × 39 positions, and 15 mutants a chunk cost it 20 % more CPU. A deep dilated
/// tower's span is ~1,000 positions, so three mutants already make wide products while 63 of
/// them spill the caches: BPNet's full ISM took 1.43 CPU-s at 63 mutants a chunk and 1.11–1.14
/// at 3–6, 25–35 % less at every position (bench/RESULTS.md). So a chunk spans the fewest
/// positions whose mutants × window make `productColumns` columns, learnt from the span the
/// first chunk shows; not from timings, so that a run's numbers do not depend on the machine's load.
package final class ChunkSizer: @unchecked Sendable {
    /// Mutants × window positions from which products run near full speed (Basset: 63 × 39).
    package static let productColumns = 2560

    private let lock = NSLock()
    private var size: Int
    private var settled = false

    /// - Parameter largest: positions a chunk spans at most (`--batch` mutants).
    package init(largest: Int) {
        size = max(1, largest)
    }

    /// Positions the next chunk spans.
    package var positionsPerChunk: Int {
        lock.lock()
        defer { lock.unlock() }
        return size
    }

    /// Sets the size from the first chunk evaluated: `positions` positions of `mutantsPerPosition`
    /// mutants each whose widest window was `widestWindow` positions. A chunk that fell back to
    /// a plain pass keeps the largest size: every mutant costs a whole sequence there, and wide
    /// batches are what makes that cheaper.
    package func measured(positions: Int, mutantsPerPosition: Int, widestWindow: Int, ranPlainPass: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard !settled else { return }
        settled = true
        guard !ranPlainPass, widestWindow >= positions, mutantsPerPosition > 0 else { return }
        let span = widestWindow - positions
        var fewest = 1
        while fewest < size && fewest * mutantsPerPosition * (span + fewest) < Self.productColumns { fewest += 1 }
        size = fewest
    }
}
