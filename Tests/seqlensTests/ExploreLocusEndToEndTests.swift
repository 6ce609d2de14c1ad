import Foundation
import TestSupport
import XCTest

/// `seqlens explore MODEL LOCUS.fa --locus` end to end: the 2,000 bases of human chr1 in the
/// genome fixture tiled by the 200-nt sample model (19 tiles every 100 nt), zoomed out to the
/// whole locus, and the refusals of what --locus cannot tile.
extension ExploreEndToEndTests {
    var locusFasta: String { Fixtures.url("genome/mini.fa").path }

    func testTheLocusViewOpensComputesEveryTileAndZoomsOutToTheWholeLocus() throws {
        let tmux = try TmuxSession(width: 100, height: 30, command: exploreCommand([model, locusFasta, "--locus", "--record", "chr1"]))
        sessions.append(tmux)
        try tmux.waitFor("the locus header") { $0.first?.contains("seqlens │ multitask-deep-relu │ locus chr1 2,000 nt │ 19 tiles │ task Arid3a (1/12)") == true }
        try tmux.waitFor("every tile computed") { Self.status($0)?.contains("19 tiles in") == true }
        var screen = try tmux.capture()
        XCTAssertTrue(screen.contains { $0.hasPrefix("locus chr1 0–2,000 · prediction of Arid3a, max per column") })
        XCTAssertEqual(Self.status(screen).map { String($0.prefix(22)) }, " pos 0/2,000 │ base C ")
        for _ in 0 ..< 6 { try tmux.type("-") }
        screen = try tmux.waitFor("the whole locus on screen") { Self.status($0)?.contains("zoom 22 nt/col") == true }
        // 92 columns × 22 bases hold all 2,000: the ruler runs to its last label, 1800.
        XCTAssertTrue(screen.contains { $0.hasPrefix("        0        200      400") && $0.hasSuffix("1600     1800") }, screen.joined(separator: "\n"))
        try tmux.type("+")
        try tmux.waitFor("one level in") { Self.status($0)?.contains("zoom 16 nt/col") == true }
        try tmux.type("q")
    }

    /// With --genome and --region the locus is the whole region (not the model's window on it).
    func testALocusReadFromAnIndexedGenomeIsTheWholeRegion() throws {
        let genome = Fixtures.repositoryRoot.appendingPathComponent("assets/genome/humanchr1_frag.fa.gz").path
        let tmux = try TmuxSession(width: 100, height: 30, command: exploreCommand([model, "--genome", genome, "--region", "humanchr1_frag:1-2000", "--locus"]))
        sessions.append(tmux)
        try tmux.waitFor("the region as the locus") { $0.first?.contains("│ locus humanchr1_frag:1-2000 2,000 nt │ 19 tiles │") == true }
        let screen = try tmux.waitFor("every tile computed") { Self.status($0)?.contains("19 tiles in") == true }
        // The same bases as the FASTA fixture's chr1 (both are hmmer-doc's first 2,000).
        XCTAssertTrue(screen.contains { $0.hasPrefix("    seq CCAAAAATACGAAAAAGTAGCCAGGCATAATGG") }, screen.joined(separator: "\n"))
        try tmux.type("q")
    }

    func testLocusRefusesAStrideThatLeavesGapsAndOptionsItCannotServe() throws {
        let tmux = try startWrappedExplorer([model, locusFasta, "--locus", "--stride", "300"], waitUntilReady: false)
        let screen = try tmux.waitFor("EXIT-STATUS 2")
        XCTAssertTrue(screen.contains("seqlens: error: --stride 300 leaves gaps between 200-nt tiles; give at most 200"), screen.joined(separator: "\n"))
        assertRefusal(try runSeqlens(["explore", model, locusFasta, "--stride", "100"]), "--stride sets the tiling of --locus; give --locus too; see `seqlens explore --help`")
        assertRefusal(try runSeqlens(["explore", model, locusFasta, "--locus", "--snapshot", "view.svg"]),
                      "--locus opens the locus view on a terminal; leave out --session and --snapshot; see `seqlens explore --help`")
    }
}
