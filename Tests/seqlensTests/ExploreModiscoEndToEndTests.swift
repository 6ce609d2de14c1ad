import Foundation
import TestSupport
import XCTest

/// End-to-end: `explore --modisco` with `--motifs`, P opens the pattern browser of the real binary.
extension ExploreEndToEndTests {
    func testPBrowsesTheModiscoPatternsWithTheirMatches() throws {
        let results = Fixtures.url("modisco/results.h5").path
        let jaspar = Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme").path
        let tmux = try startExplorer(standardArguments + ["--modisco", results, "--motifs", jaspar])
        try tmux.type("P")
        let screen = try tmux.waitFor("the browser with the first pattern's matches") { screen in
            screen.first?.contains("TF-MoDISco: results.h5, 8 patterns") == true && screen.contains { $0.contains("3. MA2681.1 KLF8") }
        }
        // Box rows without the edges and the spaces before them.
        let rows = screen.map { line in String(line.dropFirst(2).dropLast(1).reversed().drop { $0 == " " }.reversed()) }
        XCTAssertEqual(rows[1], "pattern                 seqlets  width  core consensus  best match")
        XCTAssertEqual(rows[2], "pos_patterns.pattern_0       36     30  AGGGGCGG        MA0740.2 KLF14")
        XCTAssertEqual(rows[9], "pos_patterns.pattern_7       18     30  TAAAAATA        MA0052.5 MEF2A")
        XCTAssertTrue(rows.contains("  1. MA0740.2 KLF14  p 3.13e-5"), screen.joined(separator: "\n"))
        try tmux.send("Down", "Down")
        try tmux.waitFor("the SRF pattern") { $0.contains { $0.contains("pos_patterns.pattern_2 · contribution weight matrix") } }
        try tmux.send("Tab", "Tab")
        try tmux.waitFor("its PPM") { $0.contains { $0.contains("pos_patterns.pattern_2 · base frequencies in bits") } && $0.contains { $0.contains("1. MA0083.3 SRF  p 2.39e-10") } }
        try tmux.send("Escape")
        try waitForReady(tmux)
    }
}
