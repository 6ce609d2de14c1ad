import ArgumentParser
import Foundation
import Genomics
import Interactive
import Rendering
import TerminalUI

/// Driving a full-screen session from a key script and recording it (`explore`; any command
/// that runs an `InteractiveApp` adopts the group and calls `prepare` then `run`).
struct ReplayOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Type this key script into the session (e.g. `:44<Enter><idle>T`; the syntax table is above); without a terminal the session runs headless and ends with the script.", valueName: "script"))
    var keys: String?

    @Option(help: ArgumentHelp("Read the key script from a file (# starts a comment to the end of the line).", valueName: "file"))
    var keysFile: String?

    @Option(help: ArgumentHelp("Record the session as an asciicast v2 file with real timing (play it with `asciinema play FILE.cast`).", valueName: "file.cast"))
    var cast: String?

    @Option(help: ArgumentHelp("Render the key script headless at this size even when a terminal is attached (default without a terminal: 80x24).", valueName: "colsxrows"))
    var castSize: String?

    /// --cast-size, read (`validate` refuses a bad one).
    var headlessSize: ScreenSize? { castSize.flatMap(ScreenSize.init(parsing:)) }

    func validate() throws {
        if keys != nil && keysFile != nil { throw ValidationError("give --keys or --keys-file, not both") }
        if let castSize, ScreenSize(parsing: castSize) == nil {
            throw ValidationError("--cast-size takes COLSxROWS, e.g. 100x30 (20 to 1000 columns, 5 to 500 rows), not '\(castSize)'")
        }
        if castSize != nil && keys == nil && keysFile == nil {
            throw ValidationError("--cast-size renders a key script without the terminal; give --keys or --keys-file too")
        }
    }

    /// Any of the options given.
    var isUsed: Bool { keys != nil || keysFile != nil || cast != nil || castSize != nil }

    /// Decides how the session runs before anything is loaded: on the terminal (the script typed
    /// first, the person carrying on), or headless when a script is given and there is no terminal
    /// or `--cast-size` asks for it. Reads the script and opens the recording, so a bad script or
    /// an unwritable path is refused at once. Throws the terminal's refusal when there is neither
    /// a terminal nor a script. `title` names the recording.
    func prepare(title: String) throws -> ScriptedRun {
        let script = try readScript()
        let environment = ProcessInfo.processInfo.environment
        let terminalReason = TerminalUI.unavailableReason(environment: environment, stdinIsTTY: isatty(STDIN_FILENO) == 1,
                                                          stdoutIsTTY: isatty(STDOUT_FILENO) == 1)
        let headlessSize = script == nil ? nil : self.headlessSize ?? (terminalReason == nil ? nil : ScreenSize(columns: 80, rows: 24))
        if headlessSize == nil, let terminalReason {
            throw CommandFailure(terminalReason)
        }
        let recording = try cast.map { path in
            do {
                return try CastRecorder(url: URL(fileURLWithPath: path), title: title,
                                        terminalType: headlessSize == nil ? environment["TERM"] ?? "xterm-256color" : ScriptedRun.headlessTerminalType)
            } catch {
                throw CommandFailure("--cast \(error)")
            }
        }
        return ScriptedRun(script: script, headlessSize: headlessSize, recording: recording)
    }

    /// The script of --keys or --keys-file; a bad one is refused with its line and column.
    func readScript() throws -> KeyScript? {
        if let keys {
            do {
                return try KeyScript.parse(keys, comments: false)
            } catch {
                let place = keys.contains("\n") ? "line \(error.line), column \(error.column)" : "column \(error.column)"
                throw CommandFailure("--keys, \(place): \(error.message)")
            }
        }
        guard let keysFile else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: keysFile, encoding: .utf8)
        } catch {
            throw CommandFailure("--keys-file \(keysFile): cannot read (\(fileErrorReason(error)))")
        }
        do {
            return try KeyScript.parse(text, comments: true)
        } catch {
            throw CommandFailure("--keys-file \(keysFile), \(error): fix the script (see `seqlens explore --help`)")
        }
    }
}

/// A session about to run, as `ReplayOptions.prepare` decided.
struct ScriptedRun {
    let script: KeyScript?
    /// nil: on the terminal.
    let headlessSize: ScreenSize?
    let recording: CastRecorder?

    /// What a headless recording says it was made for: colours are quantised for it (players show
    /// 256 colours everywhere).
    static let headlessTerminalType = "xterm-256color"

    var isHeadless: Bool { headlessSize != nil }

    /// Runs `app` to its end and finishes the recording (also when the run fails part-way: it
    /// keeps what was drawn). A signal that stops a headless run exits with 128 + its number.
    func run(_ app: some InteractiveApp, colorMode: ColorMode) throws {
        var end = TerminalUI.HeadlessEnd.completed
        do {
            if let headlessSize, let script {
                var environment = ProcessInfo.processInfo.environment
                environment["TERM"] = Self.headlessTerminalType
                let depth = ColorDepth.detect(mode: colorMode, environment: environment, isTerminal: true)
                end = try TerminalUI.runHeadless(app, width: headlessSize.columns, height: headlessSize.rows, depth: depth,
                                                 script: script, recording: recording)
            } else {
                try TerminalUI.run(app, colorMode: colorMode, script: script, recording: recording)
            }
        } catch {
            try? recording?.finish()
            throw CommandFailure("\(error)")
        }
        do {
            try recording?.finish()
        } catch {
            throw CommandFailure("\(error)")
        }
        if case .interrupted(let signal) = end { throw ExitCode(128 + signal) }
    }
}

/// `COLSxROWS`, e.g. 100x30.
struct ScreenSize: Equatable {
    let columns: Int
    let rows: Int

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let columns = Int(parts[0]), let rows = Int(parts[1]),
              (20 ... 1000).contains(columns), (5 ... 500).contains(rows) else { return nil }
        self.init(columns: columns, rows: rows)
    }
}
