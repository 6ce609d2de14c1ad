import Foundation
import TestSupport
import XCTest

/// examples/sharded: Snakemake runs every output as 4 shard jobs and merges them; each merged
/// output must be byte for byte what a single run writes. (`make test` installs snakemake.)
final class SnakemakeWorkflowTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func snakemake() -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin"]
        return paths.map { "\($0)/snakemake" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func testFourShardJobsMergeToTheSingleRun() throws {
        guard let snakemake = snakemake() else {
            throw XCTSkip("snakemake is not installed; `make deps` (run by `make test`) installs Debian's snakemake")
        }
        let root = Fixtures.repositoryRoot
        let inputs = ["model": "sample-models/multitask-deep-relu.onnx", "fasta": "assets/sequences/multitask.fa",
                      "regions": "examples/sharded/regions.fa", "chrom_sizes": "examples/sharded/mini.chrom.sizes"]
            .mapValues { root.appendingPathComponent($0).path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: snakemake)
        // Runs in a fresh folder (snakemake keeps its state in .snakemake there), the inputs given
        // as absolute paths over the config's relative ones.
        process.currentDirectoryURL = directory
        let outdir = directory.appendingPathComponent("run").path
        process.arguments = ["-s", root.appendingPathComponent("examples/sharded/Snakefile").path, "--directory", directory.path,
                             "--cores", "2", "--quiet", "--config", "seqlens=\(seqlensBinary().path)", "shards=4", "outdir=\(outdir)"]
            + inputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let log = Pipe()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)

        let config = try String(contentsOf: root.appendingPathComponent("examples/sharded/config.yaml"), encoding: .utf8)
        // Each `name: "command"` line under outputs:, run once whole.
        let outputs = config.split(separator: "\n").compactMap { line -> (String, [String])? in
            guard line.hasPrefix("  "), let colon = line.firstIndex(of: ":") else { return nil }
            var command = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
            for (key, value) in inputs { command = command.replacingOccurrences(of: "{\(key)}", with: value) }
            return (line[..<colon].trimmingCharacters(in: .whitespaces), command.split(separator: " ").map(String.init))
        }
        XCTAssertEqual(outputs.map(\.0), ["predictions.tsv", "saliency.npz", "cebpb.bw"])
        for (name, command) in outputs {
            let single = directory.appendingPathComponent("single-\(name)").path
            // The shards ran with one thread each (threads_per_shard): float rounding depends on it.
            let run = try runSeqlens(command + ["--threads", "1", "-o", single])
            XCTAssertEqual(run.status, 0, run.stderr)
            let merged = try Data(contentsOf: URL(fileURLWithPath: "\(outdir)/\(name)"))
            XCTAssertEqual(merged, try Data(contentsOf: URL(fileURLWithPath: single)), "\(name): the workflow's merge differs from a single run")
            for shard in 1 ... 4 {
                XCTAssert(FileManager.default.fileExists(atPath: "\(outdir)/shards/\(shard)/\(name)"), "shard \(shard) of \(name)")
            }
        }
    }
}
