import Foundation
import Genomics
import XCTest

/// Motif fixtures (Tests/Fixtures/rendering) and the bundled JASPAR files (assets/motifs).
enum MotifFixtures {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rendering")
    static let assets = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("assets/motifs")
}

final class MotifTests: XCTestCase {
    private let motif = Motif(id: "m1", name: "toy", alphabet: .dna, columns: [[1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25], [0, 0, 3, 1]], sites: 4)

    func testColumnsAreNormalisedLetterMajor() {
        XCTAssertEqual(motif.width, 3)
        XCTAssertEqual(motif.probabilities, [1, 0.25, 0, 0, 0.25, 0, 0, 0.25, 0.75, 0, 0.25, 0.25])
        XCTAssertEqual(motif.probability(2, at: 2), 0.75)
        XCTAssertEqual(motif.column(2), [0, 0, 0.75, 0.25])
        XCTAssertEqual(motif.background, [0.25, 0.25, 0.25, 0.25])
        XCTAssertEqual(motif.label, "m1 toy")
        XCTAssertEqual(Motif(id: "x", alphabet: .dna, columns: [[0, 0, 0, 0]]).column(0), [0.25, 0.25, 0.25, 0.25], "an empty column reads as uniform")
    }

    func testInformationContentAndConsensus() {
        let information = motif.informationContent
        XCTAssertEqual(information[0], 2, accuracy: 1e-12)
        XCTAssertEqual(information[1], 0, accuracy: 1e-12)
        XCTAssertEqual(information[2], 2 + 0.75 * log2(0.75) + 0.25 * log2(0.25), accuracy: 1e-12)
        XCTAssertEqual(motif.totalInformation, information.reduce(0, +))
        XCTAssertEqual(motif.consensus, "AAG")
        // Against a GC-rich background an A carries more information than 2 bits.
        let skewed = Motif(id: "a", alphabet: .dna, columns: [[1, 0, 0, 0]], background: [0.1, 0.4, 0.4, 0.1])
        XCTAssertEqual(skewed.informationContent[0], log2(10), accuracy: 1e-12)
    }

    func testReverseComplement() {
        let rc = motif.reverseComplement()
        XCTAssertEqual(rc.column(0), [0.25, 0.75, 0, 0])
        XCTAssertEqual(rc.column(2), [0, 0, 0, 1])
        XCTAssertEqual(rc.consensus, "CAT")
        XCTAssertEqual(rc.reverseComplement(), motif)
        let skewed = Motif(id: "a", alphabet: .dna, columns: [[1, 0, 0, 0]], background: [0.1, 0.2, 0.3, 0.4])
        XCTAssertEqual(skewed.reverseComplement().background, [0.4, 0.3, 0.2, 0.1])
    }

    func testFindByIdOrName() throws {
        let motifs = try MotifReader.read(contentsOf: MotifFixtures.assets.appendingPathComponent("JASPAR2026_CORE_vertebrates.meme"))
        XCTAssertEqual(try Motif.find("MA0079.5", in: motifs, source: "m.meme").name, "SP1")
        XCTAssertEqual(try Motif.find("sp1", in: motifs, source: "m.meme").id, "MA0079.5")
        assertGenomicsError("m.meme: 3 motifs are named 'CTCF' (MA0139.2, MA1929.2, MA1930.2); pass one of the ids") {
            try Motif.find("CTCF", in: motifs, source: "m.meme")
        }
        assertGenomicsError("m.meme: no motif with id or name 'GATA9'; list them with 'seqlens motif FILE --list'") {
            try Motif.find("GATA9", in: motifs, source: "m.meme")
        }
        assertGenomicsError("m.meme: no motif with id or name 'SP'; list them with 'seqlens motif FILE --list'") {
            try Motif.find("SP", in: [motif], source: "m.meme")
        }
        do {
            _ = try Motif.find("gata", in: motifs, source: "m.meme")
            XCTFail("no motif is named gata exactly")
        } catch let error as GenomicsError {
            XCTAssertTrue(error.description.hasPrefix("m.meme: no motif with id or name 'gata' (similar: MA0035.5 GATA1, MA0036.4 GATA2"), error.description)
        }
    }
}
