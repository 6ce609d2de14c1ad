import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation

struct RobustnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robustness",
        abstract: "Score attribution maps against ground truth and under input noise, for one or more models.",
        discussion: """
        For each model, prints AUROC and AUPRC of the maps against the truth and their \
        stability under noise, so models (a ReLU and an exponential first layer, say) compare \
        in one table.

        Truth (--truth IC.npy, float32 (records, length), as assets/sequences/*.ic.npy): the \
        information content in bits of the planted motif at each position. As the Koo lab \
        scores interpretability (Koo & Ploenzke 2021; Majdandzic et al. 2023), positions with \
        IC above --ic-cutoff are positives, positions at the record's lowest IC (0, background) \
        negatives, those between are left out; each position's score is the L2 norm of the \
        map over the alphabet (--score l2) or |the map at the observed base| (--score \
        observed). AUROC is scikit-learn's roc_auc_score, AUPRC auc(recall, precision) of \
        precision_recall_curve; both are per record, averaged over the records that have \
        positives ('scored').

        Stability: --noise-samples copies of each one-hot input get Gaussian noise of \
        standard deviation --noise-sigma (seeded by --noise-seed); 'Spearman' is the mean \
        rank correlation of the position scores of the map of x and of each copy's map, \
        'cosine' the mean cosine similarity of the whole maps. With shuffles (deepshap's \
        references, ig's --baseline shuffled) every copy uses the record's own, so only the \
        noise differs. --method smoothgrad measures SmoothGrad's own stability the same way. \
        --noise-samples 0 skips it.

        The map's task: --target, or each record's highest prediction of each model.

        Examples:
          seqlens robustness sample-models/multitask-deep-relu.onnx \\
              sample-models/multitask-deep-exp.onnx assets/sequences/multitask.fa \\
              --truth assets/sequences/multitask.ic.npy --method grad-input
          seqlens robustness MODEL.onnx seqs.fa --method smoothgrad --noise-samples 16
        """
    )

    @Argument(help: ArgumentHelp("One or more ONNX models, then a FASTA file.", valueName: "model… fasta"))
    var paths: [String] = []
    @Option(help: ArgumentHelp("Information content per position, float32 (records, length) in FASTA order.", valueName: "ic.npy"))
    var truth: String?
    @Option(help: "Positions whose IC is above this many bits are positives.") var icCutoff: Double = 0.01
    @Option(help: ArgumentHelp("How a position is scored: l2 (norm over the alphabet) or observed (|value at the observed base|).", valueName: "l2|observed"))
    var score: String = PositionScore.l2.rawValue
    @Option(help: "Noisy copies per record for stability, at most 10000 (0: none).") var noiseSamples: Int = 8
    @Option(help: "Standard deviation of the noise added to the one-hot input.") var noiseSigma: Float = 0.1
    @Option(help: "Seed of the noise.") var noiseSeed: UInt64 = 0
    @Option(name: .shortAndLong, help: "Also write the table as .tsv.") var output: String?
    @OptionGroup var attribution: AttributionOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard paths.count >= 2 else { throw ValidationError("give one or more models, then a FASTA file") }
        if let output { try validateOutput(output, formats: ["tsv"]) }
        if noiseSamples != 0 { try OptionLimits.check(noiseSamples, in: OptionLimits.samples, option: "--noise-samples") }
        try OptionLimits.check(Double(noiseSigma), atLeast: 0, option: "--noise-sigma")
        guard icCutoff.isFinite, icCutoff >= 0 else { throw ValidationError("--ic-cutoff must be a number of bits, 0 or more") }
    }

    var models: ArraySlice<String> { paths.dropLast() }
    var fasta: String { paths.last! }

    func run() throws {
        guard let positionScore = PositionScore(rawValue: score) else {
            throw InterpretationError("unknown --score '\(score)'; choose l2 or observed")
        }
        for model in models { try refuseSwappedArguments(model: model, fasta: fasta) }
        var rows: [(name: String, report: RobustnessEvaluation.Report)] = []
        var truthNote = "no --truth"
        for path in models {
            let loaded = try loadModel(path, inputs: extraInputs)
            let inputs = try readEqualLengthRecords(fasta, model: loaded, fit: fit)
            guard let length = inputs.first?.record.length else { throw GenomicsError("\(fasta): no records") }
            let truth = try self.truth.map { try readTruth($0, records: inputs.map(\.record)) }
            if let truth = self.truth { truthNote = "truth \(URL(fileURLWithPath: truth).lastPathComponent): IC > \(icCutoff) bits positive, lowest IC negative" }
            let targeted = try loaded.resolveTarget(attribution.target, length: length)
            let model = targeted.model
            let settings = try attribution.settings(task: targeted.task ?? 0)
            let sequences = inputs.map(\.record.sequence)
            let targets: [Int]
            if attribution.target != nil {
                targets = Array(repeating: targeted.task ?? 0, count: sequences.count)
            } else {
                let predictions = try model.predict(sequences, batchSize: compute.batch, threads: compute.threads)
                let tasks = predictions.shape[1]
                targets = (0..<sequences.count).map { s in (0..<tasks).max { predictions.scalars[s * tasks + $0] < predictions.scalars[s * tasks + $1] }! }
            }
            let evaluation = RobustnessEvaluation(attributor: Attributor(model: model, batchSize: compute.batch, threads: compute.threads),
                                                  settings: settings, positionScore: positionScore, icCutoff: icCutoff,
                                                  noiseSamples: noiseSamples, noiseSigma: noiseSigma, noiseSeed: noiseSeed)
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let progress = ProgressBar(total: sequences.count, label: name)
            let report = try evaluation.evaluate(sequences, targets: targets, truth: truth) { progress.update($0) }
            progress.finish()
            rows.append((name, report))
        }
        let method = attribution.method + (attribution.corrected ? " (corrected)" : "")
        print("\(URL(fileURLWithPath: fasta).lastPathComponent) · \(truthNote) · score \(score) · noise \(noiseSamples) copies, sigma \(noiseSigma), seed \(noiseSeed)")
        let table = [["model", "method", "AUROC", "AUPRC", "scored", "Spearman", "cosine"]] + rows.map { row in
            [row.name, method, format(row.report.auroc), format(row.report.auprc), "\(row.report.scored)",
             format(row.report.spearman), format(row.report.cosine)]
        }
        let widths = (0..<table[0].count).map { column in table.map { $0[column].count }.max()! }
        for line in table {
            print(zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        if let output {
            try writeTextFile(table.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n", to: output)
        }
    }

    private func format(_ value: Double?) -> String {
        value.map { String(format: "%.3f", $0) } ?? "–"
    }

    /// The IC array, one row per record of the records' length.
    private func readTruth(_ path: String, records: [SequenceRecord]) throws -> [[Float]] {
        try refuseIfNotRegularFile(path, kind: "a .npy file")
        guard case .float(let ic) = try NPY.read(contentsOf: URL(fileURLWithPath: path)) else {
            throw InterpretationError("\(path): expected float information content (records, length), got integers")
        }
        let length = records[0].length
        guard ic.shape == [records.count, length] else {
            throw InterpretationError("\(path): shape \(ic.shape) does not match \(records.count) record\(records.count == 1 ? "" : "s") of \(length) nt; give one IC row per FASTA record, in order")
        }
        return (0..<records.count).map { Array(ic.scalars[$0 * length ..< ($0 + 1) * length]) }
    }
}
