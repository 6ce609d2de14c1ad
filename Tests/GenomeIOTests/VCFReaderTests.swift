import Foundation
import GenomeIO
import Genomics
import TestSupport
import XCTest

/// The htslib-backed VCF reader against tools/make-variant-fixtures.py's plain-text parse of
/// the same files (Tests/Fixtures/variants/*.expected.tsv).
final class VCFReaderTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-vcf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// The variants, skipped-ALT count and kind counts of an expected table.
    private func expected(_ name: String) throws -> (variants: [GenomicVariant], skipped: Int, counts: String) {
        let lines = try String(contentsOf: Fixtures.url("variants/\(name)"), encoding: .utf8).split(separator: "\n").map(String.init)
        let variants = lines.dropFirst().filter { !$0.hasPrefix("#") }.map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return GenomicVariant(chromosome: c[0], position: Int(c[1])!, id: c[2], reference: c[3], alternative: c[4])
        }
        let skipped = Int(lines.first { $0.hasPrefix("# skipped ") }!.dropFirst("# skipped ".count))!
        return (variants, skipped, String(lines.last!.dropFirst(2)))
    }

    private func counts(_ variants: [GenomicVariant], multiallelic: Int) -> String {
        let snv = variants.filter(\.isSNV).count
        let indel = variants.filter { v in v.reference.count != v.alternative.count && (v.reference.hasPrefix(v.alternative) || v.alternative.hasPrefix(v.reference)) }.count
        return "snv \(snv) indel \(indel) other \(variants.count - snv - indel) multiallelic \(multiallelic)"
    }

    private func readAll(_ path: String, region: (chromosome: String, positions: Range<Int>?)? = nil) throws -> (variants: [GenomicVariant], skipped: Int, multiallelic: Int) {
        let reader = try VCFReader(path: path, region: region)
        var variants: [GenomicVariant] = [], lines: [String: Int] = [:]
        while let variant = try reader.next() {
            variants.append(variant)
            lines[reader.location, default: 0] += 1
        }
        return (variants, reader.skippedAlleles, lines.values.filter { $0 > 1 }.count)
    }

    func testThousandGenomesExcerptMatchesAPlainTextParse() throws {
        let read = try readAll(Fixtures.url("variants/chr22-excerpt.vcf.gz").path)
        let expected = try expected("chr22-excerpt.expected.tsv")
        XCTAssertEqual(read.variants.count, 300)
        XCTAssertEqual(read.variants, expected.variants)
        XCTAssertEqual(read.skipped, expected.skipped)
        XCTAssertEqual(counts(read.variants, multiallelic: read.multiallelic), expected.counts)
        XCTAssertEqual(expected.counts, "snv 288 indel 12 other 0 multiallelic 0")
    }

    func testRegionQueryThroughTheTabixIndex() throws {
        let path = Fixtures.url("variants/chr22-excerpt.vcf.gz").path
        let read = try readAll(path, region: ("22", 50_305_000 ..< 50_310_000))
        let expected = try expected("chr22-excerpt.region.tsv")
        XCTAssertEqual(read.variants, expected.variants)
        XCTAssertEqual(read.variants.count, 95)
        // Records of a region query are named by their place in it.
        let reader = try VCFReader(path: path, region: ("22", 50_305_000 ..< 50_310_000))
        _ = try reader.next()
        _ = try reader.next()
        XCTAssertEqual(reader.location, "\(path), record 2 of 22:50305001-50310000")
        XCTAssertEqual(try VCFReader.readAll(path: path, region: ("22", nil)).count, 300)
    }

    func testMultiAllelicLinesSplitAndSymbolicAllelesAreSkipped() throws {
        let path = Fixtures.url("variants/mini.vcf").path
        let read = try readAll(path)
        let expected = try expected("mini.expected.tsv")
        XCTAssertEqual(read.variants, expected.variants)
        XCTAssertEqual(read.skipped, 3)
        XCTAssertEqual(counts(read.variants, multiallelic: read.multiallelic), expected.counts)
        XCTAssertEqual(read.variants.filter { $0.id == "multi" }.map(\.alternative), ["C", "G"])
    }

    private func write(_ name: String, _ body: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try ("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + body).write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func assertError(_ path: String, region: (chromosome: String, positions: Range<Int>?)? = nil, _ message: String, line: UInt = #line) {
        XCTAssertThrowsError(try VCFReader.readAll(path: path, region: region), line: line) { error in
            XCTAssertEqual("\(error)", message, line: line)
        }
    }

    func testMalformedLinesNameFileAndLine() throws {
        let ok = "chr1\t5\t.\tA\tC\t.\t.\t.\n"
        let columns = try write("columns.vcf", ok + "chr1 6 . A C . . .\n")
        assertError(columns, "\(columns):4: malformed VCF line: 1 tab-separated column where a VCF record has at least 8 (CHROM POS ID REF ALT QUAL FILTER INFO); are the columns separated by tabs?")
        let position = try write("position.vcf", ok + ok + "chr1\tsix\t.\tA\tC\t.\t.\t.\n")
        assertError(position, "\(position):5: malformed VCF line: POS 'six' is not a positive integer (1-based)")
        let reference = try write("reference.vcf", "chr1\t6\t.\tA1\tC\t.\t.\t.\n")
        assertError(reference, "\(reference):3: malformed VCF line: REF 'A1' is not bases (A, C, G, T, N)")
        let alternative = try write("alternative.vcf", "chr1\t6\t.\tA\tC,Q\t.\t.\t.\n")
        assertError(alternative, "\(alternative):3: malformed VCF line: ALT 'Q' is not bases, '*', '.', a <symbolic> allele or a breakend")
        let notVCF = directory.appendingPathComponent("seqs.vcf")
        try ">chr1\nACGT\n".write(to: notVCF, atomically: true, encoding: .utf8)
        assertError(notVCF.path, "\(notVCF.path):1: not a VCF: the first line should be ##fileformat=VCFv4.x (a VCF header); is this the right file?")
        let missing = directory.appendingPathComponent("missing.vcf").path
        assertError(missing, "\(missing): cannot read the VCF (no such file or not readable)")
    }

    func testRegionQueriesNeedAnIndex() throws {
        let plain = Fixtures.url("variants/mini.vcf").path
        assertError(plain, region: ("chr1", 0 ..< 100), "\(plain): --region chr1:1-100 needs a bgzip-compressed VCF with a tabix index: `bgzip \(plain) && tabix -p vcf \(plain).gz`")
        let unindexed = directory.appendingPathComponent("calls.vcf.gz").path
        try FileManager.default.copyItem(atPath: Fixtures.url("variants/chr22-excerpt.vcf.gz").path, toPath: unindexed)
        assertError(unindexed, region: ("22", nil), "\(unindexed): --region 22 needs an index (\(unindexed).tbi or .csi) and there is none; build it with `tabix -p vcf \(unindexed)`")
        // Without a region the index is not needed.
        XCTAssertEqual(try VCFReader.readAll(path: unindexed).count, 300)
        let indexed = Fixtures.url("variants/chr22-excerpt.vcf.gz").path
        assertError(indexed, region: ("chr22", nil), "\(indexed): --region chr22: the index has no chromosome 'chr22' (it has 22)")
    }
}
