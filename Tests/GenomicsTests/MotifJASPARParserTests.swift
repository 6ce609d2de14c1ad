import Foundation
import Genomics
import XCTest

final class MotifJASPARParserTests: XCTestCase {
    func testCountsBecomeProbabilitiesWithThePseudocount() throws {
        let motifs = try MotifReader.read(contentsOf: MotifFixtures.fixtures.appendingPathComponent("jaspar-excerpt.jaspar"))
        XCTAssertEqual(motifs.map(\.label), ["MA0035.5 GATA1", "MA0079.5 SP1"])
        let gata = motifs[0]
        XCTAssertEqual(gata.sites, 71828)
        // Position 1: counts A 3953, C 62419, G 2712, T 2744 (71828 in all), plus 1/4 each.
        XCTAssertEqual(gata.probability(1, at: 0), (62419 + 0.25) / (71828 + 1), accuracy: 1e-12)
        XCTAssertEqual(gata.consensus, "CTAATCT")
        let raw = try MotifReader.read(contentsOf: MotifFixtures.fixtures.appendingPathComponent("jaspar-excerpt.jaspar"), pseudocount: 0)
        XCTAssertEqual(raw[1].probability(0, at: 0), 1.05 / 1000, accuracy: 1e-6)
    }

    func testAgreesWithTheMEMEFileWithoutPseudocounts() throws {
        let jaspar = try MotifReader.read(contentsOf: MotifFixtures.assets.appendingPathComponent("JASPAR2026_CORE_vertebrates.jaspar"), pseudocount: 0)
        let meme = try MotifReader.read(contentsOf: MotifFixtures.assets.appendingPathComponent("JASPAR2026_CORE_vertebrates.meme"))
        XCTAssertEqual(jaspar.count, 1019)
        XCTAssertEqual(jaspar.map(\.id), meme.map(\.id))
        XCTAssertEqual(jaspar.map(\.name), meme.map(\.name))
        for (a, b) in zip(jaspar, meme) {
            XCTAssertEqual(a.width, b.width)
            // The JASPAR file rounds counts to 2 decimals, the MEME file probabilities to 6.
            for (p, q) in zip(a.probabilities, b.probabilities) where abs(p - q) > 1e-4 {
                return XCTFail("\(a.id): \(p) vs \(q)")
            }
        }
        let rna = try MotifReader.read(contentsOf: MotifFixtures.assets.appendingPathComponent("rna-synthetic.jaspar"))
        XCTAssertEqual(rna.first?.alphabet, .rna)
    }

    func testBareRowsAndLetterOrder() throws {
        let bare = try MotifReader.parseJASPAR(">M1 bare\n1 2\n3 4\n5 6\n7 8\n", source: "b.pfm", pseudocount: 0)
        XCTAssertEqual(bare[0].column(0), [0.0625, 0.1875, 0.3125, 0.4375])
        let shuffled = try MotifReader.parseJASPAR(">M2\nT [1]\nG [2]\nC: 3\nA[4]\n", source: "s.jaspar", pseudocount: 0)
        for (p, q) in zip(shuffled[0].column(0), [0.4, 0.3, 0.2, 0.1]) { XCTAssertEqual(p, q, accuracy: 1e-12) }
        XCTAssertEqual(shuffled[0].name, "")
    }

    /// Fuzzed numbers (issue 12): nan, inf, negative and overflowing counts, and empty rows.
    func testFuzzedCountsAreRefusedWithFileAndLine() {
        for token in ["nan", "inf", "-3", "1e999"] {
            assertGenomicsError("j.jaspar:3: '\(token)' is not a count (a number of 0 or more)") {
                try MotifReader.parseJASPAR(">M\nA [1]\nC [\(token)]\nG [1]\nT [1]\n", source: "j.jaspar")
            }
        }
        assertGenomicsError("j.jaspar:1: motif 'M' has 6000000000.0 sites at position 2; counts above 2147483647 are not site counts") {
            try MotifReader.parseJASPAR(">M\nA [1 3e9]\nC [1 3e9]\nG [1 0]\nT [1 0]\n", source: "j.jaspar")
        }
        assertGenomicsError("j.jaspar:1: motif 'M' has inf sites at position 1; counts above 2147483647 are not site counts") {
            try MotifReader.parseJASPAR(">M\nA [1e308]\nC [1e308]\nG [1e308]\nT [0]\n", source: "j.jaspar")
        }
        assertGenomicsError("j.jaspar:2: row has no counts") { try MotifReader.parseJASPAR(">M\nA [ ]\nC [ ]\nG [ ]\nT [ ]\n", source: "j.jaspar") }
    }

    func testErrorsNameTheFileAndLine() {
        assertGenomicsError("j.jaspar:1: counts before the first '>ID NAME' header") { try MotifReader.parseJASPAR("A [1]\n", source: "j.jaspar") }
        assertGenomicsError("j.jaspar:1: motif 'M' has 3 rows of counts, expected 4 (A, C, G, T)") {
            try MotifReader.parseJASPAR(">M\nA [1]\nC [1]\nG [1]\n", source: "j.jaspar")
        }
        assertGenomicsError("j.jaspar:3: row has 1 counts, but the A row has 2") {
            try MotifReader.parseJASPAR(">M\nA [1 2]\nC [1]\nG [1 2]\nT [1 2]\n", source: "j.jaspar")
        }
        assertGenomicsError("j.jaspar:2: 'x' is not a count (a number of 0 or more)") { try MotifReader.parseJASPAR(">M\nA [1 x]\n", source: "j.jaspar") }
        assertGenomicsError("j.jaspar:2: row letter 'R' is not one of A, C, G, T, U") { try MotifReader.parseJASPAR(">M\nR [1]\n", source: "j.jaspar") }
        assertGenomicsError("j.jaspar:6: a fifth row of counts; a JASPAR matrix has one row per letter of ACGT") {
            try MotifReader.parseJASPAR(">M\n1\n1\n1\n1\n1\n", source: "j.jaspar")
        }
        assertGenomicsError("j.jaspar:5: letter row appears twice in motif 'M'") {
            try MotifReader.parseJASPAR(">M\nA [1]\nC [1]\nG [1]\nA [1]\n", source: "j.jaspar")
        }
        assertGenomicsError("j.jaspar:1: motif 'M' has no counts at position 1") {
            try MotifReader.parseJASPAR(">M\n0\n0\n0\n0\n", source: "j.jaspar", pseudocount: 0)
        }
    }
}
