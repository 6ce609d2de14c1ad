import ArgumentParser
import Foundation
import GenomeIO
import Genomics
import Inference
import Interpretation

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict every task for every FASTA record or genome region.",
        discussion: """
        Writes one row per record and one column per task: a TSV with a header (id, then the \
        task names or task_0, task_1, ...) to stdout, or to --output; with --target, the one \
        column it reads (see `seqlens attr --help`). The output file's \
        extension picks the format: .tsv, or .npy (float32, shape (N, T), loads with numpy.load), \
        or a genome track: .bw (bigWig) or .bedgraph, one value over each record's region, for \
        records named chrom:start-end (as bedtools getfasta or samtools faidx name them; see \
        `seqlens attr --help`); a track holds one task, so a model with several needs --target. Regions must not \
        overlap. --chrom-sizes gives the genome's chromosomes (a .fai or chrom.sizes file).

        A FASTA file written as TSV (to a file or stdout) is streamed: read, predicted and \
        written --batch records at a time, so memory does not grow with the file's sequences \
        (it keeps only the ids, to rename repeats). .npy and track outputs and --genome hold \
        every prediction before writing.

        --shard I/N predicts the I-th of N blocks of the records; `seqlens merge` joins the \
        outputs (see `seqlens merge --help`).

        \(GenomeInputOptions.discussion)

        Examples:
          seqlens predict MODEL.onnx seqs.fa -o predictions.tsv
          seqlens predict MODEL.onnx --genome hg38.fa.gz --region chr1:1000001-1000200
          seqlens predict MODEL.onnx --genome hg38.fa.gz --regions peaks.bed \\
              -o peaks.npy
        """
    )

    @Argument(help: "An ONNX model file.")
    var model: String

    @Argument(help: "A FASTA file of sequences (or --genome with --region/--regions).")
    var fasta: String?

    @Option(name: .shortAndLong, help: "Write to this file (.tsv, .npy, or a track: .bw or .bedgraph) instead of stdout.")
    var output: String?

    @Option(help: "The model output to report, for multi-output models (default: the first).")
    var outputName: String?

    @Option(help: targetHelp)
    var target: String?

    @OptionGroup(title: "Genome") var genome: GenomeInputOptions
    @OptionGroup var tracks: TrackOptions
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try genome.validate(fasta: fasta, fit: fit)
        if let output { try validateOutput(output, formats: PredictionTable.Format.allCases.map(\.rawValue) + TrackFormat.extensions) }
        try tracks.validate(output: output)
    }

    func run() throws {
        let loaded = try loadModel(self.model, outputName: outputName, inputs: extraInputs)
        if let fasta, streams { return try streamPredictions(fasta: fasta, model: loaded) }
        let inputs = try fitToModel(sharding.select(genome.records(fasta: fasta, model: loaded), batch: compute.batch, what: "records in \(fasta ?? "the regions")"), model: loaded, fit: fit)
        let fitted = inputs.map(\.record)
        // Every value of the output, or with --target the one column it reads.
        let targeted = try target.flatMap { text in try fitted.first.map { try loaded.resolveTarget(text, length: $0.length) } }
        let progress = ProgressBar(total: fitted.count, label: "predicting")
        var table = try PredictionTable.predict(model: targeted?.model ?? loaded, records: fitted, batchSize: compute.batch, threads: compute.threads) {
            progress.update($0)
        }
        progress.finish()
        if let task = targeted?.task { table = table.keeping(task: task) }
        if let output, isTrackOutput(output) {
            guard table.tasks.count <= 1 else {
                throw CommandFailure("a track holds one value per base: give --target, one of \(table.tasks.prefix(8).joined(separator: ", "))\(table.tasks.count > 8 ? ", …" : "") (or write .tsv)")
            }
            let segments = try zip(inputs, table.values.scalars).compactMap { try $0.trackSegment([$1]) }
            try tracks.write(segments, to: output)
        } else if let output {
            try table.write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(table.tsv)
        }
    }
}
