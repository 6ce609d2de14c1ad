import Dispatch

/// Below this many element operations, waking threads costs more than it saves.
let minimumParallelWork = 1 << 16

/// Runs `body(i)` for i in 0..<count on up to `threads` threads, in contiguous chunks,
/// when the whole loop does at least `minimumParallelWork` element operations (`work`).
/// Callers write to disjoint memory per index.
func parallelFor(_ count: Int, threads: Int, work: Int, _ body: (Int) -> Void) {
    let workers = work < minimumParallelWork ? 1 : min(threads, count)
    guard workers > 1 else {
        for index in 0..<count { body(index) }
        return
    }
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = count * worker / workers
            let end = count * (worker + 1) / workers
            for index in start..<end { body(index) }
        }
    }
}
