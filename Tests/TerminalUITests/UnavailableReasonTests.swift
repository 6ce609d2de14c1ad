import XCTest
@testable import TerminalUI

final class UnavailableReasonTests: XCTestCase {
    private let terminal = ["TERM": "xterm-256color"]

    func testInteractiveTerminalCanRun() {
        XCTAssertNil(TerminalUI.unavailableReason(environment: terminal, stdinIsTTY: true, stdoutIsTTY: true))
    }

    func testStdoutNotATTYNamesTheCauseAndTheHeadlessCommands() {
        let reason = TerminalUI.unavailableReason(environment: terminal, stdinIsTTY: true, stdoutIsTTY: false)
        XCTAssertEqual(reason, "seqlens explore needs an interactive terminal (stdout is not a TTY); for scripts use the headless commands (seqlens predict | attr | ism | logo | show) or a key script (--keys, see --help)")
    }

    func testStdinNotATTY() throws {
        let reason = try XCTUnwrap(TerminalUI.unavailableReason(environment: terminal, stdinIsTTY: false, stdoutIsTTY: true))
        XCTAssertTrue(reason.contains("(stdin is not a TTY)"), reason)
    }

    func testTermUnsetOrEmpty() throws {
        for environment in [[:], ["TERM": ""]] {
            let reason = try XCTUnwrap(TerminalUI.unavailableReason(environment: environment, stdinIsTTY: true, stdoutIsTTY: true))
            XCTAssertTrue(reason.contains("(TERM is not set)"), reason)
        }
    }

    func testDumbTerminal() throws {
        let reason = try XCTUnwrap(TerminalUI.unavailableReason(environment: ["TERM": "dumb"], stdinIsTTY: true, stdoutIsTTY: true))
        XCTAssertTrue(reason.contains("(TERM is dumb)"), reason)
        XCTAssertFalse(reason.contains("\n"))
    }
}
