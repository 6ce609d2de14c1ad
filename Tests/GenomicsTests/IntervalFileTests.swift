import Foundation
import XCTest
import Genomics

final class IntervalFileTests: XCTestCase {
    /// Tests/Fixtures/intervals and the repository's assets/sequences, found relative to this file.
    private static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    private static let fixtures = tests.appendingPathComponent("Fixtures/intervals")
    private static let assets = tests.deletingLastPathComponent().appendingPathComponent("assets/sequences")

    private func bed(_ text: String) throws -> [SequenceInterval] {
        try IntervalFile.parse(text, format: .bed, source: "sites.bed")
    }

    private func tsv(_ text: String) throws -> [SequenceInterval] {
        try IntervalFile.parse(text, format: .tsv, source: "sites.tsv")
    }

    // MARK: - BED

    func testBED6FieldsAndStrand() throws {
        let r = try bed("chr1\t10\t16\tAP1\t900\t+\nchr2\t5\t9\tMAX\t0\t-\nchr3\t1\t2\tx\t0\t.\n")
        XCTAssertEqual(r, [
            SequenceInterval(record: "chr1", positions: 10..<16, label: "AP1", strand: "+", line: 1),
            SequenceInterval(record: "chr2", positions: 5..<9, label: "MAX", strand: "-", line: 2),
            SequenceInterval(record: "chr3", positions: 1..<2, label: "x", strand: nil, line: 3),
        ])
    }

    func testBED3LabelIsRecordStartEnd() throws {
        let r = try bed("chr1\t10\t16\n")
        XCTAssertEqual(r, [SequenceInterval(record: "chr1", positions: 10..<16, label: "chr1:10-16", strand: nil, line: 1)])
    }

    func testBEDDotNameFallsBackToCoordinates() throws {
        XCTAssertEqual(try bed("chr1\t3\t7\t.\n").map(\.label), ["chr1:3-7"])
    }

    func testBEDSkipsCommentsTrackBrowserAndBlankLines() throws {
        let r = try bed("track name=x\nbrowser position chr1:1-10\n# c\n\n  \nchr1\t0\t4\tA\n#chr1\t0\t9\n")
        XCTAssertEqual(r.map(\.label), ["A"])
    }

    func testBEDChromStartingWithTrackIsData() throws {
        XCTAssertEqual(try bed("tracker\t0\t4\n").map(\.record), ["tracker"])
    }

    func testBEDAcceptsSpacesAndCRLF() throws {
        let r = try bed("chr1  10 16\tAP1\r\nchr1 20 22\r\n")
        XCTAssertEqual(r.map(\.positions), [10..<16, 20..<22])
        XCTAssertEqual(r.map(\.label), ["AP1", "chr1:20-22"])
    }

    func testBEDExtraColumnsIgnored() throws {
        let r = try bed("chr1\t1\t5\tn\t0\t-\t1\t5\t255,0,0\n")
        XCTAssertEqual(r, [SequenceInterval(record: "chr1", positions: 1..<5, label: "n", strand: "-", line: 1)])
    }

    // MARK: - TSV

    func testTSVColumnsFoundByNameInAnyOrder() throws {
        let r = try tsv("end\tlabel\tstart\tsequence\textra\n16\tAP1\t10\ts1\tzz\n")
        XCTAssertEqual(r, [SequenceInterval(record: "s1", positions: 10..<16, label: "AP1", strand: nil, line: 2)])
    }

    func testTSVPrefersMotifOverNameAndReadsStrand() throws {
        let r = try tsv("record\tname\tmotif\tstrand\tstart\tend\nr1\tsite1\tCTCF\t-\t0\t19\nr1\tsite2\tSP1\t\t30\t39\n")
        XCTAssertEqual(r.map(\.label), ["CTCF", "SP1"])
        XCTAssertEqual(r.map(\.strand), ["-", nil])
    }

    func testTSVTrailingEmptyColumnIsKept() throws {
        let r = try tsv("record\tstart\tend\tstrand\nr1\t0\t4\t\n")
        XCTAssertEqual(r, [SequenceInterval(record: "r1", positions: 0..<4, label: "r1:0-4", strand: nil, line: 2)])
    }

    func testTSVHeaderIsCaseInsensitiveAndMayStartWithHash() throws {
        let r = try tsv("#Chrom\tChromStart\tChromEnd\nchr1\t4\t8\n")
        XCTAssertEqual(r, [SequenceInterval(record: "chr1", positions: 4..<8, label: "chr1:4-8", strand: nil, line: 2)])
    }

