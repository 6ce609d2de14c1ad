import Genomics
import XCTest

final class FASTARecordTextTests: XCTestCase {
    let file = Array("\n>a desc\r\nACgt\r\n-.n\r\n\n  >b\nTT\n".utf8)

    func testSplitGivesEachRecordItsTextUpToTheNextHeader() throws {
        let texts = FASTARecordText.split(file)
        XCTAssertEqual(texts.map { String(decoding: $0.bytes, as: UTF8.self) }, [">a desc\r\nACgt\r\n-.n\r\n\n", "  >b\nTT\n"])
        XCTAssertEqual(texts.count, try FASTAReader.parse(file, source: "x.fa").count, "as many texts as the reader reads records")
    }

    func testSequenceKeepsCaseAndReadsGapsAsDashes() {
        XCTAssertEqual(String(decoding: FASTARecordText.split(file)[0].sequence, as: UTF8.self), "ACgt--n")
    }

    func testSubstitutingKeepsLineBreaksAndTheReplacedBasesCase() {
        let text = FASTARecordText.split(file)[0]
        let edited = text.substituting([1: UInt8(ascii: "T"), 2: UInt8(ascii: "A"), 6: UInt8(ascii: "C")], appendingToHeader: " seqlens_edits=x")
        XCTAssertEqual(String(decoding: edited, as: UTF8.self), ">a desc seqlens_edits=x\r\nATat\r\n-.c\r\n\n")
    }
}
