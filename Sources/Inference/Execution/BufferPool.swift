import Foundation

/// Recycles large float buffers between the ops of a run and between runs, so the hot
/// path reuses memory instead of page-faulting fresh allocations (glibc hands blocks of
/// more than 32 MiB straight back to the kernel, and a first-layer activation of a
/// batch of 64 × 1000 nt is 75 MB).
final class BufferPool: @unchecked Sendable {
    /// Buffers smaller than this are left to malloc, which recycles them well.
    static let minimumCount = 1 << 16
    /// Keeps at most this many idle buffers.
    static let capacity = 16

    private var idle: [[Float]] = []
    private let lock = NSLock()

    /// A buffer of exactly `count` elements whose contents are unspecified: the caller
    /// overwrites every element.
    func take(count: Int) -> [Float] {
        if count >= Self.minimumCount {
            lock.lock()
            let best = idle.indices.filter { idle[$0].capacity >= count }.min { idle[$0].capacity < idle[$1].capacity }
            var buffer = best.map { idle.remove(at: $0) }
            lock.unlock()
            if buffer != nil {
                if buffer!.count > count {
                    buffer!.removeLast(buffer!.count - count)
                } else if buffer!.count < count {
                    buffer!.append(contentsOf: repeatElement(0, count: count - buffer!.count))
                }
                return buffer!
            }
        }
        return [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// A buffer of `count` zeros (for kernels that accumulate into their output).
    func takeZeroed(count: Int) -> [Float] {
        var buffer = take(count: count)
        buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        return buffer
    }

    /// Buffers waiting to be taken (tests check that a pass gave its buffers back).
    var idleCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return idle.count
    }

    /// Offers a buffer no one reads any more. A buffer still shared (an alias made by
    /// Reshape, say) is safe too: writing to it later copies first, as arrays do.
    func recycle(_ buffer: [Float]) {
        guard buffer.capacity >= Self.minimumCount else { return }
        lock.lock()
        defer { lock.unlock() }
        idle.append(buffer)
        // Over capacity, drop the smallest: large buffers are the ones worth keeping.
        if idle.count > Self.capacity, let smallest = idle.indices.min(by: { idle[$0].capacity < idle[$1].capacity }) {
            idle.remove(at: smallest)
        }
    }
}
