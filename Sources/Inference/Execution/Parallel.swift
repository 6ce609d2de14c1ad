import Dispatch

/// Below this many element operations (a few µs), sharing them with a worker costs more than
/// it saves.
let minimumParallelWork = 1 << 16

/// Runs `body(i)` for i in 0..<count on up to `threads` threads, in contiguous chunks,
/// when the whole loop does at least `minimumParallelWork` element operations (`work`).
/// Callers write to disjoint memory per index.
func parallelFor(_ count: Int, threads: Int, work: Int, _ body: (Int) -> Void) {
    parallelChunks(count, threads: threads, work: work) { chunk in
        for index in chunk { body(index) }
    }
}

/// `parallelFor`'s contiguous chunks of 0..<count, one `body` call each (the whole range when
/// the work is too small to share): for kernels that take a block of rows per call.
func parallelChunks(_ count: Int, threads: Int, work: Int, _ body: (Range<Int>) -> Void) {
    let workers = work < minimumParallelWork ? 1 : min(threads, count)
    guard workers > 1 else {
        if count > 0 { body(0..<count) }
        return
    }
    concurrently(workers) { worker in
        body((count * worker / workers) ..< (count * (worker + 1) / workers))
    }
}

/// Runs `body` over contiguous ranges that cover 0..<count, one per worker (starts at multiples
/// of 16: whole vector registers), when `count` reaches `minimumParallelWork`: elementwise
/// passes over tensors one sequence cannot split by batch. Callers write disjoint ranges.
func parallelRanges(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    let granules = (count + 15) / 16
    let workers = count < minimumParallelWork ? 1 : min(threads, granules)
    guard workers > 1 else {
        body(0..<count)
        return
    }
    concurrently(workers) { worker in
        let start = min(count, granules * worker / workers * 16)
        let end = min(count, granules * (worker + 1) / workers * 16)
        if end > start { body(start..<end) }
    }
}

/// Runs `body(i)` for i in 0..<count, the calling thread and up to `participants − 1` of the
/// engine's workers (one per index by default) claiming the indices in turn, and returns when
/// all are done. Callers write to disjoint memory per index.
func concurrently(_ count: Int, participants: Int? = nil, _ body: (Int) -> Void) {
    if #available(macOS 15, *) {
        WorkerPool.shared.run(count, participants: participants, body)
    } else {
        onDispatch(count, body)
    }
}

/// `concurrently` on Dispatch's threads, which take tens of µs to wake.
func onDispatch(_ count: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: count) { body($0) }
    }
}
