import Alignments
import Foundation
import XCTest

/// Bad alignments: one line naming the file and the line, with what to do.
final class AlignmentErrorTests: XCTestCase {
    func message(_ text: String, source: String = "bad.fa", format: Alignment.Format? = nil, focus: String? = nil) -> String? {
        message(bytes: Array(text.utf8), source: source, format: format, focus: focus)
    }

    func message(bytes: [UInt8], source: String, format: Alignment.Format? = nil, focus: String? = nil) -> String? {
        do {
            let alignment = try Alignment.parse(bytes, source: source, format: format ?? Alignment.Format(extension: (source as NSString).pathExtension))
            _ = try alignment.focus(id: focus)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testInconsistentLengths() {
        XCTAssertEqual(message(">a\nACDE\n>b desc\nAC\nD\n"),
                       "bad.fa:3: sequence 'b' has 3 columns but 'a' has 4; every row of an alignment must have the same length (an A3M file, whose inserts are not padded, needs the .a3m extension)")
        XCTAssertEqual(message("# STOCKHOLM 1.0\na ACDE\nb ACDE\n\na FG\nb F\n//\n", source: "bad.sto"),
                       "bad.sto:3: sequence 'b' has 5 columns but 'a' has 6; every row of an alignment must have the same length")
        XCTAssertEqual(message(">a\nACDE\n>b\nAcCDEF\n", source: "bad.a3m"),
                       "bad.a3m:3: sequence 'b' has 5 match columns (uppercase letters and '-') but 'a' has 4; A2M/A3M rows must have the same match columns")
    }

    func testUnknownLetters() {
        XCTAssertEqual(message(">a\nAC\nD*E\n"),
                       "bad.fa:3: '*' in sequence 'a' is neither a letter nor a gap ('-' or '.'); remove or replace it")
        XCTAssertEqual(message("# STOCKHOLM 1.0\na AC~E\n//\n", source: "bad.sto"),
                       "bad.sto:2: '~' in sequence 'a' is neither a letter nor a gap ('-' or '.'); remove or replace it")
        XCTAssertEqual(message(">a\nAC\u{1}E\n"),
                       "bad.fa:2: byte 0x1 in sequence 'a' is neither a letter nor a gap ('-' or '.'); remove or replace it")
    }

    func testFocusSequenceWithoutResiduesOrWithALetterOutsideTheAlphabet() {
        XCTAssertEqual(message(">a\nAC-D\n>b\n--..\n", focus: "b"),
                       "bad.fa:3: the focus sequence 'b' has no residues in match columns (only gaps and lowercase inserts); focus on another sequence")
        XCTAssertEqual(message(">a\nac-d\n"),
                       "bad.fa:1: the focus sequence 'a' has no residues in match columns (only gaps and lowercase inserts); focus on another sequence")
        XCTAssertEqual(message(">a\nACXD\n"),
                       "bad.fa:1: the focus sequence 'a' has 'X' at residue 3, outside the 20 amino acids; focus on another sequence or replace the letter")
    }

    func testFocusIDNotFound() {
        XCTAssertEqual(message(">a/1-4\nACED\n>b\nACED\n>c\nACED\n>d\nACED\n", focus: "zz"),
                       "bad.fa: no sequence 'zz' to focus on (its 4 ids start 'a/1-4', 'b', 'c', …); give the id of one of its sequences")
    }

    func testEmptyFiles() {
        XCTAssertEqual(message(""), "bad.fa: the file holds no sequences (it is empty or only comments); give an alignment in Stockholm, A2M, A3M or aligned FASTA format")
        XCTAssertEqual(message("\n# only a comment\n"), "bad.fa: the file holds no sequences (it is empty or only comments); give an alignment in Stockholm, A2M, A3M or aligned FASTA format")
        XCTAssertEqual(message(">a\n>b\n"), "bad.fa:1: the alignment has no columns; give the sequences' aligned letters")
    }

    func testStockholmWithoutEndOrHeader() {
        XCTAssertEqual(message("# STOCKHOLM 1.0\na ACDE\nb ACDE\n", source: "bad.sto"),
                       "bad.sto:3: the alignment has no '//' end line; the file may be truncated (a Stockholm alignment ends with //)")
        XCTAssertEqual(message("a ACDE\n//\n", source: "bad.sto"),
                       "bad.sto:1: no '# STOCKHOLM 1.0' header line; a Stockholm file starts with it")
        XCTAssertEqual(message("# STOCKHOLM 1.0\na AC DE\n//\n", source: "bad.sto"),
                       "bad.sto:2: expected a row 'name aligned-letters' or a '#=' markup line, found 3 words; check the line")
    }

    func testOtherFASTAMistakes() {
        XCTAssertEqual(message("ACDE\n>a\nACDE\n", source: "bad.txt"),
                       "bad.txt:1: neither a '>' header nor '# STOCKHOLM 1.0'; give an alignment in Stockholm, A2M, A3M or aligned FASTA format")
        XCTAssertEqual(message("ACDE\n>a\nACDE\n", format: .fasta),
                       "bad.fa:1: sequence letters before the first '>' header; start each sequence with a '>id' line")
        XCTAssertEqual(message("> \nACDE\n"), "bad.fa:1: a '>' header without a name; give every sequence an id")
    }

    func testCompressedAndMissingFiles() throws {
        XCTAssertEqual(message(bytes: [0x1F, 0x8B, 8, 0], source: "ww.fa.gz"),
                       "ww.fa.gz: file is gzip-compressed; decompress it first (e.g. gunzip -k ww.fa.gz)")
        XCTAssertThrowsError(try Alignment.read(contentsOf: URL(fileURLWithPath: "no/such.sto"))) { error in
            XCTAssertEqual("\(error)", "no/such.sto: no such file; check the path")
        }
    }
}
