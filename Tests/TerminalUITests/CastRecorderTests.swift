import Foundation
import Interactive
import Rendering
import TestSupport
import XCTest
@testable import TerminalUI

final class CastRecorderTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cast-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func canvas(_ lines: [String]) -> Canvas {
        var canvas = Canvas(width: lines[0].count, height: lines.count)
        for (y, line) in lines.enumerated() { canvas.write(line, x: 0, y: y) }
        return canvas
    }

    func testFirstFrameClearsAndLaterFramesRedrawOnlyTheChangedCells() {
        let first = canvas(["ab ", "cd "])
        XCTAssertEqual(CastRecorder.frame(from: nil, to: first, depth: .trueColor),
                       "\u{1B}[?25l\u{1B}[0m\u{1B}[H\u{1B}[2J\u{1B}[1;1Hab \u{1B}[2;1Hcd ")
        var second = first
        second.put("X", x: 1, y: 1, style: Style(foreground: .rgb(255, 0, 0), attributes: .bold))
        XCTAssertEqual(CastRecorder.frame(from: first, to: second, depth: .trueColor), "\u{1B}[2;2H\u{1B}[1;38;2;255;0;0mX\u{1B}[0m")
        XCTAssertEqual(CastRecorder.frame(from: first, to: second, depth: .monochrome), "\u{1B}[2;2HX", "no colour when it is off")
        XCTAssertEqual(CastRecorder.frame(from: second, to: second, depth: .trueColor), "")
    }

    func testJSONStrings() {
        XCTAssertEqual(CastRecorder.jsonString("a\"b\\c\nd\u{1B}[0m\u{7F}Δ▇"), "\"a\\\"b\\\\c\\nd\\u001b[0m\\u007fΔ▇\"")
        XCTAssertEqual(CastRecorder.header(width: 100, height: 30, timestamp: 1_700_000_000, title: "seqlens \"x\"", terminalType: "xterm-256color"),
                       "{\"version\": 2, \"width\": 100, \"height\": 30, \"timestamp\": 1700000000, \"title\": \"seqlens \\\"x\\\"\", \"env\": {\"TERM\": \"xterm-256color\"}}")
        XCTAssertEqual(CastRecorder.event(at: 1.5, code: "o", "x"), "[1.500000, \"o\", \"x\"]")
    }

    func testRecordingIsAsciicastV2EndingOnTheLastFrame() throws {
        let url = folder.appendingPathComponent("run.cast")
        let recorder = try CastRecorder(url: url, title: "demo", terminalType: "xterm-256color")
        try recorder.record(canvas(["hello", "world"]), depth: .trueColor)
        try recorder.record(canvas(["hello", "world"]), depth: .trueColor)
        Thread.sleep(forTimeInterval: 0.01)
        try recorder.record(canvas(["help!", "world"]), depth: .trueColor)
        try recorder.record(canvas(["wide  ", "and   ", "tall  "]), depth: .trueColor)
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "nothing at the final path before finish")
        try recorder.finish()
        try recorder.finish()

        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["run.cast"], "the partial file was renamed")
        let cast = try Asciicast(contentsOf: url)
        XCTAssertEqual(cast.header["version"] as? Int, 2)
        XCTAssertEqual(cast.header["width"] as? Int, 5)
        XCTAssertEqual(cast.header["height"] as? Int, 2)
        XCTAssertEqual(cast.header["title"] as? String, "demo")
        XCTAssertEqual((cast.header["env"] as? [String: String])?["TERM"], "xterm-256color")
        XCTAssertEqual(cast.events.map(\.code), ["o", "o", "r", "o", "o"], "an equal frame adds nothing; a new size is a resize")
        XCTAssertEqual(cast.events[1].data, "\u{1B}[1;4Hp!")
        XCTAssertEqual(cast.events[2].data, "6x3")
        XCTAssertEqual(cast.events.last?.data, "\u{1B}[0m\u{1B}[?25h")
        XCTAssertEqual(zip(cast.events, cast.events.dropFirst()).filter { $0.time > $1.time }.count, 0, "times never go back")
        XCTAssertGreaterThanOrEqual(cast.events[1].time - cast.events[0].time, 0.01)
        XCTAssertEqual(try cast.finalScreen(), ["wide  ", "and   ", "tall  "])
    }

    func testARecordingThatNeverStartsLeavesNoFile() throws {
        let url = folder.appendingPathComponent("none.cast")
        var recorder: CastRecorder? = try CastRecorder(url: url, title: nil, terminalType: "xterm")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).count, 1, "the partial file exists at once")
        recorder = nil
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
        let finished = try CastRecorder(url: url, title: nil, terminalType: "xterm")
        try finished.finish()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [], "no frame, no recording")
        _ = recorder
    }

    func testAnUnwritablePathIsRefusedAtOnce() {
        let url = folder.appendingPathComponent("missing/run.cast")
        XCTAssertThrowsError(try CastRecorder(url: url, title: nil, terminalType: "xterm")) { error in
            XCTAssertEqual("\(error)", "\(url.path): cannot write (no such file or directory); check the folder exists and is writable")
        }
    }

    func testHeadlessRunPlaysTheScriptIntoTheRecording() throws {
        let url = folder.appendingPathComponent("headless.cast")
        let recorder = try CastRecorder(url: url, title: nil, terminalType: "xterm-256color")
        let app = ScriptedAppDouble()
        app.pendingPolls = 3
        let end = try TerminalUI.runHeadless(app, width: 30, height: 4, depth: .palette256,
                                             script: try KeyScript.parse("ab<Left><wait 20ms>c", comments: false), recording: recorder)
        try recorder.finish()
        XCTAssertEqual(end, .completed)
        XCTAssertEqual(app.typed, "ab←c")
        XCTAssertEqual(app.pendingPolls, 0, "the run ends once the app's work is done")
        let cast = try Asciicast(contentsOf: url)
        XCTAssertEqual(cast.header["width"] as? Int, 30)
        XCTAssertEqual(try cast.finalScreen(), ["typed ab←c" + String(repeating: " ", count: 20), "done" + String(repeating: " ", count: 26),
                                                String(repeating: " ", count: 30), String(repeating: " ", count: 30)])
        XCTAssertTrue(cast.events[0].data.contains("\u{1B}[38;5;"), "colours at the depth asked for: \(cast.events[0].data.debugDescription)")
        XCTAssertGreaterThanOrEqual(cast.events.last!.time, 0.02, "the pause is in the recording's time")
    }

    /// `<idle>` looks every 20 ms, but polls (which tick the explorer's spinner) keep the app's pace.
    func testWaitingForIdleKeepsTheAppsTicks() throws {
        let app = ScriptedAppDouble()
        app.pendingPolls = 3
        app.tick = .milliseconds(50)
        let start = ContinuousClock().now
        _ = try TerminalUI.runHeadless(app, width: 20, height: 3, depth: .monochrome, script: try KeyScript.parse("<idle>a", comments: false), recording: nil)
        XCTAssertEqual(app.typed, "a")
        XCTAssertGreaterThanOrEqual(ContinuousClock().now - start, .milliseconds(150), "three polls, one per tick")
    }

    func testHeadlessRunEndsWhenTheAppQuits() throws {
        let app = ScriptedAppDouble()
        let end = try TerminalUI.runHeadless(app, width: 20, height: 3, depth: .monochrome,
                                             script: try KeyScript.parse("aq<wait 10s>b", comments: false), recording: nil)
        XCTAssertEqual(end, .completed)
        XCTAssertEqual(app.typed, "aq")
    }
}
