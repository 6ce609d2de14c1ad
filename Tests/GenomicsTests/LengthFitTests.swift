import XCTest
import Genomics

final class LengthFitTests: XCTestCase {
    private let rec = SequenceRecord(id: "x", description: "d", sequence: "ACGTA", line: 5)

    /// Fits `rec` and checks the fitted sequence, the offset, and that metadata survives.
    private func check(_ fit: LengthFit, _ length: Int, _ sequence: String, offset: Int,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try fit.fit(rec, to: length)
        XCTAssertEqual(f.record.sequenceString, sequence, file: file, line: line)
        XCTAssertEqual(f.offset, offset, file: file, line: line)
        XCTAssertEqual(f.record.id, "x", file: file, line: line)
        XCTAssertEqual(f.record.description, "d", file: file, line: line)
        XCTAssertEqual(f.record.line, 5, file: file, line: line)
    }

    func testAnchorCases() {
        XCTAssertEqual(FitAnchor.allCases, [.center, .left, .right])
        XCTAssertEqual(FitAnchor(rawValue: "center"), .center)
    }

    func testEqualLengthIsUnchangedEvenWithoutOptions() throws {
        let f = try LengthFit().fit(rec, to: 5)
        XCTAssertEqual(f, FittedRecord(record: rec, offset: 0))
    }

    func testPad() throws {
        try check(LengthFit(pad: .left), 8, "ACGTANNN", offset: 0)
        try check(LengthFit(pad: .right), 8, "NNNACGTA", offset: 3)
        // Odd padding: the extra N goes to the right.
        try check(LengthFit(pad: .center), 8, "NACGTANN", offset: 1)
        try check(LengthFit(pad: .center), 9, "NNACGTANN", offset: 2)
    }

    func testCrop() throws {
        try check(LengthFit(crop: .left), 2, "AC", offset: 0)
        try check(LengthFit(crop: .right), 2, "TA", offset: -3)
        // Odd excess: the extra base is removed from the right.
        try check(LengthFit(crop: .center), 2, "CG", offset: -1)
        try check(LengthFit(crop: .center), 3, "CGT", offset: -1)
    }

    func testOffsetMapsPositionsBack() throws {
        let padded = try LengthFit(pad: .right).fit(rec, to: 8)
        XCTAssertNil(padded.originalPosition(ofFitted: 2, originalLength: 5))
        XCTAssertEqual(padded.originalPosition(ofFitted: 3, originalLength: 5), 0)
        XCTAssertEqual(padded.originalPosition(ofFitted: 7, originalLength: 5), 4)
        let cropped = try LengthFit(crop: .center).fit(rec, to: 2)
        XCTAssertEqual(cropped.originalPosition(ofFitted: 0, originalLength: 5), 1)
        XCTAssertEqual(cropped.record.sequence[0], rec.sequence[0 - cropped.offset])
    }

    func testShorterWithoutPadThrows() {
        assertGenomicsError("record 'x' (line 5) has 5 nt but the model takes exactly 200; use --pad center|left|right or --crop center|left|right to fit it") {
            try LengthFit().fit(rec, to: 200)
        }
        assertGenomicsError("record 'x' (line 5) has 5 nt but the model takes exactly 200; use --pad center|left|right to fit it") {
            try LengthFit(crop: .center).fit(rec, to: 200)
        }
    }

    func testLongerWithoutCropThrows() {
        assertGenomicsError("record 'x' (line 5) has 5 nt but the model takes exactly 3; use --pad center|left|right or --crop center|left|right to fit it") {
            try LengthFit().fit(rec, to: 3)
        }
        assertGenomicsError("record 'x' (line 5) has 5 nt but the model takes exactly 3; use --crop center|left|right to fit it") {
            try LengthFit(pad: .left).fit(rec, to: 3)
        }
    }

    func testFitManyStopsAtFirstFailure() throws {
        let fit = LengthFit(pad: .left)
        let ok = try fit.fit([rec, SequenceRecord(id: "y", sequence: "AC", line: 7)], to: 5)
        XCTAssertEqual(ok.map(\.record.sequenceString), ["ACGTA", "ACNNN"])
        assertGenomicsError("record 'z' (line 9) has 6 nt but the model takes exactly 5; use --crop center|left|right to fit it") {
            try fit.fit([rec, SequenceRecord(id: "z", sequence: "ACGTAC", line: 9)], to: 5)
        }
    }

    func testPaddedNsEncodeAsZeroColumns() throws {
        let f = try LengthFit(pad: .center).fit(SequenceRecord(id: "s", sequence: "A"), to: 3)
        var out = [Float](repeating: 1, count: 12)
        out.withUnsafeMutableBufferPointer { OneHot.encode(f.record.sequence, alphabet: .dna, layout: .channelsLast, into: $0) }
        XCTAssertEqual(out, [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    }
}
