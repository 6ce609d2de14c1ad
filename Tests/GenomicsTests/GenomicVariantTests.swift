import Genomics
import XCTest

/// Windows around variants on a tiny genome, written out by hand.
final class GenomicVariantTests: XCTestCase {
    // chr1: 20 bases, every position readable from the letters' order.
    let genome = RecordGenome(records: [SequenceRecord(id: "chr1", sequence: "ACGTTGCAACGTTGCAAGGC")], path: "tiny.fa")

    private func windows(_ position: Int, _ reference: String, _ alternative: String, length: Int = 8) throws -> VariantWindows {
        try GenomicVariant(chromosome: "chr1", position: position, id: ".", reference: reference, alternative: alternative).windows(length: length, genome: genome)
    }

    private func text(_ bases: [UInt8]) -> String { String(decoding: bases, as: UTF8.self) }

    func testSubstitutionSitsAtTheCentre() throws {
        let w = try windows(8, "A", "G")
        XCTAssertEqual(text(w.reference), "TGCAACGT")
        XCTAssertEqual(text(w.alternative), "TGCAGCGT")
        XCTAssertEqual(w.start, 4)
        XCTAssertEqual(w.referenceAllele, 4..<5)
        XCTAssertEqual(w.alternativeAllele, 4..<5)
    }

    func testDeletionPullsInBasesFromTheRight() throws {
        // REF ACG at 8 → A: CG deleted, the window's right part moves left by two.
        let w = try windows(8, "ACG", "A")
        XCTAssertEqual(text(w.reference), "TGCAACGT")
        XCTAssertEqual(text(w.alternative), "TGCAATTG")
        XCTAssertEqual(w.referenceAllele, 4..<7)
        XCTAssertEqual(w.alternativeAllele, 4..<5)
    }

    func testInsertionPushesBasesOutOnTheRight() throws {
        let w = try windows(8, "A", "ATT")
        XCTAssertEqual(text(w.alternative), "TGCAATTC")
        XCTAssertEqual(w.alternativeAllele, 4..<7)
        // An ALT longer than the window's right half keeps its first bases.
        let long = try windows(8, "A", "ATTTTTTTT")
        XCTAssertEqual(text(long.alternative), "TGCAATTT")
        XCTAssertEqual(long.alternativeAllele, 4..<8)
    }

    func testWindowsPastTheChromosomeEndsArePaddedWithN() throws {
        let start = try windows(1, "C", "T")
        XCTAssertEqual(text(start.reference), "NNNACGTT")
        XCTAssertEqual(text(start.alternative), "NNNATGTT")
        XCTAssertEqual(start.start, -3)
        let end = try windows(17, "GGC", "G")
        XCTAssertEqual(text(end.reference), "GCAAGGCN")
        XCTAssertEqual(text(end.alternative), "GCAAGNNN")
    }

    func testReferenceMismatchAndUnknownChromosomeAreOneLine() throws {
        XCTAssertThrowsError(try windows(8, "C", "G")) { error in
            XCTAssertEqual("\(error)", "REF C at chr1:9 does not match the genome, which has A there (tiny.fa); is the VCF for this genome build?")
        }
        XCTAssertThrowsError(try windows(19, "CA", "C")) { error in
            XCTAssertEqual("\(error)", "REF CA at chr1:20 runs past the end of chr1 (length 20 in tiny.fa); is the VCF for this genome build?")
        }
        XCTAssertThrowsError(try GenomicVariant(chromosome: "1", position: 3, id: ".", reference: "T", alternative: "A").windows(length: 8, genome: genome)) { error in
            XCTAssertEqual("\(error)", "chromosome '1' is not in the genome tiny.fa (it has chr1); use a VCF and genome with the same chromosome names")
        }
    }
}
