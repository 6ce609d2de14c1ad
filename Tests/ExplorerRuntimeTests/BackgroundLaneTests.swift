import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import XCTest

final class BackgroundLaneTests: XCTestCase {
    /// Records what ran, from the lane's thread.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []
        func add(_ entry: String) { lock.lock(); entries.append(entry); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return entries }
    }

    func testANewerJobReplacesAWaitingOneAndCancelsARunningOne() {
        let lane = BackgroundLane(name: "test")
        defer { lane.stop() }
        let log = Log()
        let started = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        lane.submit(.mutagenesis) { isCancelled in
            started.signal()
            while !isCancelled() { usleep(1000) }
            log.add("first cancelled")
        }
        started.wait()
        lane.submit(.predictions) { _ in log.add("superseded") }
        lane.submit(.reference) { _ in log.add("reference") }
        lane.submit(.predictions) { _ in log.add("predictions") }
        lane.submit(.mutagenesis) { isCancelled in
            log.add(isCancelled() ? "second cancelled" : "second")
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(log.all, ["first cancelled", "reference", "predictions", "second"])
    }

    func testWaitUntilIdleWaitsForQueuedAndRunningWork() {
        let lane = BackgroundLane(name: "test")
        defer { lane.stop() }
        let log = Log()
        XCTAssertTrue(lane.waitUntilIdle(timeout: 0.01), "a new lane is idle")
        lane.submit(.predictions) { _ in usleep(100_000); log.add("first") }
        lane.submit(.attribution) { _ in usleep(50_000); log.add("second") }
        XCTAssertFalse(lane.waitUntilIdle(timeout: 0.01))
        XCTAssertTrue(lane.waitUntilIdle(timeout: 5))
        XCTAssertEqual(log.all, ["first", "second"], "idle means the queue ran out, not just one job")
    }

    func testStopWaitsForTheRunningJob() {
        let lane = BackgroundLane(name: "test")
        let log = Log()
        let started = DispatchSemaphore(value: 0)
        lane.submit(.mutagenesis) { _ in
            started.signal()
            usleep(200_000)   // a pass that cannot be interrupted, like one inside BLAS
            log.add("finished")
        }
        lane.submit(.predictions) { _ in log.add("never") }
        started.wait()
        lane.stop()
        XCTAssertEqual(log.all, ["finished"], "stop returns only after the running job, and drops the waiting one")
    }
}
