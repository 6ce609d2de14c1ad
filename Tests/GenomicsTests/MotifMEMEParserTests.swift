import Foundation
import Genomics
import XCTest

final class MotifMEMEParserTests: XCTestCase {
    func testReadsTheJASPARExcerpt() throws {
        let motifs = try MotifReader.read(contentsOf: MotifFixtures.fixtures.appendingPathComponent("jaspar-excerpt.meme"))
        XCTAssertEqual(motifs.map(\.label), ["MA0035.5 GATA1", "MA0079.5 SP1"])
        let gata = motifs[0]
        XCTAssertEqual(gata.alphabet, .dna)
        XCTAssertEqual(gata.width, 7)
        XCTAssertEqual(gata.sites, 71828)
        XCTAssertEqual(gata.consensus, "CTAATCT")
        XCTAssertEqual(gata.probability(2, at: 0), 0.037757 / (0.055034 + 0.869007 + 0.037757 + 0.038202), accuracy: 1e-12)
        XCTAssertEqual(motifs[1].consensus, "GGGGCGGGG")
        XCTAssertEqual(motifs[1].totalInformation, 14.3, accuracy: 0.05)
    }

    func testReadsTheWholeBundledCollection() throws {
        let motifs = try MotifReader.read(contentsOf: MotifFixtures.assets.appendingPathComponent("JASPAR2026_CORE_vertebrates.meme"))
        XCTAssertEqual(motifs.count, 1019)
        XCTAssertEqual(Set(motifs.map(\.id)).count, 1019)
        let rna = try MotifReader.read(contentsOf: MotifFixtures.assets.appendingPathComponent("rna-synthetic.meme"))
        XCTAssertEqual(rna.map(\.id), ["synthetic:RBFOX", "synthetic:URE", "synthetic:GC-hairpin"])
        XCTAssertEqual(rna[0].alphabet, .rna)
        XCTAssertEqual(rna[0].consensus, "UGCAUG")
    }

    func testBackgroundOverLinesLogOddsAndMissingHeaders() throws {
        let text = """
        MEME version 5

        ALPHABET= ACGT

        Background letter frequencies (from uniform background):
        A 0.3 C 0.2
        G 0.2 T 0.3

        MOTIF one
        log-odds matrix: alength= 4 w= 2 n= 20 bayes= 4.5 E= 0
          1.9 -3.2 -3.2 -3.2
         -3.2 -3.2  1.9 -3.2

        letter-probability matrix: alength= 4 w= 2 nsites= 20 E= 0
          0.97 0.01 0.01 0.01
          0.01 0.01 0.97 0.01

        MOTIF two alt name
        letter-probability matrix:
          0.5 0.5 0 0
        """
        let motifs = try MotifReader.parse(text, source: "t.meme")
        XCTAssertEqual(motifs.map(\.id), ["one", "two"])
        XCTAssertEqual(motifs[1].name, "alt name")
        XCTAssertEqual(motifs[0].background, [0.3, 0.2, 0.2, 0.3])
        XCTAssertEqual(motifs[0].consensus, "AG")
        XCTAssertEqual(motifs[1].width, 1, "without w= the rows run to the first non-numeric line")
        XCTAssertNil(motifs[1].sites)
    }

    func testErrorsNameTheFileAndLine() {
        let head = "MEME version 4\n\nALPHABET= ACGT\n\n"
        assertGenomicsError("t.meme:1: a MEME motif file starts with 'MEME version 4'") { try MotifReader.parseMEME("MOTIF x\n", source: "t.meme") }
        assertGenomicsError("t.meme:3: alphabet 'ACDEFGHIKLMNPQRSTVWY' is not supported; seqlens reads DNA (ACGT) and RNA (ACGU) motifs") {
            try MotifReader.parseMEME("MEME version 4\n\nALPHABET= ACDEFGHIKLMNPQRSTVWY\n", source: "t.meme")
        }
        assertGenomicsError("t.meme:5: motif 'x' has no letter-probability matrix") { try MotifReader.parseMEME(head + "MOTIF x\nMOTIF y\n", source: "t.meme") }
        assertGenomicsError("t.meme:7: row has 3 numbers, expected 4 (one per letter of ACGT)") {
            try MotifReader.parseMEME(head + "MOTIF x\nletter-probability matrix: alength= 4 w= 2\n0.25 0.25 0.5\n", source: "t.meme")
        }
        assertGenomicsError("t.meme:8: matrix has 1 rows, but its header says w= 2") {
            try MotifReader.parseMEME(head + "MOTIF x\nletter-probability matrix: alength= 4 w= 2\n1 0 0 0\nURL http://x\n", source: "t.meme")
        }
        assertGenomicsError("t.meme:7: row sums to 30.0; each row of a letter-probability matrix sums to 1 (counts belong in JASPAR files)") {
            try MotifReader.parseMEME(head + "MOTIF x\nletter-probability matrix: alength= 4 w= 1\n10 10 5 5\n", source: "t.meme")
        }
        assertGenomicsError("t.meme:7: '-0.1' is not a probability (a number from 0 to 1)") {
            try MotifReader.parseMEME(head + "MOTIF x\nletter-probability matrix: alength= 4 w= 1\n-0.1 0.6 0.25 0.25\n", source: "t.meme")
        }
        assertGenomicsError("t.meme:6: alength= 20 does not match the alphabet ACGT") {
            try MotifReader.parseMEME(head + "MOTIF x\nletter-probability matrix: alength= 20 w= 1\n", source: "t.meme")
        }
        assertGenomicsError("t.meme: no MOTIF blocks found") { try MotifReader.parseMEME(head, source: "t.meme") }
        assertGenomicsError("t.meme:5: background gives 2 of the 4 letters of ACGT") {
            try MotifReader.parseMEME(head + "Background letter frequencies\nA 0.5 C 0.5\n", source: "t.meme")
        }
    }

