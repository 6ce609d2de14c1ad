import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation
import Rendering

struct LogoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logo",
        abstract: "Draw a record's attribution map as a sequence logo, with a ruler and the predictions.",
        discussion: """
        Computes the attribution (any method of `seqlens attr`, same options and defaults) for one \
        record and draws it: positive contributions above the baseline, negative below (dimmed), \
        letters in the classic DNA colours (a protein model's in logomaker's chemistry colours; \
        --scheme), the sequence and a ruler under it, every task's \
        prediction as a bar ("!" marks a probability above 0.99 or below 0.01, where gradients \
        fade; --logits reads the pre-activation output instead). Positions are 0-based, the end \
        excluded (--range 80:140), and the record's own even after --pad/--crop (padding is drawn \
        as ·).

        --method ism draws the ISM-derived map instead (tangermeme's convention, as the explorer's \
        ism map: every substitution's effect, mean-centred over the alphabet, at the present \
        base); only the range is mutated.

        Examples:
          seqlens logo sample-models/multitask-deep-relu.onnx \\
              assets/sequences/multitask.fa --target CEBPB
          seqlens logo MODEL.onnx seqs.fa --record enhancer_3 --method ig \\
              --range 60:140 --width 120
          seqlens logo MODEL.onnx seqs.fa --method ism --logits --range 30:70
          seqlens logo MODEL.onnx peaks.fa --crop center --annotations peaks.bed
          seqlens logo MODEL.onnx seqs.fa --corrected --color always | less -R
          seqlens logo MODEL.onnx seqs.fa --format svg -o logo.svg
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file (or --genome with --region/--regions).") var fasta: String?
    @Option(help: ArgumentHelp("The record: id or 0-based index (default: 0).", valueName: "id|index")) var record: String?
    @Option(help: ArgumentHelp("Positions to draw, 0-based with the end excluded; either end may be left out.", valueName: "start:end"))
    var range: PositionRange?
    @Option(help: ArgumentHelp("Intervals to draw under the sequence: .bed or .tsv, in the records' own positions.", valueName: "file"))
    var annotations: String?
    @OptionGroup var attribution: AttributionOptions
    @OptionGroup(title: "Genome") var genome: GenomeInputOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var drawing: DrawingOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try genome.validate(fasta: fasta, fit: fit)
    }

    func run() throws {
        let (loaded, input) = try loadRecord(model: self.model, fasta: fasta, genome: genome, record: self.record, fit: fit, inputs: extraInputs, colors: drawing.colors)
        let record = input.record
        let targeted = try loaded.resolveTarget(attribution.target, length: record.length)
        let model = targeted.model, task = targeted.task ?? 0
        let tasks = try model.taskNames(length: record.length)
        let window = try range?.columns(of: input) ?? 0 ..< record.length
        let shown = try attribution.logitsOption.apply(to: model, length: record.length)
        var figure: AttributionFigure
        let predictions: [Float]
        if attribution.method == AttributionOptions.ismMethod {
            let ism = try mutagenesisMatrices(model: shown, sequence: record.sequence, window: window, task: task, compute: compute)
            figure = AttributionFigure(matrix: ism.scores, kind: .attribution,
                                       title: "\(record.id) · ISM-derived · task \(tasks[task])\(attribution.logitsOption.logits ? " (logits)" : "")")
            figure.notes = ["\(URL(fileURLWithPath: self.model).lastPathComponent) · \(record.length) \(model.alphabet.lengthUnit) · effects of \(window.count * (model.alphabet.size - 1)) substitutions, mean-centred over the alphabet, at the present base"]
            predictions = ism.reference
        } else {
            let settings = try attribution.settings(task: task, allowingISM: true)
            let maps = try Attributor(model: model, batchSize: compute.batch, threads: compute.threads)
                .attribute([record.sequence], settings: settings)
            figure = AttributionFigure(
                matrix: PositionMatrix(alphabet: model.alphabet, length: record.length, values: maps.scalars), kind: .attribution,
                title: "\(record.id) · \(settings.method.rawValue)\(settings.corrected ? " (corrected)" : "") · task \(tasks[settings.target])\(settings.logits ? " (logits)" : "")")
            figure.notes = ["\(URL(fileURLWithPath: self.model).lastPathComponent) · \(record.length) \(model.alphabet.lengthUnit)"]
            predictions = try shown.predict([record.sequence], batchSize: 1, threads: compute.threads).scalars
        }
        figure.notes += [input.fitNote].compactMap { $0 }
        figure.sequence = input.figureSequence
        figure.origin = input.origin
        figure.range = window
        figure.annotations = try annotations.map { try readAnnotations($0, for: input) } ?? []
        figure.predictions = zip(tasks, predictions).map { Bars.Item(label: $0, value: $1) }
        figure.predictionsAreProbabilities = shown.outputsProbabilities
        try drawing.emit(figure)
    }
}

struct HeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Draw a record's in-silico mutagenesis: every substitution's effect as a heatmap.",
        discussion: """
        Mutates every base of the range to every other letter and draws f(mutant) − f(reference) \
        for the task as a diverging heatmap (blue lower, red higher, or orange with --scheme \
        colorblind; centred at 0, symmetric scale, stronger colours for larger effects; the \
        reference base of each column marked), under a logo of the ISM-derived scores \
        (tangermeme's convention: effects mean-centred over the alphabet, at the reference base). \
        Positions are 0-based, the end excluded, and the record's own even after --pad/--crop; \
        only the range is mutated. --logits mutates the pre-activation output, which does not \
        saturate ("!" marks a prediction above 0.99 or below 0.01).

        Examples:
          seqlens heatmap sample-models/multitask-deep-relu.onnx \\
              assets/sequences/multitask.fa --target SP1
          seqlens heatmap MODEL.onnx seqs.fa --record 3 --range 80:140 --percentile 99
          seqlens heatmap MODEL.onnx seqs.fa --record 3 --range 80:140 --logits
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file (or --genome with --region/--regions).") var fasta: String?
    @Option(help: ArgumentHelp("The record: id or 0-based index (default: 0).", valueName: "id|index")) var record: String?
    @Option(help: ArgumentHelp("Positions to mutate and draw, 0-based with the end excluded.", valueName: "start:end"))
    var range: PositionRange?
    @Option(help: ArgumentHelp("Intervals to draw under the sequence: .bed or .tsv, in the records' own positions.", valueName: "file"))
    var annotations: String?
    @Option(help: targetHelp) var target: String?
    @Option(help: "Colour scale maximum at this percentile of |effect| (default: the largest).") var percentile: Double?
    @Flag(help: "Two heatmap rows per text row (half blocks): a shorter figure.") var halfBlock = false
    @OptionGroup var logitsOption: LogitsOption
    @OptionGroup(title: "Genome") var genome: GenomeInputOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var drawing: DrawingOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try genome.validate(fasta: fasta, fit: fit)
        if let percentile, !(0 < percentile && percentile <= 100) { throw ValidationError("--percentile must be in (0, 100]") }
    }

    func run() throws {
        let (loaded, input) = try loadRecord(model: self.model, fasta: fasta, genome: genome, record: self.record, fit: fit, inputs: extraInputs, colors: drawing.colors)
        let record = input.record
        let targeted = try loaded.resolveTarget(target, length: record.length)
        let model = try logitsOption.apply(to: targeted.model, length: record.length)
        let tasks = try model.taskNames(length: record.length)
        let task = targeted.task ?? 0
        let window = try range?.columns(of: input) ?? 0 ..< record.length
        let ism = try mutagenesisMatrices(model: model, sequence: record.sequence, window: window, task: task, compute: compute)
        var figure = AttributionFigure(matrix: ism.scores, kind: .attribution,
                                       title: "\(record.id) · in-silico mutagenesis · task \(tasks[task])\(logitsOption.logits ? " (logits)" : "")")
        figure.notes = ["\(URL(fileURLWithPath: self.model).lastPathComponent) · \(window.count * (model.alphabet.size - 1)) substitutions · heatmap: f(mutant) − f(reference)"]
            + [input.fitNote].compactMap { $0 }
        figure.sequence = input.figureSequence
        figure.origin = input.origin
        figure.range = window
        figure.annotations = try annotations.map { try readAnnotations($0, for: input) } ?? []
        figure.panels = [.logo, .heatmap]
        figure.heatmapMatrix = ism.effects
        figure.heatmapPercentile = percentile
        figure.halfBlockHeatmap = halfBlock
        figure.predictions = zip(tasks, ism.reference).map { Bars.Item(label: $0, value: $1) }
        figure.predictionsAreProbabilities = model.outputsProbabilities
        try drawing.emit(figure)
    }
}

