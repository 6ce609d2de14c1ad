import Foundation
import TestSupport
import XCTest

/// `seqlens demo`: the list of tours, refusals, and one tour given in a real terminal (tmux),
/// found from the binary's own repository while running in another folder.
final class DemoEndToEndTests: XCTestCase {
    func testTheListNamesEveryTourInOrderWithItsTitleAndWhatItShows() throws {
        let result = try runSeqlens(["demo", "--list"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init), [
            "attribution-map    Reading an attribution map: two motifs in one sequence; break one with a mutation, its task falls and the other does not; undo",
            "rna-binding        RNA binding: ResidualBind on RNA; the ISM heatmap of a binding site, and moving the site changes the prediction",
            "variant            A variant breaks a site: a single-base variant in a real Oct4 ChIP-seq peak; its effect on the prediction, and the map before and after",
            "design-principles  Design principles: ReLU and exponential first layers side by side on a real Oct4 peak; what their maps show, honestly",
        ], "the shipped tours in file order, names padded to one column")
    }

    func testAnUnknownTourAndABadTourFileAreRefusedInOneLine() throws {
        let unknown = try runSeqlens(["demo", "nope"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.hasPrefix("seqlens: error: no tour named 'nope'; the tours are attribution-map, rna-binding"), unknown.stderr)
        XCTAssertEqual(unknown.stderr.filter { $0 == "\n" }.count, 1)

        let folder = try temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("mine.tour")
        let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/residualbind.onnx").path
        let fasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/rna-binding.fa").path
        try "title: Mine\nmodel: \(model)\nfasta: \(fasta)\nstep: One\n  Text.\nexpect: cursor 3-4\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try runSeqlens(["demo", file.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "seqlens: error: \(file.path):6: expectation 'cursor 3-4' is not one of: cursor A:B, substitution POS:REF>ALT, unedited, method NAME, task NAME, record ID, model NAME, showing dependencies|seqlets|logits\n")
    }

    /// The RNA tour at 80×24: a reading step, a step waiting for a mutation that goes on by itself
    /// once the model has answered (its claim checked), then Esc leaves the tour and keeps the explorer.
    func testATourInARealTerminalWaitsForTheMutationThenEscLeavesIt() throws {
        let command = (["env", "-u", "LC_ALL", "-u", "NO_COLOR", "LANG=C.UTF-8", seqlensBinary().path, "demo", "rna-binding"]).map(shellQuoted).joined(separator: " ")
        // Its server stops when `tmux` goes out of scope (TmuxSession's deinit), also on a failure.
        let tmux = try TmuxSession(width: 80, height: 24, command: command)
        let first = try tmux.waitFor("the first step, its claims checked") { screen in
            screen.contains { $0.contains("1/8 · An RNA-binding model") } && screen.contains { $0.contains("✓ checked against the model") }
        }
        XCTAssertTrue(first[0].contains("residualbind │ record 5/49 rna_test_00639"), first[0])
        try tmux.send("Enter")
        try tmux.waitFor("2/8 · The ISM heatmap")
        try tmux.send("Enter")
        try tmux.waitFor("waiting for you · Esc leaves the tour")
        try tmux.type(":8")
        try tmux.send("Enter")
        try tmux.type("A")
        let falls = try tmux.waitFor("4/8 · Binding falls")
        XCTAssertTrue(falls.contains { $0.contains("8:G>A binding") }, "the status line gives the edit's effect:\n\(falls.joined(separator: "\n"))")
        try tmux.waitFor("✓ checked against the model")
        try tmux.send("Escape")
        let left = try tmux.waitFor("left the tour · keep exploring: ? lists the keys, q quits")
        XCTAssertFalse(left.contains { $0.contains("Esc leaves the tour") }, "the box is gone")
        try tmux.send("u")
        try tmux.waitFor("undid 8:G>A")
    }
}
