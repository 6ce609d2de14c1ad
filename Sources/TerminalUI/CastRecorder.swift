@preconcurrency import CNcurses
import Foundation
import Rendering

/// A recording of the frames a run draws, as an asciicast v2 file (what `asciinema play` and the
/// asciinema web player show): a JSON header line, then one `[seconds, "o", text]` line per frame
/// whose text is the escape sequences that turn the previous frame into this one, at the time
/// (monotonic clock) it was drawn. Written to a partial file beside the target and renamed into
/// place by `finish`, so a reader never sees half a recording.
public final class CastRecorder {
    public let url: URL
    private let partial: URL
    private let handle: FileHandle
    private let title: String?
    private let terminalType: String
    private let clock = ContinuousClock()
    /// When the first frame was drawn: time 0 of the recording.
    private var start: ContinuousClock.Instant?
    /// The frame the player shows now; nil before the first.
    private var shown: Canvas?
    private var isFinished = false

    /// Creates the partial file at once, so an unwritable path is refused before the screen opens.
    /// `terminalType` is the TERM the header names (the player's colours follow it).
    public init(url: URL, title: String?, terminalType: String) throws {
        self.url = url
        self.title = title
        self.terminalType = terminalType
        partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: partial.path) else {
            throw TerminalUIError("\(url.path): cannot write (\(String(cString: strerror(errno)).lowercased())); check the folder exists and is writable")
        }
        self.handle = handle
    }

    deinit {
        // Never finished (the run did not start): no file at all rather than an empty recording.
        if !isFinished {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
        }
    }

    /// Adds `canvas` as the next frame, drawn at `depth` (colours as the run shows them). The
    /// first frame writes the header with its size; a frame of another size is a resize event
    /// and a full redraw; a frame equal to the last adds nothing.
    func record(_ canvas: Canvas, depth: ColorDepth) throws {
        guard !isFinished, canvas != shown else { return }
        let now = clock.now
        if start == nil {
            start = now
            try write(Self.header(width: canvas.width, height: canvas.height, timestamp: Int(Date().timeIntervalSince1970),
                                  title: title, terminalType: terminalType))
        } else if let shown, shown.width != canvas.width || shown.height != canvas.height {
            try write(Self.event(at: seconds(since: start!, now), code: "r", "\(canvas.width)x\(canvas.height)"))
        }
        try write(Self.event(at: seconds(since: start!, now), code: "o", Self.frame(from: shown, to: canvas, depth: depth)))
        shown = canvas
    }

    /// Shows the cursor again at the end (a terminal playing the recording keeps it), closes the
    /// file and renames it into place; later calls do nothing. With no frame recorded (the run
    /// failed before its first) there is no file at all.
    public func finish() throws {
        guard !isFinished else { return }
        isFinished = true
        guard let start else {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
            return
        }
        do {
            try write(Self.event(at: seconds(since: start, clock.now), code: "o", "\u{1B}[0m\u{1B}[?25h"))
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
            throw (error as? TerminalUIError) ?? TerminalUIError("\(url.path): cannot write (\(error.localizedDescription))")
        }
        guard rename(partial.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            try? FileManager.default.removeItem(at: partial)
            throw TerminalUIError("\(url.path): cannot write (\(reason))")
        }
    }

    /// While a full-screen run records, a signal that ends it still renames the partial file
    /// into place (the C handler restores the terminal and exits).
    func keepOnSignal(_ keep: Bool) {
        if keep { seqlens_set_recording_paths(partial.path, url.path) } else { seqlens_set_recording_paths(nil, nil) }
    }

    private func write(_ line: String) throws {
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw TerminalUIError("\(url.path): cannot write (\(error.localizedDescription))")
        }
    }

    private func seconds(since start: ContinuousClock.Instant, _ now: ContinuousClock.Instant) -> Double {
        let (seconds, attoseconds) = (now - start).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    // MARK: Format

    static func header(width: Int, height: Int, timestamp: Int, title: String?, terminalType: String) -> String {
        let titleField = title.map { ", \"title\": \(jsonString($0))" } ?? ""
        return "{\"version\": 2, \"width\": \(width), \"height\": \(height), \"timestamp\": \(timestamp)\(titleField), \"env\": {\"TERM\": \(jsonString(terminalType))}}"
    }

    static func event(at seconds: Double, code: String, _ data: String) -> String {
        "[\(String(format: "%.6f", seconds)), \(jsonString(code)), \(jsonString(data))]"
    }

    /// The bytes that turn a terminal showing `old` into `new`: the changed runs of cells, each
    /// after a cursor move. Without an old frame of the same size the screen is cleared first
    /// (and the cursor hidden: the explorer shows its own).
    static func frame(from old: Canvas?, to new: Canvas, depth: ColorDepth) -> String {
        var output = ""
        let redraw = old == nil || old?.width != new.width || old?.height != new.height
        if redraw { output += "\u{1B}[?25l\u{1B}[0m\u{1B}[H\u{1B}[2J" }
        for run in CanvasDiff.changedRuns(from: redraw ? nil : old, to: new) {
            output += "\u{1B}[\(run.y + 1);\(run.x + 1)H" + ANSIWriter.styledText(run.cells, depth: depth)
        }
        return output
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