/// ISM of one sequence over `window` for `task`, as full-length matrices (0 outside the window, so
/// a figure's range and ruler line up): the effects f(mutant) − f(reference), tangermeme's
/// ISM-derived scores (`ISMAttribution.centered`, the explorer's ism map), and every task's
/// reference prediction.
func mutagenesisMatrices(model: SequenceModel, sequence: [UInt8], window: Range<Int>, task: Int, compute: ComputeOptions) throws
    -> (effects: PositionMatrix, scores: PositionMatrix, reference: [Float]) {
    let result = try SaturationMutagenesis(model: model, batchSize: compute.batch, threads: compute.threads).run([sequence], window: window)
    let a = model.alphabet.size, length = sequence.count
    let deltas = result.deltas(task: task)
    let oneHot = Tensor(shape: [1, a, length], scalars: try OneHot.encode([sequence], alphabet: model.alphabet, layout: .channelsFirst))
    let scores = ISMAttribution.centered(deltas, oneHot: oneHot.slice(axis: 2, window.lowerBound, window.upperBound))
    func fullLength(_ windowed: Tensor<Float>) -> PositionMatrix {
        var values = [Float](repeating: 0, count: a * length)
        for b in 0..<a { for (k, p) in window.enumerated() { values[b * length + p] = windowed.scalars[b * window.count + k] } }
        return PositionMatrix(alphabet: model.alphabet, length: length, values: values)
    }
    return (fullLength(deltas), fullLength(scores), result.reference.scalars)
}

