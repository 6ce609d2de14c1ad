import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation
import Rendering

struct Dependency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dependency",
        abstract: "Dependency map: how every substitution in a range changes the ISM of every position.",
        discussion: """
        Epistasis as tangermeme 1.6 measures it with dependency_map(model, X, start, end, \
        func=saturation_mutagenesis, target=T): each base of the range is substituted in turn, \
        the substituted sequence gets a full in-silico mutagenesis, and its ISM-derived scores \
        (effects mean-centred over the alphabet, at the present base) are compared with the \
        sequence's own. A model that treats positions independently gives a diagonal map; \
        motif pairs that cooperate show up as blocks, flanks a motif depends on as stripes.

        --map positions (default) writes tangermeme's map, float32 (N, L, W): [n, j, i] is \
        the mean over the substitutions at range position i of |score change at position j| \
        (L the record's length, W the range's). --map substitutions writes every pair, (N, A, \
        L, A, W): [n, c, j, b, i] is the ISM of base c at j once i holds base b, minus the \
        ISM of c at j; for j ≠ i that is f(x with b at i and c at j) − f(x with b at i) − \
        f(x with c at j) + f(x), the double-mutant epistasis; 0 where b is the base already \
        at i. Reshaped to (N, A·L, A·W) it is the 4L × 4W map. The substituted position is \
        on the last axis, as in tangermeme. The diagonal (j = i) is a substitution's direct \
        effect, several times the rest; the figure leaves it out of its scale.

        Each substituted sequence's ISM runs on the incremental engine (only the positions a \
        substitution reaches are recomputed); --threads splits the substituted sequences. \
        A .npz file also holds the records' ISM ('ism', (N, A, L)), X, ids, tasks, alphabet, \
        starts (position of row 0), lengths and substituted_starts (position of column 0). \
        --figure draws the first record's map (positions) as a heatmap: .svg, .txt or .ans, \
        or - for the terminal; without -o the figure goes to the terminal. --shard I/N runs the \
        I-th of N blocks of the records; `seqlens merge` joins the outputs.

        Examples:
          seqlens dependency sample-models/code-shallow-relu.onnx \\
              assets/sequences/regulatory-code.fa --record 0 --range 50:150 -o dep.npz
          seqlens dependency MODEL.onnx seqs.fa --range 40:80 --target SP1 \\
              --map substitutions -o pairs.npy
          seqlens dependency MODEL.onnx seqs.fa --record 3 --range 40:80 \\
              --figure dep.svg
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file; records must share one length; or --genome with --region/--regions.") var fasta: String?
    @Option(help: ArgumentHelp("One record: id or 0-based index (default: every record).", valueName: "id|index")) var record: String?
    @Option(help: ArgumentHelp("Positions to substitute, 0-based with the end excluded (default: all).", valueName: "start:end"))
    var range: PositionRange?
    @Option(help: targetHelp) var target: String?
    @Option(help: ArgumentHelp("positions: tangermeme's (N, L, W) map; substitutions: every pair, (N, A, L, A, W).", valueName: "positions|substitutions"))
    var map: String = DependencyMapOutput.Kind.positions.rawValue
    @Option(help: ArgumentHelp("incremental or naive (a full pass per mutant; same numbers, slower).", valueName: "engine"))
    var engine: String = MutagenesisEngine.incremental.rawValue
    @Option(name: .shortAndLong, help: "Output file: .npy, .npz (with ISM, X and labels) or .tsv (long format).") var output: String?
    @Option(help: ArgumentHelp("Draw the first record's map: .svg, .txt, .ans, or - for the terminal.", valueName: "file"))
    var figure: String?
    @Option(help: "Figure width in columns, 24 to 1000 (default: the terminal's, or 100).") var width: Int?
    @Option(help: "Figure height in rows of the map, 2 to 200.") var height = 40
    @Option(help: ArgumentHelp("auto, always or never: colour in the text figure.", valueName: "auto|always|never"))
    var color: ColorMode = .auto
    @OptionGroup var colors: ColorOptions
    @OptionGroup var logitsOption: LogitsOption
    @OptionGroup(title: "Genome") var genome: GenomeInputOptions
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        try genome.validate(fasta: fasta, fit: fit)
        if let output { try validateOutput(output, formats: ArrayOutput.Format.allCases.map(\.rawValue)) }
        if let figure, figure != "-" { try validateOutput(figure, formats: ["svg", "txt", "ans"]) }
        if let width { try OptionLimits.check(width, in: OptionLimits.width, option: "--width") }
        try OptionLimits.check(height, in: OptionLimits.height, option: "--height")
    }

    func run() throws {
        guard let kind = DependencyMapOutput.Kind(rawValue: map) else {
            throw InterpretationError("unknown --map '\(map)'; choose positions or substitutions")
        }
        guard let engine = MutagenesisEngine(rawValue: engine) else {
            throw InterpretationError("unknown engine '\(self.engine)'; choose incremental or naive")
        }
        let loaded = try loadModel(self.model, inputs: extraInputs)
        // Each record's map runs on its own: shards need not follow --batch.
        let records = try sharding.select(genome.records(fasta: fasta, model: loaded, choosing: record), batch: 1, what: "records in \(fasta ?? "the regions")")
        let inputs = try fitToModel(records, model: loaded, fit: fit)
        if let first = inputs.first?.record, let other = inputs.map(\.record).first(where: { $0.length != first.length }) {
            throw InterpretationError("records differ in length ('\(first.id)' has \(first.length) nt, '\(other.id)' has \(other.length) nt); one map needs one length: pick one with --record, or --pad/--crop to a fixed-length model")
        }
        guard let length = inputs.first?.record.length else { return }
        let targeted = try loaded.resolveTarget(target, length: length)
        let model = try logitsOption.apply(to: targeted.model, length: length)
        let task = targeted.task ?? 0, taskName = try model.taskNames(length: length)[task]
        let windows = try PositionRange.columns(range, of: inputs)
        let dependency = DependencyMap(model: model, task: task, batchSize: compute.batch, threads: compute.threads, engine: engine)
        let perRecord = windows[0].count * (model.alphabet.size - 1)
        let progress = ProgressBar(total: inputs.count * perRecord, label: "dependency")
        var results: [DependencyMap.Result] = []
        for (index, (input, window)) in zip(inputs, windows).enumerated() {
            results.append(try dependency.run(input.record.sequence, window: window) { done, _ in progress.update(index * perRecord + done) })
        }
        progress.finish()
        let oneHot = Tensor(shape: [inputs.count, model.alphabet.size, length],
                            scalars: try OneHot.encode(inputs.map(\.record), alphabet: model.alphabet, layout: .channelsFirst))
        let written = DependencyMapOutput(kind: kind, results: results, ids: inputs.map(\.record.id), alphabet: model.alphabet,
                                          starts: inputs.map(\.origin), lengths: inputs.map(\.ownLength), task: taskName, oneHot: oneHot)
        if let output { try written.write(to: URL(fileURLWithPath: output)) }
        if let path = figure ?? (output == nil ? "-" : nil) {
            var figure = DependencyMapFigure(values: results[0].positions, rows: inputs[0].origin ..< inputs[0].origin + length,
                                             columns: written.substitutedStarts[0] ..< written.substitutedStarts[0] + windows[0].count,
                                             title: "\(inputs[0].record.id) · dependency map · task \(taskName)\(logitsOption.logits ? " (logits)" : "")")
            figure.notes = ["\(URL(fileURLWithPath: self.model).lastPathComponent) · mean |change of the ISM-derived score| over the substitutions (tangermeme)"]
            figure.scheme = try colors.scheme(for: model.alphabet)
            figure.background = colors.background
            try draw(figure, to: path)
        }
    }

    private func draw(_ figure: DependencyMapFigure, to path: String) throws {
        let columns = width ?? terminalColumns() ?? 100
        do {
            if path.lowercased().hasSuffix(".svg") {
                try Data(figure.svg(width: columns, height: height).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                return
            }
            let toTerminal = path == "-"
            let depth = ColorDepth.detect(mode: color, environment: ProcessInfo.processInfo.environment, isTerminal: toTerminal && isatty(STDOUT_FILENO) == 1)
            let canvas = figure.canvas(width: columns, height: height, depth: depth)
            if toTerminal {
                FileHandle.standardOutput.write(Data(ANSIWriter.render(canvas, depth: depth).utf8))
            } else {
                try ANSIWriter.write(canvas, depth: depth, to: URL(fileURLWithPath: path))
            }
        } catch {
            throw RenderingError("\(path): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
        }
    }
}

