import Interactive
import XCTest
@testable import TerminalUI

final class ScriptPlayerTests: XCTestCase {
    private func script(_ text: String) throws -> KeyScript { try KeyScript.parse(text, comments: false) }

    func testKeysGoAtOnceUntilAPause() throws {
        let app = ScriptedAppDouble()
        let player = ScriptPlayer(try script("ab<wait 50ms>c"))
        try player.play(into: app)
        XCTAssertEqual(app.typed, "ab")
        XCTAssertFalse(player.isFinished)
        let resume = try XCTUnwrap(player.nextCheck)
        try player.play(into: app)
        XCTAssertEqual(app.typed, "ab", "the pause is not over")
        Thread.sleep(forTimeInterval: 0.06)
        XCTAssertLessThanOrEqual(resume, ContinuousClock().now)
        try player.play(into: app)
        XCTAssertEqual(app.typed, "abc")
        XCTAssertTrue(player.isFinished)
        XCTAssertNil(player.nextCheck)
    }

    func testTrailingPauseKeepsTheScriptGoing() throws {
        let player = ScriptPlayer(try script("a<wait 30ms>"))
        let app = ScriptedAppDouble()
        try player.play(into: app)
        XCTAssertFalse(player.isFinished)
        Thread.sleep(forTimeInterval: 0.04)
        try player.play(into: app)
        XCTAssertTrue(player.isFinished)
    }

    func testIdleWaitsForThePendingWork() throws {
        let app = ScriptedAppDouble()
        app.pendingPolls = 2
        let player = ScriptPlayer(try script("a<idle>b"))
        try player.play(into: app)
        XCTAssertEqual(app.typed, "a")
        XCTAssertNotNil(player.nextCheck, "an <idle> looks again without a wake-up")
        app.poll()
        try player.play(into: app)
        XCTAssertEqual(app.typed, "a")
        app.poll()
        try player.play(into: app)
        XCTAssertEqual(app.typed, "ab")
    }

    func testIdleGivesUpAfterItsTimeout() throws {
        let app = ScriptedAppDouble()
        app.pendingPolls = 1000
        let player = ScriptPlayer(try script("a<idle>"), idleTimeout: .milliseconds(20))
        try player.play(into: app)
        Thread.sleep(forTimeInterval: 0.03)
        XCTAssertThrowsError(try player.play(into: app)) { error in
            XCTAssertEqual("\(error)", "key script: still computing 0.02 seconds after <idle> (step 2); is a result failing to arrive?")
        }
    }

    func testPaceSpacesTheKeys() throws {
        let app = ScriptedAppDouble()
        let player = ScriptPlayer(try script("<pace 20ms>abc<pace 0ms>de"))
        while !player.isFinished {
            try player.play(into: app)
            Thread.sleep(forTimeInterval: 0.002)
        }
        XCTAssertEqual(app.typed, "abcde")
        let gaps = zip(app.eventTimes, app.eventTimes.dropFirst()).map { $1 - $0 }
        XCTAssertGreaterThanOrEqual(gaps[0], .milliseconds(20))
        XCTAssertGreaterThanOrEqual(gaps[1], .milliseconds(20))
        XCTAssertLessThan(gaps[3], .milliseconds(20), "<pace 0ms> stops pacing")
    }

    func testNothingIsSentAfterTheAppQuits() throws {
        let app = ScriptedAppDouble()
        let player = ScriptPlayer(try script("aqbc"))
        try player.play(into: app)
        XCTAssertEqual(app.typed, "aq")
    }
}
