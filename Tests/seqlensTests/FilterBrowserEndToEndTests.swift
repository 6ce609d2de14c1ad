import Foundation
import TestSupport
import XCTest

/// `F` in a real explorer (tmux): the first-layer filters of the sample model on the loaded
/// records, with their best JASPAR matches, as `seqlens filters` lists them.
final class FilterBrowserEndToEndTests: XCTestCase {
    func testTheBrowserListsTheFiltersWithTheirMatches() throws {
        try TmuxSession.requireTmux()
        let root = Fixtures.repositoryRoot
        let model = root.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
        let fasta = root.appendingPathComponent("assets/sequences/multitask.fa").path
        let motifs = root.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme").path
        let command = (["env", "-u", "LC_ALL", "-u", "NO_COLOR", "-u", "COLORTERM", "LANG=C.UTF-8", seqlensBinary().path, "explore",
                        model, fasta, "--record", "mt_test_04056", "--motifs", motifs]).map(shellQuoted).joined(separator: " ")
        let tmux = try TmuxSession(width: 100, height: 30, command: command)
        defer { tmux.kill() }
        _ = try tmux.waitFor("the first screen") { $0.first?.contains("record 2/50 mt_test_04056") == true }
        try tmux.type("F")
        let screen = try tmux.waitFor("the filters") { $0.contains { $0.contains("first-layer filters: 32") } }
        // The same windows and match as `seqlens filters` on this file (README, the sample models).
        XCTAssertTrue(screen.contains { $0.contains("filter 0 · 186 windows · MA1929.2 CTCF q ") }, screen.joined(separator: "\n"))
        XCTAssertTrue(screen.last { !$0.isEmpty }?.hasPrefix("↑↓ PgUp PgDn scroll · any other key closes") == true)
        try tmux.send("Escape")
        _ = try tmux.waitFor("the browser to close") { !$0.contains { $0.contains("first-layer filters") } }
    }
}
