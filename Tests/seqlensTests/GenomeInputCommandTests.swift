import Foundation
import Genomics
import TestSupport
import XCTest

/// `--genome` with `--region`/`--regions` end to end: the same numbers as a FASTA of the same
/// windows (cut here from the whole fixture FASTA), and one-line refusals that write nothing.
final class GenomeInputCommandTests: XCTestCase {
    /// Takes 200 bases.
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    private var directory: URL!
    /// A copy of the fixture genome (chr1: 2000 bases, chr2: 1500), not yet indexed.
    private var genome: String!

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
        genome = directory.appendingPathComponent("mini.fa.gz").path
        try FileManager.default.copyItem(at: Fixtures.url("genome/mini.fa.gz"), to: URL(fileURLWithPath: genome))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func write(_ text: String, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The windows the regions below should give, cut from the whole FASTA with this test's own
    /// complement table, named with the ids seqlens should give them.
    private func expectedWindows() throws -> [(id: String, bases: String)] {
        let whole = try FASTAReader.read(contentsOf: Fixtures.url("genome/mini.fa"))
        let chr1 = whole[0].sequenceString, chr2 = whole[1].sequenceString
        func cut(_ text: String, _ range: Range<Int>) -> String { String(Array(text)[range]) }
        func reverseComplement(_ text: String) -> String {
            String(text.reversed().map { ["A": "T", "C": "G", "G": "C", "T": "A"][$0] ?? "N" })
        }
        return [
            ("peak1", cut(chr1, 910 ..< 1110)),  // BED 1000-1020 extended to 200 around its middle
            ("chr1:101-600", cut(chr1, 250 ..< 450)),  // 500 bases cropped to their middle
            ("chr2:1401-1500(-)", reverseComplement(cut(chr2, 1300 ..< 1500))),  // at the end: moved inside
        ]
    }

    private func fasta(_ windows: [(id: String, bases: String)]) throws -> String {
        try write(windows.map { ">\($0.id)\n\($0.bases)\n" }.joined(), "windows.fa")
    }

    func testPredictionsOnGenomeRegionsEqualPredictionsOnAFASTAOfTheSameWindows() throws {
        let bed = try write("# name and strand are optional\nchr1\t1000\t1020\tpeak1\t0\t+\nchr1\t100\t600\nchr2\t1400\t1500\t.\t0\t-\n", "peaks.bed")
        let fromFASTA = try runSeqlens(["predict", model, try fasta(expectedWindows())])
        XCTAssertEqual(fromFASTA.status, 0, fromFASTA.stderr)
        XCTAssertEqual(fromFASTA.stdout.split(separator: "\n").count, 4, fromFASTA.stdout)

        let fromBED = try runSeqlens(["predict", model, "--genome", genome, "--regions", bed, "--build-index"])
        XCTAssertEqual(fromBED.status, 0, fromBED.stderr)
        XCTAssertEqual(fromBED.stdout, fromFASTA.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: genome + ".fai") && FileManager.default.fileExists(atPath: genome + ".gzi"))

        // The same regions as samtools writes them (1-based, both ends included), repeated and comma-separated.
        let fromRegions = try runSeqlens(["predict", model, "--genome", genome, "--region", "chr1:1001-1020", "--region", "chr1:101-600,chr2:1401-1500(-)"])
        XCTAssertEqual(fromRegions.status, 0, fromRegions.stderr)
        XCTAssertEqual(fromRegions.stdout, fromFASTA.stdout.replacingOccurrences(of: "peak1", with: "chr1:1001-1020"))
    }

