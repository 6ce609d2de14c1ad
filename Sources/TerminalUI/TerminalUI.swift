import Interactive
import Foundation
import Rendering

/// The full-screen terminal front end (ncurses): runs an `InteractiveApp` until it finishes.
public enum TerminalUI {
    /// nil when a full-screen UI can run; otherwise one line saying why and pointing to the
    /// headless commands.
    public static func unavailableReason(environment: [String: String], stdinIsTTY: Bool, stdoutIsTTY: Bool) -> String? {
        let why: String
        if !stdinIsTTY {
            why = "stdin is not a TTY"
        } else if !stdoutIsTTY {
            why = "stdout is not a TTY"
        } else if (environment["TERM"] ?? "").isEmpty {
            why = "TERM is not set"
        } else if environment["TERM"] == "dumb" {
            why = "TERM is dumb"
        } else {
            return nil
        }
        return "seqlens explore needs an interactive terminal (\(why)); for scripts use the headless commands: seqlens predict | attr | ism | logo | show"
    }

    /// Opens the terminal, runs the app until `app.isFinished`, and always restores the terminal:
    /// on return, when anything throws, and on SIGINT, SIGTERM or SIGHUP (a closed terminal; they then exit with 130, 143 or 129).
    /// Keys arrive in raw mode, so Ctrl-C reaches the app as `.control("c")`. The first event is
    /// `.resize` with the terminal's size.
    public static func run(_ app: some InteractiveApp, colorMode: ColorMode) throws {
        let environment = ProcessInfo.processInfo.environment
        if let reason = unavailableReason(environment: environment, stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: isatty(STDOUT_FILENO) == 1) {
            throw TerminalUIError(reason)
        }
        let wakePipe = try WakePipe()
        let screen = try Screen(colorMode: colorMode, environment: environment, wakeDescriptor: wakePipe.writeDescriptor)
        defer { screen.close() }

        app.setWakeHandler(wakePipe.wake)
        app.handle(.resize(width: screen.width, height: screen.height))
        while !app.isFinished {
            screen.draw(app.render(width: screen.width, height: screen.height, depth: screen.colors.depth))
            try waitForInput(timeout: app.pollInterval, wakeDescriptor: wakePipe.readDescriptor)
            for event in screen.readEvents() {
                app.handle(event)
                if app.isFinished { return }
            }
            wakePipe.drain()
            app.poll()
        }
    }

    /// Blocks until stdin has input, the pipe has a byte, a signal arrives (SIGWINCH), or `timeout` passes.
    private static func waitForInput(timeout: Duration?, wakeDescriptor: Int32) throws {
        var descriptors = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        let result = poll(&descriptors, nfds_t(descriptors.count), milliseconds(timeout))
        if result < 0, errno != EINTR {
            throw TerminalUIError("cannot wait for input: \(String(cString: strerror(errno)))")
        }
        // A closed terminal (hang-up) would otherwise report "readable" forever.
        if result > 0, descriptors[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            throw TerminalUIError("the terminal was closed")
        }
    }

    /// poll(2)'s timeout: -1 waits forever; partial milliseconds round up so a tick is never early.
    static func milliseconds(_ duration: Duration?) -> Int32 {
        guard let duration else { return -1 }
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}
