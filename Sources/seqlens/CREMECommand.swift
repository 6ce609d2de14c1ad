import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation
import Rendering

struct CREMECommand: ParsableCommand, TakesModelAndFASTA {
    static let configuration = CommandConfiguration(
        commandName: "creme",
        abstract: "CREME tile tests: which tiles a prediction needs, which suffice alone, and how much each depends on its context.",
        discussion: """
        CREME (Toneyan & Koo 2024) for long-context models. Each record is cut into tiles of \
        --tile bases from position 0 (the last holds what is left), and each tile is tested on \
        the target with --shuffles dinucleotide shuffles:
          necessity    f(x) - mean f(x with the tile shuffled): the drop without the tile
          sufficiency  mean [f(background with the tile) - f(background)], backgrounds being \
        shuffles of the whole record: the rise the tile gives alone
          context      necessity - sufficiency: the tile's effect in its own context against \
        its effect in shuffled backgrounds (0 when it acts alike anywhere)
        _sd columns are standard deviations over the shuffles. The shuffles come from --seed: \
        first the backgrounds, then each tile's, so a seed gives the same tests every time.

        Output: TSV with record, start, end (0-based, end-exclusive), necessity, necessity_sd, \
        sufficiency, sufficiency_sd, context; with -o the TSV goes to the file and a text plot \
        of every tile to stdout.

        Examples:
          seqlens creme enformer.onnx locus.fa --tile 5000 --shuffles 10 --seed 1 \\
              --target 'output:track=CAGE,bins=440:456' -o tiles.tsv
          seqlens creme model.onnx seqs.fa --tile 500 --record enhancer_3
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file.") var fasta: String
    @Option(help: "Tile width in bases.") var tile = 500
    @Option(help: "Dinucleotide shuffles per test, at most 1000.") var shuffles = 10
    @Option(help: "Seed of the shuffles.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Only this record: an id or a 0-based index.", valueName: "id|index")) var record: String?
    @Option(name: .shortAndLong, help: "Write the TSV here (a .tsv file) and draw the tiles on stdout.") var output: String?
    @Option(help: targetHelp) var target: String?
    @OptionGroup var logitsOption: LogitsOption
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard tile >= 1 else { throw ValidationError("--tile must be 1 or more bases") }
        guard (1 ... 1000).contains(shuffles) else { throw ValidationError("--shuffles must be from 1 to 1000") }
        if let output { try validateOutput(output, formats: ["tsv"]) }
    }

    func run() throws {
        let loaded = try loadModel(self.model, inputs: extraInputs)
        try refuseProteinModel(loaded, "creme shuffles DNA tiles by dinucleotides", instead: "use ism or attr")
        let inputs = try fitToModel(try readRecords(fasta, alphabet: loaded.alphabet, choosing: record), model: loaded, fit: fit)
        let length = inputs[0].record.length
        guard tile < length else {
            throw InterpretationError("--tile \(tile) covers the whole \(length)-base input; give a tile shorter than the input, such as \(max(1, length / 8))")
        }
        let targeted = try loaded.resolveTarget(target, length: length)
        let model = try logitsOption.apply(to: targeted.model, length: length)
        let task = targeted.task ?? 0
        let name = try model.taskNames(length: length)[task]
        var text = "record\tstart\tend\tnecessity\tnecessity_sd\tsufficiency\tsufficiency_sd\tcontext\n"
        var plots: [String] = []
        let bar = ProgressBar(total: inputs.count, label: "tile tests")
        for (index, input) in inputs.enumerated() {
            let tests = try TileTests.run(model: model, task: task, sequence: input.record.sequence, tile: tile, shuffles: shuffles, seed: seed,
                                          batchSize: compute.batch, threads: compute.threads)
            bar.update(index + 1)
            for effect in tests.tiles {
                let values = [effect.necessity, effect.necessitySpread, effect.sufficiency, effect.sufficiencySpread, effect.context]
                text += "\(input.record.id)\t\(effect.positions.lowerBound)\t\(effect.positions.upperBound)\t"
                    + values.map { "\(Float($0))" }.joined(separator: "\t") + "\n"
            }
            plots.append(Self.plot(tests, record: input.record.id, task: name))
        }
        bar.finish()
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        try writeTextFile(text, to: output)
        FileHandle.standardOutput.write(Data(plots.joined(separator: "\n").utf8))
    }

    /// A title line, then per tile a bar for its necessity and one for its sufficiency on one scale.
    static func plot(_ tests: TileTests, record: String, task: String) -> String {
        var items: [Bars.Item] = []
        for effect in tests.tiles {
            let place = "\(effect.positions.lowerBound):\(effect.positions.upperBound)"
            items.append(Bars.Item(label: "\(place) necessity", value: Float(effect.necessity)))
            items.append(Bars.Item(label: "\(place) sufficiency", value: Float(effect.sufficiency)))
        }
        var canvas = Canvas(width: 80, height: items.count)
        canvas.render(Bars(items: items, depth: .monochrome), in: Rect(x: 0, y: 0, width: 80, height: items.count))
        let title = "\(record) · \(task) · f(x) \(Bars.number(Float(tests.reference))) · shuffled \(Bars.number(Float(tests.background))) · \(tests.shuffles) shuffles"
        return ([title] + canvas.lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }).joined(separator: "\n") + "\n"
    }
}
