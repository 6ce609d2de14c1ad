import Foundation
import XCTest

/// One private tmux server (its own socket in a temporary folder, no user configuration) with one
/// session of a fixed size, for end-to-end runs of the full-screen explorer. Screens are read
/// with `capture-pane -p` and waited for by polling, never by sleeping a guessed time.
final class TmuxSession {
    static let executable: String? = {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return (paths + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"])
            .map { $0 + "/tmux" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Skips the calling test when tmux is not installed (CI installs it; see the Makefile).
    static func requireTmux() throws {
        if executable == nil {
            throw XCTSkip("tmux is not installed: the end-to-end explorer tests drive the real binary in a tmux pane (apt-get install tmux)")
        }
    }

    let directory: URL
    private let socket: String
    private let target = "e2e"

    /// Starts a server and a detached session of `width`×`height` running `command` (a shell
    /// command line). Panes stay on screen after their command exits, so its last output can be read.
    init(width: Int = 100, height: Int = 30, command: String) throws {
        try Self.requireTmux()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("sock").path
        let config = directory.appendingPathComponent("tmux.conf")
        try """
        set -g default-terminal tmux-256color
        set -g remain-on-exit on
        set -g status off
        set -g history-limit 0
        set -g escape-time 0

        """.write(to: config, atomically: true, encoding: .utf8)
        // The command runs in the private folder: files it writes beside itself (the recovery file of
        // PREFIX defaulting to the current folder) go with the server.
        try tmux(["-f", config.path, "new-session", "-d", "-c", directory.path, "-s", target, "-x", "\(width)", "-y", "\(height)", command])
    }

    deinit { kill() }

    /// Stops the server and removes the temporary folder (safe to call twice).
    func kill() {
        _ = try? tmux(["kill-server"], check: false)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The pane as plain text, one string per row (trailing spaces kept by tmux are trimmed).
    func capture() throws -> [String] {
        let text = try tmux(["capture-pane", "-p", "-t", target])
        var lines = text.components(separatedBy: "\n").map { line in
            String(line.reversed().drop { $0 == " " }.reversed())
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Keys by tmux name ("Enter", "C-c", "Escape") or literal text when `literal`.
    func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", target] + (literal ? ["-l"] : []) + keys)
    }

    /// Types text character by character as if typed (no key names interpreted).
    func type(_ text: String) throws { try send(text, literal: true) }

    /// Pastes text as a terminal does, between bracketed-paste markers when the application
    /// asked for them (tmux `paste-buffer -p`).
    func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "e2e-paste", "--", text])
        try tmux(["paste-buffer", "-p", "-d", "-b", "e2e-paste", "-t", target])
    }

    /// A left click at column `x`, row `y` (0-based), as an xterm reports it (X10 encoding:
    /// ESC [ M, then button, column and row each plus 32, 1-based).
    func click(x: Int, y: Int) throws {
        let bytes = [0x1B, 0x5B, 0x4D, 32, 33 + x, 33 + y].map { String(format: "%02x", $0) }
        try tmux(["send-keys", "-t", target, "-H"] + bytes)
    }

    /// Notches of the mouse wheel at column `x`, row `y` (0-based), in X10 encoding as `click`:
    /// buttons 4 (up) and 5 (down) are reported as 64 and 65.
    func wheel(down: Bool, notches: Int, x: Int, y: Int) throws {
        let bytes = [0x1B, 0x5B, 0x4D, 32 + (down ? 65 : 64), 33 + x, 33 + y].map { String(format: "%02x", $0) }
        for _ in 0 ..< notches { try tmux(["send-keys", "-t", target, "-H"] + bytes) }
    }

    /// The process id of the pane's command (the shell of a wrapped run).
    func panePID() throws -> Int32 {
        guard let pid = Int32(try tmux(["display-message", "-p", "-t", target, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TmuxError(message: "tmux did not report the pane's process id")
        }
        return pid
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the pane every 50 ms until `condition` holds on its rows; fails with the last screen
    /// when `timeout` passes.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var screen: [String] = []
        while true {
            screen = try capture()
            if condition(screen) { return screen }
            if Date() >= deadline { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let shown = screen.enumerated().map { String(format: "%2d|", $0.offset) + $0.element }.joined(separator: "\n")
        XCTFail("timed out after \(timeout) s waiting for \(what); the screen was:\n\(shown)", file: file, line: line)
        throw TimedOut()
    }

    /// Waits until some row contains `marker`.
    @discardableResult
    func waitFor(_ marker: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try waitFor("\"\(marker)\"", timeout: timeout, file: file, line: line) { $0.contains { $0.contains(marker) } }
    }

    struct TimedOut: Error {}

    /// Runs one tmux command and returns its standard output.
    ///
    /// Spawned with posix_spawn and reaped with waitpid rather than through Foundation's Process:
    /// the server that `new-session` forks inherits the client's descriptors (Process's
    /// termination monitor and any output pipe), so Process would wait for the server to exit.
    /// Output goes to files for the same reason.
    @discardableResult
    private func tmux(_ arguments: [String], check: Bool = true) throws -> String {
        // tmux needs no terminal of its own for detached sessions. Its server passes this
        // environment to the panes: keep TMUX (when the tests run inside tmux), a non-UTF-8
        // LC_ALL and the colour switches (swift test sets NO_COLOR) out of it.
        var environment = ProcessInfo.processInfo.environment
        for name in ["TMUX", "LC_ALL", "NO_COLOR", "COLORTERM"] { environment.removeValue(forKey: name) }
        environment["LANG"] = "C.UTF-8"
        let outPath = directory.appendingPathComponent("tmux.out").path, errPath = directory.appendingPathComponent("tmux.err").path
        let status = try Self.spawnAndWait(Self.executable!, ["tmux", "-u", "-S", socket] + arguments,
                                           environment: environment.map { "\($0.key)=\($0.value)" }, stdout: outPath, stderr: errPath)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        if check && status != 0 {
            throw TmuxError(message: "tmux \(arguments.joined(separator: " ")) exited \(status): \(errors)")
        }
        return output
    }

    /// posix_spawn with stdin from /dev/null and stdout/stderr into files; the exit status (128+n after signal n).
    private static func spawnAndWait(_ path: String, _ arguments: [String], environment: [String], stdout: String, stderr: String) throws -> Int32 {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw TmuxError(message: "cannot run \(path): \(String(cString: strerror(result)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TmuxError(message: "waitpid: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    struct TmuxError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// Quotes a word for `sh`.
func shellQuoted(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