    func testTSVSkipsBlankAndCommentRows() throws {
        let r = try tsv("\nid\tstart\tend\n\n# dropped\nr\t1\t2\n")
        XCTAssertEqual(r.map(\.record), ["r"])
    }

    func testTSVHeaderOnlyHasNoIntervals() throws {
        XCTAssertEqual(try tsv("record_id\tmotif\tstart\tend\n"), [])
    }

    /// The ground truth shipped with the demos: every site its FASTA headers list, e.g. `MAX(-)33-39`.
    func testMultitaskGroundTruthAgreesWithFASTAHeaders() throws {
        let intervals = try IntervalFile.read(contentsOf: Self.assets.appendingPathComponent("multitask.tsv"))
        XCTAssertEqual(intervals.count, 113)
        XCTAssertEqual(intervals.first,
                       SequenceInterval(record: "mt_test_00094", positions: 128..<134, label: "Arid3a", strand: "+", line: 2))

        let records = try FASTAReader.read(contentsOf: Self.assets.appendingPathComponent("multitask.fa"))
        var fromHeaders: [String] = []
        for record in records {
            guard let sites = record.description.split(separator: "|").last, record.description.contains("|") else { continue }
            for site in sites.split(separator: " ") {
                // NAME(strand)start-end
                let parts = site.split(whereSeparator: { "()-".contains($0) })
                fromHeaders.append("\(record.id) \(parts[0]) \(site.contains("(-)") ? "-" : "+") \(parts[parts.count - 2]) \(parts[parts.count - 1])")
            }
        }
        let fromTSV = intervals.map { "\($0.record) \($0.label) \($0.strand!) \($0.positions.lowerBound) \($0.positions.upperBound)" }
        XCTAssertEqual(fromTSV.sorted(), fromHeaders.sorted())
    }

    // MARK: - Files

    func testReadPicksFormatFromExtension() throws {
        let b = try IntervalFile.read(contentsOf: Self.fixtures.appendingPathComponent("sites.bed"))
        XCTAssertEqual(b, [
            SequenceInterval(record: "seq1", positions: 10..<16, label: "AP1", strand: "+", line: 5),
            SequenceInterval(record: "seq1", positions: 40..<46, label: "seq1:40-46", strand: "-", line: 6),
            SequenceInterval(record: "seq2", positions: 0..<8, label: "seq2:0-8", strand: nil, line: 7),
        ])
        let t = try IntervalFile.read(contentsOf: Self.fixtures.appendingPathComponent("sites.tsv"))
        XCTAssertEqual(t, [
            SequenceInterval(record: "seq1", positions: 10..<16, label: "AP1", strand: "+", line: 2),
            SequenceInterval(record: "seq2", positions: 3..<9, label: "MAX", strand: "-", line: 3),
        ])
    }

    func testFormatFromExtension() throws {
        XCTAssertEqual(try IntervalFile.format(of: URL(fileURLWithPath: "a.BED")), .bed)
        XCTAssertEqual(try IntervalFile.format(of: URL(fileURLWithPath: "a.tsv")), .tsv)
        XCTAssertEqual(try IntervalFile.format(of: URL(fileURLWithPath: "a.txt")), .tsv)
    }

    func testUnknownExtensionSaysBedOrTsv() {
        assertGenomicsError("sites.csv: unknown annotation file extension; name it .bed (BED) or .tsv (tab-separated with a header row)") {
            try IntervalFile.read(contentsOf: URL(fileURLWithPath: "sites.csv"))
        }
    }

    func testCompressedExtensionSaysDecompress() {
        assertGenomicsError("sites.bed.gz: compressed annotation files are not read; decompress it first (e.g. gunzip -k sites.bed.gz)") {
            try IntervalFile.read(contentsOf: URL(fileURLWithPath: "sites.bed.gz"))
        }
    }

    func testMissingFile() {
        assertGenomicsError("no/such.bed: no such file; check the path") {
            try IntervalFile.read(contentsOf: URL(fileURLWithPath: "no/such.bed"))
        }
    }

    // MARK: - Errors

    func testEmptyFile() {
        assertGenomicsError("sites.bed: file is empty; it needs BED lines (chrom, start, end)") { try self.bed("") }
        assertGenomicsError("sites.tsv: file is empty; it needs a header row and interval rows") { try self.tsv("\n \n") }
    }

    func testNonIntegerStart() {
        assertGenomicsError("sites.bed:2: chromStart '1.5' is not a whole number; give 0-based positions") {
            try self.bed("chr1\t0\t4\nchr1\t1.5\t4\n")
        }
        assertGenomicsError("sites.tsv:3: start 'x' is not a whole number; give 0-based positions") {
            try self.tsv("id\tstart\tend\nr\t1\t2\nr\tx\t2\n")
        }
    }

