import Genomics
import XCTest

/// `--region` text (samtools, 1-based closed) to 0-based end-exclusive positions, BED regions, and
/// the window a model sees around a region.
final class GenomicRegionTests: XCTestCase {
    private func error(_ body: () throws -> Any) -> String {
        do { _ = try body() } catch { return "\(error)" }
        return "no error"
    }

    func testSamtoolsRegionIsConvertedOnceToZeroBasedEndExclusive() throws {
        let region = try GenomicRegion.parse("chr1:1001-1200")
        XCTAssertEqual(region, GenomicRegion(chromosome: "chr1", positions: 1000 ..< 1200, source: "--region chr1:1001-1200"))
        XCTAssertEqual(region.positions.count, 200)
        XCTAssertEqual(region.id, "chr1:1001-1200")
        // One base: both ends included.
        XCTAssertEqual(try GenomicRegion.parse("chr2:5-5").positions, 4 ..< 5)
        // The strand suffix the ids write reads back; a name may hold colons (the last one counts).
        let reverse = try GenomicRegion.parse("HLA-A*01:01:11-20(-)")
        XCTAssertEqual(reverse.chromosome, "HLA-A*01:01")
        XCTAssertEqual(reverse.positions, 10 ..< 20)
        XCTAssertEqual(reverse.strand, "-")
        XCTAssertEqual(reverse.samtoolsText, "HLA-A*01:01:11-20(-)")
        XCTAssertTrue(reverse.isReverse)
    }

    func testListsAreRepeatedOrCommaSeparated() throws {
        let regions = try GenomicRegion.parse(list: ["chr1:1-10,chr2:5-6(+)", "chrX:3-3"])
        XCTAssertEqual(regions.map(\.id), ["chr1:1-10", "chr2:5-6(+)", "chrX:3-3"])
        XCTAssertEqual(regions.map(\.positions), [0 ..< 10, 4 ..< 6, 2 ..< 3])
    }

    func testMalformedRegionsAreOneLineErrors() {
        let usage = "give CHR:START-END, 1-based with both ends included as samtools writes it (chr1:1001-1200 is 200 bases), optionally with (+) or (-)"
        XCTAssertEqual(error { try GenomicRegion.parse("chr1") }, "--region 'chr1' is not a region; \(usage)")
        XCTAssertEqual(error { try GenomicRegion.parse("chr1:100") }, "--region 'chr1:100' is not a region; \(usage)")
        XCTAssertEqual(error { try GenomicRegion.parse(":1-5") }, "--region ':1-5' is not a region; \(usage)")
        XCTAssertEqual(error { try GenomicRegion.parse("chr1:0-10") },
                       "--region 'chr1:0-10' starts at 0, but --region positions are 1-based (the first base is 1), as samtools writes them; 0-based starts belong in a BED file (--regions)")
        XCTAssertEqual(error { try GenomicRegion.parse("chr1:20-10") },
                       "--region 'chr1:20-10' ends before it starts; both ends are included, so one base at 20 is chr1:20-20")
        XCTAssertEqual(error { try GenomicRegion.parse(list: ["chr1:1,001-1,200"]) },
                       "--region 'chr1:1,001-1,200': a comma separates regions, and '001-1' is not one; write positions without thousands separators (chr1:1001-1200)")
    }

    func testBEDRegionsKeepTheirNameStrandAndLine() throws {
        let intervals = try IntervalFile.parse("# peaks\nchr1\t1000\t1200\tpeak1\t0\t-\nchr2\t5\t10\n", format: .bed, source: "peaks.bed")
        let regions = intervals.map { GenomicRegion($0, file: "peaks.bed") }
        XCTAssertEqual(regions, [
            GenomicRegion(chromosome: "chr1", positions: 1000 ..< 1200, strand: "-", name: "peak1", source: "peaks.bed:2"),
            GenomicRegion(chromosome: "chr2", positions: 5 ..< 10, source: "peaks.bed:3"),
        ])
        // An unnamed BED line gets the same id as the --region that names its bases.
        XCTAssertEqual(regions.map(\.id), ["peak1", "chr2:6-10"])
        XCTAssertEqual(try GenomicRegion.parse("chr2:6-10").positions, regions[1].positions)
    }

    // MARK: - Windows

    private func window(_ positions: Range<Int>, input: Int?, chromosome: Int = 2000) -> GenomeWindow {
        GenomicRegion(chromosome: "c", positions: positions, source: "").window(inputLength: input, chromosomeLength: chromosome)
    }

