import XCTest
import Genomics

final class ReverseComplementTests: XCTestCase {
    private func rc(_ s: String, _ alphabet: Alphabet = .dna) -> String {
        String(decoding: reverseComplement(Array(s.utf8), alphabet: alphabet), as: UTF8.self)
    }

    func testDNA() {
        XCTAssertEqual(rc("AACGTT"), "AACGTT")
        XCTAssertEqual(rc("AAAC"), "GTTT")
        XCTAssertEqual(rc(""), "")
    }

    func testRNAComplementsAToU() {
        XCTAssertEqual(rc("AAGC", .rna), "GCUU")
        XCTAssertEqual(rc("UUG", .rna), "CAA")
        // T in an RNA sequence still pairs with A.
        XCTAssertEqual(rc("T", .rna), "A")
        XCTAssertEqual(rc("U", .dna), "A")
    }

    func testIUPAC() {
        XCTAssertEqual(rc("N"), "N")
        XCTAssertEqual(rc("RYKMSWBVDH"), "DHBVWSKMRY")
    }

    func testCaseIsKept() {
        XCTAssertEqual(rc("acgTn"), "nAcgt")
        XCTAssertEqual(rc("ry", .rna), "ry")
        XCTAssertEqual(rc("a", .rna), "u")
    }

    func testGapsAndUnknownLetters() {
        XCTAssertEqual(rc("A-C."), ".G-T")
        XCTAssertEqual(rc("XJ"), "NN")
    }

    func testTwiceIsIdentityForIUPAC() {
        let s = "ACGTNRYKMSWBVDHacgtn"
        XCTAssertEqual(rc(rc(s)), s)
    }

    func testRecordKeepsMetadata() {
        let r = SequenceRecord(id: "x", description: "d", sequence: "AAC", line: 4)
        XCTAssertEqual(reverseComplement(r, alphabet: .dna), SequenceRecord(id: "x", description: "d", sequence: "GTT", line: 4))
    }
}
