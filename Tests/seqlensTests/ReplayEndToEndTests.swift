import Foundation
import TestSupport
import XCTest

/// `explore --keys/--keys-file/--cast`: key scripts run headless (no terminal: the test's stdin
/// is /dev/null) into asciicast v2 recordings, read back through a small terminal emulation; and
/// on a real terminal (tmux), where the person carries on after the script.
final class ReplayEndToEndTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa").path
    let annotations = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.tsv").path
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-replay-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The sample model on the README's record, saving (and recovering) into the test's folder.
    var sampleArguments: [String] {
        ["explore", model, fasta, "--annotations", annotations, "--record", "mt_test_04056", "--save-as", folder.appendingPathComponent("run").path]
    }

    /// Runs a headless script into a recording and returns it, checking the format on the way:
    /// a v2 header of the size asked for, then `[time, "o", text]` events with times that never go back.
    func recordHeadless(_ script: [String], size: String = "100x30", file: StaticString = #filePath, line: UInt = #line) throws -> Asciicast {
        let cast = folder.appendingPathComponent("run.cast")
        let result = try runSeqlens(sampleArguments + script + ["--cast", cast.path, "--cast-size", size], environment: ["LANG": "C.UTF-8"])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "a headless run draws nothing on stdout", file: file, line: line)
        let recording = try Asciicast(contentsOf: cast)
        let dimensions = size.split(separator: "x").map { Int($0)! }
        XCTAssertEqual(recording.header["version"] as? Int, 2, file: file, line: line)
        XCTAssertEqual(recording.header["width"] as? Int, dimensions[0], file: file, line: line)
        XCTAssertEqual(recording.header["height"] as? Int, dimensions[1], file: file, line: line)
        XCTAssertEqual(recording.header["title"] as? String, "seqlens explore multitask-deep-relu.onnx multitask.fa", file: file, line: line)
        XCTAssertEqual((recording.header["env"] as? [String: String])?["TERM"], "xterm-256color", file: file, line: line)
        XCTAssertGreaterThan(recording.header["timestamp"] as? Int ?? 0, 1_700_000_000, file: file, line: line)
        XCTAssertGreaterThan(recording.events.count, 2, file: file, line: line)
        XCTAssertEqual(Set(recording.events.map(\.code)), ["o"], file: file, line: line)
        XCTAssertEqual(zip(recording.events, recording.events.dropFirst()).filter { $0.time > $1.time }.count, 0, "times never go back", file: file, line: line)
        return recording
    }

    func testHeadlessScriptEditsAndTheRecordingEndsOnTheEditedScreen() throws {
        let recording = try recordHeadless(["--keys", ":44<Enter><idle>T<idle>"])
        let screen = try recording.finalScreen()
        XCTAssertEqual(screen.count, 30)
        XCTAssertTrue(screen[0].hasPrefix(" multitask-deep-relu │ record 2/50 mt_test_04056 [+] │ task CEBPB (2/12) auto │ saliency │"), screen[0])
        XCTAssertEqual(screen[3].trimmingTrailingSpaces, "▶CEBPB  ▍░░░░░░░░░░░░ 0.033  ref 1.000  Δ -0.967   NFYB  ▏              0.012  ref 0.000  Δ +0.012")
        XCTAssertEqual(screen[26].trimmingTrailingSpaces, "                                                ├CEBPB(+)┤")
        let status = try XCTUnwrap(screen.last { $0.hasPrefix(" pos ") })
        XCTAssertTrue(status.hasPrefix(" pos 44/200 │ ref C now T │ pred 0.033 │ 44:C>T CEBPB 1.000→0.033 Δ -0.967"), status)
        // The colours are in the frames (the sample model's logo letters are coloured).
        XCTAssertTrue(recording.events.contains { $0.data.contains("\u{1B}[38;5;") })
        // Headless: no recovery file for the unsaved edit, and no partial file left.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["run.cast"])
    }

    /// With two models, `<idle>` waits for the second model's results too.
    func testIdleWaitsForTheSecondModel() throws {
        let second = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-exp.onnx").path
        let cast = folder.appendingPathComponent("two.cast")
        let result = try runSeqlens(["explore", model, second, fasta, "--record", "mt_test_04056", "--keys", ":44<Enter><idle>T<idle>",
                                     "--cast", cast.path, "--cast-size", "100x30"], environment: ["LANG": "C.UTF-8"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let recording = try Asciicast(contentsOf: cast)
        XCTAssertEqual(recording.header["title"] as? String, "seqlens explore multitask-deep-relu.onnx multitask-deep-exp.onnx multitask.fa")
        let screen = try recording.finalScreen()
        let row = try XCTUnwrap(screen.first { $0.hasPrefix("◆ multitask-deep-exp │ CEBPB ") }, screen.joined(separator: "\n"))
        XCTAssertTrue(row.contains(" │ 44:C>T "), row)
    }

    func testPausesTakeRealTime() throws {
        let recording = try recordHeadless(["--keys", ":10<Enter><idle><wait 1s>l<idle>"], size: "80x24")
        let screens = try recording.screens()
        func firstTime(at position: Int) throws -> Double {
            let index = try XCTUnwrap(screens.firstIndex { $0.contains { $0.hasPrefix(" pos \(position)/200") } }, "no frame at \(position)")
            return recording.events[index].time
        }
        XCTAssertGreaterThanOrEqual(try firstTime(at: 11) - firstTime(at: 10), 1.0, "the move comes after the pause")
    }

    /// README's screen capture is the last frame of docs/casts/edit-cebpb.keys, rendered as
    /// `make casts` does; measured times (… ms) and the spaces before them may differ.
    func testREADMEScreenIsTheLastFrameOfItsKeyScript() throws {
        let keys = Fixtures.repositoryRoot.appendingPathComponent("docs/casts/edit-cebpb.keys").path
        let rendered = try recordHeadless(["--keys-file", keys]).finalScreen().map(\.trimmingTrailingSpaces)
        let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```text\n")
        let shown = try XCTUnwrap(blocks.dropFirst().first?.components(separatedBy: "\n```").first).components(separatedBy: "\n")
        XCTAssertEqual(shown.map(Self.withoutTimes), rendered.map(Self.withoutTimes),
                       "README's explorer screen is not the key script's last frame; it is now:\n\(rendered.joined(separator: "\n"))")
    }

    /// A line with measured times as "# ms" and runs of spaces as one.
    static func withoutTimes(_ line: String) -> String {
        line.replacing(/[0-9.]+ ms/, with: "# ms").replacing(#/ +/#, with: " ")
    }

    func testBadScriptsAreRefusedWithWhereAndWhat() throws {
        assertRefusal(try runSeqlens(sampleArguments + ["--keys", "jj<Rigth>"]), """
            --keys, column 3: unknown key <Rigth>; special keys: Up Down Left Right Enter Esc Tab Space BS PgUp PgDn Home End lt gt hash C-x, \
            and <wait 500ms> <pace 80ms> <idle> <click X Y> <scroll N> <paste TEXT>
            """)
        let file = folder.appendingPathComponent("bad.keys")
        try "# a comment\n:44<Enter>\n  <wait 5>\n".write(to: file, atomically: true, encoding: .utf8)
        assertRefusal(try runSeqlens(sampleArguments + ["--keys-file", file.path]),
                      "--keys-file \(file.path), line 3, column 3: <wait 5> needs one duration in ms or s, e.g. <wait 500ms> or <wait 2s>: fix the script (see `seqlens explore --help`)")
        assertRefusal(try runSeqlens(sampleArguments + ["--keys-file", folder.appendingPathComponent("none.keys").path]),
                      "--keys-file \(folder.appendingPathComponent("none.keys").path): cannot read (no such file or directory)")
        assertRefusal(try runSeqlens(sampleArguments + ["--keys", "a", "--keys-file", file.path]),
                      "give --keys or --keys-file, not both; see `seqlens explore --help`")
        assertRefusal(try runSeqlens(sampleArguments + ["--cast-size", "100x30"]),
                      "--cast-size renders a key script without the terminal; give --keys or --keys-file too; see `seqlens explore --help`")
        assertRefusal(try runSeqlens(sampleArguments + ["--keys", "a", "--cast-size", "100"]),
                      "--cast-size takes COLSxROWS, e.g. 100x30 (20 to 1000 columns, 5 to 500 rows), not '100'; see `seqlens explore --help`")
        assertRefusal(try runSeqlens(sampleArguments + ["--keys", "a", "--cast", folder.appendingPathComponent("no/such/x.cast").path]),
                      "--cast \(folder.appendingPathComponent("no/such/x.cast").path): cannot write (no such file or directory); check the folder exists and is writable")
        assertRefusal(try runSeqlens(sampleArguments + ["--keys", "a", "--snapshot", folder.appendingPathComponent("x.svg").path]),
                      "--snapshot writes the opening view without a session; for a scripted one use --keys (with --cast to record it); see `seqlens explore --help`")
        // Without a terminal and without a script there is nothing to drive the session.
        assertRefusal(try runSeqlens(sampleArguments),
                      "seqlens explore needs an interactive terminal (stdin is not a TTY); for scripts use the headless commands (seqlens predict | attr | ism | logo | show) or a key script (--keys, see --help)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["bad.keys"], "no recording is left by a refusal")
    }

    func testInterruptedHeadlessRunStillFinishesItsRecording() throws {
        let cast = folder.appendingPathComponent("interrupted.cast")
        let process = Process()
        process.executableURL = seqlensBinary()
        process.arguments = sampleArguments + ["--keys", ":10<Enter><idle>l<wait 60s>", "--cast", cast.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Interrupt once the recording so far shows the cursor moved (its lines are written whole).
        let deadline = Date().addingTimeInterval(60)
        func recordedSoFar() -> Asciicast? {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            guard let partial = names.first(where: { $0.hasSuffix(".partial") }),
                  let text = try? String(contentsOf: folder.appendingPathComponent(partial), encoding: .utf8),
                  let end = text.lastIndex(of: "\n") else { return nil }
            return try? Asciicast(text: String(text[...end]))
        }
        while Date() < deadline {
            if let screen = try? recordedSoFar()?.finalScreen(), screen.contains(where: { $0.hasPrefix(" pos 11/200") }) { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let recording = try Asciicast(contentsOf: cast)
        XCTAssertEqual(recording.header["width"] as? Int, 80)
        let screen = try recording.finalScreen()
        XCTAssertTrue(screen.contains { $0.hasPrefix(" pos 11/200") }, screen.joined(separator: "\n"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["interrupted.cast"])
    }

    /// The explorer in a tmux pane (env execs it: the pane's process is the explorer) with `arguments` added.
    func startOnTerminal(_ arguments: [String]) throws -> TmuxSession {
        let command = (["env", "-u", "LC_ALL", "-u", "NO_COLOR", "-u", "COLORTERM", "LANG=C.UTF-8", seqlensBinary().path]
            + sampleArguments + arguments).map(shellQuoted).joined(separator: " ")
        return try TmuxSession(width: 100, height: 30, command: command)
    }

    func testKeysDriveATerminalSessionThenThePersonCarriesOn() throws {
        let cast = folder.appendingPathComponent("terminal.cast")
        let tmux = try startOnTerminal(["--keys", ":44<Enter><idle>T", "--cast", cast.path])
        defer { tmux.kill() }
        try tmux.waitFor("the script's edit") { screen in
            screen.contains { $0.hasPrefix(" pos 44/200 │ ref C now T │ pred 0.033 │ 44:C>T CEBPB 1.000→0.033 Δ -0.967") }
        }
        // The script is over; the person's keys work: u undoes the scripted edit.
        try tmux.type("u")
        try tmux.waitFor("undid 44:C>T")
        // Quit once the screen has settled (the maps of the undone sequence drawn).
        var last = try tmux.capture()
        let settled = Date().addingTimeInterval(20)
        while Date() < settled {
            Thread.sleep(forTimeInterval: 0.5)
            let now = try tmux.capture()
            if now == last { break }
            last = now
        }
        try tmux.type("q")
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: cast.path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let recording = try Asciicast(contentsOf: cast)
        XCTAssertEqual(recording.header["width"] as? Int, 100)
        XCTAssertEqual(recording.header["height"] as? Int, 30)
        XCTAssertEqual((recording.header["env"] as? [String: String])?["TERM"], "tmux-256color")
        // The recording ends on what the terminal showed last.
        XCTAssertEqual(try recording.finalScreen().map(\.trimmingTrailingSpaces), last)
        XCTAssertTrue(last.contains { $0.hasPrefix(" pos 44/200 │ base C │ pred 1.000") }, last.joined(separator: "\n"))
    }
}

extension ReplayEndToEndTests {
    /// SIGTERM ends a full-screen run at once (the terminal restored, exit 143); the recording so
    /// far is still renamed into place.
    func testSIGTERMOnATerminalKeepsTheRecording() throws {
        let cast = folder.appendingPathComponent("terminated.cast")
        let tmux = try startOnTerminal(["--keys", ":44<Enter>", "--cast", cast.path])
        defer { tmux.kill() }
        // The predictions in too (the header names the task they chose), however slow the machine.
        try tmux.waitFor("the cursor at 44 and the predictions") { screen in
            screen.contains { $0.hasPrefix(" pos 44/200") } && screen.first?.contains("task CEBPB") == true
        }
        XCTAssertEqual(kill(try tmux.panePID(), SIGTERM), 0)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: cast.path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let recorded = try Asciicast(contentsOf: cast).finalScreen().map(\.trimmingTrailingSpaces)
        XCTAssertTrue(recorded[0].hasPrefix(" multitask-deep-relu │ record 2/50 mt_test_04056 │ task CEBPB"), recorded[0])
        XCTAssertTrue(recorded.contains { $0.hasPrefix(" pos 44/200") }, recorded.joined(separator: "\n"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["terminated.cast"])
    }
}

private extension String {
    var trimmingTrailingSpaces: String { String(reversed().drop { $0 == " " }.reversed()) }
}
