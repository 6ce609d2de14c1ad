import Foundation
import GenomeIO
import Genomics
import TestSupport
import XCTest

/// Tracks: how values become intervals, bedGraph text, and bigWig files checked against pyBigWig.
final class TrackTests: XCTestCase {
    /// A segment at `place`, `chrom:start-end` (0-based, end excluded).
    private func segment(_ place: String, _ values: [Float], _ source: String) -> Track.Segment {
        let parts = place.split(separator: ":"), bounds = parts[1].split(separator: "-").map { Int($0)! }
        return Track.Segment(chromosome: String(parts[0]), positions: bounds[0] ..< bounds[1], values: values, source: source)
    }

    private func scratch(_ name: String) throws -> String {
        let folder = try temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.appendingPathComponent(name).path
    }

    func testSegmentsAreSortedJoinedWhereValuesRepeatAndSizedByTheirRegions() throws {
        let track = try Track(segments: [
            segment("chr2:10-14", [1, 1, 2, 2], "b"),
            segment("chr1:0-3", [5], "a"),
            // Abuts a's end with a's value: one interval.
            segment("chr1:3-5", [5, 0.25], "c"),
        ])
        XCTAssertEqual(track.chromosomes, [.init(name: "chr1", length: 5), .init(name: "chr2", length: 14)])
        XCTAssertEqual(track.bedGraph, "chr1\t0\t4\t5.0\nchr1\t4\t5\t0.25\nchr2\t10\t12\t1.0\nchr2\t12\t14\t2.0\n")
    }

    func testOverlappingRegionsAreRefusedNamingBoth() {
        XCTAssertThrowsError(try Track(segments: [segment("chr1:0-10", [1], "record 'chr1:0-10'"),
                                                  segment("chr1:5-20", [2], "record 'chr1:5-20'")])) { error in
            XCTAssertEqual("\(error)", "record 'chr1:0-10' and record 'chr1:5-20' overlap at chr1:5-10; a track holds one value per base: give regions that do not overlap (bedtools merge them, or --range keeps each record's middle)")
        }
    }

    func testChromosomeSizesPlaceTheTrackAndRefuseRegionsOutsideThem() throws {
        let sizes = Fixtures.repositoryRoot.appendingPathComponent("examples/sharded/mini.chrom.sizes").path
        let chromosomes = try Track.chromosomes(contentsOf: sizes)
        XCTAssertEqual(chromosomes, [.init(name: "chr1", length: 2000), .init(name: "chr2", length: 1500)])
        let track = try Track(segments: [segment("chr2:0-2", [1], "x")], chromosomes: chromosomes)
        XCTAssertEqual(track.chromosomes.map(\.name), ["chr1", "chr2"])
        XCTAssertThrowsError(try Track(segments: [segment("chr2:1400-1600", [1], "record 'chr2:1400-1600'")], chromosomes: chromosomes)) { error in
            XCTAssertEqual("\(error)", "record 'chr2:1400-1600' (chr2:1400-1600) ends past chr2's length 1500 in the chromosome sizes; give the sizes of the genome the regions come from")
        }
        XCTAssertThrowsError(try Track(segments: [segment("chrX:0-2", [1], "record 'chrX:0-2'")], chromosomes: chromosomes)) { error in
            XCTAssertEqual("\(error)", "record 'chrX:0-2' lies on chrX, which the chromosome sizes do not list (they list chr1, chr2); give the sizes of the genome the regions come from")
        }
    }

    func testBigWigAndBedGraphReadBackExactly() throws {
        let track = try Track(segments: [
            segment("chr1:100-104", [0.1, -2.5e-7, .greatestFiniteMagnitude, 3], "a"),
            segment("chr10:0-50", [Float(1) / 3], "b"),
        ])
        for name in ["t.bw", "t.bigwig", "t.bedgraph", "t.bg"] {  // -o takes .bw and .bedgraph; Track takes all four
            let path = try scratch(name)
            try track.write(to: path)
            XCTAssertEqual(try Track.read(contentsOf: path), track, name)
        }
    }

    func testMergingShardsEqualsTheWholeTrack() throws {
        let segments: [Track.Segment] = [
            segment("chr1:0-2", [1, 2], "a"),
            segment("chr1:2-4", [2, 3], "b"),
            segment("chr2:0-4", [4], "c"),
        ]
        let whole = try Track(segments: segments)
        let shards = try [Track(segments: [segments[0]]), Track(segments: [segments[2], segments[1]])]
        // Shards know fewer chromosomes, and shorter ones, than the whole run: merged, they agree.
        XCTAssertEqual(try Track(merging: shards.map { ($0, "shard") }), whole)
        XCTAssertThrowsError(try Track(merging: [(whole, "one.bw"), (shards[0], "two.bw")])) { error in
            XCTAssertEqual("\(error)", "one.bw and two.bw overlap at chr1:0-1; a track holds one value per base: give regions that do not overlap (bedtools merge them, or --range keeps each record's middle)")
        }
    }

    /// Against pyBigWig (tools/check-tracks-pybigwig.py): Tests/Fixtures/tracks/pybigwig.bw is
    /// pyBigWig's bigWig of values.bedgraph's intervals (`seqlens attr`'s output), and
    /// pybigwig-read.tsv what pyBigWig read from the bigWig `seqlens attr` wrote in that run.
    func testBigWigsMatchWhatPyBigWigWritesAndReads() throws {
        let bedGraph = try Track.read(contentsOf: Fixtures.url("tracks/values.bedgraph").path)
        let sizes = try Track.chromosomes(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("examples/sharded/mini.chrom.sizes").path)
        let placed = try Track(segments: bedGraph.intervals.map { interval in
            Track.Segment(chromosome: bedGraph.chromosomes[interval.chromosome].name, positions: interval.start ..< interval.end,
                          values: [interval.value], source: "values.bedgraph")
        }, chromosomes: sizes)
        let written = try scratch("seqlens.bw")
        try placed.write(to: written)
        // pyBigWig writes the very same bytes (header, data, index, zoom level).
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: written)), try Data(contentsOf: Fixtures.url("tracks/pybigwig.bw")))
        XCTAssertEqual(try Track.read(contentsOf: Fixtures.url("tracks/pybigwig.bw").path), placed)
        let rows = try String(contentsOf: Fixtures.url("tracks/pybigwig-read.tsv"), encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(rows.count, placed.intervals.count)
        for (row, interval) in zip(rows, placed.intervals) {
            let columns = row.split(separator: "\t")
            XCTAssertEqual(columns.count, 4, String(row))
            XCTAssertEqual(String(columns[0]), placed.chromosomes[interval.chromosome].name, String(row))
            XCTAssertEqual(Int(columns[1]), interval.start, String(row))
            XCTAssertEqual(Int(columns[2]), interval.end, String(row))
            XCTAssertEqual(Double(columns[3]).map(Float.init), interval.value, String(row))
        }
    }
}
