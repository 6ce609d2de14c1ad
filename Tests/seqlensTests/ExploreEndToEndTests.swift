import Foundation
import TestSupport
import XCTest

/// End-to-end runs of `seqlens explore` (the release binary) in a private tmux server: keys go in
/// with `send-keys`, screens come out with `capture-pane -p`, and every wait polls for a marker
/// with a deadline. Skipped when tmux is not installed.
final class ExploreEndToEndTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa").path
    let annotations = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.tsv").path
    let record = "mt_test_04056"

    var sessions: [TmuxSession] = []
    var folders: [URL] = []

    override func tearDown() {
        // Always stop the servers, also when a test failed half-way.
        sessions.forEach { $0.kill() }
        sessions = []
        folders.forEach { try? FileManager.default.removeItem(at: $0) }
        folders = []
        super.tearDown()
    }

    // MARK: - Helpers

    /// The explorer's command line, with a UTF-8 locale so its glyphs are drawn as such.
    func exploreCommand(_ arguments: [String]) -> String {
        (["env", "-u", "LC_ALL", "-u", "NO_COLOR", "-u", "COLORTERM", "LANG=C.UTF-8", seqlensBinary().path, "explore"] + arguments).map(shellQuoted).joined(separator: " ")
    }

    var standardArguments: [String] { [model, fasta, "--annotations", annotations, "--record", record] }

    /// Starts the explorer in a new tmux session and waits for its first full screen.
    func startExplorer(_ arguments: [String]? = nil, width: Int = 100, height: Int = 30) throws -> TmuxSession {
        let tmux = try TmuxSession(width: width, height: height, command: exploreCommand(arguments ?? standardArguments))
        sessions.append(tmux)
        try waitForReady(tmux)
        return tmux
    }

    /// Runs the explorer inside a shell that compares `stty -g` before and after and prints the exit status,
    /// after a blank line: when the pane dies, tmux (3.3, remain-on-exit) loses its first line (the
    /// blank line before the explorer keeps an error message it prints clear of that).
    func startWrappedExplorer(_ arguments: [String]? = nil, waitUntilReady: Bool = true) throws -> TmuxSession {
        let script = """
        echo; before=$(stty -g); \(exploreCommand(arguments ?? standardArguments)); status=$?; after=$(stty -g); \
        if [ "$before" = "$after" ]; then same=STTY-SAME; else same=STTY-DIFF; fi; echo; echo "$same EXIT-STATUS $status"
        """
        let tmux = try TmuxSession(command: "sh -c \(shellQuoted(script))")
        sessions.append(tmux)
        if waitUntilReady { try waitForReady(tmux) }
        return tmux
    }

    /// Waits for the header of the record and the first prediction timing in the status line.
    func waitForReady(_ tmux: TmuxSession, file: StaticString = #filePath, line: UInt = #line) throws {
        try tmux.waitFor("the header and the first prediction", file: file, line: line) { screen in
            screen.first?.contains("record 2/50 \(self.record)") == true && (Self.status(screen)?.contains("update ") ?? false)
        }
    }

    /// The status line (" pos …"), nil when not drawn.
    static func status(_ screen: [String]) -> String? {
        screen.last { $0.hasPrefix(" pos ") }
    }

    static func bottom(_ screen: [String]) -> String {
        screen.last { !$0.isEmpty } ?? ""
    }

    /// `:44` Enter: waits until the status line shows the cursor there.
    func jump(_ tmux: TmuxSession, to position: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try tmux.type(":")
        try tmux.waitFor("the jump prompt", file: file, line: line) { Self.bottom($0).hasPrefix(":") }
        try tmux.type("\(position)")
        try tmux.send("Enter")
        try tmux.waitFor("the cursor at \(position)", file: file, line: line) { Self.status($0)?.hasPrefix(" pos \(position)/") == true }
    }

    struct EditEffect {
        var task: String
        var before: Double
        var after: Double
        var delta: Double
    }

    /// Parses "44:C>T CEBPB 1.000→0.033 Δ -0.967" out of the status line.
    static func editEffect(_ status: String, substitution: String) -> EditEffect? {
        let fields = status.components(separatedBy: " │ ").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let field = fields.first(where: { $0.hasPrefix(substitution + " ") }) else { return nil }
        let words = field.split(separator: " ").map(String.init)
        // [substitution, task, before→after, Δ, delta]
        guard words.count >= 5, words[3] == "Δ" else { return nil }
        let values = words[2].components(separatedBy: "→")
        guard values.count == 2, let before = Double(values[0]), let after = Double(values[1]),
              let delta = Double(words[4].replacingOccurrences(of: "+", with: "")) else { return nil }
        return EditEffect(task: words[1], before: before, after: after, delta: delta)
    }

    /// Jumps to 44 and mutates C→T; returns the screen once the edit's effect is shown.
    func mutate44(_ tmux: TmuxSession, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try jump(tmux, to: 44, file: file, line: line)
        XCTAssertTrue(Self.status(try tmux.capture())?.contains("base C") == true, "position 44 of \(record) is a C", file: file, line: line)
        try tmux.type("T")
        return try tmux.waitFor("the effect of 44:C>T", file: file, line: line) { screen in
            Self.status(screen).flatMap { Self.editEffect($0, substitution: "44:C>T") } != nil
        }
    }

    // MARK: - Tests

    func testStartShowsTheRecordAndPredictionTiming() throws {
        let tmux = try startExplorer()
        let screen = try tmux.capture()
        XCTAssertEqual(screen.count, 30)
        let header = screen[0]
        XCTAssertTrue(header.hasPrefix(" multitask-deep-relu │ record 2/50 mt_test_04056 │ task CEBPB"), header)
        XCTAssertTrue(screen.contains { $0.hasPrefix("predictions") }, "the predictions pane has a title")
        let status = try XCTUnwrap(Self.status(screen))
        XCTAssertTrue(status.hasPrefix(" pos 40/"), "the record opens on its annotation (CEBPB at 40–50): \(status)")
        XCTAssertNotNil(status.range(of: #"update [0-9.]+ ms"#, options: .regularExpression), status)
        // The FASTA's warning (a record with N) is the first screen's message, not lost on stderr.
        XCTAssertTrue(Self.bottom(screen).hasPrefix("warning: 1 of 50 records contains 3 non-ACGT letters"), Self.bottom(screen))
        try tmux.type("l")
        _ = try tmux.waitFor("the key hints after the first key") { Self.bottom($0).hasPrefix("? help") }
    }

    func testMoveAndMutateShowsTheEffect() throws {
        let tmux = try startExplorer()
        let screen = try mutate44(tmux)
        XCTAssertTrue(screen.contains { $0.hasPrefix("predictions: now, reference, Δ") }, screen.joined(separator: "\n"))
        let status = try XCTUnwrap(Self.status(screen))
        XCTAssertTrue(status.contains("ref C now T"), status)
        XCTAssertTrue(screen[0].contains("mt_test_04056 [+]"), "the header marks unsaved edits: " + screen[0])
        let effect = try XCTUnwrap(Self.editEffect(status, substitution: "44:C>T"), status)
        XCTAssertEqual(effect.task, "CEBPB")
        XCTAssertNotEqual(effect.before, effect.after, status)
        XCTAssertEqual(effect.after - effect.before, effect.delta, accuracy: 0.002, status)
        // Breaking the CEBPB site (TTGCGCAA) lowers its prediction.
        XCTAssertLessThan(effect.after, effect.before, status)
        // The CEBPB bar shows the new value and the reference.
        let bar = try XCTUnwrap(screen.first { $0.contains("▶CEBPB") }, "the selected task's bar")
        XCTAssertTrue(bar.contains(String(format: "%.3f", effect.after)), bar)
        XCTAssertTrue(bar.contains(String(format: "ref %.3f", effect.before)), bar)
    }

    func testUndoRestoresTheBase() throws {
        let tmux = try startExplorer()
        _ = try mutate44(tmux)
        try tmux.type("u")
        let screen = try tmux.waitFor("the undo message") { Self.bottom($0).contains("undid 44:C>T") }
        let status = try XCTUnwrap(Self.status(screen))
        XCTAssertTrue(status.hasPrefix(" pos 44/"), status)
        XCTAssertTrue(status.contains("base C"), status)
        XCTAssertFalse(status.contains("ref C now T"), status)
        XCTAssertFalse(screen.contains { $0.hasPrefix("predictions: now, reference, Δ") }, "no edits left, so no reference column")
    }

    /// Whether `screen` is the explorer drawn for exactly `width`×`height`: the header on the first
    /// row, the status line on the second-last with its right-aligned timings ending one column
    /// before the edge. (Right after a resize tmux shows the old screen cut or padded to the new
    /// size, which fails the last test until the explorer has redrawn.)
    static func isExplorer(_ screen: [String], width: Int, height: Int) -> Bool {
        guard screen.count == height, screen[0].contains("record 2/50"), screen[height - 2].hasPrefix(" pos ") else { return false }
        let status = screen[height - 2]
        return status.hasSuffix(" ms") && status.count == width - 1
    }

    func testResizeRedrawsAtEverySize() throws {
        let tmux = try startExplorer()
        XCTAssertTrue(Self.isExplorer(try tmux.capture(), width: 100, height: 30))
        // From the first base, so the ruler starts at 0 at every width.
        try tmux.type("0")
        try tmux.waitFor("the cursor at 0") { Self.status($0)?.hasPrefix(" pos 0/") == true }

        try tmux.resize(width: 80, height: 24)
        var screen = try tmux.waitFor("a redraw at 80×24") { Self.isExplorer($0, width: 80, height: 24) }
        XCTAssertTrue(screen.allSatisfy { $0.count <= 80 })
        // The header drops "seqlens" first to fit.
        XCTAssertTrue(screen[0].contains("multitask-deep-relu │ record 2/50 mt_test_04056"), screen[0])
        // The ruler (the row above "seq"): whole, increasing labels, the last one inside the screen.
        let sequenceRow = try XCTUnwrap(screen.firstIndex { $0.hasPrefix("    seq ") }, screen.joined(separator: "\n"))
        let ruler = screen[sequenceRow - 1], bases = screen[sequenceRow].dropFirst(8)
        let labels = ruler.split(separator: " ").map { Int($0) }
        XCTAssertFalse(labels.contains(nil), ruler)
        let numbers = labels.compactMap { $0 }
        XCTAssertGreaterThan(numbers.count, 2, ruler)
        XCTAssertEqual(numbers.first, 0, ruler)
        XCTAssertEqual(numbers, numbers.sorted(), ruler)
        XCTAssertLessThanOrEqual(ruler.count, 80, ruler)
        XCTAssertLessThan(numbers.last!, bases.count, "the last label names a base on screen: \(ruler)")

        try tmux.resize(width: 60, height: 20)
        screen = try tmux.waitFor("the too-small message") { screen in
            screen.count == 20 && screen.contains { $0.contains("seqlens needs a terminal of at least 80×24") }
        }
        XCTAssertTrue(screen.contains { $0.contains("(this one is 60×20)") }, screen.joined(separator: "\n"))
        XCTAssertFalse(screen.contains { $0.hasPrefix(" pos ") })

        try tmux.resize(width: 100, height: 30)
        screen = try tmux.waitFor("the normal screen at 100×30") { Self.isExplorer($0, width: 100, height: 30) }
        XCTAssertFalse(screen.contains { $0.contains("needs a terminal") })
        XCTAssertTrue(screen[0].hasPrefix(" multitask-deep-relu │ record 2/50 mt_test_04056"), screen[0])

        // Wide and tall: the predictions move beside the logo.
        try tmux.resize(width: 160, height: 48)
        screen = try tmux.waitFor("a redraw at 160×48") { Self.isExplorer($0, width: 160, height: 48) }
        XCTAssertTrue(screen.contains { $0.range(of: #"^\S.* {3,}predictions$"#, options: .regularExpression) != nil },
                      "the predictions pane is on the right:\n" + screen.joined(separator: "\n"))
    }

    func testQuitRestoresTheTerminal() throws {
        let tmux = try startWrappedExplorer()
        try tmux.type("q")
        let screen = try tmux.waitFor("EXIT-STATUS")
        XCTAssertTrue(screen.contains("STTY-SAME EXIT-STATUS 0"), screen.joined(separator: "\n"))
    }

    func testQuitWithUnsavedEditsAsksFirst() throws {
        let tmux = try startWrappedExplorer()
        _ = try mutate44(tmux)
        try tmux.type("q")
        try tmux.waitFor("unsaved edits in 1 record: s save and quit · q quit without saving · Esc stay")
        try tmux.type("q")
        let screen = try tmux.waitFor("EXIT-STATUS")
        XCTAssertTrue(screen.contains("STTY-SAME EXIT-STATUS 0"), screen.joined(separator: "\n"))
    }

    func testControlCQuitsAndRestoresTheTerminal() throws {
        let tmux = try startWrappedExplorer()
        try tmux.send("C-c")
        let screen = try tmux.waitFor("EXIT-STATUS")
        XCTAssertTrue(screen.contains("STTY-SAME EXIT-STATUS 0"), screen.joined(separator: "\n"))
    }

    func testWithoutATerminalPointsToTheHeadlessCommands() throws {
        let result = try runSeqlens(["explore", model, fasta])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("seqlens: error: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("headless commands"), result.stderr)
    }

    func testSIGTERMRestoresTheTerminalAndExits143() throws {
        try assertSignalRestoresTheTerminal("-TERM", exitStatus: 143)
    }

    /// A closed terminal (SSH dropped, window closed) sends SIGHUP.
    func testSIGHUPRestoresTheTerminalAndExits129() throws {
        try assertSignalRestoresTheTerminal("-HUP", exitStatus: 129)
    }

    /// Sends `signal` to the explorer and checks the wrapper's report: terminal settings as before,
    /// exit status 128 + the signal's number.
    func assertSignalRestoresTheTerminal(_ signal: String, exitStatus: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let tmux = try startWrappedExplorer()
        // The wrapper shell's child is the explorer (env execs it).
        let shell = try tmux.panePID()
        let pkill = try Process.run(URL(fileURLWithPath: "/usr/bin/pkill"), arguments: [signal, "-P", String(shell)])
        pkill.waitUntilExit()
        XCTAssertEqual(pkill.terminationStatus, 0, "pkill found the explorer", file: file, line: line)
        let screen = try tmux.waitFor("EXIT-STATUS")
        XCTAssertTrue(screen.contains("STTY-SAME EXIT-STATUS \(exitStatus)"), screen.joined(separator: "\n"), file: file, line: line)
    }

    /// Killed outright (nothing can run on SIGKILL) after an edit: the next start with the same
    /// inputs and prefix offers the edit back, and r puts it back.
    func testAfterSIGKILLTheNextStartRecoversTheEdits() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-e2e-recover-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder)
        let arguments = standardArguments + ["--save-as", folder.appendingPathComponent("out").path]

        let killed = try startWrappedExplorer(arguments)
        _ = try mutate44(killed)
        let pkill = try Process.run(URL(fileURLWithPath: "/usr/bin/pkill"), arguments: ["-KILL", "-P", String(try killed.panePID())])
        pkill.waitUntilExit()
        XCTAssertEqual(pkill.terminationStatus, 0, "pkill found the explorer")
        // The terminal stays raw after SIGKILL (nothing can run), so the wrapper's line may wrap anywhere.
        try killed.waitFor("exit status 137") { $0.joined().filter { $0 != " " }.contains("EXIT-STATUS137") }
        killed.kill()
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.recovery.json").path))

        let tmux = try TmuxSession(command: exploreCommand(arguments))
        sessions.append(tmux)
        try tmux.waitFor("seqlens: 1 edit from an earlier session that did not end cleanly: r recover · d discard?")
        try tmux.type("r")
        try tmux.send("Enter")
        let screen = try tmux.waitFor("the recovered edit at 44") { screen in
            screen.first?.contains("record 2/50 \(self.record)") == true && Self.status(screen)?.hasPrefix(" pos 44/") == true
        }
        XCTAssertTrue(Self.status(screen)?.contains("ref C now T") == true, screen.joined(separator: "\n"))
        XCTAssertTrue(screen.contains { $0.contains("recovered 1 unsaved edit from out.recovery.json (s saves them)") }, screen.joined(separator: "\n"))
        // Recovered edits are unsaved: quitting asks first.
        try tmux.type("q")
        try tmux.waitFor("unsaved edits in 1 record: s save and quit · q quit without saving · Esc stay")
        try tmux.type("s")
        try tmux.waitFor("the explorer to save and exit") { !($0.first?.contains("record 2/50") ?? false) }
        let saved = try String(contentsOf: folder.appendingPathComponent("out.fa"), encoding: .utf8)
        XCTAssertEqual(Self.sequence(of: record, inFASTA: saved).map { Array($0)[44] }, "T", "the recovered edit is saved")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.recovery.json").path), "saved: nothing to recover")
    }

    func testAClickOnTheSequenceMovesTheCursor() throws {
        let tmux = try startExplorer()
        let screen = try tmux.capture()
        let row = try XCTUnwrap(screen.firstIndex { $0.hasPrefix("    seq ") }, "the sequence row")
        // The gutter is 8 columns: position 30 is column 38 while the view starts at 0.
        try tmux.click(x: 8 + 30, y: row)
        try tmux.waitFor("the cursor at the clicked base") { Self.status($0)?.hasPrefix(" pos 30/200") == true }
        try tmux.click(x: 2, y: row)
        try tmux.type("l")
        try tmux.waitFor("a click in the gutter to leave the cursor") { Self.status($0)?.hasPrefix(" pos 31/200") == true }
    }

    func testBadInputInATerminalIsOneLineAndExitStatus2() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-e2e-bad-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder)
        let session = folder.appendingPathComponent("broken.session.json")
        try Data("{\"format\": \"seqlens-session\", \"version\": 1}".utf8).write(to: session)
        // Well-formed sessions whose contents do not fit: refused before the screen opens too.
        func writeSession(_ name: String, sequences: String, zoomLevel: Int = 1, cursor: Int = 44) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data("""
            {"format": "seqlens-session", "version": 1, "model": "\(model)", "sequences": "\(sequences)", "edits": [],
             "view": {"record": 1, "cursor": \(cursor), "task": 0, "method": "saliency", "zoomLevel": \(zoomLevel),
                      "columnsPerPosition": 1, "sortsPredictions": false}}
            """.utf8).write(to: url)
            return url.path
        }
        let missingFASTA = try writeSession("missing-fasta.session.json", sequences: folder.appendingPathComponent("gone.fa").path)
        let zoomed = try writeSession("zoomed.session.json", sequences: fasta, zoomLevel: 1_000_000_000)
        let farCursor = try writeSession("far.session.json", sequences: fasta, cursor: 5000)
        let cases: [([String], String)] = [
            ([folder.appendingPathComponent("missing.onnx").path, fasta], "missing.onnx"),
            (["--session", session.path], "broken.session.json is not a seqlens session file"),
            (["--session", missingFASTA], "gone.fa"),
            (["--session", zoomed], "zoomed.session.json: view zoom (zoomLevel 1000000000, columnsPerPosition 1) is not a zoom of the explorer"),
            (["--session", farCursor], "far.session.json: view.cursor 5000 lies outside 'mt_test_04056' (200 nt)"),
            ([model, fasta, "--task", "NOPE"], "target 'NOPE' is not a task of this model"),
            ([fasta, model], "an ONNX model; the order is MODEL FASTA"),
            ([Fixtures.repositoryRoot.appendingPathComponent("sample-models/residualbind.onnx").path,
              Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/rna-binding.fa").path, "--logits"],
             "does not come from a final Sigmoid or Softmax, so it already is the pre-activation value; leave out --logits"),
        ]
        for (arguments, expected) in cases {
            let tmux = try startWrappedExplorer(arguments, waitUntilReady: false)
            let screen = try tmux.waitFor("EXIT-STATUS")
            let errors = screen.filter { $0.hasPrefix("seqlens: error: ") }
            XCTAssertEqual(errors.count, 1, screen.joined(separator: "\n"))
            // Long lines wrap at the pane's width (a space at the wrap is lost: compare without spaces).
            XCTAssertTrue(screen.joined().filter { $0 != " " }.contains(expected.filter { $0 != " " }), screen.joined(separator: "\n"))
            XCTAssertTrue(screen.contains("STTY-SAME EXIT-STATUS 2"), screen.joined(separator: "\n"))
            tmux.kill()
        }
    }

    func testSaveWritesThreeFilesAndTheSessionReopens() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-e2e-save-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder)
        let prefix = folder.appendingPathComponent("out").path

        let tmux = try startExplorer(standardArguments + ["--save-as", prefix])
        _ = try mutate44(tmux)
        try tmux.type("s")
        try tmux.waitFor("saved 1 edit to out.fa, out.mutations.tsv, out.session.json")
        let screen = try tmux.capture()
        XCTAssertFalse(screen[0].contains("[+]"), "nothing unsaved: " + screen[0])
        try tmux.type("q")  // nothing unsaved: quits at once
        try tmux.waitFor("the explorer to exit") { !($0.first?.contains("record 2/50") ?? false) }
        tmux.kill()

        let fastaText = try String(contentsOf: folder.appendingPathComponent("out.fa"), encoding: .utf8)
        let sequence = try XCTUnwrap(Self.sequence(of: record, inFASTA: fastaText))
        XCTAssertEqual(Array(sequence)[44], "T", "the saved FASTA has the edit")
        XCTAssertTrue(sequence.hasPrefix("AACCAGGGAGGAATTCGCAGTATTCGGGAGATGACTGTCCATTGTGCAACAA"), sequence)
        let log = try String(contentsOf: folder.appendingPathComponent("out.mutations.tsv"), encoding: .utf8)
        XCTAssertTrue(log.split(separator: "\n").contains { $0.hasPrefix("\(record)\t44\tC\tT") }, log)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.session.json").path))

        // The session reopens with its edit and cursor.
        let reopened = try TmuxSession(command: exploreCommand(["--session", prefix + ".session.json"]))
        sessions.append(reopened)
        let restored = try reopened.waitFor("the restored edit at 44") { screen in
            screen.first?.contains(self.record) == true && Self.status(screen)?.hasPrefix(" pos 44/") == true
        }
        let status = try XCTUnwrap(Self.status(restored))
        XCTAssertTrue(status.contains("ref C now T"), status)
    }

    /// A two-record FASTA written as genome files often are — CRLF, odd line widths, soft-masked
    /// (lower-case) stretches — survives a paste and a save: the unedited record byte for byte,
    /// the edited one with its lines and case.
    func testAPasteIsOneEditAndSavingKeepsTheInputsText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-e2e-paste-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder)
        let source = try String(contentsOfFile: fasta, encoding: .utf8)
        let ids = ["mt_test_00094", record]
        let sequences = try ids.map { try XCTUnwrap(Self.sequence(of: $0, inFASTA: source)) }
        func lines(_ text: String, width: Int) -> [String] {
            stride(from: 0, to: text.count, by: width).map { String(Array(text)[$0 ..< min(text.count, $0 + width)]) }
        }
        // Record 1: positions 10–29 soft-masked, 37 bases a line, CRLF. Record 2: 50 a line, its tail soft-masked.
        let masked = Array(sequences[0]).enumerated().map { (10 ..< 30).contains($0.offset) ? Character($0.element.lowercased()) : $0.element }
        let first = ">\(ids[0]) chr2:100-300\r\n" + lines(String(masked), width: 37).map { $0 + "\r\n" }.joined()
        let second = ">\(ids[1])\n" + lines(String(sequences[1].prefix(180)) + sequences[1].suffix(20).lowercased(), width: 50).map { $0 + "\n" }.joined()
        let input = folder.appendingPathComponent("masked.fa")
        try (first + second).write(to: input, atomically: true, encoding: .utf8)
        let prefix = folder.appendingPathComponent("out").path

        let tmux = try TmuxSession(command: exploreCommand([model, input.path, "--save-as", prefix]))
        sessions.append(tmux)
        try tmux.waitFor("the first record") { screen in
            screen.first?.contains("record 1/2 \(ids[0])") == true && (Self.status(screen)?.contains("update ") ?? false)
        }
        // The first screen opens on the most informative region: go to the start, where the mask is.
        try tmux.type("0")
        let atStart = try tmux.waitFor("the start of the record") { Self.status($0)?.hasPrefix(" pos 0/") == true }
        let row = try XCTUnwrap(atStart.first { $0.hasPrefix("    seq ") })
        XCTAssertTrue(row.hasPrefix("    seq " + String(masked.prefix(40))), "soft-masked bases in lower case: \(row)")

        try jump(tmux, to: 40)
        let pasted = "GATTACAG"
        let changed = (40 ..< 48).filter { Array(sequences[0])[$0] != Array(pasted)[$0 - 40] }
        // The line break arrives as Enter: only inside a bracketed paste is it part of the text.
        try tmux.paste("GATT\nACAG")
        let summary = "\(changed.first!)–\(changed.last!): \(changed.count) edits, largest Δ "
        try tmux.waitFor("the paste's summary with its largest effect") { screen in
            Self.status(screen)?.range(of: summary + #"[A-Za-z0-9]+ [+-][0-9.]+"#, options: .regularExpression) != nil
        }
        try tmux.type("u")
        try tmux.waitFor("undid \(changed.count) edits")
        try tmux.send("C-r")
        try tmux.waitFor("redid \(changed.count) edits")
        try tmux.type("s")
        try tmux.waitFor("saved \(changed.count) edits to out.fa, out.mutations.tsv, out.session.json")
        try tmux.type("q")
        try tmux.waitFor("the explorer to exit") { !($0.first?.contains("record 1/2") ?? false) }
        tmux.kill()

        let saved = try String(contentsOfFile: prefix + ".fa", encoding: .utf8)
        var edited = masked
        for position in 40 ..< 48 { edited[position] = Array(pasted)[position - 40] }
        let edits = changed.map { "\($0):\(Array(sequences[0])[$0])>\(Array(pasted)[$0 - 40])" }.joined(separator: ",")
        let expected = ">\(ids[0]) chr2:100-300 seqlens_edits=\(edits)\r\n" + lines(String(edited), width: 37).map { $0 + "\r\n" }.joined() + second
        XCTAssertEqual(saved, expected)
    }

    /// `b` lists the best next edits once the ISM is in; Enter applies the top one, whose
    /// measured effect is the listed one, and `u` takes it back.
    func testBestNextEditsApplyTheTopEditWithItsListedEffect() throws {
        let tmux = try startExplorer()
        // The record's CEBPB probability is saturated: its logit moves.
        try tmux.type("x")
        try tmux.waitFor("logits: the pre-activation output")
        try tmux.type("b")
        // Until the first row is drawn whole: a capture can catch the panel's frame before its rows.
        let screen = try tmux.waitFor("the best next edits") { screen in
            guard screen.contains(where: { $0.contains("best next edits: CEBPB") }), !screen.contains(where: { $0.contains("computing ISM") }),
                  let header = screen.firstIndex(where: { $0.contains("edit        effect     prediction") }), header + 1 < screen.count else { return false }
            return screen[header + 1].contains("→")
        }
        let header = try XCTUnwrap(screen.firstIndex { $0.contains("edit        effect     prediction") }, screen.joined(separator: "\n"))
        // The first row, from the column the header's "edit" starts at: [edit, effect, →, prediction, …].
        let column = screen[header].distance(from: screen[header].startIndex, to: screen[header].range(of: "edit        effect")!.lowerBound)
        let top = screen[header + 1].dropFirst(column).split(separator: " ").map(String.init)
        XCTAssertGreaterThanOrEqual(top.count, 4, screen.joined(separator: "\n"))
        let listed = try XCTUnwrap(Double(top.dropFirst().first?.replacingOccurrences(of: "+", with: "") ?? ""), top.joined(separator: " "))
        XCTAssertGreaterThan(listed, 0, "the first edit raises the task")
        try tmux.send("Enter")
        let applied = try tmux.waitFor("the effect of \(top[0])") { Self.status($0).flatMap { Self.editEffect($0, substitution: top[0]) } != nil }
        let effect = try XCTUnwrap(Self.editEffect(try XCTUnwrap(Self.status(applied)), substitution: top[0]))
        XCTAssertEqual(effect.delta, listed, accuracy: 0.002)
        try tmux.type("u")
        try tmux.waitFor("undid \(top[0])")
    }

    // MARK: - Parsing helpers

    static func sequence(of id: String, inFASTA text: String) -> String? {
        var found = false, sequence = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix(">") {
                if found { break }
                found = line.dropFirst().split(separator: " ").first.map(String.init) == id
            } else if found {
                sequence += line.trimmingCharacters(in: .whitespaces)
            }
        }
        return found ? sequence : nil
    }
}
