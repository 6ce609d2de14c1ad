import Foundation
import GenomeIO
import Genomics
import TestSupport
import XCTest

/// The htslib-backed genome against the same FASTA parsed whole by seqlens' own reader.
final class IndexedGenomeTests: XCTestCase {
    /// A copy of a fixture in a fresh folder, so building its index writes nothing into the repository.
    private func scratchCopy(_ name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-genome-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent(name)
        try FileManager.default.copyItem(at: Fixtures.url("genome/\(name)"), to: copy)
        return copy.path
    }

    private func wholeRecords() throws -> [String: String] {
        let records = try FASTAReader.read(contentsOf: Fixtures.url("genome/mini.fa"))
        return Dictionary(uniqueKeysWithValues: records.map { ($0.id, String(decoding: $0.sequence, as: UTF8.self).uppercased()) })
    }

    func testPlainAndBgzipGenomesFetchTheSameBasesAsTheWholeFile() throws {
        let whole = try wholeRecords()
        for name in ["mini.fa", "mini.fa.gz"] {
            let genome = try IndexedGenome(path: try scratchCopy(name), buildingIndex: true)
            XCTAssertEqual(genome.chromosomes, ["chr1", "chr2"], name)
            XCTAssertEqual(genome.lengths, ["chr1": 2000, "chr2": 1500], name)
            let chr2 = Array(whole["chr2"]!)
            // Across a line break (60 columns), at both ends, and empty.
            XCTAssertEqual(try genome.sequence("chr2", 55..<125), String(chr2[55..<125]), name)
            XCTAssertEqual(try genome.sequence("chr2", 0..<1), String(chr2[0..<1]), name)
            XCTAssertEqual(try genome.sequence("chr2", 1490..<1500), String(chr2[1490..<1500]), name)
            XCTAssertEqual(try genome.sequence("chr1", 0..<2000), whole["chr1"], name)
            XCTAssertEqual(try genome.sequence("chr1", 7..<7), "", name)
        }
    }

    func testMissingIndexAndBadRegionsAreOneLineErrors() throws {
        let path = try scratchCopy("mini.fa")
        XCTAssertThrowsError(try IndexedGenome(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path): no index \(path).fai; build it with `samtools faidx \(path)` or pass --build-index")
        }
        let genome = try IndexedGenome(path: path, buildingIndex: true)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".fai"))
        XCTAssertThrowsError(try genome.sequence("1", 0..<10)) { error in
            XCTAssertEqual("\(error)", "\(path): no chromosome '1'; this genome calls it 'chr1' (UCSC names, with 'chr')")
        }
        XCTAssertThrowsError(try genome.sequence("chr2", 1490..<1501)) { error in
            XCTAssertEqual("\(error)", "\(path): chr2:1490-1501 lies outside chr2 (length 1500)")
        }
    }
}
