import XCTest
import Genomics

final class OneHotTests: XCTestCase {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    private func encodeOne(_ s: String, _ alphabet: Alphabet = .dna, _ layout: SequenceLayout) -> [Float] {
        var out = [Float](repeating: 9, count: alphabet.size * s.utf8.count)  // 9: proves every slot is written
        out.withUnsafeMutableBufferPointer { OneHot.encode(bytes(s), alphabet: alphabet, layout: layout, into: $0) }
        return out
    }

    func testLayoutRawValues() {
        XCTAssertEqual(SequenceLayout.channelsFirst.rawValue, "channels-first")
        XCTAssertEqual(SequenceLayout.channelsLast.rawValue, "channels-last")
        XCTAssertEqual(SequenceLayout(rawValue: "channels-last"), .channelsLast)
    }

    func testChannelsFirstIsAByL() {
        // Rows A, C, G, T; columns are positions of "ACGTN".
        XCTAssertEqual(encodeOne("ACGTN", .dna, .channelsFirst), [
            1, 0, 0, 0, 0,
            0, 1, 0, 0, 0,
            0, 0, 1, 0, 0,
            0, 0, 0, 1, 0,
        ])
    }

    func testChannelsLastIsLByA() {
        XCTAssertEqual(encodeOne("GANT", .dna, .channelsLast), [
            0, 0, 1, 0,
            1, 0, 0, 0,
            0, 0, 0, 0,
            0, 0, 0, 1,
        ])
    }

    func testLowercaseAndUAndIUPAC() {
        XCTAssertEqual(encodeOne("tuRc", .rna, .channelsLast), [
            0, 0, 0, 1,
            0, 0, 0, 1,
            0, 0, 0, 0,
            0, 1, 0, 0,
        ])
    }

    func testEmptySequenceEncodesToNothing() {
        XCTAssertEqual(encodeOne("", .dna, .channelsFirst), [])
    }

    func testBatchIsContiguousPerSequence() throws {
        let out = try OneHot.encode([bytes("AC"), bytes("GT")], alphabet: .dna, layout: .channelsFirst)
        XCTAssertEqual(out, [
            1, 0, /**/ 0, 1, /**/ 0, 0, /**/ 0, 0,  // AC: (A, L) = (4, 2)
            0, 0, /**/ 0, 0, /**/ 1, 0, /**/ 0, 1,  // GT
        ])
        let last = try OneHot.encode([bytes("AC"), bytes("GT")], alphabet: .dna, layout: .channelsLast)
        XCTAssertEqual(last, [1, 0, 0, 0, 0, 1, 0, 0, /**/ 0, 0, 1, 0, 0, 0, 0, 1])
        XCTAssertEqual(try OneHot.encode([[UInt8]](), alphabet: .dna, layout: .channelsFirst), [])
    }

    func testBatchOfDifferentLengthsThrows() {
        assertGenomicsError("sequences differ in length (sequence 1 has 3 nt, sequence 3 has 2 nt); fit them to one length with --pad or --crop") {
            try OneHot.encode([bytes("ACG"), bytes("TTT"), bytes("AC")], alphabet: .dna, layout: .channelsFirst)
        }
    }

    func testRecordBatch() throws {
        let rs = [SequenceRecord(id: "a", sequence: "AC", line: 1), SequenceRecord(id: "b", sequence: "GT", line: 3)]
        XCTAssertEqual(try OneHot.encode(rs, alphabet: .dna, layout: .channelsFirst),
                       try OneHot.encode([bytes("AC"), bytes("GT")], alphabet: .dna, layout: .channelsFirst))
        let bad = rs + [SequenceRecord(id: "c", sequence: "GTA", line: 5)]
        assertGenomicsError("records differ in length ('a' (line 1) has 2 nt, 'c' (line 5) has 3 nt); fit them to one length with --pad or --crop") {
            try OneHot.encode(bad, alphabet: .dna, layout: .channelsFirst)
        }
    }

    func testDecodeRoundTripsBothLayouts() {
        for layout in SequenceLayout.allCases {
            XCTAssertEqual(OneHot.decode(encodeOne("ACGTNRAC", .dna, layout), alphabet: .dna, layout: layout), bytes("ACGTNNAC"))
            XCTAssertEqual(OneHot.decode(encodeOne("ACGTu", .rna, layout), alphabet: .rna, layout: layout), bytes("ACGUU"))
        }
    }

    func testDecodeTakesArgmaxAndAllZeroIsN() {
        // channels-first (4, 3): column 0 favours G, column 1 all zero, column 2 tie between C and T -> C.
        let values: [Float] = [
            0.1, 0, 0.2,
            0.2, 0, 0.5,
            0.6, 0, 0.1,
            0.1, 0, 0.5,
        ]
        XCTAssertEqual(OneHot.decode(values, alphabet: .dna, layout: .channelsFirst), bytes("GNC"))
    }

    func testDecodeNegativeColumnIsArgmaxNotN() {
        XCTAssertEqual(OneHot.decode([-1, -0.5, -2, -3], alphabet: .dna, layout: .channelsLast), bytes("C"))
    }
}