    func testNonIntegerEnd() {
        assertGenomicsError("sites.tsv:2: end '' is not a whole number; give 0-based positions") {
            try self.tsv("id\tstart\tend\nr\t1\t\n")
        }
    }

    func testBEDHeaderRowGetsAHint() {
        assertGenomicsError("sites.bed:1: chromStart 'start' is not a whole number; give 0-based positions (a header row must start with '#'; or use a .tsv file)") {
            try self.bed("chrom\tstart\tend\nchr1\t0\t4\n")
        }
    }

    func testEndNotAfterStart() {
        assertGenomicsError("sites.bed:1: chromEnd 5 is not after chromStart 5; the end is exclusive, so an interval of one base at 5 ends at 6") {
            try self.bed("chr1\t5\t5\n")
        }
        assertGenomicsError("sites.tsv:3: end 2 is not after start 9; the end is exclusive, so an interval of one base at 9 ends at 10") {
            try self.tsv("record\tstart\tend\n\nr\t9\t2\n")
        }
    }

    func testNegativeStart() {
        assertGenomicsError("sites.bed:2: chromStart -1 is negative; positions are 0-based, so the first base is 0") {
            try self.bed("# c\nchr1\t-1\t4\n")
        }
    }

    func testTooFewBEDColumns() {
        assertGenomicsError("sites.bed:1: BED line has 2 columns; it needs at least chrom, chromStart and chromEnd separated by tabs") {
            try self.bed("chr1\t5\n")
        }
    }

    func testMissingTSVColumnsListAcceptedNames() {
        assertGenomicsError("sites.tsv:1: header row has no record column (one of record_id, record, sequence_id, sequence, seq_id, seq, chrom, id), no end column (one of end, chromend); rename the columns to one of the names listed (the header is tab-separated)") {
            try self.tsv("contig\tstart\tstop\nr\t1\t2\n")
        }
    }

    func testTSVWithoutHeaderSuggestsBED() {
        assertGenomicsError("sites.tsv:1: header row has no record column (one of record_id, record, sequence_id, sequence, seq_id, seq, chrom, id), no start column (one of start, chromstart), no end column (one of end, chromend); the first line looks like data: add a tab-separated header row, or name the file .bed if it is BED") {
            try self.tsv("chr1\t1\t5\n")
        }
    }

    func testShortTSVRow() {
        assertGenomicsError("sites.tsv:2: row has 1 tab-separated column but needs 4 (header on line 1); separate columns with tabs") {
            try self.tsv("record_id\tmotif\tstart\tend\nr1 SP1 3 9\n")
        }
    }

    func testBadStrand() {
        assertGenomicsError("sites.bed:1: strand 'forward' is not '+', '-' or '.'; use '.' when the strand is unknown") {
            try self.bed("chr1\t0\t4\tx\t0\tforward\n")
        }
    }

    func testEmptyRecordInTSV() {
        assertGenomicsError("sites.tsv:2: record column 'record_id' is empty; give the id of the sequence") {
            try self.tsv("record_id\tstart\tend\n\t0\t4\n")
        }
    }
}

final class IntervalFileWarningTests: XCTestCase {
    /// Intervals on ids the FASTA does not have: one line naming the first ids of each.
    func testAnnotationsThatNameNoRecordAreWarnedAbout() {
        let records = ["mt_1", "mt_2", "mt_3", "mt_4"].map { SequenceRecord(id: $0, sequence: "ACGT") }
        let elsewhere = ["chr1", "chr1", "chr2", "chr3", "chr4"].map { SequenceInterval(record: $0, positions: 0 ..< 2, label: "x") }
        XCTAssertEqual(IntervalFile.unmatchedWarning(elsewhere, records: records, file: "peaks.bed", fasta: "seqs.fa"),
                       "warning: peaks.bed names no record of seqs.fa (it names chr1, chr2, chr3, ...; the FASTA has mt_1, mt_2, mt_3, ...): no annotations are drawn")
        XCTAssertNil(IntervalFile.unmatchedWarning(elsewhere + [SequenceInterval(record: "mt_2", positions: 0 ..< 2, label: "x")],
                                                   records: records, file: "peaks.bed", fasta: "seqs.fa"), "one matching record is enough")
        XCTAssertNil(IntervalFile.unmatchedWarning([], records: records, file: "empty.bed", fasta: "seqs.fa"))
    }
}
