import Dispatch
import Foundation
@testable import Inference
import Synchronization
import XCTest

/// The pool behind `concurrently`: every index exactly once, the caller and its workers at once,
/// nested and concurrent callers, workers started lazily, parked when idle, stopped with the pool.
@available(macOS 15, *)
final class WorkerPoolTests: XCTestCase {
    /// How often each index ran, over `count` slots.
    private final class Tally: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<Int>
        init(_ count: Int) { slots = .allocate(capacity: count); slots.initialize(repeating: 0) }
        deinit { slots.deallocate() }
        var all: [Int] { Array(slots) }
    }

    func testEveryIndexRunsExactlyOnce() {
        let pool = WorkerPool(spinning: 50_000)
        for count in 0...9 {
            for repetition in 0..<200 {
                let tally = Tally(count)
                pool.run(count) { tally.slots[$0] += 1 }
                XCTAssertEqual(tally.all, Array(repeating: 1, count: count), "\(count) indices, repetition \(repetition)")
            }
        }
        XCTAssertEqual(pool.startedWorkers, 8)
    }

    /// More indices than participants: each index once, only `participants − 1` workers started,
    /// and the indices claimed in turn, so that a participant held up (the caller, 200 ms on its
    /// first index) leaves the rest to the others instead of a fixed share. The worker waits
    /// for the caller's first claim, as a spinning worker could otherwise claim all 16 trivial
    /// indices before the caller reaches its loop.
    func testParticipantsClaimIndicesInTurn() {
        let pool = WorkerPool(spinning: 50_000)
        for (count, participants) in [(8, 2), (9, 3), (5, 1), (3, 7)] {
            let tally = Tally(count)
            pool.run(count, participants: participants) { tally.slots[$0] += 1 }
            XCTAssertEqual(tally.all, Array(repeating: 1, count: count), "\(count) indices on \(participants) participants")
        }
        XCTAssertEqual(pool.startedWorkers, 2)
        let caller = pthread_self()
        let onCaller = Atomic<Int>(0)
        pool.run(16, participants: 2) { _ in
            guard pthread_equal(pthread_self(), caller) != 0 else {
                let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
                while onCaller.load(ordering: .relaxed) == 0, DispatchTime.now().uptimeNanoseconds < deadline { sched_yield() }
                return
            }
            if onCaller.add(1, ordering: .relaxed).newValue == 1 { usleep(200_000) }
        }
        XCTAssertLessThan(onCaller.load(ordering: .relaxed), 8, "the held-up caller claimed half the indices or more")
        XCTAssertGreaterThanOrEqual(onCaller.load(ordering: .relaxed), 1)
    }

    /// Each index waits until all have started: it completes only if the caller and `count − 1`
    /// workers run at once.
    func testCallerAndWorkersRunTheIndicesAtOnce() {
        let pool = WorkerPool(spinning: 50_000)
        for count in [2, 3, 4] {
            for _ in 0..<20 {
                let arrived = Atomic<Int>(0), timedOut = Atomic<Bool>(false)
                let caller = pthread_self()
                let onCaller = Atomic<Int>(0)
                pool.run(count) { _ in
                    if pthread_equal(pthread_self(), caller) != 0 { onCaller.add(1, ordering: .relaxed) }
                    arrived.add(1, ordering: .relaxed)
                    let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
                    while arrived.load(ordering: .relaxed) < count {
                        if DispatchTime.now().uptimeNanoseconds > deadline { timedOut.store(true, ordering: .relaxed); return }
                    }
                }
                XCTAssertFalse(timedOut.load(ordering: .relaxed), "\(count) indices did not all run at once")
                XCTAssertEqual(onCaller.load(ordering: .relaxed), 1, "the caller takes one of \(count) indices")
            }
        }
    }

    /// A job inside a job (the pool busy: it runs on Dispatch), and `concurrently` inside
    /// `concurrently` on the engine's pool.
    func testNestedCallsComplete() {
        let pool = WorkerPool(spinning: 50_000)
        let tally = Tally(3 * 5)
        pool.run(3) { outer in pool.run(5) { inner in tally.slots[outer * 5 + inner] += 1 } }
        XCTAssertEqual(tally.all, Array(repeating: 1, count: 15))

        let shared = Tally(4 * 4 * 2)
        concurrently(4) { a in concurrently(4) { b in concurrently(2) { c in shared.slots[(a * 4 + b) * 2 + c] += 1 } } }
        XCTAssertEqual(shared.all, Array(repeating: 1, count: 32))
    }

    /// Four threads submit jobs to one pool at once; each job's results are its own.
    func testConcurrentCallersGetTheirOwnResults() {
        let pool = WorkerPool(spinning: 50_000)
        let (callers, jobs, count) = (4, 300, 6)
        let results = Tally(callers * jobs * count)
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for job in 0..<jobs {
                pool.run(count) { index in results.slots[(caller * jobs + job) * count + index] = caller * 1_000_000 + job * 100 + index }
            }
        }
        let expected = (0..<callers).flatMap { caller in (0..<jobs).flatMap { job in (0..<count).map { caller * 1_000_000 + job * 100 + $0 } } }
        XCTAssertEqual(results.all, expected)
    }

    /// No thread until a job needs one, then as many as the largest job needs less the caller.
    func testWorkersStartWhenAJobFirstNeedsThem() {
        let pool = WorkerPool(spinning: 50_000)
        XCTAssertEqual(pool.startedWorkers, 0)
        pool.run(1) { _ in }
        XCTAssertEqual(pool.startedWorkers, 0)
        pool.run(3) { _ in }
        XCTAssertEqual(pool.startedWorkers, 2)
        pool.run(2) { _ in }
        XCTAssertEqual(pool.startedWorkers, 2)
    }

    /// After a job, workers spin for at most `spinning`, then park and use no CPU time.
    func testIdleWorkersPark() throws {
        let pool = WorkerPool(spinning: 1_000_000)
        pool.run(4) { _ in }
        XCTAssertEqual(pool.startedWorkers, 3)
        let deadline = Date().addingTimeInterval(5)
        while pool.parkedWorkers < 3, Date() < deadline { usleep(1_000) }
        XCTAssertEqual(pool.parkedWorkers, 3)
        // Three spinning threads would take 900 ms of CPU time in these 300 ms.
        let before = Self.processCPUTime()
        usleep(300_000)
        XCTAssertLessThan(Self.processCPUTime() - before, 0.05)
        // Parked workers take the next job.
        let tally = Tally(4)
        pool.run(4) { tally.slots[$0] += 1 }
        XCTAssertEqual(tally.all, [1, 1, 1, 1])
    }

    #if os(Linux)
    /// Releasing a pool stops its threads (counted by name in /proc), parked or spinning.
    func testWorkerThreadsStopWithThePool() throws {
        for spinning: UInt64 in [0, 5_000_000_000] {
            var pool: WorkerPool? = WorkerPool(spinning: spinning, threadName: "stopping test")
            pool?.run(3) { _ in }
            try waitForThreads(2)
            XCTAssertEqual(try Self.threads(), 2, "spinning \(spinning) ns")
            pool = nil
            try waitForThreads(0)
            XCTAssertEqual(try Self.threads(), 0, "spinning \(spinning) ns")
        }
    }

    /// Waits up to 5 s for `count` threads of the test's pool (a thread names itself once started).
    private func waitForThreads(_ count: Int) throws {
        let deadline = Date().addingTimeInterval(5)
        while try Self.threads() != count, Date() < deadline { usleep(1_000) }
    }

    private static func threads() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) == "stopping test\n"
        }.count
    }
    #endif

    /// User and system CPU seconds of the whole process.
    private static func processCPUTime() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
