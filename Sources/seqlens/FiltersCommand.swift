import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation
import Rendering

struct FiltersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filters",
        abstract: "First-layer filters as motifs, and the known motifs they match.",
        discussion: """
        Finds the first convolution applied to the input and its activation (the first Relu, \
        Exp, … after it) in the graph, runs the records through it, and builds one probability \
        matrix per filter the way the Koo lab does: the input windows the filter reads at every \
        position where its activation exceeds --threshold × its maximum over the dataset, \
        averaged (windows that run off a sequence are skipped).

        With --motifs, each filter is compared with every motif by TOMTOM (memelite's \
        semantics); a filter matches when its best q-value (Benjamini–Hochberg over the \
        database) is below --q-value. The table (TSV: filter, windows, max activation, \
        consensus, bits, best motif, p, q, strand, offset) goes to stdout or --table; the \
        fraction of filters that match goes to stderr (stdout with --table).

        Examples:
          seqlens filters MODEL.onnx seqs.fa --motifs JASPAR.meme --meme filters.meme
          seqlens filters MODEL.onnx seqs.fa --logo 3
          seqlens filters MODEL.onnx seqs.fa --logo 3 --output filter3.svg
        """
    )

    @Argument(help: "An ONNX model file whose first layer is a convolution.") var model: String
    @Argument(help: "A FASTA file; records must share one length (or fit a fixed-length model with --pad/--crop).") var fasta: String
    @Option(help: "A motif database (MEME, JASPAR, HOMER or TRANSFAC) to match filters against.") var motifs: String?
    @Option(help: "Fraction of a filter's maximum activation a position must exceed.") var threshold: Float = 0.5
    @Option(name: .customLong("q-value"), help: "A filter matches a motif when its best q-value is below this.") var qValue: Double = 0.05
    @Option(help: ArgumentHelp("Write the table here (.tsv) instead of stdout.", valueName: "file")) var table: String?
    @Option(help: ArgumentHelp("Write the filters' probability matrices as a MEME motif file.", valueName: "file")) var meme: String?
    @Option(help: ArgumentHelp("Draw filter N's logo in bits (to the terminal, or --output).", valueName: "N")) var logo: Int?

    @OptionGroup var drawing: DrawingOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard threshold > 0, threshold < 1 else { throw ValidationError("--threshold must be between 0 and 1") }
        guard qValue > 0, qValue <= 1 else { throw ValidationError("--q-value must be in (0, 1]") }
        if let table { try validateOutput(table, formats: ["tsv"]) }
        if let meme { try validateOutput(meme, formats: ["meme", "txt"]) }
    }

    func run() throws {
        let tomtom = try motifs.map(loadMotifDatabase)
        let loaded = try loadModel(self.model)
        try refuseProteinModel(loaded, "filters writes DNA motifs and matches them on both strands (TOMTOM)", instead: "draw the attributions with logo or show")
        let filters = try FirstLayerFilters(model: loaded)
        let inputs = try readEqualLengthRecords(fasta, model: loaded, fit: fit)
        guard !inputs.isEmpty else { throw CommandFailure("\(fasta): holds no records; give a FASTA file with sequences") }
        let found = try filters.motifs(inputs.map(\.record.sequence), threshold: threshold, batchSize: compute.batch, threads: compute.threads)
        if let logo {
            guard found.indices.contains(logo) else { throw CommandFailure("--logo \(logo): the first layer has \(found.count) filters (0 to \(found.count - 1))") }
            let motif = found[logo].motif(alphabet: loaded.alphabet)
            var figure = AttributionFigure(matrix: PositionMatrix(motif: motif), kind: .informationContent(background: motif.background),
                                           title: "filter \(logo) of \(found.count) · \(URL(fileURLWithPath: model).lastPathComponent)")
            figure.notes = ["\(found[logo].windows) windows above \(threshold) × max activation \(String(format: "%.3g", found[logo].maxActivation)) · \(String(format: "%.1f", motif.totalInformation)) bits"]
            figure.sequence = Array(motif.consensus.utf8)
            try drawing.emit(figure)
            return
        }

        var text = "filter\twindows\tmax_activation\tconsensus\tbits" + (tomtom == nil ? "" : "\tmotif\tmotif_p\tmotif_q\tstrand\toffset") + "\n"
        var matched = 0
        for filter in found {
            let motif = filter.motif(alphabet: loaded.alphabet)
            text += "\(filter.index)\t\(filter.windows)\t\(String(format: "%.6g", filter.maxActivation))\t\(motif.consensus)\t\(String(format: "%.2f", motif.totalInformation))"
            if let tomtom {
                let best = try tomtom.nearest(motif, count: 1)[0]
                if best.qValue < qValue { matched += 1 }
                text += "\t\(tomtom.targets[best.target].label)\t\(String(format: "%.3g", best.pValue))\t\(String(format: "%.3g", best.qValue))\t\(best.reverseStrand ? "-" : "+")\t\(best.offset)"
            }
            text += "\n"
        }
        var summary = "\(found.count) filters of width \(filters.layer.width) at '\(filters.layer.activation)' (\(filters.layer.activationOp ?? "no activation")), \(inputs.count) records\n"
        if let motifs {
            summary += "\(matched) of \(found.count) filters (\(String(format: "%.0f", 100 * Double(matched) / Double(max(found.count, 1))))%) match a motif of \(URL(fileURLWithPath: motifs).lastPathComponent) at q < \(qValue)\n"
        }
        if let meme { try writeTextFile(Motif.memeText(found.map { $0.motif(alphabet: loaded.alphabet) }), to: meme) }
        if let table {
            try writeTextFile(text, to: table)
            FileHandle.standardOutput.write(Data(summary.utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
            FileHandle.standardError.write(Data(summary.utf8))
        }
    }
}
