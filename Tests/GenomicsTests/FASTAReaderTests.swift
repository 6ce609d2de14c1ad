import Foundation
import XCTest
import Genomics

final class FASTAReaderTests: XCTestCase {
    private func parse(_ text: String, source: String = "reads.fa") throws -> [SequenceRecord] {
        try FASTAReader.parse(text, source: source)
    }

    private func seqs(_ records: [SequenceRecord]) -> [String] { records.map(\.sequenceString) }

    // MARK: - Well-formed input

    func testSingleRecord() throws {
        let r = try parse(">seq1\nACGT\n")
        XCTAssertEqual(r, [SequenceRecord(id: "seq1", description: "", sequence: "ACGT", line: 1)])
    }

    func testMultiRecordWrappedLinesJoin() throws {
        let r = try parse(">a\nACG\nTTA\nG\n>b\nCC\nGG\n")
        XCTAssertEqual(r.map(\.id), ["a", "b"])
        XCTAssertEqual(seqs(r), ["ACGTTAG", "CCGG"])
        XCTAssertEqual(r.map(\.line), [1, 5])
    }

    func testIdIsFirstTokenAndDescriptionIsTheRest() throws {
        let r = try parse(">chr1:100-200(+)  some  words\there \nACGT\n")
        XCTAssertEqual(r[0].id, "chr1:100-200(+)")
        XCTAssertEqual(r[0].description, "some  words\there")
    }

    func testSpaceAfterGreaterThanIsSkippedBeforeId() throws {
        let r = try parse(">  x desc\nA\n")
        XCTAssertEqual(r[0].id, "x")
        XCTAssertEqual(r[0].description, "desc")
    }

    func testCRLFLineEndings() throws {
        let r = try parse(">a desc\r\nAC\r\nGT\r\n\r\n>b\r\nTT\r\n")
        XCTAssertEqual(r.map(\.id), ["a", "b"])
        XCTAssertEqual(r[0].description, "desc")
        XCTAssertEqual(seqs(r), ["ACGT", "TT"])
        XCTAssertEqual(r.map(\.line), [1, 5])
    }

    func testBlankLinesAndWhitespaceAreIgnored() throws {
        let r = try parse("\n\n  \n>a\n\n  AC GT\t\n\n\tGG  \n\n>b\nT")
        XCTAssertEqual(seqs(r), ["ACGTGG", "T"])
        XCTAssertEqual(r.map(\.line), [4, 10])
    }

    func testNoTrailingNewline() throws {
        XCTAssertEqual(seqs(try parse(">a\nACGT")), ["ACGT"])
    }

    func testLowercaseIsUppercased() throws {
        XCTAssertEqual(seqs(try parse(">a\nacgtnryu\n")), ["ACGTNRYU"])
    }

    func testGapsAreReadAsDashesAndStopsKept() throws {
        // '.' is a gap too (A2M); '*' is a protein's stop: both encode as all-zero columns but
        // the gap has a channel of its own in the 21-letter protein alphabet.
        XCTAssertEqual(seqs(try parse(">a\nAC-G.T\n>p\nMK*\n")), ["AC-G-T", "MK*"])
    }

    func testAnyLetterIsAcceptedAsRead() throws {
        // Non-nucleotide letters are kept; encoding turns them into all-zero columns.
        XCTAssertEqual(seqs(try parse(">a\nACXZJO\n")), ["ACXZJO"])
    }

    func testDuplicateIdsAreAllowedAndDetectable() throws {
        let r = try parse(">a\nA\n>b\nC\n>a\nG\n>b\nT\n>a\nA\n>c\nA\n")
        XCTAssertEqual(r.count, 6)
        XCTAssertEqual(SequenceRecord.duplicateIDs(in: r), ["a", "b"])
    }

    func testParseBytesAndDataAgreeWithString() throws {
        let text = ">a x\nAC\ngt\n>b\nN\n"
        let fromString = try FASTAReader.parse(text, source: "s")
        XCTAssertEqual(try FASTAReader.parse(Array(text.utf8), source: "s"), fromString)
        XCTAssertEqual(try FASTAReader.parse(Data(text.utf8), source: "s"), fromString)
    }

    func testUTF8InHeaderIsKept() throws {
        let r = try parse(">gène_1 α-globin\nACGT\n")
        XCTAssertEqual(r[0].id, "gène_1")
        XCTAssertEqual(r[0].description, "α-globin")
    }

    func testLongUnwrappedSequence() throws {
        let bases = String(repeating: "ACGTN", count: 200_000)
        let r = try parse(">big\n\(bases)\n>small\nA\n")
        XCTAssertEqual(r[0].sequence.count, 1_000_000)
        XCTAssertEqual(r[0].sequence.suffix(5), Array("ACGTN".utf8))
        XCTAssertEqual(seqs(r)[1], "A")
    }

    // MARK: - Files

    func testReadsFixtureFile() throws {
        let r = try FASTAReader.read(contentsOf: FixturePaths.fasta("multi.fa"))
        XCTAssertEqual(r.map(\.id), ["chr1_a", "chr1_b", "chr1_a"])
        XCTAssertEqual(r.map(\.description), ["first record, wrapped", "", "duplicate id"])
        XCTAssertEqual(seqs(r), ["ACGTACGTACACGTNNRY", "GGGGCCCC", "TTTT"])
        XCTAssertEqual(r.map(\.line), [1, 5, 10])
        XCTAssertEqual(SequenceRecord.duplicateIDs(in: r), ["chr1_a"])
    }

