import Foundation
import GenomeIO
import Genomics
import Inference
import TestSupport
import XCTest

/// Tracks as outputs: `predict`/`attr -o x.bw|x.bedgraph` place each record's values at the
/// region its id names.
final class TrackCommandTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
    let regions = Fixtures.repositoryRoot.appendingPathComponent("examples/sharded/regions.fa").path
    let sizes = Fixtures.repositoryRoot.appendingPathComponent("examples/sharded/mini.chrom.sizes").path
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func fasta(_ records: [(String, String)]) throws -> String {
        let file = path("records.fa")
        try records.map { ">\($0.0)\n\($0.1)\n" }.joined().write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// One value per record over its region, sorted by chromosome then start; the TSV's numbers.
    func testPredictionTrackHoldsEachRecordsPredictionOverItsRegion() throws {
        let table = try runSeqlens(["predict", model, regions, "--target", "CEBPB"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let rows = table.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        let expected = rows.map { row -> (String, Int, Int, String) in
            let place = row[0].split(separator: ":"), span = place[1].split(separator: "-")
            return (String(place[0]), Int(span[0])!, Int(span[1])!, row[1])
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { "\($0.0)\t\($0.1)\t\($0.2)\t\($0.3)\n" }.joined()
        let output = path("p.bedgraph")
        let run = try runSeqlens(["predict", model, regions, "--target", "CEBPB", "-o", output])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), expected)
        XCTAssertEqual(expected.split(separator: "\n").count, 13)
    }

    /// The observed attribution (Σ attribution × one-hot) at each base, from the .npz of the same run.
    func testAttributionTrackIsTheObservedAttributionAtEachBase() throws {
        let arguments = ["attr", model, regions, "--method", "grad-input", "--target", "SP1", "--range", "50:150"]
        let archive = path("a.npz"), track = path("a.bw")
        XCTAssertEqual(try runSeqlens(arguments + ["-o", archive]).status, 0)
        let run = try runSeqlens(arguments + ["--chrom-sizes", sizes, "-o", track])
        XCTAssertEqual(run.status, 0, run.stderr)
        let arrays = Dictionary(uniqueKeysWithValues: try NPZ.read(contentsOf: URL(fileURLWithPath: archive)).map { ($0.name, $0.value) })
        guard case .float(let maps)? = arrays["attributions"], case .float(let x)? = arrays["X"], case .text(let ids)? = arrays["ids"] else {
            return XCTFail("missing arrays")
        }
        let (a, width) = (maps.shape[1], maps.shape[2])
        var expected: [String: [Int: Float]] = [:]
        for (n, id) in ids.scalars.enumerated() {
            let place = id.split(separator: ":"), start = Int(place[1].split(separator: "-")[0])!
            for j in 0 ..< width {
                let value = (0 ..< a).reduce(Float(0)) { $0 + maps.scalars[(n * a + $1) * width + j] * x.scalars[(n * a + $1) * width + j] }
                expected[String(place[0]), default: [:]][start + 50 + j] = value
            }
        }
        let read = try Track.read(contentsOf: track)
        XCTAssertEqual(read.chromosomes, [.init(name: "chr1", length: 2000), .init(name: "chr2", length: 1500)])
        var seen: [String: [Int: Float]] = [:]
        for interval in read.intervals {
            for base in interval.start ..< interval.end { seen[read.chromosomes[interval.chromosome].name, default: [:]][base] = interval.value }
        }
        XCTAssertEqual(seen, expected)
        XCTAssertEqual(seen.values.map(\.count).reduce(0, +), 13 * 100)
    }

    /// samtools' 1-based ids are read too (told apart by length), and a (-) record is reversed
    /// onto the forward strand.
    func testSamtoolsIdsAndMinusStrandRecordsArePlacedOnTheForwardStrand() throws {
        let records = try FASTAReader.read(contentsOf: URL(fileURLWithPath: regions)).prefix(2).map { String(decoding: $0.sequence, as: UTF8.self) }
        let file = try fasta([("chr1:101-300", records[0]), ("chr1:300-500(-)", records[1])])
        let arguments = ["attr", model, file, "--method", "grad-input", "--target", "MAX"]
        XCTAssertEqual(try runSeqlens(arguments + ["-o", path("a.npz")]).status, 0)
        let run = try runSeqlens(arguments + ["-o", path("a.bedgraph")])
        XCTAssertEqual(run.status, 0, run.stderr)
        let arrays = Dictionary(uniqueKeysWithValues: try NPZ.read(contentsOf: URL(fileURLWithPath: path("a.npz"))).map { ($0.name, $0.value) })
        guard case .float(let maps)? = arrays["attributions"], case .float(let x)? = arrays["X"] else { return XCTFail("missing arrays") }
        var observed = [[Float]](repeating: [Float](repeating: 0, count: 200), count: 2)
        for n in 0 ..< 2 {
            for j in 0 ..< 200 {
                for letter in 0 ..< 4 { observed[n][j] += maps.scalars[(n * 4 + letter) * 200 + j] * x.scalars[(n * 4 + letter) * 200 + j] }
            }
        }
        let track = try Track.read(contentsOf: path("a.bedgraph"))
        var bases: [Int: Float] = [:]
        for interval in track.intervals { for base in interval.start ..< interval.end { bases[base] = interval.value } }
        XCTAssertEqual(track.chromosomes.map(\.name), ["chr1"])
        XCTAssertEqual(bases.keys.sorted(), Array(100 ..< 500))
        XCTAssertEqual((100 ..< 300).map { bases[$0]! }, observed[0])
        XCTAssertEqual((300 ..< 500).map { bases[$0]! }, observed[1].reversed())
    }

    func testTracksRefuseWhatTheyCannotPlace() throws {
        let sequence = String(repeating: "ACGT", count: 50)
        assertRefusal(try runSeqlens(["predict", model, regions, "-o", path("p.bw")]),
                      "a track holds one value per base: give --target, one of Arid3a, CEBPB, FOSL1, GABPA, MAFK, MAX, MEF2A, NFYB, … (or write .tsv)")
        assertRefusal(try runSeqlens(["predict", model, try fasta([("enhancer_1", sequence)]), "--target", "MAX", "-o", path("p.bedgraph")]),
                      "record 'enhancer_1': a track places each record by its id, chrom:start-end (as bedtools getfasta or samtools faidx name records); rename the records, or write .tsv/.npz")
        assertRefusal(try runSeqlens(["predict", model, try fasta([("chr1:101-350", sequence)]), "--target", "MAX", "-o", path("p.bedgraph")]),
                      "record 'chr1:101-350' is 200 nt, but its id names 249 bases read 0-based with the end excluded (bedtools getfasta) and 250 read 1-based with the end included (samtools); a track needs the bases the id names")
        assertRefusal(try runSeqlens(["attr", model, try fasta([("chr1:0-200", sequence), ("chr1:150-350", sequence)]), "--target", "MAX", "-o", path("a.bw")]),
                      "record 'chr1:0-200' and record 'chr1:150-350' overlap at chr1:150-200; a track holds one value per base: give regions that do not overlap (bedtools merge them, or --range keeps each record's middle)")
        assertRefusal(try runSeqlens(["predict", model, regions, "--chrom-sizes", sizes, "-o", path("p.tsv")]),
                      "--chrom-sizes is for track outputs: -o ending in .bw or .bedgraph; see `seqlens predict --help`")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("a.bw")))
    }
}
