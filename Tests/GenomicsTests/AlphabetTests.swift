import XCTest
import Genomics

final class AlphabetTests: XCTestCase {
    private func b(_ c: Character) -> UInt8 { c.asciiValue! }

    func testLettersSizeAndDisplayName() {
        XCTAssertEqual(Alphabet.dna.letters, Array("ACGT".utf8))
        XCTAssertEqual(Alphabet.rna.letters, Array("ACGU".utf8))
        XCTAssertEqual(Alphabet.dna.size, 4)
        XCTAssertEqual(Alphabet.rna.size, 4)
        XCTAssertEqual(Alphabet.dna.displayName, "DNA")
        XCTAssertEqual(Alphabet.rna.displayName, "RNA")
        XCTAssertEqual(Alphabet.rna.lettersString, "ACGU")
        XCTAssertEqual(Alphabet.allCases, [.dna, .rna, .protein, .proteinGapped])
        XCTAssertEqual(Alphabet.dna.rawValue, "dna")
        XCTAssertEqual(Alphabet.protein.lettersString, "ACDEFGHIKLMNPQRSTVWY")
        XCTAssertEqual(Alphabet.proteinGapped.lettersString, "-ACDEFGHIKLMNPQRSTVWY")
        XCTAssertEqual(Alphabet.protein.size, 20)
        XCTAssertEqual(Alphabet.proteinGapped.size, 21)
        XCTAssertEqual(Alphabet.proteinGapped.displayName, "protein")
        XCTAssertEqual(Alphabet.allCases.filter(\.isNucleic), [.dna, .rna])
    }

    func testInitByName() {
        XCTAssertEqual(Alphabet(name: "dna"), .dna)
        XCTAssertEqual(Alphabet(name: "DNA"), .dna)
        XCTAssertEqual(Alphabet(name: "rna"), .rna)
        XCTAssertEqual(Alphabet(name: "RNA"), .rna)
        XCTAssertEqual(Alphabet(name: "Protein"), .protein)
        XCTAssertEqual(Alphabet(name: "protein-gap"), .proteinGapped)
        XCTAssertNil(Alphabet(name: "aa"))
        XCTAssertNil(Alphabet(name: ""))
        XCTAssertNil(Alphabet(name: "dna "))
    }

    func testIndexIsCaseInsensitive() {
        for alphabet in [Alphabet.dna, .rna] {
            XCTAssertEqual(alphabet.index(of: b("A")), 0)
            XCTAssertEqual(alphabet.index(of: b("a")), 0)
            XCTAssertEqual(alphabet.index(of: b("C")), 1)
            XCTAssertEqual(alphabet.index(of: b("c")), 1)
            XCTAssertEqual(alphabet.index(of: b("G")), 2)
            XCTAssertEqual(alphabet.index(of: b("g")), 2)
        }
    }

    func testTAndUShareTheLastChannel() {
        // An RNA model fed a DNA file (and vice versa) still reads T/U as the fourth channel.
        for alphabet in [Alphabet.dna, .rna] {
            for c: Character in ["T", "t", "U", "u"] {
                XCTAssertEqual(alphabet.index(of: b(c)), 3, "\(alphabet) \(c)")
            }
        }
    }

    func testProteinIndexIsCaseInsensitiveAndReadsDotsAsGaps() {
        XCTAssertEqual(Alphabet.protein.index(of: b("w")), 18)
        XCTAssertEqual(Alphabet.proteinGapped.index(of: b("w")), 19)
        XCTAssertEqual(Alphabet.proteinGapped.index(of: b(".")), 0)
        XCTAssertEqual(Alphabet.proteinGapped.index(of: b("-")), 0)
        for c: Character in ["-", ".", "X", "B", "Z", "*", "U"] { XCTAssertNil(Alphabet.protein.index(of: b(c)), "\(c)") }
    }

    func testIndexOfLettersMatchesPosition() {
        for alphabet in Alphabet.allCases {
            for (i, letter) in alphabet.letters.enumerated() {
                XCTAssertEqual(alphabet.index(of: letter), i)
            }
        }
    }

    func testNonAlphabetBytesHaveNoIndex() {
        for c: Character in ["N", "n", "R", "Y", "X", "-", ".", " ", "0", ">"] {
            XCTAssertNil(Alphabet.dna.index(of: b(c)), "\(c)")
            XCTAssertNil(Alphabet.rna.index(of: b(c)), "\(c)")
        }
        XCTAssertNil(Alphabet.dna.index(of: 0))
        XCTAssertNil(Alphabet.dna.index(of: 0xC1))  // 'A' | 0x80 must not alias 'A'
        XCTAssertNil(Alphabet.dna.index(of: 0xFF))
    }
}
