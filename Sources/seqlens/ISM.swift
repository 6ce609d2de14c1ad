import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation

struct ISM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ism",
        abstract: "In-silico saturation mutagenesis: the effect of every substitution.",
        discussion: """
        Writes f(mutant) − f(reference) for every base at every position, float32 (N, A, L) for \
        one task or (N, A, L, T) with --target all; exactly 0 at the reference base (at N, every \
        base is a substitution). --scores turns effects into attribution maps: centered is \
        tangermeme's convention (mean over the alphabet subtracted, times the one-hot input), l2 \
        the Koo lab's (the L2 norm of the effects, at the reference base).

        The incremental engine recomputes only the positions each substitution reaches through \
        the convolutional layers, from cached reference activations; --engine naive runs a full \
        forward pass per mutant (same numbers, slower).

        Examples:
          seqlens ism MODEL.onnx seqs.fa -o ism.npy
          seqlens ism MODEL.onnx seqs.fa --target all --start 80 --end 120 -o ism.npz
          seqlens ism MODEL.onnx seqs.fa --scores centered -o ism_attr.npy
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file; records must share one length.") var fasta: String
    @Option(help: "The task: an index, a name (any letter case), or all.") var target: String = "0"
    @Option(help: "First position to mutate (0-based).") var start: Int?
    @Option(help: "End of the positions to mutate (exclusive).") var end: Int?
    @Option(help: ArgumentHelp("delta (raw effects), centered (tangermeme) or l2.", valueName: "scores")) var scores: String = "delta"
    @Option(help: ArgumentHelp("incremental or naive.", valueName: "engine")) var engine: String = MutagenesisEngine.incremental.rawValue
    @Option(name: .shortAndLong, help: "Output file: .npy, .npz (with predictions and X) or .tsv (long format).") var output: String

    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try validateOutput(output, formats: ArrayOutput.Format.allCases.map(\.rawValue))
    }

    func run() throws {
        try reportingErrors {
            guard let engine = MutagenesisEngine(rawValue: engine) else {
                throw InterpretationError("unknown engine '\(self.engine)'; choose incremental or naive")
            }
            guard ["delta", "centered", "l2"].contains(scores) else {
                throw InterpretationError("unknown scores '\(scores)'; choose delta, centered or l2")
            }
            let model = try loadModel(self.model)
            let records = try readEqualLengthRecords(fasta, model: model, fit: fit)
            guard let first = records.first else { return }
            let tasks = try model.taskNames(length: first.length)
            let task = target == "all" ? nil : try resolveTarget(target, tasks: tasks)
            if task == nil && scores != "delta" { throw InterpretationError("--scores \(scores) needs one --target task, not all") }
            let window = (start ?? 0) ..< (end ?? first.length)
            guard window.lowerBound >= 0, window.upperBound <= first.length, !window.isEmpty else {
                throw InterpretationError("--start \(window.lowerBound) --end \(window.upperBound) is not a window of the \(first.length)-nt sequences")
            }
            let ism = SaturationMutagenesis(model: model, batchSize: compute.batch, threads: compute.threads, engine: engine)
            let progress = ProgressBar(total: records.count, label: "ism")
            let result = try ism.run(records.map(\.sequence), window: window) { progress.update($0) }
            progress.finish()
            let oneHotFull = try OneHot.encode(records, alphabet: model.alphabet, layout: .channelsFirst)
            let oneHot = Tensor(shape: [records.count, model.alphabet.size, first.length], scalars: oneHotFull).slice(axis: 2, window.lowerBound, window.upperBound)
            var values = task.map { result.deltas(task: $0) } ?? result.deltas
            if scores == "centered" { values = ISMAttribution.centered(values, oneHot: oneHot) }
            if scores == "l2" { values = ISMAttribution.l2Norm(values, oneHot: oneHot) }
            try ArrayOutput(name: "ism", values: values, ids: records.map(\.id), alphabet: model.alphabet, firstPosition: window.lowerBound,
                            tasks: tasks, predictions: result.reference, oneHot: oneHot)
                .write(to: URL(fileURLWithPath: output))
        }
    }
}
