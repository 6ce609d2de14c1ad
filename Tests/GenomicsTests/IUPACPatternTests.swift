import XCTest
import Genomics

final class IUPACPatternTests: XCTestCase {
    private func hits(_ pattern: String, _ sequence: String) throws -> [Int] {
        try IUPACPattern(pattern).matches(in: Array(sequence.utf8))
    }

    private func bothStrands(_ pattern: String, _ sequence: String) throws -> [String] {
        try IUPACPattern(pattern).matchesBothStrands(in: Array(sequence.utf8)).map { "\($0.start)\($0.strand)" }
    }

    // MARK: - Parsing

    func testTextIsUppercasedAndTrimmed() throws {
        let p = try IUPACPattern(" tgaNtca\n")
        XCTAssertEqual(p.text, "TGANTCA")
        XCTAssertEqual(p.length, 7)
    }

    func testEveryIUPACLetterIsAccepted() throws {
        XCTAssertEqual(try IUPACPattern("acgturyswkmbdhvn").text, "ACGTURYSWKMBDHVN")
    }

    func testInvalidLetterIsNamed() {
        assertGenomicsError("search pattern 'TGAXTCA' has 'X', which is not a base or IUPAC code; use only A C G T U R Y S W K M B D H V N") {
            try IUPACPattern("TGAXTCA")
        }
        assertGenomicsError("search pattern 'AC GT' has ' ', which is not a base or IUPAC code; use only A C G T U R Y S W K M B D H V N") {
            try IUPACPattern("AC GT")
        }
    }

    func testEmptyPatternIsAnError() {
        let message = "search pattern is empty; type bases such as TGACTCA (IUPAC codes like N or R are allowed)"
        assertGenomicsError(message) { try IUPACPattern("") }
        assertGenomicsError(message) { try IUPACPattern("   ") }
    }

    // MARK: - One strand

    func testExactMatches() throws {
        XCTAssertEqual(try hits("GATA", "CCGATAAGATAGATA"), [2, 7, 11])
        XCTAssertEqual(try hits("GATA", "CCCC"), [])
    }

    func testOverlappingMatches() throws {
        XCTAssertEqual(try hits("AA", "AAAA"), [0, 1, 2])
        XCTAssertEqual(try hits("ATA", "ATATA"), [0, 2])
    }

    func testPatternLongerThanSequence() throws {
        XCTAssertEqual(try hits("ACGTACGT", "ACGT"), [])
        XCTAssertEqual(try hits("A", ""), [])
    }

    func testMatchAtBothEnds() throws {
        XCTAssertEqual(try hits("AC", "ACTTAC"), [0, 4])
    }

    func testNInPatternMatchesAnyBase() throws {
        // TGAnTCA, the AP-1 site with either half-site spacing base.
        XCTAssertEqual(try hits("TGAnTCA", "TGACTCAxTGAGTCAxTGAATCAxTGATTCAxTGACTCG"), [0, 8, 16, 24])
    }

    func testTwoBaseCodes() throws {
        // RRGGT: R is A or G, so CAGGT fails at position 0 but AGGGT and GAGGT match.
        XCTAssertEqual(try hits("RRGGT", "CAGGTAGGGTGAGGTTCGGT"), [5, 10])
        XCTAssertEqual(try hits("Y", "ACGTU"), [1, 3, 4])
        XCTAssertEqual(try hits("S", "ACGT"), [1, 2])
        XCTAssertEqual(try hits("W", "ACGT"), [0, 3])
        XCTAssertEqual(try hits("K", "ACGT"), [2, 3])
        XCTAssertEqual(try hits("M", "ACGT"), [0, 1])
    }

    func testThreeBaseCodes() throws {
        XCTAssertEqual(try hits("B", "ACGT"), [1, 2, 3])
        XCTAssertEqual(try hits("D", "ACGT"), [0, 2, 3])
        XCTAssertEqual(try hits("H", "ACGT"), [0, 1, 3])
        XCTAssertEqual(try hits("V", "ACGT"), [0, 1, 2])
    }

    func testTAndUAreTheSameBase() throws {
        XCTAssertEqual(try hits("UGCAUG", "AUGCAUGxTGCATG"), [1, 8])
        XCTAssertEqual(try hits("TGCATG", "AUGCAUGxTGCATG"), [1, 8])
    }

    func testSequenceCaseIsIgnored() throws {
        XCTAssertEqual(try hits("CACGTG", "ttcacgtgTTCaCgTg"), [2, 10])
    }

    func testSequenceNMatchesOnlyPatternN() throws {
        XCTAssertEqual(try hits("ANA", "ANAnACA"), [0, 2, 4])
        XCTAssertEqual(try hits("AAA", "ANA"), [])
        XCTAssertEqual(try hits("ARA", "ANA"), [])
    }

    func testSequenceIUPACLetterMatchesPatternsAllowingAllItsBases() throws {
        XCTAssertEqual(try hits("R", "R"), [0])
        XCTAssertEqual(try hits("D", "R"), [0])
        XCTAssertEqual(try hits("A", "R"), [])
        XCTAssertEqual(try hits("Y", "R"), [])
    }

    func testGapsMatchNothing() throws {
        XCTAssertEqual(try hits("N", "A-.C"), [0, 3])
    }

    // MARK: - Both strands

    func testReverseStrandPositionsByHand() throws {
        // GATTA's reverse complement is TAATC; in the sequence below
        //   0123456789012345
        //   GATTAcccTAATCggg
        // GATTA starts at 0 (+) and TAATC at 8 (-).
        XCTAssertEqual(try bothStrands("GATTA", "GATTAcccTAATCggg"), ["0+", "8-"])
    }

    func testReverseStrandWithIUPACCodes() throws {
        // RRGGT -> reverse complement ACCYY.
        //   0123456789
        //   ACCTCxAGGGT
        XCTAssertEqual(try bothStrands("RRGGT", "ACCTCxAGGGT"), ["0-", "6+"])
    }

    func testPalindromeIsReportedOnce() throws {
        XCTAssertEqual(try bothStrands("CACGTG", "aaCACGTGaaCACGTG"), ["2+", "10+"])
        XCTAssertEqual(try bothStrands("TGAnTCA", "TGACTCA"), ["0+"])
        XCTAssertEqual(try bothStrands("CACGUG", "CACGTG"), ["0+"])
    }

    func testSameStartOnBothStrandsListsForwardFirst() throws {
        // AC -> reverse complement GT: in "ACGT", AC at 0 (+) and GT at 2 (-).
        XCTAssertEqual(try bothStrands("AC", "ACGT"), ["0+", "2-"])
        // AN -> NT: in "AT" both read the window at 0.
        XCTAssertEqual(try bothStrands("AN", "AT"), ["0+", "0-"])
    }

    func testOverlappingReverseHitsAreAllReported() throws {
        // AA -> reverse complement TT: "TTTaa" holds TT at 0 and 1 (overlapping) and AA at 3.
        XCTAssertEqual(try bothStrands("AA", "TTTaa"), ["0-", "1-", "3+"])
    }
}
