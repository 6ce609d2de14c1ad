import Foundation

/// One worker thread that runs jobs in order, where a newer job of the same kind replaces a
/// waiting one and cancels a running one (its `isCancelled` turns true). The explorer has two:
/// a fast lane for reference, predictions and gradient maps, and a slow lane for ISM and
/// integrated gradients, so a long ISM never delays the predictions of the next edit.
final class BackgroundLane: @unchecked Sendable {
    /// What replaces what: only jobs of one kind supersede each other; reference, save and
    /// wild-type ISM jobs never do (each is asked for once, for its own record).
    enum Kind: Hashable { case reference, rebase, predictions, attribution, motifs, seqlets, filters, mutagenesis, wildType, importance, dependencies, locus, variants, save }

    struct Job {
        var kind: Kind
        var generation: Int
        var work: (_ isCancelled: @escaping @Sendable () -> Bool) -> Void
    }

    private let condition = NSCondition()
    private var queue: [Job] = []
    /// The newest generation asked for, per kind: a job older than that is cancelled.
    private var newest: [Kind: Int] = [:]
    private var nextGeneration = 0
    private var stopped = false
    private var finished = false
    private var running = false

    init(name: String) {
        // The thread keeps the lane alive until `stop`.
        let thread = Thread { self.loop() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    func submit(_ kind: Kind, _ work: @escaping (_ isCancelled: @escaping @Sendable () -> Bool) -> Void) {
        condition.lock()
        nextGeneration += 1
        if kind != .reference && kind != .save && kind != .wildType {
            queue.removeAll { $0.kind == kind }
            newest[kind] = nextGeneration
        }
        queue.append(Job(kind: kind, generation: nextGeneration, work: work))
        condition.signal()
        condition.unlock()
    }

    /// Cancels running work and waits (a few seconds at most) for the thread to end: a job still
    /// inside a matrix product when the process exits can crash in the library's teardown.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        queue = []
        newest = newest.mapValues { _ in Int.max }
        condition.broadcast()
        let deadline = Date(timeIntervalSinceNow: 5)
        while !finished && condition.wait(until: deadline) {}
    }

    /// No job running or waiting.
    var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !running && queue.isEmpty
    }

    /// Blocks while this lane has work (at most `timeout`): how the slow lane yields the CPU to
    /// the fast one between its chunks. True when the lane is idle.
    @discardableResult
    func waitUntilIdle(timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while (running || !queue.isEmpty) && !stopped {
            if !condition.wait(until: deadline) { break }
        }
        return !(running || !queue.isEmpty) || stopped
    }

    private func isCurrent(_ kind: Kind, _ generation: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return !stopped && (newest[kind] ?? generation) <= generation
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if stopped {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            running = true
            condition.unlock()
            let kind = job.kind, generation = job.generation
            job.work { !self.isCurrent(kind, generation) }
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
    }
}
