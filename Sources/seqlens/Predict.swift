import ArgumentParser
import Foundation
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
        extension picks the format: .tsv, or .npy (float32, shape (N, T), loads with numpy.load).

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

    @Option(name: .shortAndLong, help: "Write to this file (.tsv or .npy) instead of stdout.")
    var output: String?

    @Option(help: "The model output to report, for multi-output models (default: the first).")
    var outputName: String?

    @Option(help: targetHelp)
    var target: String?

    @OptionGroup(title: "Genome") var genome: GenomeInputOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try genome.validate(fasta: fasta, fit: fit)
        if let output { try validateOutput(output, formats: PredictionTable.Format.allCases.map(\.rawValue)) }
    }

    func run() throws {
        let loaded = try loadModel(self.model, outputName: outputName, inputs: extraInputs)
        let fitted = try fitToModel(genome.records(fasta: fasta, model: loaded), model: loaded, fit: fit).map(\.record)
        // Every value of the output, or with --target the one column it reads.
        let targeted = try target.flatMap { text in try fitted.first.map { try loaded.resolveTarget(text, length: $0.length) } }
        let progress = ProgressBar(total: fitted.count, label: "predicting")
        var table = try PredictionTable.predict(model: targeted?.model ?? loaded, records: fitted, batchSize: compute.batch, threads: compute.threads) {
            progress.update($0)
        }
        progress.finish()
        if let task = targeted?.task, table.tasks.count > 1 {
            let count = table.tasks.count
            table.tasks = [table.tasks[task]]
            table.values = Tensor(shape: [table.ids.count, 1], scalars: (0..<table.ids.count).map { table.values.scalars[$0 * count + task] })
        }
        if let output {
            try table.write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(table.tsv)
        }
    }
}