    /// Fuzzed numbers (issue 12): nan, inf, overflow and zero widths get one line naming file and line, never a trap.
    func testFuzzedNumbersAreRefusedWithFileAndLine() {
        let head = "MEME version 4\n\nALPHABET= ACGT\n\nMOTIF x\n"
        func matrix(_ header: String, _ rows: String = "0.25 0.25 0.25 0.25\n") -> String { head + "letter-probability matrix: " + header + "\n" + rows }
        for token in ["nan", "inf", "-inf", "1e999"] {
            assertGenomicsError("t.meme:7: '\(token)' is not a probability (a number from 0 to 1)") {
                try MotifReader.parseMEME(matrix("alength= 4 w= 1", "\(token) 0.25 0.25 0.25\n"), source: "t.meme")
            }
        }
        assertGenomicsError("t.meme:7: row sums to inf; each row of a letter-probability matrix sums to 1 (counts belong in JASPAR files)") {
            try MotifReader.parseMEME(matrix("alength= 4 w= 1", "1e308 1e308 0 0\n"), source: "t.meme")
        }
        for sites in ["nan", "1e300", "-4", "inf"] {
            assertGenomicsError("t.meme:6: nsites= \(sites) is not a number of sites (0 to 2147483647)") {
                try MotifReader.parseMEME(matrix("alength= 4 w= 1 nsites= \(sites)"), source: "t.meme")
            }
        }
        for width in ["0", "-2", "99999999999999999999"] {
            assertGenomicsError("t.meme:6: w= \(width) is not a motif width (1 or more positions)") {
                try MotifReader.parseMEME(matrix("alength= 4 w= \(width)"), source: "t.meme")
            }
        }
        assertGenomicsError("t.meme:5: background frequencies sum to inf; each is a fraction from 0 to 1") {
            try MotifReader.parseMEME("MEME version 4\n\nALPHABET= ACGT\n\nBackground letter frequencies\nA 1e308 C 1e308 G 0.2 T 0.2\n", source: "t.meme")
        }
        // A zero background made `motif --kind bits` trap converting log2(p / 0) to a height.
        assertGenomicsError("t.meme:5: background frequency of A is 0; every letter needs a frequency above 0") {
            try MotifReader.parseMEME("MEME version 4\n\nALPHABET= ACGT\n\nBackground letter frequencies\nA 0 C 0.5 G 0.25 T 0.25\n", source: "t.meme")
        }
        assertGenomicsError("t.meme:6: 'A nan' is not a letter of ACGT and its frequency") {
            try MotifReader.parseMEME("MEME version 4\n\nALPHABET= ACGT\n\nBackground letter frequencies\nA nan C 0.3 G 0.2 T 0.2\n", source: "t.meme")
        }
    }

    func testFilesThatAreNotMotifs() throws {
        assertGenomicsError("x.txt: not a motif file seqlens reads; MEME minimal format starts with 'MEME version 4', JASPAR with a '>ID NAME' line, HOMER with '>CONSENSUS<tab>NAME<tab>threshold', TRANSFAC with 'AC' or 'ID' lines") {
            try MotifReader.parse("hello\n", source: "x.txt")
        }
        let missing = URL(fileURLWithPath: "/nonexistent/m.meme")
        assertGenomicsError("/nonexistent/m.meme: no such file; check the path") { try MotifReader.read(contentsOf: missing) }
        XCTAssertEqual(MotifFormat.detect("\n\n  MEME version 4\n"), .meme)
        XCTAssertEqual(MotifFormat.detect(">MA1 x\n"), .jaspar)
        XCTAssertNil(MotifFormat.detect(""))
    }
}
