import CVectorMath
import Dispatch
import Foundation
import Synchronization

/// Threads that share one op of a pass. Waking a parked thread costs tens of µs on a VM, as much
/// as a whole op of a batch-1 pass; so a worker that finished a job spins on the job ticket for
/// `spinning` (the gap between two ops of a pass is a few µs) before it parks on its semaphore,
/// and the caller claims indices itself, so that a worker late to wake costs only its share.
///
/// One job at a time: a caller that finds the pool busy (a `concurrently` inside a job, or
/// another thread's pass) runs its job on Dispatch's threads instead, as before the pool.
/// Workers start when a job first needs them (a job of `participants` threads uses
/// `participants − 1`), and stop when the pool is released.
@available(macOS 15, *)
final class WorkerPool: Sendable {
    /// The engine's pool.
    static let shared = WorkerPool(spinning: 200_000)

    private let core: Core

    /// - Parameters:
    ///   - spinning: nanoseconds a worker spins after a job before it parks.
    ///   - threadName: what the workers' threads are called (at most 15 bytes on Linux).
    init(spinning: UInt64, threadName: String = "seqlens worker") {
        core = Core(spinning: spinning, threadName: threadName)
    }

    deinit {
        core.stop()
    }

    /// Runs `body(i)` for i in 0..<count on the calling thread and up to `participants − 1`
    /// workers (`count − 1` by default), each claiming the next index when done with its last;
    /// returns when all are done.
    func run(_ count: Int, participants: Int? = nil, _ body: (Int) -> Void) {
        let participants = min(count, participants ?? count)
        guard count > 1, participants > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        guard count <= Core.maximumCount, core.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            onDispatch(count, body)
            return
        }
        withoutActuallyEscaping(body) { core.run(count, participants: participants, $0) }
        core.busy.store(false, ordering: .releasing)
    }

    /// Worker threads started so far (a package hook for tests).
    package var startedWorkers: Int { core.started.load(ordering: .relaxed) }

    /// Workers parked on their semaphores (a package hook for tests).
    package var parkedWorkers: Int { core.parked.load(ordering: .relaxed) }

    /// What the callers and the worker threads share; the threads keep it alive until they stop.
    private final class Core: @unchecked Sendable {
        /// A job's indices fit in the ticket's 16 bits.
        static let maximumCount = 1 << 16 - 1

        let spinning: UInt64
        let threadName: String
        /// Held by the one caller whose job runs.
        let busy = Atomic<Bool>(false)
        /// The job: its number (upper 32 bits), its index count (16 bits) and the next index to
        /// claim (16 bits). One word, so that a worker late from the previous job claims nothing.
        let ticket = Atomic<UInt64>(0)
        /// Indices of the current job done.
        let finished = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let started = Atomic<Int>(0)
        let parked = Atomic<Int>(0)
        /// The current job's body: written by the caller before it publishes the ticket, read by a
        /// worker only after claiming an index of that ticket.
        nonisolated(unsafe) var body: ((Int) -> Void)?
        /// Changed only by the caller holding `busy`; read by `stop` when no caller is left.
        nonisolated(unsafe) var workers: [Worker] = []

        init(spinning: UInt64, threadName: String) {
            self.spinning = spinning
            self.threadName = threadName
        }

        final class Worker: Sendable {
            /// Set by the worker before it parks, cleared by whoever takes the wake-up on it.
            let parked = Atomic<Bool>(false)
            let wake = DispatchSemaphore(value: 0)
        }

        func run(_ count: Int, participants: Int, _ body: @escaping (Int) -> Void) {
            while workers.count < participants - 1 { startWorker() }
            self.body = body
            finished.store(0, ordering: .relaxed)
            let job = (ticket.load(ordering: .relaxed) >> 32 &+ 1) & 0xFFFF_FFFF
            // Sequentially consistent, against a worker that sets `parked` and then reads the
            // ticket: one of the two sees the other's store.
            ticket.store(job << 32 | UInt64(count) << 16, ordering: .sequentiallyConsistent)
            for worker in workers.prefix(participants - 1) { wake(worker) }
            work(job)
            var polls = 0
            while finished.load(ordering: .acquiring) < count {
                polls += 1
                seqlens_spin_pause()
                // A worker that the scheduler took off its core: let it back on.
                if polls > 1_000 { sched_yield() }
            }
            self.body = nil
        }

        /// Claims and runs indices of `job` until none is left.
        private func work(_ job: UInt64) {
            var current = ticket.load(ordering: .acquiring)
            while current >> 32 == job, current & 0xFFFF < current >> 16 & 0xFFFF {
                let (claimed, original) = ticket.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
                guard claimed else {
                    current = original
                    continue
                }
                body!(Int(current & 0xFFFF))
                finished.add(1, ordering: .releasing)
                current = ticket.load(ordering: .acquiring)
            }
        }

        private func startWorker() {
            let worker = Worker()
            // The job before the caller's: a thread that starts after the caller published its
            // job still takes part in it.
            let seen = ticket.load(ordering: .relaxed) >> 32
            Thread { [self] in
                Self.nameCurrentThread(threadName)
                loop(worker, seen: seen)
            }.start()
            workers.append(worker)
            started.add(1, ordering: .relaxed)
        }

        /// Foundation's `Thread.current.name` left about one thread in twenty unnamed (when the
        /// thread ran before `start` returned), so on Linux the thread writes its name itself.
        private static func nameCurrentThread(_ name: String) {
            #if os(Linux)
            let file = open("/proc/thread-self/comm", O_WRONLY)
            guard file >= 0 else { return }
            _ = name.withCString { write(file, $0, strlen($0)) }
            close(file)
            #else
            Thread.current.name = name
            #endif
        }

        private func loop(_ worker: Worker, seen: UInt64) {
            var seen = seen
            var idleSince = DispatchTime.now().uptimeNanoseconds
            var polls = 0
            while !stopping.load(ordering: .relaxed) {
                let job = ticket.load(ordering: .acquiring) >> 32
                if job != seen {
                    seen = job
                    work(job)
                    idleSince = DispatchTime.now().uptimeNanoseconds
                    continue
                }
                polls += 1
                // A spinning core that pauses leaves a sibling hyperthread (a vCPU may be one) its
                // share of the core, and leaves the loop without a mispredicted exit.
                seqlens_spin_pause()
                if polls & 255 == 0, DispatchTime.now().uptimeNanoseconds - idleSince > spinning {
                    park(worker, seen: seen)
                    idleSince = DispatchTime.now().uptimeNanoseconds
                }
            }
        }

        /// Waits on the worker's semaphore unless a job (or `stop`) came in meanwhile.
        private func park(_ worker: Worker, seen: UInt64) {
            parked.add(1, ordering: .relaxed)
            defer { parked.subtract(1, ordering: .relaxed) }
            worker.parked.store(true, ordering: .sequentiallyConsistent)
            let woken = ticket.load(ordering: .sequentiallyConsistent) >> 32 != seen || stopping.load(ordering: .sequentiallyConsistent)
            // Not woken: whoever comes next finds `parked` set and signals. Woken: whoever clears
            // `parked` first owns the wake-up; when that was the waker, its signal must be taken.
            if !woken || !worker.parked.exchange(false, ordering: .sequentiallyConsistent) {
                worker.wake.wait()
            }
        }

        private func wake(_ worker: Worker) {
            if worker.parked.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.signal() }
        }

        /// Wakes every worker to leave its loop (the pool is gone: no caller is left).
        func stop() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            for worker in workers { wake(worker) }
        }
    }
}
