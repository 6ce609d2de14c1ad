import Foundation

/// A one-line progress bar on stderr, shown only when stderr is a terminal and the work
/// has already taken more than a second (short runs stay silent; pipes stay clean).
/// Unchecked Sendable: its callers report from one thread at a time (FIMOScanner.scan calls it
/// under its lock), so its unlocked state is never touched concurrently.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let start = Date()
    private let enabled = isatty(STDERR_FILENO) != 0
    private var drawn = false

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        guard enabled, total > 0, Date().timeIntervalSince(start) > 1 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)".utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