    func testFixtureErrorNamesPathAndLine() throws {
        let url = FixturePaths.fasta("no-sequence.fa")
        assertGenomicsError("\(url.relativePath):3: record 'empty_one' has no sequence; remove the header or add its bases") {
            try FASTAReader.read(contentsOf: url)
        }
    }

    func testMissingFileNamesPath() {
        let url = URL(fileURLWithPath: "/nonexistent/dir/reads.fa")
        assertGenomicsError("/nonexistent/dir/reads.fa: no such file; check the path") {
            try FASTAReader.read(contentsOf: url)
        }
    }

    func testRelativePathIsReportedAsGiven() throws {
        let url = URL(fileURLWithPath: "surely-missing-\(UUID().uuidString).fa")
        XCTAssertFalse(url.relativePath.hasPrefix("/"))
        assertGenomicsError("\(url.relativePath): no such file; check the path") {
            try FASTAReader.read(contentsOf: url)
        }
    }

    func testDirectoryIsRejected() {
        let dir = FixturePaths.fasta
        assertGenomicsError("\(dir.relativePath): is a directory; give the path of a FASTA file") {
            try FASTAReader.read(contentsOf: dir)
        }
    }

    func testBinaryFileOnDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-\(UUID().uuidString).fa")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        assertGenomicsError("\(url.relativePath): file does not look like FASTA (it holds binary data); give a plain-text FASTA file") {
            try FASTAReader.read(contentsOf: url)
        }
    }

    // MARK: - Errors

    func testEmptyInputHasNoRecords() {
        let msg = "reads.fa: no FASTA records found; a record is a '>id' header line followed by sequence lines"
        assertGenomicsError(msg) { try parse("") }
        assertGenomicsError(msg) { try parse("\n \r\n\t\n") }
    }

    func testRecordWithoutSequenceNamesRecordAndHeaderLine() {
        assertGenomicsError("reads.fa:12: record 'chr1_x' has no sequence; remove the header or add its bases") {
            try parse(">a\nACGT\n\n\n\n\n\n\n\n\n\n>chr1_x\n>b\nAC\n")
        }
    }

    func testLastRecordWithoutSequence() {
        assertGenomicsError("reads.fa:3: record 'last' has no sequence; remove the header or add its bases") {
            try parse(">a\nACGT\n>last desc\n\n  \n")
        }
    }

    func testSequenceBeforeFirstHeader() {
        assertGenomicsError("reads.fa:2: sequence text before the first '>' header; start the file with a header line such as '>seq1'") {
            try parse("\nACGT\n>a\nAC\n")
        }
    }

    func testFASTQIsRecognised() {
        assertGenomicsError("reads.fq:1: looks like FASTQ ('@' header), not FASTA; convert it first (e.g. seqtk seq -a)") {
            try parse("@read1\nACGT\n+\nIIII\n", source: "reads.fq")
        }
    }

    func testEmptyId() {
        let msg = "reads.fa:3: header has no id; put an id right after '>', e.g. '>seq1'"
        assertGenomicsError(msg) { try parse(">a\nAC\n>\nGG\n") }
        assertGenomicsError(msg) { try parse(">a\nAC\n>   \nGG\n") }
    }

    func testDigitInSequenceNamesLineColumnAndCharacter() {
        assertGenomicsError("reads.fa:3: unexpected character '1' in the sequence of record 'r2' (column 4); sequence lines may hold only letters, '-', '.' and '*'") {
            try parse(">r2\nACGT\n  A1CG\n")
        }
    }

    func testHashIsNotAllowed() {
        assertGenomicsError("reads.fa:2: unexpected character '#' in the sequence of record 'p' (column 5); sequence lines may hold only letters, '-', '.' and '*'") {
            try parse(">p\nACGT#\n")
        }
    }

    func testControlCharacterIsShownAsHex() {
        assertGenomicsError("reads.fa:2: unexpected character byte 0x07 in the sequence of record 'a' (column 3); sequence lines may hold only letters, '-', '.' and '*'") {
            try parse(">a\nAC\u{07}GT\n")
        }
    }

    func testNulByteMeansBinary() {
        assertGenomicsError("x.bin: file does not look like FASTA (it holds binary data); give a plain-text FASTA file") {
            try FASTAReader.parse(Array(">a\nACGT\n".utf8) + [0] + Array("ACGT\n".utf8), source: "x.bin")
        }
    }

    func testMostlyNonPrintableMeansBinaryEvenWithoutNul() {
        var bytes = Array(">a\n".utf8)
        for i in 0..<1000 { bytes.append(UInt8(0x80 + i % 100)) }
        assertGenomicsError("x.bin: file does not look like FASTA (it holds binary data); give a plain-text FASTA file") {
            try FASTAReader.parse(bytes, source: "x.bin")
        }
    }

    func testGzipIsRecognised() {
        assertGenomicsError("reads.fa.gz: file is gzip-compressed; decompress it first (e.g. gunzip -k reads.fa.gz)") {
            try FASTAReader.parse([0x1F, 0x8B, 0x08, 0x00, 0x41, 0x42], source: "reads.fa.gz")
        }
    }

    func testErrorsSurfaceThroughLocalizedDescription() {
        do {
            _ = try parse("")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.localizedDescription,
                           "reads.fa: no FASTA records found; a record is a '>id' header line followed by sequence lines")
        }
    }
}
