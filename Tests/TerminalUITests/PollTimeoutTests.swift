import XCTest
@testable import TerminalUI

final class PollTimeoutTests: XCTestCase {
    func testTimeoutsInMilliseconds() {
        XCTAssertEqual(TerminalUI.milliseconds(nil), -1, "nil waits forever")
        XCTAssertEqual(TerminalUI.milliseconds(.zero), 0)
        XCTAssertEqual(TerminalUI.milliseconds(.milliseconds(250)), 250)
        XCTAssertEqual(TerminalUI.milliseconds(.microseconds(1500)), 2, "never wakes before the tick")
        XCTAssertEqual(TerminalUI.milliseconds(.seconds(10_000_000)), Int32.max)
    }
}
