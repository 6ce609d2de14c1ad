@preconcurrency import CNcurses
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
        return "seqlens explore needs an interactive terminal (\(why)); for scripts use the headless commands (seqlens predict | attr | ism | logo | show) or a key script (--keys, see --help)"
    }

    /// Opens the terminal, runs the app until `app.isFinished`, and always restores the terminal:
    /// on return, when anything throws, and on SIGINT, SIGTERM or SIGHUP (a closed terminal; they then exit with 130, 143 or 129).
    /// Keys arrive in raw mode, so Ctrl-C reaches the app as `.control("c")`. The first event is
    /// `.resize` with the terminal's size. A `script` is typed first (the person's keys count
    /// too); when it ends the person carries on. `recording` gets every frame drawn.
    public static func run(_ app: some InteractiveApp, colorMode: ColorMode, script: KeyScript? = nil, recording: CastRecorder? = nil) throws {
        let environment = ProcessInfo.processInfo.environment
        if let reason = unavailableReason(environment: environment, stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: isatty(STDOUT_FILENO) == 1) {
            throw TerminalUIError(reason)
        }
        let wakePipe = try WakePipe()
        let screen = try Screen(colorMode: colorMode, environment: environment, wakeDescriptor: wakePipe.writeDescriptor)
        defer { screen.close() }
        recording?.keepOnSignal(true)
        defer { recording?.keepOnSignal(false) }
        try drive(app, on: screen, wakePipe: wakePipe, script: script.map { ScriptPlayer($0) }, recording: recording, endsWithScript: false)
    }

    /// How a headless run ended.
    public enum HeadlessEnd: Equatable, Sendable {
        /// The script ended (and the app's work with it), or the app quit.
        case completed
        /// SIGINT, SIGTERM or SIGHUP arrived; the caller exits with 128 + the signal.
        case interrupted(signal: Int32)
    }

    /// Runs the app without a terminal: `script` is its only input, frames of `width` × `height`
    /// go only to `recording`. Ends when the script has ended and the app's work is done (as if
    /// the script ended with `<idle>`), or the app quits. SIGINT, SIGTERM and SIGHUP end it too,
    /// after the recording's last frame.
    public static func runHeadless(_ app: some InteractiveApp, width: Int, height: Int, depth: ColorDepth, script: KeyScript,
                                   recording: CastRecorder?) throws -> HeadlessEnd {
        let wakePipe = try WakePipe()
        seqlens_install_interrupt_handlers(wakePipe.writeDescriptor)
        defer { seqlens_restore_interrupt_handlers() }
        let display = HeadlessDisplay(width: width, height: height, depth: depth)
        let player = ScriptPlayer(KeyScript(steps: script.steps + [.idle]))
        try drive(app, on: display, wakePipe: wakePipe, script: player, recording: recording, endsWithScript: true)
        let signal = seqlens_interrupting_signal()
        return signal == 0 ? .completed : .interrupted(signal: signal)
    }

    /// The run loop: script steps that are due, a frame, then a wait for input, a wake-up (results,
    /// a signal) or the next tick of the app or the script.
    private static func drive(_ app: some InteractiveApp, on display: some Display, wakePipe: WakePipe, script: ScriptPlayer?,
                              recording: CastRecorder?, endsWithScript: Bool) throws {
        let clock = ContinuousClock()
        var lastPoll = clock.now
        app.setWakeHandler(wakePipe.wake)
        app.handle(.resize(width: display.width, height: display.height))
        while !app.isFinished {
            try script?.play(into: app)
            if app.isFinished { return }
            let canvas = app.render(width: display.width, height: display.height, depth: display.depth)
            display.draw(canvas)
            try recording?.record(canvas, depth: display.depth)
            if endsWithScript && script?.isFinished != false { return }
            let untilScript = script?.nextCheck.map { max(.zero, $0 - clock.now) }
            let timeout = [app.pollInterval, untilScript].compactMap { $0 }.min()
            let woken = try waitForInput(timeout: timeout, inputDescriptor: display.inputDescriptor, wakeDescriptor: wakePipe.readDescriptor)
            if seqlens_interrupting_signal() != 0 { return }
            for event in display.readEvents() {
                app.handle(event)
                if app.isFinished { return }
            }
            // A script's timer alone does not poll: the app's ticks (its spinner) keep their pace.
            if woken || app.pollInterval.map({ clock.now - lastPoll >= $0 }) == true {
                wakePipe.drain()
                app.poll()
                lastPoll = clock.now
            }
        }
    }

    /// Blocks until input is readable, the pipe has a byte, a signal arrives (SIGWINCH), or `timeout`
    /// passes. True unless only the time passed.
    private static func waitForInput(timeout: Duration?, inputDescriptor: Int32?, wakeDescriptor: Int32) throws -> Bool {
        var descriptors = [pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        if let inputDescriptor { descriptors.append(pollfd(fd: inputDescriptor, events: Int16(POLLIN), revents: 0)) }
        let result = poll(&descriptors, nfds_t(descriptors.count), milliseconds(timeout))
        if result < 0, errno != EINTR {
            throw TerminalUIError("cannot wait for input: \(String(cString: strerror(errno)))")
        }
        // A closed terminal (hang-up) would otherwise report "readable" forever.
        if result > 0, descriptors.count > 1, descriptors[1].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
            throw TerminalUIError("the terminal was closed")
        }
        return result != 0
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
