import Alignments
import TestSupport
import XCTest

/// The four formats as read: rows, widths, ids, lines, and the format chosen.
final class AlignmentReaderTests: XCTestCase {
    func rows(_ alignment: Alignment) -> [String] {
        (0..<alignment.count).map { String(decoding: alignment.row($0), as: UTF8.self) }
    }

    /// Unpadded A2M inserts are padded with '.' so the match columns line up.
    func testA2MInsertsArePaddedAndMatchColumnsLineUp() throws {
        let alignment = try Alignment.read(contentsOf: Fixtures.url("alignments/toy.a2m"))
        XCTAssertEqual(alignment.format, .a2m)
        XCTAssertEqual(alignment.ids, ["seqA/11-19", "seqB", "seqC", "seqD", "seqE"])
        XCTAssertEqual(alignment.lines, [1, 3, 5, 7, 9])
        XCTAssertEqual(rows(alignment), [".ACdeFGH-..IK.", ".AD..FGHW..IK.", "gAC..-GHWyyIK.", ".AC..FGHW..IKm", ".AX..FGHW..IK."])
    }

    func testA3MRowsAreExpanded() throws {
        let alignment = try Alignment.read(contentsOf: Fixtures.url("alignments/toy.a3m"))
        XCTAssertEqual(alignment.format, .a3m)
        XCTAssertEqual(rows(alignment), ["MK..TAY...IAKQR...", "MKsaTAY...IA-QR...", "MR..TAYvvvLAKQK...", "--..TAY...IAKQR...", "MK..TGY...LAKEReek"])
    }

    /// Interleaved blocks join per name; #=GF/#=GS/#=GR/#=GC lines are not rows; only the first
    /// alignment of the file is read.
    func testStockholmJoinsInterleavedBlocksAndSkipsMarkup() throws {
        let alignment = try Alignment.read(contentsOf: Fixtures.url("alignments/toy-interleaved.sto"))
        XCTAssertEqual(alignment.format, .stockholm)
        XCTAssertEqual(alignment.ids, ["seq1/5-15", "seq2", "seq3"])
        XCTAssertEqual(alignment.lines, [6, 7, 8])
        XCTAssertEqual(rows(alignment), ["MK.tLVEGWa-KP", "MRa.IVEgW..RP", "-KacLIQAWc.XP"])
    }

    func testFormatIsReadFromTheContentWhenTheExtensionSaysNothing() throws {
        let stockholm = try Alignment.parse(Array("# STOCKHOLM 1.0\na AC-D\nb ACED\n//\n".utf8), source: "x", format: nil)
        XCTAssertEqual(stockholm.format, .stockholm)
        XCTAssertEqual(try Alignment.parse(Array("# STOCKHOLM 1.0\na AC-D\n//\n".utf8), source: "x.fa", format: .fasta).format, .stockholm)
        let aligned = try Alignment.parse(Array("; comment\n>a\nAC-D\n>b\nACED\n".utf8), source: "x", format: nil)
        XCTAssertEqual(aligned.format, .fasta)
        XCTAssertEqual(rows(aligned), ["AC-D", "ACED"])
        let a3m = try Alignment.parse(Array(">a\nAC-D\n>b\nACeED\n".utf8), source: "x", format: nil)
        XCTAssertEqual(a3m.format, .a3m)
        XCTAssertEqual(rows(a3m), ["AC.-D", "ACeED"])
        XCTAssertEqual(Alignment.Format(extension: "STK"), .stockholm)
        XCTAssertEqual(Alignment.Format(extension: "afa"), .fasta)
        XCTAssertNil(Alignment.Format(extension: "txt"))
    }

    /// Pfam's aligned FASTA (logomaker's WW file): '#' comment lines, '.' insert columns kept.
    func testAlignedFASTAKeepsEveryColumn() throws {
        let alignment = try Alignment.read(contentsOf: Fixtures.url("alignments/ww-subset.fa"))
        XCTAssertEqual(alignment.format, .fasta)
        XCTAssertEqual(alignment.count, 301)
        XCTAssertEqual(alignment.width, 44)
        XCTAssertEqual(alignment.lines[0], 12)
        XCTAssertEqual(String(decoding: alignment.row(0), as: UTF8.self), "LPPQW..TEA.VDVDT...GKFYFVHVET.......KETRWERP")
    }
}
