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
        one target or (N, A, L, T) with --target all (every task of a one-axis output); exactly 0 at the reference base (at N, every \
        base is a substitution). --scores turns effects into attribution maps: centered is \
        tangermeme's convention (mean over the alphabet subtracted, times the one-hot input), l2 \
        the Koo lab's (the L2 norm of the effects, at the reference base).

        The incremental engine recomputes only the positions each substitution reaches through \
        the convolutional layers, from cached reference activations; --engine naive runs a full \
        forward pass per mutant (same numbers, slower).

        --range START:END mutates only those positions (0-based, end excluded), in each record's \
        own positions even after --pad/--crop. --logits mutates the pre-activation output, which \
        does not saturate. A .npz file also holds the reference predictions, the one-hot input X, \
        ids, tasks, alphabet, starts and lengths (as `seqlens attr --help` describes); `seqlens \
        show ism.npz --target TASK` draws one task of a --target all array. --shard I/N runs \
        the I-th of N blocks of the records; `seqlens merge` joins the outputs.

        \(GenomeInputOptions.discussion)

        Examples:
          seqlens ism MODEL.onnx seqs.fa -o ism.npy
          seqlens ism MODEL.onnx seqs.fa --target all --range 80:120 -o ism.npz
          seqlens ism MODEL.onnx seqs.fa --scores centered --logits -o ism_attr.npy
          seqlens ism bpnet.onnx seqs.fa -o ism.npy \\
              --target 'profile:track=0,bins=400:600,reduce=profile'
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file; records must share one length; or --genome with --region/--regions.") var fasta: String?
    @Option(help: targetHelp) var target: String?
    @Option(help: ArgumentHelp("Positions to mutate, 0-based with the end excluded; either end may be left out.", valueName: "start:end"))
    var range: PositionRange?
    @Option(help: ArgumentHelp("delta (raw effects), centered (tangermeme) or l2.", valueName: "scores")) var scores: String = "delta"
    @Option(help: ArgumentHelp("incremental or naive.", valueName: "engine")) var engine: String = MutagenesisEngine.incremental.rawValue
    @Option(name: .shortAndLong, help: "Output file: .npy, .npz (with predictions, X and labels) or .tsv (long format).") var output: String

    @OptionGroup var logitsOption: LogitsOption
    @OptionGroup(title: "Genome") var genome: GenomeInputOptions
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try genome.validate(fasta: fasta, fit: fit)
        try validateOutput(output, formats: ArrayOutput.Format.allCases.map(\.rawValue))
    }

    func run() throws {
        guard let engine = MutagenesisEngine(rawValue: engine) else {
            throw InterpretationError("unknown engine '\(self.engine)'; choose incremental or naive")
        }
        guard ["delta", "centered", "l2"].contains(scores) else {
            throw InterpretationError("unknown scores '\(scores)'; choose delta, centered or l2")
        }
        let loaded = try loadModel(self.model, inputs: extraInputs)
        // Each record is mutated on its own: shards need not follow --batch.
        let inputs = try sharding.select(equalLengthInputs(genome.records(fasta: fasta, model: loaded), model: loaded, fit: fit), batch: 1, what: "records in \(fasta ?? "the regions")")
        guard let length = inputs.first?.record.length else { return }
        let targeted = try loaded.resolveTarget(target, length: length, allowingAll: true)
        let model = try logitsOption.apply(to: targeted.model, length: length)
        let tasks = try model.taskNames(length: length)
        let task = targeted.task
        if task == nil && scores != "delta" { throw InterpretationError("--scores \(scores) needs one --target task, not all") }
        let windows = try PositionRange.columns(range, of: inputs)
        let ism = SaturationMutagenesis(model: model, batchSize: compute.batch, threads: compute.threads, engine: engine)
        let progress = ProgressBar(total: inputs.count, label: "ism")
        let result = try ism.run(inputs.map(\.record.sequence), windows: windows) { progress.update($0) }
        progress.finish()
        let a = model.alphabet.size
        let records = inputs.map(\.record)
        let oneHot = ArrayOutput.columns(Tensor(shape: [records.count, a, length], scalars: try OneHot.encode(records, alphabet: model.alphabet, layout: .channelsFirst)),
                                         windows: windows)
        var values = task.map { result.deltas(task: $0) } ?? result.deltas
        if scores == "centered" { values = ISMAttribution.centered(values, oneHot: oneHot) }
        if scores == "l2" { values = ISMAttribution.l2Norm(values, oneHot: oneHot) }
        try ArrayOutput(name: "ism", values: values, ids: records.map(\.id), alphabet: model.alphabet,
                        starts: zip(inputs, windows).map { $0.origin + $1.lowerBound }, lengths: inputs.map(\.ownLength),
                        tasks: tasks, predictions: result.reference, oneHot: oneHot)
            .write(to: URL(fileURLWithPath: output))
    }
}
