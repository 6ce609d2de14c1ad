import XCTest
import Genomics

final class AmbiguityTests: XCTestCase {
    func testCountsLettersOutsideAlphabet() {
        let r = SequenceRecord(id: "x", sequence: "ACGTNNRYKMacgtn")
        XCTAssertEqual(ambiguousCount(in: r, alphabet: .dna), 7)
        XCTAssertEqual(ambiguousCount(in: SequenceRecord(id: "y", sequence: "ACGT"), alphabet: .dna), 0)
        XCTAssertEqual(ambiguousCount(in: Array("NNN".utf8), alphabet: .dna), 3)
    }

    func testUAndTAreNotAmbiguousInEitherAlphabet() {
        let r = SequenceRecord(id: "x", sequence: "ACGUT")
        XCTAssertEqual(ambiguousCount(in: r, alphabet: .dna), 0)
        XCTAssertEqual(ambiguousCount(in: r, alphabet: .rna), 0)
    }

    func testWarningSummarisesRecordsAndLetters() {
        let rs = [
            SequenceRecord(id: "a", sequence: "ACGT"),
            SequenceRecord(id: "b", sequence: "NNNNNNNNNN"),
            SequenceRecord(id: "c", sequence: "ACRY"),
            SequenceRecord(id: "d", sequence: "AAAA"),
            SequenceRecord(id: "e", sequence: "NNNNN"),
            SequenceRecord(id: "f", sequence: "A"),
            SequenceRecord(id: "g", sequence: "C"),
            SequenceRecord(id: "h", sequence: "G"),
        ]
        XCTAssertEqual(SequenceRecord.ambiguityWarning(records: rs, alphabet: .dna),
                       "warning: 3 of 8 records contain 17 non-ACGT letters (N or IUPAC); they are encoded as all-zero columns")
        XCTAssertEqual(SequenceRecord.ambiguityWarning(records: rs, alphabet: .rna),
                       "warning: 3 of 8 records contain 17 non-ACGU letters (N or IUPAC); they are encoded as all-zero columns")
    }

    func testWarningGrammarForOne() {
        XCTAssertEqual(SequenceRecord.ambiguityWarning(records: [SequenceRecord(id: "a", sequence: "ACN")], alphabet: .dna),
                       "warning: 1 of 1 record contains 1 non-ACGT letter (N or IUPAC); it is encoded as an all-zero column")
        let two = [SequenceRecord(id: "a", sequence: "NN"), SequenceRecord(id: "b", sequence: "A")]
        XCTAssertEqual(SequenceRecord.ambiguityWarning(records: two, alphabet: .dna),
                       "warning: 1 of 2 records contains 2 non-ACGT letters (N or IUPAC); they are encoded as all-zero columns")
    }

    func testNoWarningWhenClean() {
        XCTAssertNil(SequenceRecord.ambiguityWarning(records: [SequenceRecord(id: "a", sequence: "ACGTU")], alphabet: .dna))
        XCTAssertNil(SequenceRecord.ambiguityWarning(records: [], alphabet: .dna))
    }
}