    func testAttributionsOnARegionEqualThoseOnItsWindow() throws {
        let window = try fasta([expectedWindows()[2]])
        let fromFASTA = directory.appendingPathComponent("fasta.npy").path, fromGenome = directory.appendingPathComponent("genome.npy").path
        XCTAssertEqual(try runSeqlens(["attr", model, window, "-o", fromFASTA]).status, 0)
        let result = try runSeqlens(["attr", model, "--genome", genome, "--build-index", "--region", "chr2:1401-1500(-)", "-o", fromGenome])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fromGenome)), try Data(contentsOf: URL(fileURLWithPath: fromFASTA)))
    }

    /// explore writes the windows it reads to PREFIX.regions.fa (sessions reopen from it), the
    /// window's place on the genome in each header.
    func testExploreWritesTheRegionsItOpensAsAFASTA() throws {
        let prefix = directory.appendingPathComponent("peaks").path, view = directory.appendingPathComponent("view.svg").path
        let result = try runSeqlens(["explore", model, "--genome", genome, "--build-index", "--region", "chr2:1401-1500(-)",
                                     "--save-as", prefix, "--snapshot", view])
        XCTAssertEqual(result.status, 0, result.stderr)
        let window = try expectedWindows()[2]
        let written = try String(contentsOfFile: prefix + ".regions.fa", encoding: .utf8)
        XCTAssertEqual(written.split(separator: "\n").first, ">chr2:1401-1500(-) window chr2:1301-1500(-) of mini.fa.gz")
        XCTAssertEqual(written.split(separator: "\n").dropFirst().joined(), window.bases)
        let svg = try SVGReader(String(contentsOfFile: view, encoding: .utf8))
        XCTAssertEqual(svg.texts.first, "tiny-motifs · chr2:1401-1500(-) · Ebox · saliency")
    }

    // MARK: - Refusals: one line, status 2, no output file

    private func assertRefusedWithoutOutput(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let output = directory.appendingPathComponent("out.tsv").path
        assertRefusal(try runSeqlens(["predict", model] + arguments + ["-o", output]), message, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "a refusal wrote \(output)", file: file, line: line)
    }

    func testAMissingIndexOffersToBuildIt() throws {
        try assertRefusedWithoutOutput(["--genome", genome, "--region", "chr1:1-200"],
                                       "\(genome!): no index \(genome!).fai; build it with `samtools faidx \(genome!)` or pass --build-index")
    }

    func testRegionsOutsideTheChromosomeAndMisspelledChromosomesAreRefused() throws {
        try assertRefusedWithoutOutput(["--genome", genome, "--build-index", "--region", "chr1:1-200,chr2:1401-1501"],
                                       "--region chr2:1401-1501: the region ends at 1501, past the end of chr2 (1500 bases in \(genome!)); end it at 1500 at most")
        try assertRefusedWithoutOutput(["--genome", genome, "--region", "1:1001-1200"],
                                       "--region 1:1001-1200: \(genome!): no chromosome '1'; this genome calls it 'chr1' (UCSC names, with 'chr')")
        let bed = try write("chr1\t0\t200\nchrZ\t0\t200\n", "elsewhere.bed")
        try assertRefusedWithoutOutput(["--genome", genome, "--regions", bed],
                                       "\(bed):2: \(genome!): no chromosome 'chrZ' (it has chr1, chr2)")
    }

    func testMalformedRegionsAndBEDLinesNameWhereTheyAre() throws {
        try assertRefusedWithoutOutput(["--genome", genome, "--build-index", "--region", "chr1:100"],
                                       "--region 'chr1:100' is not a region; give CHR:START-END, 1-based with both ends included as samtools writes it (chr1:1001-1200 is 200 bases), optionally with (+) or (-)")
        let bed = try write("chr1\t0\t200\nchr1\tten\t200\n", "bad.bed")
        try assertRefusedWithoutOutput(["--genome", genome, "--build-index", "--regions", bed],
                                       "\(bed):2: chromStart 'ten' is not a whole number; give 0-based positions")
    }

    func testTheSequencesComeFromOnePlace() throws {
        let fasta = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
        try assertRefusedWithoutOutput([fasta, "--genome", genome, "--region", "chr1:1-200"],
                                       "give either a FASTA file (\(fasta)) or --genome \(genome!), not both; see `seqlens predict --help`")
        try assertRefusedWithoutOutput(["--region", "chr1:1-200"],
                                       "--region, --regions and --build-index read from a genome; give --genome FILE.fa[.gz] too; see `seqlens predict --help`")
        try assertRefusedWithoutOutput(["--genome", genome],
                                       "--genome needs the regions to read: --region CHR:START-END (1-based, as samtools) or --regions FILE.bed; see `seqlens predict --help`")
        try assertRefusedWithoutOutput([],
                                       "give a FASTA file after the model, or --genome FILE with --region or --regions; see `seqlens predict --help`")
    }
}
