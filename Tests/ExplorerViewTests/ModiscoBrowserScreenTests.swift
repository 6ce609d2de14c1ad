import ExplorerCore
import ExplorerView
import Genomics
import Rendering
import XCTest

/// The `P` browser of TF-MoDISco patterns, exactly as drawn.
final class ModiscoBrowserScreenTests: XCTestCase {
    /// Two small patterns: a strong GATA core and a weaker negative pattern, with known matches.
    static func catalog(database: String? = "motifs.meme") -> ModiscoCatalog {
        func pattern(_ name: String, _ consensus: String, weight: Double, seqlets: Int) -> ModiscoPattern {
            let width = consensus.count
            var sequence = [Double](repeating: 0.05, count: 4 * width)
            var contributions = [Double](repeating: 0, count: 4 * width)
            for (position, base) in consensus.utf8.enumerated() {
                let letter = Alphabet.dna.index(of: base)!
                sequence[letter * width + position] = 0.85
                contributions[letter * width + position] = weight * (position == 0 || position == width - 1 ? 0.1 : 1)
            }
            return ModiscoPattern(name: name, width: width, sequence: sequence, contributions: contributions,
                                  hypotheticalContributions: contributions.map { $0 / 2 },
                                  seqlets: (0 ..< seqlets).map { ModiscoSeqlet(example: $0, start: 10, end: 10 + width, isReverseComplement: $0 % 2 == 1) })
        }
        return ModiscoCatalog(source: "results.h5",
                              patterns: [pattern("pos_patterns.pattern_0", "TAGATAAGT", weight: 0.5, seqlets: 42),
                                         pattern("neg_patterns.pattern_0", "ACCGGAAGTA", weight: -0.2, seqlets: 17)],
                              matches: database == nil ? nil : [[ModiscoMatch(motif: "MA0035.5 Gata1", pValue: 2.5e-7), ModiscoMatch(motif: "MA0140.3 GATA1::TAL1", pValue: 0.0031)], []],
                              database: database)
    }

    func makeState(catalog: ModiscoCatalog? = catalog()) -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["a"],
                                  records: [SequenceRecord(id: "r", sequence: String(repeating: "ACGT", count: 20))])
        if let catalog { state.attachModisco(catalog) }
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        return state
    }

    func testTheBrowserListsPatternsAndDrawsTheSelectedCWMWithItsMatches() {
        var state = makeState()
        _ = state.update(.modiscoBrowser(.open))
        let canvas = Screen.render(state, depth: .monochrome)
        XCTAssertTrue(canvas[2, 2].style.attributes.contains(.reverse), "the selected pattern is reversed")
        XCTAssertFalse(canvas[2, 3].style.attributes.contains(.reverse))
        let lines = canvas.lines
        XCTAssertEqual(lines, [
            "┌─ TF-MoDISco: results.h5, 2 patterns ─────────────────────────────────────────┐",
            "│ pattern                 seqlets  width  core consensus  best match           │",
            "│ pos_patterns.pattern_0       42      9  AGATAAG         MA0035.5 Gata1       │",
            "│ neg_patterns.pattern_0       17     10  CCGGAAGT                             │",
            "│                                                                              │",
            "│ pos_patterns.pattern_0 · contribution weight matrix                          │",
            "│ 42 seqlets · 9 positions · core 1:8 · Tab: next logo                         │",
            "│ 0.5 ┤   AAAGGGAAATTTAAAAAAGGG                                                │",
            "│     │   AAAGGGAAATTTAAAAAAGGG                                                │",
            "│     │   AAAGGGAAATTTAAAAAAGGG                                                │",
            "│     │   AAAGGGAAATTTAAAAAAGGG                                                │",
            "│     │   AAAGGGAAATTTAAAAAAGGG                                                │",
            "│     │   AAAGGGAAATTTAAAAAAGGG                                                │",
            "│     │▆▆▆AAAGGGAAATTTAAAAAAGGG▆▆▆                                             │",
            "│   0 ┼───────────────────────────                                             │",
            "│      0  1  2  3  4  5  6  7  8                                               │",
            "│       T  A  G  A  T  A  A  G  T                                              │",
            "│  A  C  G  T   0.0714 attribution per row · 3 columns per position            │",
            "│                                                                              │",
            "│ TOMTOM matches of the core in motifs.meme:                                   │",
            "│   1. MA0035.5 Gata1  p 2.5e-7                                                │",
            "│   2. MA0140.3 GATA1::TAL1  p 0.0031                                          │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "↑↓ pattern · Tab CWM / hypothetical CWM / PPM · Esc closes                      ",
        ])
    }

    func testTabSwitchesTheLogoAndTheArrowsTheNegativePatternWithoutMatches() {
        var state = makeState()
        _ = state.update(.modiscoBrowser(.open))
        _ = state.update(.modiscoBrowser(.select(by: 1)))
        _ = state.update(.modiscoBrowser(.nextLogo))
        _ = state.update(.modiscoBrowser(.nextLogo))
        let canvas = Screen.render(state, depth: .monochrome)
        XCTAssertTrue(canvas[2, 3].style.attributes.contains(.reverse), "the selected pattern is reversed")
        let lines = canvas.lines
        XCTAssertEqual(lines, [
            "┌─ TF-MoDISco: results.h5, 2 patterns ─────────────────────────────────────────┐",
            "│ pattern                 seqlets  width  core consensus  best match           │",
            "│ pos_patterns.pattern_0       42      9  AGATAAG         MA0035.5 Gata1       │",
            "│ neg_patterns.pattern_0       17     10  CCGGAAGT                             │",
            "│                                                                              │",
            "│ neg_patterns.pattern_0 · base frequencies in bits                            │",
            "│ 17 seqlets · 10 positions · core 1:9 · Tab: next logo                        │",
            "│ 2 ┤                                                                          │",
            "│   │                                                                          │",
            "│   │                                                                          │",
            "│   │▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁                                            │",
            "│   │AAACCCCCCGGGGGGAAAAAAGGGTTTAAA                                            │",
            "│   │AAACCCCCCGGGGGGAAAAAAGGGTTTAAA                                            │",
            "│   │AAACCCCCCGGGGGGAAAAAAGGGTTTAAA                                            │",
            "│   │AAACCCCCCGGGGGGAAAAAAGGGTTTAAA                                            │",
            "│ 0 ┤AAACCCCCCGGGGGGAAAAAAGGGTTTAAA                                            │",
            "│    0  1  2  3  4  5  6  7  8  9                                              │",
            "│     A  C  C  G  G  A  A  G  T  A                                             │",
            "│  A  C  G  T   0.222 bits per row · 3 columns per position                    │",
            "│                                                                              │",
            "│ TOMTOM matches of the core in motifs.meme:                                   │",
            "│   none                                                                       │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "↑↓ pattern · Tab CWM / hypothetical CWM / PPM · Esc closes                      ",
        ])
    }

    func testWithoutADatabaseTheBrowserSaysHowToGetMatches() {
        var state = makeState(catalog: Self.catalog(database: nil))
        _ = state.update(.modiscoBrowser(.open))
        let lines = Screen.render(state, depth: .monochrome).lines
        XCTAssertEqual(lines[21], "│ no matches: give a motif database with --motifs                              │")
    }
}
