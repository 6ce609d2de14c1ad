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
        letters in the classic DNA colours, the sequence and a ruler under it, every task's \
        prediction as a bar. Positions are 0-based, the end excluded (--range 80:140).

        Examples:
          seqlens logo sample-models/multitask-deep-relu.onnx \\
              assets/sequences/multitask.fa --target CEBPB
          seqlens logo MODEL.onnx seqs.fa --record enhancer_3 --method ig \\
              --range 60:140 --width 120
          seqlens logo MODEL.onnx seqs.fa --corrected --color always | less -R
          seqlens logo MODEL.onnx seqs.fa --format svg -o logo.svg
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file.") var fasta: String
    @Option(help: ArgumentHelp("The record: id or 0-based index (default: 0).", valueName: "id|index")) var record: String?
    @Option(help: ArgumentHelp("Positions to draw, 0-based with the end excluded; either end may be left out.", valueName: "start:end"))
    var range: PositionRange?
    @OptionGroup var attribution: AttributionOptions
    @OptionGroup var drawing: DrawingOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        try reportingErrors {
            try reportingDrawingErrors {
                let (model, record) = try loadRecord(model: self.model, fasta: fasta, record: self.record, fit: fit)
                let tasks = try model.taskNames(length: record.length)
                let settings = try attribution.settings(tasks: tasks)
                let maps = try Attributor(model: model, batchSize: compute.batch, threads: compute.threads)
                    .attribute([record.sequence], settings: settings)
                let predictions = try PredictionTable.predict(model: model, records: [record], batchSize: 1, threads: compute.threads)
                var figure = AttributionFigure(
                    matrix: PositionMatrix(alphabet: model.alphabet, length: record.length, values: maps.scalars), kind: .attribution,
                    title: "\(record.id) · \(settings.method.rawValue)\(settings.corrected ? " (corrected)" : "") · task \(tasks[settings.target])\(settings.logits ? " (logits)" : "")")
                figure.notes = ["\(URL(fileURLWithPath: self.model).lastPathComponent) · \(record.length) nt"]
                figure.sequence = record.sequence
                figure.range = try range?.resolve(length: record.length)
                figure.predictions = zip(tasks, predictions.values.scalars).map { Bars.Item(label: $0, value: $1) }
                try drawing.emit(figure)
            }
        }
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
        Positions are 0-based, the end excluded; only the range is mutated.

        Examples:
          seqlens heatmap sample-models/multitask-deep-relu.onnx \\
              assets/sequences/multitask.fa --target SP1
          seqlens heatmap MODEL.onnx seqs.fa --record 3 --range 80:140 --percentile 99
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file.") var fasta: String
    @Option(help: ArgumentHelp("The record: id or 0-based index (default: 0).", valueName: "id|index")) var record: String?
    @Option(help: ArgumentHelp("Positions to mutate and draw, 0-based with the end excluded.", valueName: "start:end"))
    var range: PositionRange?
    @Option(help: "The task: an index or a name (any letter case).") var target: String = "0"
    @Option(help: "Colour scale maximum at this percentile of |effect| (default: the largest).") var percentile: Double?
    @Flag(help: "Two heatmap rows per text row (half blocks): a shorter figure.") var halfBlock = false
    @OptionGroup var drawing: DrawingOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let percentile, !(0 < percentile && percentile <= 100) { throw ValidationError("--percentile must be in (0, 100]") }
    }

    func run() throws {
        try reportingErrors {
            try reportingDrawingErrors {
                let (model, record) = try loadRecord(model: self.model, fasta: fasta, record: self.record, fit: fit)
                let tasks = try model.taskNames(length: record.length)
                let task = try resolveTarget(target, tasks: tasks)
                let window = try range?.resolve(length: record.length) ?? 0 ..< record.length
                let ism = SaturationMutagenesis(model: model, batchSize: compute.batch, threads: compute.threads)
                let result = try ism.run([record.sequence], window: window)
                let a = model.alphabet.size
                // Full-length matrices (zero outside the window) so the figure's range and ruler line up.
                let deltas = result.deltas(task: task)
                let oneHot = Tensor(shape: [1, a, record.length], scalars: try OneHot.encode([record.sequence], alphabet: model.alphabet, layout: .channelsFirst))
                let scores = ISMAttribution.centered(deltas, oneHot: oneHot.slice(axis: 2, window.lowerBound, window.upperBound))
                func fullLength(_ windowed: Tensor<Float>) -> PositionMatrix {
                    var values = [Float](repeating: 0, count: a * record.length)
                    for b in 0..<a { for (k, p) in window.enumerated() { values[b * record.length + p] = windowed.scalars[b * window.count + k] } }
                    return PositionMatrix(alphabet: model.alphabet, length: record.length, values: values)
                }
                var figure = AttributionFigure(matrix: fullLength(scores), kind: .attribution,
                                               title: "\(record.id) · in-silico mutagenesis · task \(tasks[task])")
                figure.notes = ["\(URL(fileURLWithPath: self.model).lastPathComponent) · \(window.count * (a - 1)) substitutions · heatmap: f(mutant) − f(reference)"]
                figure.sequence = record.sequence
                figure.range = window
                figure.panels = [.logo, .heatmap]
                figure.heatmapMatrix = fullLength(deltas)
                figure.heatmapPercentile = percentile
                figure.halfBlockHeatmap = halfBlock
                figure.predictions = zip(tasks, result.reference.scalars).map { Bars.Item(label: $0, value: $1) }
                try drawing.emit(figure)
            }
        }
    }
}

/// The model and one record of a FASTA file (by id or 0-based index), fitted to the model.
func loadRecord(model path: String, fasta: String, record: String?, fit: FitOptions) throws -> (SequenceModel, SequenceRecord) {
    let model = try loadModel(path)
    let read = try readRecords(fasta, alphabet: model.alphabet, choosing: record ?? "0")[0]
    let chosen = try model.fixedLength.map { try fit.lengthFit.fit(read, to: $0).record } ?? read
    return (model, chosen)
}
