import Foundation
import TestSupport
import XCTest

/// `seqlens explore` with --pad/--crop through the real binary: the record's own positions on
/// screen and in saved files (tmux), and `--snapshot` writing the opening view without a terminal.
final class ExploreCoordinatesTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    var folder: URL!
    var tmux: TmuxSession?

    /// An 80-nt record (padded to the model's 200: 60 % padding) and a 500-nt one (cropped to 150–350),
    /// with one annotation outside that window.
    override func setUpWithError() throws {
        folder = try temporaryDirectory()
        var state: UInt64 = 5
        // A small linear congruential generator: the same bases on every run.
        func random(_ count: Int) -> String {
            String((0 ..< count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Array("ACGT")[Int(state >> 62)]
            })
        }
        try ">short GATA at 30\n\(random(30))AGATAA\(random(44))\n>long E-box at 300\n\(random(300))CACGTG\(random(194))\n"
            .write(to: folder.appendingPathComponent("mixed.fa"), atomically: true, encoding: .utf8)
        try "short\t30\t36\tGATA\nlong\t300\t306\tEbox\nlong\t10\t20\tearly\n"
            .write(to: folder.appendingPathComponent("mixed.bed"), atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        tmux?.kill()
        try? FileManager.default.removeItem(at: folder)
        super.tearDown()
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    var arguments: [String] {
        [model, path("mixed.fa"), "--pad", "center", "--crop", "center", "--annotations", path("mixed.bed"), "--save-as", path("run")]
    }

    func testSnapshotWritesTheOpeningViewWithoutATerminal() throws {
        let result = try runSeqlens(["explore"] + arguments + ["--record", "long", "--snapshot", path("view.svg")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout + result.stderr, "")
        let svg = try SVGReader(String(contentsOf: folder.appendingPathComponent("view.svg"), encoding: .utf8))
        XCTAssertEqual(svg.texts.first, "tiny-motifs · long · Ebox · saliency")
        // A 120-column terminal shows 112 positions, centred on the E-box annotation (300–305;
        // "early", 10–19, lies outside the --crop window 150–349): 247–358, of which the model sees 247–349.
        XCTAssertEqual(svg.texts[1], "model tiny-motifs · record long (2 of 2, 500 nt) · positions 247:350 (0-based, end excluded)")
        XCTAssertEqual(svg.texts[3], "edits: none (the reference sequence)")
        XCTAssertEqual(svg.logoPositions, 103)
        XCTAssertGreaterThan(svg.logoGlyphs, 0)
        XCTAssertGreaterThan(svg.heatmapCells, 1, "cells besides the frame")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["mixed.bed", "mixed.fa", "view.svg"],
                       "nothing else written (atomic write leaves no temporary file)")

        let refused = try runSeqlens(["explore"] + arguments + ["--snapshot", path("missing/view.svg")])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.hasPrefix("seqlens: error: cannot write \(path("missing/view.svg")): "), refused.stderr)
        XCTAssertEqual(refused.stderr.filter { $0 == "\n" }.count, 1, "one line")
    }

    func testPaddingIsShownInTheRecordsOwnPositionsAndIsNotEditable() throws {
        try TmuxSession.requireTmux()
        let command = (["env", "-u", "LC_ALL", "-u", "NO_COLOR", "LANG=C.UTF-8", seqlensBinary().path, "explore"] + arguments).map(shellQuoted).joined(separator: " ")
        let tmux = try TmuxSession(width: 220, height: 30, command: command)
        self.tmux = tmux
        let status = { (screen: [String]) in screen.last { $0.hasPrefix(" pos ") } ?? "" }
        let bottom = { (screen: [String]) in screen.last { !$0.isEmpty } ?? "" }
        var screen = try tmux.waitFor("the first predictions") { status($0).contains("update ") }
        XCTAssertTrue(status(screen).hasPrefix(" pos 30/80 │ base A │ pred "), "opens on the annotation: \(status(screen))")
        XCTAssertTrue(status(screen).contains(" │ in GATA"), status(screen))
        XCTAssertEqual(bottom(screen).trimmingCharacters(in: .whitespaces),
                       "(1/2) warning: 'short' is 80 nt, padded to the model's 200 (60% padding); the model sees mostly padding there")
        XCTAssertTrue(screen.contains { $0.contains("··········") }, "padding is drawn as padding")
        try tmux.type("l")
        screen = try tmux.waitFor("the second warning") { bottom($0).hasPrefix("(2/2)") }
        XCTAssertEqual(bottom(screen).trimmingCharacters(in: .whitespaces),
                       "(2/2) warning: 1 of 3 annotations lies outside the model's input window (move the cursor there and the window follows)")

        try tmux.type("0")
        screen = try tmux.waitFor("the cursor on the padding") { status($0).hasPrefix(" pos -60/80 │ padding") }
        try tmux.type("A")
        screen = try tmux.waitFor("the refusal") { bottom($0).hasPrefix("position -60 is padding") }
        XCTAssertEqual(bottom(screen).trimmingCharacters(in: .whitespaces), "position -60 is padding, not part of short (0 to 79): it cannot be edited")

        try tmux.type(":33")
        try tmux.send("Enter")
        _ = try tmux.waitFor("the cursor at 33") { status($0).hasPrefix(" pos 33/80 ") }
        try tmux.type("C")
        _ = try tmux.waitFor("the edit's effect") { status($0).contains(":") && status($0).contains(">C ") }
        try tmux.type("s")
        _ = try tmux.waitFor("the save") { bottom($0).hasPrefix("saved 1 edit") }
        let log = try String(contentsOfFile: path("run.mutations.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(log[1].split(separator: "\t")[0 ... 1], ["short", "33"])
        let fasta = try String(contentsOfFile: path("run.fa"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(fasta[1].count, 80, "the record without its padding, its line as written")
        XCTAssertTrue(fasta[2].hasPrefix(">long"))
        try tmux.type("q")
    }
}
