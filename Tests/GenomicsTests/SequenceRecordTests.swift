import XCTest
import Genomics

final class SequenceRecordTests: XCTestCase {
    func testStringInitStoresBytes() {
        let r = SequenceRecord(id: "x", description: "d", sequence: "ACGT", line: 3)
        XCTAssertEqual(r.sequence, [65, 67, 71, 84])
        XCTAssertEqual(r.length, 4)
        XCTAssertEqual(r.sequenceString, "ACGT")
        XCTAssertEqual(r.line, 3)
        XCTAssertEqual(SequenceRecord(id: "x", sequence: [65]).line, 0)
        XCTAssertEqual(SequenceRecord(id: "x", sequence: [65]).description, "")
    }

    func testEquality() {
        let a = SequenceRecord(id: "x", sequence: "AC", line: 1)
        XCTAssertEqual(a, SequenceRecord(id: "x", sequence: "AC", line: 1))
        XCTAssertNotEqual(a, SequenceRecord(id: "x", sequence: "AC", line: 2))
        XCTAssertNotEqual(a, SequenceRecord(id: "x", sequence: "AG", line: 1))
    }

    func testDuplicateIDsInOrderOfFirstAppearance() {
        let rs = ["b", "a", "c", "a", "b", "a", "d"].map { SequenceRecord(id: $0, sequence: "A") }
        XCTAssertEqual(SequenceRecord.duplicateIDs(in: rs), ["a", "b"])
        XCTAssertEqual(SequenceRecord.duplicateIDs(in: Array(rs.prefix(3))), [])
        XCTAssertEqual(SequenceRecord.duplicateIDs(in: []), [])
    }

    func testDuplicateWarning() {
        let rs = ["b", "a", "c", "a", "b", "a"].map { SequenceRecord(id: $0, sequence: "A") }
        XCTAssertEqual(SequenceRecord.duplicateWarning(records: rs),
                       "warning: 2 ids occur more than once (a x3, b x2); repeats are renamed a_2, a_3, … as seqkit rename does")
        XCTAssertEqual(SequenceRecord.duplicateWarning(records: Array(rs.prefix(4))),
                       "warning: 1 id occurs more than once (a x2); repeats are renamed a_2 as seqkit rename does")
        XCTAssertNil(SequenceRecord.duplicateWarning(records: Array(rs.prefix(3))))
    }

    func testDuplicateWarningListsAtMostFive() {
        let ids = (1...7).flatMap { ["id\($0)", "id\($0)"] }
        let rs = ids.map { SequenceRecord(id: $0, sequence: "A") }
        XCTAssertEqual(SequenceRecord.duplicateWarning(records: rs),
                       "warning: 7 ids occur more than once (id1 x2, id2 x2, id3 x2, id4 x2, id5 x2, ...); repeats are renamed id1_2, … as seqkit rename does")
    }

    func testUniquingIDsRenamesRepeatsAsSeqkitRenameDoes() {
        let rs = ["a", "b", "a", "a_2", "a", "b"].map { SequenceRecord(id: $0, sequence: "A") }
        // The first keeps its id; a_2 is taken by a record of the file, so the second a becomes a_3.
        XCTAssertEqual(SequenceRecord.uniquingIDs(rs).map(\.id), ["a", "b", "a_3", "a_2", "a_4", "b_2"])
        XCTAssertEqual(SequenceRecord.uniquingIDs(rs).map(\.sequence), rs.map(\.sequence))
        let unique = ["x", "y"].map { SequenceRecord(id: $0, sequence: "A") }
        XCTAssertEqual(SequenceRecord.uniquingIDs(unique), unique)
    }
}
