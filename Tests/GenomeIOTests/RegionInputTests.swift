import Foundation
import GenomeIO
import Genomics
import TestSupport
import XCTest

/// Regions read from the fixture genome (chr1: 2000 bases, chr2: 1500) against slices of the same
/// FASTA parsed whole by seqlens' own reader.
final class RegionInputTests: XCTestCase {
    private func genome(_ name: String = "mini.fa") throws -> IndexedGenome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-regions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent(name)
        try FileManager.default.copyItem(at: Fixtures.url("genome/\(name)"), to: copy)
        return try IndexedGenome(path: copy.path, buildingIndex: true)
    }

    private func whole(_ chromosome: String) throws -> [UInt8] {
        try XCTUnwrap(FASTAReader.read(contentsOf: Fixtures.url("genome/mini.fa")).first { $0.id == chromosome }).sequence
    }

    /// Complement written out here, independent of Genomics' reverseComplement.
    private func reverseComplemented(_ bases: ArraySlice<UInt8>) -> [UInt8] {
        let pairs: [UInt8: UInt8] = [65: 84, 67: 71, 71: 67, 84: 65, 78: 78]
        return bases.reversed().map { pairs[$0]! }
    }

    func testRegionsAreCentredCroppedAndExtendedFromTheGenome() throws {
        let chr1 = try whole("chr1")
        for name in ["mini.fa", "mini.fa.gz"] {
            let genome = try genome(name)
            // 20 bases extended to 200 with 90 genome bases on each side.
            let short = try genome.input(for: GenomicRegion.parse("chr1:1001-1020"), inputLength: 200)
            XCTAssertEqual(short.record.sequence, Array(chr1[910 ..< 1110]), name)
            XCTAssertEqual(short.record.id, "chr1:1001-1020")
            XCTAssertEqual(short.record.description, "window chr1:911-1110 of \(name)")
            // 500 bases cropped to their middle 200.
            let long = try genome.input(for: GenomicRegion.parse("chr1:101-600"), inputLength: 200)
            XCTAssertEqual(long.record.sequence, Array(chr1[250 ..< 450]), name)
            // At the chromosome's start the window moves inside.
            let edge = try genome.input(for: GenomicRegion.parse("chr1:1-10"), inputLength: 200)
            XCTAssertEqual(edge.record.sequence, Array(chr1[0 ..< 200]), name)
            XCTAssertEqual(edge.window, GenomeWindow(chromosome: "chr1", positions: 0 ..< 200))
            // A model of any length reads the region itself.
            let itself = try genome.input(for: GenomicRegion.parse("chr1:11-17"), inputLength: nil)
            XCTAssertEqual(itself.record.sequence, Array(chr1[10 ..< 17]), name)
        }
    }

    func testMinusStrandRegionsAreTheReverseComplement() throws {
        let chr2 = try whole("chr2")
        let genome = try genome("mini.fa.gz")
        let minus = try genome.input(for: GenomicRegion.parse("chr2:1401-1500(-)"), inputLength: 200)
        XCTAssertEqual(minus.record.sequence, reverseComplemented(chr2[1300 ..< 1500]))
        XCTAssertEqual(minus.record.id, "chr2:1401-1500(-)")
        XCTAssertEqual(minus.record.description, "window chr2:1301-1500(-) of mini.fa.gz")
    }

    func testUnknownChromosomesAndRegionsPastTheEndAreOneLineErrors() throws {
        let genome = try genome()
        XCTAssertThrowsError(try genome.input(for: GenomicRegion.parse("1:1001-1200"), inputLength: 200)) { error in
            XCTAssertEqual("\(error)", "--region 1:1001-1200: \(genome.path): no chromosome '1'; this genome calls it 'chr1' (UCSC names, with 'chr')")
        }
        let bed = GenomicRegion(try IntervalFile.parse("chr2\t1400\t1501\n", format: .bed, source: "peaks.bed")[0], file: "peaks.bed")
        XCTAssertThrowsError(try genome.input(for: bed, inputLength: 200)) { error in
            XCTAssertEqual("\(error)", "peaks.bed:1: the region ends at 1501, past the end of chr2 (1500 bases in \(genome.path)); end it at 1500 at most")
        }
    }

    func testABgzipGenomeWithoutItsGziIndexSaysSo() throws {
        let path = try genome("mini.fa.gz").path
        try FileManager.default.removeItem(atPath: path + ".gzi")
        XCTAssertThrowsError(try IndexedGenome(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path): no index \(path).gzi; build it with `samtools faidx \(path)` or pass --build-index")
        }
        XCTAssertEqual(try IndexedGenome(path: path, buildingIndex: true).lengths, ["chr1": 2000, "chr2": 1500])
    }

    /// assets/genome ships indexed: opened without building anything, its first bases are the
    /// fixture's two chromosomes (cut from the same fragment).
    func testTheBundledGenomeIsIndexedAndHoldsTheFixtureBases() throws {
        let asset = try IndexedGenome(path: Fixtures.repositoryRoot.appendingPathComponent("assets/genome/humanchr1_frag.fa.gz").path)
        XCTAssertEqual(asset.lengths, ["humanchr1_frag": 330_000])
        let fixture = try whole("chr1") + whole("chr2")
        XCTAssertEqual(try asset.input(for: GenomicRegion.parse("humanchr1_frag:1-3500"), inputLength: nil).record.sequence, fixture)
    }
}