    func testShorterRegionsAreExtendedFromTheGenomeAroundTheirMiddle() {
        XCTAssertEqual(window(1000 ..< 1010, input: 20).positions, 995 ..< 1015)
        // The odd flank base goes to the right, as --pad center places a record.
        XCTAssertEqual(window(1000 ..< 1011, input: 20).positions, 996 ..< 1016)
        XCTAssertEqual(window(1000 ..< 1010, input: 20).inputLength, 20)
    }

    func testLongerRegionsAreCroppedToTheirMiddle() {
        XCTAssertEqual(window(0 ..< 100, input: 20).positions, 40 ..< 60)
        // The odd base goes to the right, as --crop center.
        XCTAssertEqual(window(0 ..< 101, input: 20).positions, 40 ..< 60)
    }

    func testWindowsRunningPastAChromosomeEndMoveInside() {
        XCTAssertEqual(window(0 ..< 10, input: 20), GenomeWindow(chromosome: "c", positions: 0 ..< 20))
        XCTAssertEqual(window(1995 ..< 2000, input: 20), GenomeWindow(chromosome: "c", positions: 1980 ..< 2000))
    }

    func testAChromosomeShorterThanTheInputIsPaddedBeyondItsEnds() {
        let short = window(2 ..< 4, input: 20, chromosome: 10)
        XCTAssertEqual(short, GenomeWindow(chromosome: "c", positions: 0 ..< 10, leftPadding: 7, rightPadding: 3))
        XCTAssertEqual(short.description, "window c:1-10 with 7+3 N beyond the chromosome's ends")
        XCTAssertEqual(String(decoding: short.input(Array("ACGTACGTAC".utf8)), as: UTF8.self), "NNNNNNNACGTACGTACNNN")
    }

    func testAnyLengthModelsReadTheRegionItself() {
        XCTAssertEqual(window(7 ..< 19, input: nil), GenomeWindow(chromosome: "c", positions: 7 ..< 19))
    }

    func testMinusStrandIsTheReverseComplementOfTheForwardWindow() {
        let minus = GenomicRegion(chromosome: "c", positions: 0 ..< 4, strand: "-", source: "").window(inputLength: nil, chromosomeLength: 10)
        XCTAssertEqual(minus.description, "window c:1-4(-)")
        XCTAssertEqual(String(decoding: minus.input(Array("AACG".utf8)), as: UTF8.self), "CGTT")
    }

    // MARK: - Chromosome names

    func testSpellingsAcrossUCSCAndEnsemblNames() {
        XCTAssertEqual(ChromosomeNames.spelling(of: "1", among: ["chr1", "chr2"]), "chr1")
        XCTAssertEqual(ChromosomeNames.spelling(of: "chr1", among: ["1", "2"]), "1")
        XCTAssertEqual(ChromosomeNames.spelling(of: "chrM", among: ["1", "MT"]), "MT")
        XCTAssertEqual(ChromosomeNames.spelling(of: "MT", among: ["chr1", "chrM"]), "chrM")
        XCTAssertEqual(ChromosomeNames.spelling(of: "ChrX", among: ["chrX"]), "chrX")
        XCTAssertNil(ChromosomeNames.spelling(of: "chr3", among: ["chr1", "chr2"]))
    }

    func testMissingChromosomesAreExplainedInOneLine() {
        XCTAssertEqual(ChromosomeNames.missingMessage("1", among: ["chr1", "chr2"]),
                       "no chromosome '1'; this genome calls it 'chr1' (UCSC names, with 'chr')")
        XCTAssertEqual(ChromosomeNames.missingMessage("chr1", among: ["1", "2"]),
                       "no chromosome 'chr1'; this genome calls it '1' (Ensembl/NCBI names, without 'chr')")
        XCTAssertEqual(ChromosomeNames.missingMessage("chrM", among: ["1", "MT"]),
                       "no chromosome 'chrM'; this genome calls it 'MT' (the mitochondrion is chrM in UCSC genomes, MT in Ensembl's)")
        XCTAssertEqual(ChromosomeNames.missingMessage("ChrX", among: ["chrX"]),
                       "no chromosome 'ChrX'; this genome calls it 'chrX' (names are case-sensitive)")
        XCTAssertEqual(ChromosomeNames.missingMessage("chrZ", among: ["chr1", "chr2"]), "no chromosome 'chrZ' (it has chr1, chr2)")
        XCTAssertEqual(ChromosomeNames.missingMessage("chrZ", among: (1 ... 7).map { "chr\($0)" }),
                       "no chromosome 'chrZ' (it has chr1, chr2, chr3, chr4, chr5, … 7 in all)")
    }
}
