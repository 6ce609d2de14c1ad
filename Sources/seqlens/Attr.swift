import ArgumentParser
import Foundation
import GenomeIO
import Genomics
import Inference
import Interpretation

struct Attr: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attribution maps: which bases drive a task's prediction.",
        discussion: """
        Writes float32 arrays of shape (N, A, L) in alphabet order (A, C, G, T/U; for proteins \
        ACDEFGHIKLMNPQRSTVWY, or the gap first for a 21-channel model), whatever the \
        model's layout — the shape tangermeme and captum use. Defaults follow captum, so a bare \
        command gives the numbers you would compare against: saliency is the signed gradient \
        (Saliency(abs=False)); ig integrates from an all-zero baseline over 50 Gauss–Legendre \
        steps; smoothgrad averages 5 gradients at noise σ = 1 (genomics studies often use \
        --sigma 0.1 --samples 50).

        deepshap is DeepLIFT's rescale rule averaged over references (tangermeme's deep_lift_shap): \
        20 dinucleotide shuffles of each sequence by default (--shuffles, --seed), or --references; \
        for a protein model residue shuffles (tangermeme's shuffle: a dipeptide-keeping shuffle \
        of a short protein often returns it unchanged, a reference that explains nothing). \
        Every sequence gets a convergence check, convergence = Σ attributions − (f(x) − mean \
        f(references)): an array in .npz files, a column in .tsv, a warning on stderr when it \
        exceeds --convergence-tolerance, naming the model's nodes that have no DeepLIFT rule (they \
        are passed back as linear, as tangermeme and captum do). An op with no gradient at all \
        is refused. --hypothetical writes every base's hypothetical contribution (TF-MoDISco).

        --corrected subtracts, at each position, the mean gradient over the alphabet \
        (Majdandzic, Rajesh & Koo, Genome Biology 2023), removing off-simplex gradient noise.

        --range START:END keeps those positions (0-based, end excluded) of each record; positions \
        are the record's own even after --pad/--crop. A .npz file also holds the predictions, the \
        one-hot input X, and what names them: ids, tasks, alphabet (text numpy.load reads without \
        pickle), and starts and lengths (int64; column j of record i is its position starts[i] + j, \
        padding where that falls outside 0 to lengths[i]). `seqlens show out.npz` draws them.

        \(GenomeInputOptions.discussion)

        A track output (.bw bigWig, or .bedgraph) holds each record's observed attribution \
        (Σ over the alphabet of attribution × one-hot: the value at the record's base, 0 at N), \
        as chrombpnet's and bpnet-lite's contribution bigWigs do, placed by record ids \
        chrom:start-end: bedtools getfasta's (0-based, end excluded) or samtools faidx's \
        (1-based, end included), told apart by the record's length; a (-) suffix reverses the \
        record onto the forward strand. Regions must not overlap (--range can keep each record's middle); --chrom-sizes gives the \
        genome's chromosomes (a .fai or chrom.sizes file). --shard I/N runs the I-th of N \
        blocks of the records; `seqlens merge` joins the outputs.

        Examples:
          seqlens attr MODEL.onnx seqs.fa --output saliency.npy
          seqlens attr MODEL.onnx seqs.fa --method ig --target CEBPB --logits -o ig.npz
          seqlens attr MODEL.onnx seqs.fa --method ig --baseline shuffled \\
              --shuffles 10 -o eig.npy
          seqlens attr MODEL.onnx seqs.fa --method grad-input --corrected -o gi.tsv
          seqlens attr MODEL.onnx seqs.fa --method deepshap --seed 1 -o shap.npz
          seqlens attr MODEL.onnx seqs.fa --method deepshap --hypothetical -o hyp.npy
          seqlens attr MODEL.onnx seqs.fa --range 40:80 --crop center -o window.npz
          seqlens attr bpnet.onnx seqs.fa --target profile:reduce=profile -o p.npz
          seqlens attr MODEL.onnx peaks.fa --method deepshap --target CEBPB \\
              --chrom-sizes hg38.fa.fai -o cebpb.bw
          seqlens attr bpnet.onnx seqs.fa --target counts \\
              --input X_ctl=control.npy -o counts.npy
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file; records must share one length (or fit a fixed-length model with --pad/--crop); or --genome with --region/--regions.") var fasta: String?

    @OptionGroup var attribution: AttributionOptions
    @OptionGroup var deepSHAP: DeepSHAPOptions
    @Option(help: ArgumentHelp("Positions to keep, 0-based with the end excluded; either end may be left out.", valueName: "start:end"))
    var range: PositionRange?
    @Option(name: .shortAndLong, help: "Output file: .npy (the array), .npz (with predictions, the one-hot input X and labels), .tsv (long format), or a track of the observed attribution: .bw or .bedgraph.")
    var output: String

    @OptionGroup(title: "Genome") var genome: GenomeInputOptions
    @OptionGroup var tracks: TrackOptions
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try genome.validate(fasta: fasta, fit: fit)
        try validateOutput(output, formats: ArrayOutput.Format.allCases.map(\.rawValue) + TrackFormat.extensions)
        try tracks.validate(output: output)
    }

    func run() throws {
        let loaded = try loadModel(self.model, inputs: extraInputs)
        let all = try equalLengthInputs(genome.records(fasta: fasta, model: loaded), model: loaded, fit: fit)
        let block = try sharding.block(of: all.count, batch: compute.batch, what: "records in \(fasta ?? "the regions")")
        let inputs = Array(all[block])
        guard let first = inputs.first?.record else { return }
        let records = inputs.map(\.record)
        let targeted = try loaded.resolveTarget(attribution.target, length: first.length)
        let model = targeted.model
        let tasks = try model.taskNames(length: first.length)
        var settings = try attribution.settings(task: targeted.task ?? 0)
        settings.firstSequence = block.lowerBound
        try deepSHAP.refuseUnlessDeepSHAP(settings.method)
        if let references = try deepSHAP.givenReferences(model: model, length: first.length) { settings.references = .given(references) }
        let windows = try PositionRange.columns(range, of: inputs)
        let attributor = Attributor(model: model, batchSize: compute.batch, threads: compute.threads)
        let progress = ProgressBar(total: records.count, label: settings.method.rawValue)
        let maps: Tensor<Float>
        var convergence: [Float]? = nil
        if settings.method == .deepshap {
            let result = try attributor.deepSHAP(records.map(\.sequence), settings: settings, hypothetical: deepSHAP.hypothetical,
                                                 tolerance: deepSHAP.convergenceTolerance) { progress.update($0) }
            progress.finish()
            deepSHAP.report(result, records: records, alphabet: model.alphabet)
            maps = result.attributions
            convergence = result.convergence
        } else {
            maps = try attributor.attribute(records.map(\.sequence), settings: settings) { progress.update($0) }
            progress.finish()
        }
        if isTrackOutput(output) {
            let observed = projectedAttributions(maps.scalars, sequences: records.map(\.sequence), alphabet: model.alphabet)
            let segments = try inputs.indices.compactMap { try inputs[$0].trackSegment(Array(observed[$0][windows[$0]]), columns: windows[$0]) }
            try tracks.write(segments, to: output)
            return
        }
        // Predictions and the one-hot input go only into .npz files: skip that pass otherwise.
        let bundled = ArrayOutput.Format(path: output) == .npz
        let predictions = bundled ? try PredictionTable.predict(model: attribution.logitsOption.apply(to: model, length: first.length), records: records,
                                                                batchSize: compute.batch, threads: compute.threads).values : nil
        let oneHot = bundled ? Tensor(shape: maps.shape, scalars: try OneHot.encode(records, alphabet: model.alphabet, layout: .channelsFirst)) : nil
        try ArrayOutput(name: "attributions", values: ArrayOutput.columns(maps, windows: windows), ids: records.map(\.id), alphabet: model.alphabet,
                        starts: zip(inputs, windows).map { $0.origin + $1.lowerBound }, lengths: inputs.map(\.ownLength),
                        tasks: tasks, predictions: predictions, oneHot: oneHot.map { ArrayOutput.columns($0, windows: windows) }, convergence: convergence)
            .write(to: URL(fileURLWithPath: output))
    }
}

/// The attribution settings `attr` and `logo` share.
struct AttributionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("saliency, grad-input, smoothgrad, ig or deepshap.", valueName: "method"))
    var method: String = AttributionMethod.saliency.rawValue
    @Option(help: targetHelp) var target: String?
    @Flag(help: "Subtract the alphabet mean of the gradient at each position (gradient correction).") var corrected = false
    @OptionGroup var logitsOption: LogitsOption
    @Option(help: "Integrated gradients: path steps, at most 10000.") var steps: Int = 50
    @Option(help: ArgumentHelp("Integrated gradients: gausslegendre, riemann_left, riemann_right, riemann_middle, riemann_trapezoid.", valueName: "method"))
    var quadrature: String = Quadrature.gaussLegendre.rawValue
    @Option(help: ArgumentHelp("Integrated gradients: zeros, uniform (1/A) or shuffled (dinucleotide shuffles, residue shuffles for proteins; averaged).", valueName: "baseline"))
    var baseline: String = "zeros"
    @Option(help: "How many shuffles, at most 1000: deepshap's references (20 when not given), ig's baselines with --baseline shuffled (10 when not given).")
    var shuffles: Int?
    @Option(help: "SmoothGrad: noisy samples per sequence, at most 10000.") var samples: Int = 5
    @Option(help: "SmoothGrad: standard deviation of the Gaussian noise.") var sigma: Float = 1
    @Option(help: "Seed for noise and shuffles.") var seed: UInt64 = 0

    func validate() throws {
        try OptionLimits.check(steps, in: OptionLimits.steps, option: "--steps")
        try OptionLimits.check(samples, in: OptionLimits.samples, option: "--samples")
        if let shuffles { try OptionLimits.check(shuffles, in: OptionLimits.shuffles, option: "--shuffles") }
        try OptionLimits.check(Double(sigma), atLeast: 0, option: "--sigma")
    }

    /// `logo --method ism`: the ISM-derived map, computed by mutagenesis rather than gradients.
    static let ismMethod = "ism"

    /// The settings for `task` (of the model `target` resolved to), with method, quadrature and
    /// baseline checked (one-line errors).
    /// - Parameter allowingISM: the command also draws `--method ism` (named in the error).
    func settings(task: Int, allowingISM: Bool = false) throws -> AttributionSettings {
        guard let method = AttributionMethod(rawValue: method) else {
            throw InterpretationError("unknown method '\(self.method)'; methods: \(AttributionMethod.names)\(allowingISM ? ", \(Self.ismMethod)" : "")")
        }
        guard let quadrature = Quadrature(rawValue: quadrature) else {
            throw InterpretationError("unknown quadrature '\(self.quadrature)'; choose one of \(Quadrature.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let baseline: IntegratedGradientsBaseline
        switch self.baseline {
        case "zeros": baseline = .zeros
        case "uniform": baseline = .uniform
        case "shuffled": baseline = .shuffled(count: shuffles ?? 10, seed: seed)
        default: throw InterpretationError("unknown baseline '\(self.baseline)'; choose zeros, uniform or shuffled")
        }
        if method == .deepshap && corrected {
            throw InterpretationError("--corrected applies to gradient methods; deepshap's contributions already add up to the output's change")
        }
        return AttributionSettings(
            method: method, target: task, corrected: corrected, logits: logitsOption.logits,
            smoothGradSamples: samples, smoothGradSigma: sigma, seed: seed, steps: steps, quadrature: quadrature, baseline: baseline,
            references: .shuffled(count: shuffles ?? DeepSHAP.defaultShuffles, seed: seed))
    }
}
