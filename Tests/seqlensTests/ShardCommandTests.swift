import Foundation
import TestSupport
import XCTest

/// `--shard I/N` on the batch commands and `seqlens merge`: merged shards are byte for byte the
/// single run's output.
final class ShardCommandTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa").path
    let regions = Fixtures.repositoryRoot.appendingPathComponent("examples/sharded/regions.fa").path
    let motifs = Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme").path
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs `arguments` once whole and as `count` shards, merges the shards, and compares bytes.
    private func assertShardsMergeToSingleRun(_ arguments: [String], output name: String, count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let single = path("single-\(name)")
        let run = try runSeqlens(arguments + ["-o", single])
        XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
        var parts: [String] = []
        for index in 1 ... count {
            let part = path("shard\(index)-\(name)")
            let shard = try runSeqlens(arguments + ["--shard", "\(index)/\(count)", "-o", part])
            XCTAssertEqual(shard.status, 0, shard.stderr, file: file, line: line)
            parts.append(part)
        }
        let merged = path("merged-\(name)")
        let merge = try runSeqlens(["merge"] + parts + ["-o", merged])
        XCTAssertEqual(merge.status, 0, merge.stderr, file: file, line: line)
        XCTAssertEqual(merge.stdout + merge.stderr, "", file: file, line: line)
        let expected = try Data(contentsOf: URL(fileURLWithPath: single)), actual = try Data(contentsOf: URL(fileURLWithPath: merged))
        XCTAssertGreaterThan(expected.count, 100, file: file, line: line)
        XCTAssertEqual(actual, expected, "\(name): merged shards differ from the single run", file: file, line: line)
        // Each shard holds less than the whole (the shards really split the work).
        for part in parts {
            XCTAssertLessThan(try Data(contentsOf: URL(fileURLWithPath: part)).count, expected.count, file: file, line: line)
        }
    }

    func testPredictShardsMergeToTheSingleRunInEveryFormat() throws {
        try assertShardsMergeToSingleRun(["predict", model, fasta, "--batch", "8"], output: "p.tsv", count: 4)
        try assertShardsMergeToSingleRun(["predict", model, fasta, "--batch", "5"], output: "p.npy", count: 3)
        try assertShardsMergeToSingleRun(["predict", model, regions, "--target", "CEBPB", "--batch", "3"], output: "p.bedgraph", count: 4)
    }

    func testAttributionAndISMShardsMergeToTheSingleRun() throws {
        try assertShardsMergeToSingleRun(["attr", model, fasta, "--target", "SP1", "--range", "80:120", "--batch", "8"], output: "a.npz", count: 4)
        // SmoothGrad's noise is seeded per record: a shard draws the single run's.
        try assertShardsMergeToSingleRun(["attr", model, fasta, "--method", "smoothgrad", "--target", "MAX", "--batch", "4"], output: "a.npy", count: 3)
        try assertShardsMergeToSingleRun(["attr", model, regions, "--method", "grad-input", "--target", "SP1", "--batch", "4"], output: "a.bw", count: 3)
        try assertShardsMergeToSingleRun(["ism", model, fasta, "--target", "all", "--range", "90:100"], output: "i.npy", count: 2)
    }

    func testVariantShardsMergeToTheSingleRun() throws {
        // Every record holds an A at 57, so the one mutation applies to all of them.
        let records = try String(contentsOfFile: regions, encoding: .utf8).split(separator: "\n").enumerated().map { index, line in
            index % 2 == 0 ? String(line) : String(line.prefix(57)) + "A" + String(line.dropFirst(58))
        }
        let fasta = path("a57.fa")
        try (records.joined(separator: "\n") + "\n").write(toFile: fasta, atomically: true, encoding: .utf8)
        try assertShardsMergeToSingleRun(["variant", model, fasta, "--mutations", "57:A>G,57:A>T", "--batch", "2"], output: "v.tsv", count: 3)
    }

    func testDesignShardsMergeToTheSingleRun() throws {
        try assertShardsMergeToSingleRun(["design", model, regions, "--target", "CEBPB", "--maximize", "--max-edits", "2"], output: "d.tsv", count: 3)
    }

    func testScanShardsSplitTheMotifsSoQValuesStayExact() throws {
        try assertShardsMergeToSingleRun(["scan", motifs, fasta, "--pvalue", "1e-5"], output: "s.tsv", count: 4)
    }

    func testBadShardsAreRefusedInOneLine() throws {
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/2/3"] {
            assertRefusal(try runSeqlens(["predict", model, fasta, "--shard", bad]),
                          "--shard '\(bad)' is not I/N with I from 1 to N (the first of 4 shards is 1/4, the last 4/4); see `seqlens predict --help`")
        }
        assertRefusal(try runSeqlens(["predict", model, regions, "--shard", "1/20"]),
                      "--shard 1/20: the 13 records in \(regions) make 1 batch of --batch 64 (a shard starts at a batch), fewer than 20 shards; use at most 1 shard, or a smaller --batch")
        assertRefusal(try runSeqlens(["ism", model, regions, "--shard", "2/14", "-o", path("i.npy")]),
                      "--shard 2/14: there are 13 records in \(regions), fewer than 14 shards; use at most 13 shards")
    }

    func testMergeRefusesShardsOfDifferentRuns() throws {
        let first = path("a.tsv"), second = path("b.tsv")
        XCTAssertEqual(try runSeqlens(["predict", model, fasta, "--batch", "8", "--shard", "1/2", "-o", first]).status, 0)
        XCTAssertEqual(try runSeqlens(["predict", model, fasta, "--batch", "8", "--shard", "2/2", "--target", "MAX", "-o", second]).status, 0)
        assertRefusal(try runSeqlens(["merge", first, second, "-o", path("m.tsv")]),
                      "\(second): its header differs from the first shard's; shards of one run share their header (same command and options, another --shard)")
        assertRefusal(try runSeqlens(["merge", first, path("x.npy"), "-o", path("m.tsv")]),
                      "shard '\(path("x.npy"))' is not a .tsv file like -o m.tsv; merge joins files of one kind; see `seqlens merge --help`")
        assertRefusal(try runSeqlens(["merge", first, second, "-o", first]), "-o \(first) is also one of the shards; write the merged file elsewhere")
    }
}
