import ArgumentParser
import Foundation
import GenomeIO
import Genomics
import Inference
import Interpretation

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the outputs of a run split with --shard into the single run's output.",
        discussion: """
        Every batch command (predict, attr, ism, variant, dependency, design; scan splits its motifs) \
        takes --shard I/N and runs the I-th of N contiguous, near-equal blocks of the records, \
        counting from 1. merge joins the N outputs in the order given, which must be shard \
        order (1/N first; a shell glob sorts shard 10 before 2, so number files 01, 02, …): \
        .tsv files keep one header and their rows; .npy arrays and the per-record arrays of .npz \
        files are concatenated along the records, the run's labels (tasks, alphabet) kept once.

        The result is byte for byte what one run without --shard writes with the same --batch \
        and --threads: a block starts at a multiple of --batch, so shards compute the single \
        run's batches (other batch sizes and thread counts round floats differently, in the \
        last digits). Seeded noise and shuffles are drawn per record, as in the single run. \
        examples/sharded runs the shards as Snakemake jobs, locally or on SLURM.

        Tracks (.bw, .bedgraph) join whatever the order: intervals are sorted by chromosome and \
        position; shards' intervals must not overlap. Every input must have the output's \
        extension.

        Examples:
          seqlens predict MODEL.onnx seqs.fa --shard 1/2 -o part1.tsv
          seqlens predict MODEL.onnx seqs.fa --shard 2/2 -o part2.tsv
          seqlens merge part1.tsv part2.tsv -o predictions.tsv
          seqlens merge attr.1.bw attr.2.bw attr.3.bw -o attr.bw
        """
    )

    @Argument(help: ArgumentHelp("The shards' outputs, in shard order.", valueName: "shard"))
    var shards: [String] = []

    @Option(name: .shortAndLong, help: "The merged file: .tsv, .npy, .npz, .bw or .bedgraph, as the shards are.")
    var output: String

    func validate() throws {
        try validateOutput(output, formats: ["tsv", "npy", "npz"] + TrackFormat.extensions)
        guard !shards.isEmpty else { throw ValidationError("give the shards' outputs to merge, then -o for the merged file") }
        let kind = URL(fileURLWithPath: output).pathExtension.lowercased()
        if let other = shards.first(where: { !Self.sameKind(URL(fileURLWithPath: $0).pathExtension.lowercased(), kind) }) {
            throw ValidationError("shard '\(other)' is not a .\(kind) file like -o \(URL(fileURLWithPath: output).lastPathComponent); merge joins files of one kind")
        }
    }

    /// Extensions of one kind (bigWig's two names, bedGraph's two).
    private static func sameKind(_ a: String, _ b: String) -> Bool {
        a == b || (TrackFormat(path: "x.\(a)") != nil && TrackFormat(path: "x.\(a)") == TrackFormat(path: "x.\(b)"))
    }

    func run() throws {
        for shard in shards { try refuseIfNotRegularFile(shard, kind: "a shard's output") }
        if let output = shards.first(where: { URL(fileURLWithPath: $0).standardizedFileURL == URL(fileURLWithPath: output).standardizedFileURL }) {
            throw CommandFailure("-o \(output) is also one of the shards; write the merged file elsewhere")
        }
        let url = URL(fileURLWithPath: output)
        if TrackFormat(path: output) != nil {
            let tracks = try shards.map { (track: try Track.read(contentsOf: $0), source: $0) }
            try Track(merging: tracks).write(to: output)
            return
        }
        switch url.pathExtension.lowercased() {
        case "tsv":
            let merged = try ShardMerge.tables(shards.map { (source: $0, data: try contents(of: $0)) })
            try writeTextFile(String(decoding: merged, as: UTF8.self), to: output)
        case "npy":
            let merged = try ShardMerge.arrays(shards.map { path in
                do { return (source: path, array: try NPY.decodeArray(try contents(of: path))) } catch let error as InferenceError {
                    throw CommandFailure("\(path): \(error.description)")
                }
            })
            do { try NPY.encode(merged).write(to: url, options: .atomic) } catch {
                throw CommandFailure("\(output): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
            }
        default:
            let merged = try ShardMerge.archives(shards.map { (source: $0, arrays: try NPZ.read(contentsOf: URL(fileURLWithPath: $0))) })
            try NPZ.write(merged, to: url)
        }
    }

    private func contents(of path: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CommandFailure("\(path): cannot read (\(fileErrorReason(error)))")
        }
    }
}