/// The intervals of a BED/TSV file on the input's record, moved to the columns the model sees;
/// those the model does not see (whole or in part, after --crop/--pad) are named in one line.
func readAnnotations(_ path: String, for input: ModelInput) throws -> [Annotation] {
    try refuseIfNotRegularFile(path, kind: "a .bed or .tsv file")
    let intervals = try IntervalFile.read(contentsOf: URL(fileURLWithPath: path)).filter { $0.record == input.record.id }
    let seen = input.origin ..< input.origin + input.record.length
    let outside = intervals.filter { !($0.positions.lowerBound >= seen.lowerBound && $0.positions.upperBound <= seen.upperBound) }
    if !outside.isEmpty {
        let listed = outside.prefix(3).map { "\($0.label) \($0.positions.lowerBound)–\($0.positions.upperBound)" }.joined(separator: ", ")
        warn("warning: \(outside.count) of \(intervals.count) annotations of '\(input.record.id)' lie outside positions \(seen.lowerBound) to \(seen.upperBound) that the model sees: \(listed)\(outside.count > 3 ? ", …" : "")")
    }
    return intervals.compactMap { interval in
        let first = max(0, interval.positions.lowerBound - input.origin), end = min(input.record.length, interval.positions.upperBound - input.origin)
        guard first < end else { return nil }
        return Annotation(positions: first ..< end, label: interval.strand.map { "\(interval.label)(\($0))" } ?? interval.label)
    }
}

/// The model and one record of a FASTA file or genome region (by id or 0-based index), fitted to
/// the model; --scheme is checked against the model's alphabet first, before any work.
func loadRecord(model path: String, fasta: String?, genome: GenomeInputOptions, record: String?, fit: FitOptions, inputs: ExtraInputOptions,
                colors: ColorOptions) throws -> (SequenceModel, ModelInput) {
    let model = try loadModel(path, inputs: inputs)
    _ = try colors.scheme(for: model.alphabet)
    let read = try genome.records(fasta: fasta, model: model, choosing: record ?? "0")
    return (model, try fitToModel(read, model: model, fit: fit)[0])
}
