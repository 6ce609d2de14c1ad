import Dispatch

/// Runs `body(i)` for i in 0..<count on up to `threads` threads, in contiguous chunks.
/// Callers write to disjoint memory per index.
func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    let workers = min(threads, count)
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
