import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation

struct SeqletsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seqlets",
        abstract: "Seqlets (spans of high attribution) and the known motifs they match.",
        discussion: """
        Calls seqlets with tangermeme's recursive_seqlets on the projected attributions (the \
        attribution of each observed base): attributions are binned into 1000 bins over their \
        range, a span's p-value is the chance that that many independent positions sum to at \
        least its bins, and a span is a seqlet when it and every sub-span of at least \
        --min-length has a p-value below --threshold; longer spans first, never overlapping. \
        Only positive seqlets are called. The p-values rank spans; they are not error rates.

        Each seqlet's bases are compared with every motif of --motifs by TOMTOM (memelite's \
        semantics: both strands, complete scores); the best --matches are listed with p-, E- \
        (p × motifs) and q-values (Benjamini–Hochberg over the database).

        Attributions are computed as `seqlens attr` does (same options), or read from a .npy/.npz \
        file of shape (N, A, L) for the records of FASTA (--attributions).

        Positions are 0-based, end excluded, in each record's own coordinates. The TSV goes to \
        --output (or stdout); a summary goes to stdout (stderr without --output).

        Examples:
          seqlens seqlets MODEL.onnx seqs.fa --motifs JASPAR.meme -o seqlets.tsv
          seqlens seqlets MODEL.onnx seqs.fa --motifs JASPAR.meme --method grad-input
          seqlens seqlets MODEL.onnx seqs.fa --motifs JASPAR.meme --attributions a.npz
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file; records must share one length (or fit a fixed-length model with --pad/--crop).") var fasta: String
    @Option(help: "A motif database (MEME, JASPAR, HOMER or TRANSFAC) to match seqlets against.") var motifs: String
    @Option(help: ArgumentHelp("Precomputed attributions (.npy or .npz, shape (N, A, L)) instead of computing them.", valueName: "file"))
    var attributions: String?
    @Option(help: "The array to read from an --attributions .npz that holds several.") var key: String?
    @Option(help: "Seqlet p-value threshold (every sub-span must be below it).") var threshold: Double = 0.01
    @Option(help: "Shortest seqlet, and shortest sub-span checked.") var minLength: Int = 4
    @Option(help: "Longest seqlet.") var maxLength: Int = 25
    @Option(help: "Positions added on each side after calling.") var flanks: Int = 0
    @Option(help: "TOMTOM matches listed per seqlet, at most 20.") var matches: Int = 1
    @Option(name: .shortAndLong, help: "Output .tsv file (default: stdout).") var output: String?

    @OptionGroup var attribution: AttributionOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let output { try validateOutput(output, formats: ["tsv"]) }
        guard threshold > 0, threshold <= 1 else { throw ValidationError("--threshold must be a p-value in (0, 1]") }
        guard minLength >= 1, maxLength >= minLength, maxLength <= 200 else {
            throw ValidationError("--min-length must be at least 1 and at most --max-length, which is at most 200")
        }
        guard flanks >= 0, flanks <= 1000 else { throw ValidationError("--flanks must be 0 to 1000") }
        guard (1 ... 20).contains(matches) else { throw ValidationError("--matches must be 1 to 20") }
    }

    func run() throws {
        let tomtom = try loadMotifDatabase(motifs)
        let loaded = try loadModel(self.model, inputs: extraInputs)
        try refuseProteinModel(loaded, "seqlets matches DNA motifs on both strands (TOMTOM)", instead: "draw the attributions with logo or show")
        let inputs = try readEqualLengthRecords(fasta, model: loaded, fit: fit)
        guard let first = inputs.first?.record else { throw CommandFailure("\(fasta): holds no records; give a FASTA file with sequences") }
        let records = inputs.map(\.record)
        let alphabet = loaded.alphabet
        let (letters, length) = (alphabet.size, first.length)

        let maps: [Float]
        let source: String
        if let attributions {
            let (label, tensor, _) = try Show.load(URL(fileURLWithPath: attributions), key: key)
            guard tensor.shape == [records.count, letters, length] else {
                throw CommandFailure("\(label): has shape (\(tensor.shape.map(String.init).joined(separator: ", "))) but \(fasta) needs (\(records.count), \(letters), \(length)); give the attributions of these records")
            }
            maps = tensor.scalars
            source = label
        } else {
            let targeted = try loaded.resolveTarget(attribution.target, length: length)
            let settings = try attribution.settings(task: targeted.task ?? 0)
            let attributor = Attributor(model: targeted.model, batchSize: compute.batch, threads: compute.threads)
            let progress = ProgressBar(total: records.count, label: settings.method.rawValue)
            maps = try attributor.attribute(records.map(\.sequence), settings: settings) { progress.update($0) }.scalars
            progress.finish()
            source = settings.method.rawValue
        }

        let projected = projectedAttributions(maps, sequences: records.map(\.sequence), alphabet: alphabet)
        let caller = RecursiveSeqletCaller(threshold: threshold, minLength: minLength, maxLength: maxLength, additionalFlanks: flanks)
        let annotated = try annotate(caller.call(projected), sequences: records.map(\.sequence), alphabet: alphabet, tomtom: tomtom, matches: matches)

        var table = "record\tstart\tend\tattribution\tp_value\trank\tmotif\tmotif_p\tmotif_e\tmotif_q\tstrand\toffset\n"
        for item in annotated {
            let s = item.seqlet, origin = inputs[s.example].origin
            let prefix = "\(records[s.example].id)\t\(origin + s.start)\t\(origin + s.end)\t\(g(s.attribution))\t\(g(s.pValue))"
            for (rank, match) in item.matches.enumerated() {
                table += "\(prefix)\t\(rank + 1)\t\(tomtom.targets[match.target].label)\t\(g(match.pValue))\t\(g(match.eValue))\t\(g(match.qValue))\t\(match.reverseStrand ? "-" : "+")\t\(match.offset)\n"
            }
        }
        let summary = Self.summary(annotated, database: tomtom.targets, records: records.count, source: source)
        if let output {
            try writeTextFile(table, to: output)
            FileHandle.standardOutput.write(Data(summary.utf8))
        } else {
            FileHandle.standardOutput.write(Data(table.utf8))
            FileHandle.standardError.write(Data(summary.utf8))
        }
    }

    /// Counts, and the motifs matched most often at q < 0.05.
    static func summary(_ annotated: [AnnotatedSeqlet], database: [Motif], records: Int, source: String) -> String {
        let significant = annotated.filter { ($0.matches.first?.qValue ?? 1) < 0.05 }
        var text = "\(annotated.count) seqlets in \(records) records (\(source) attributions); \(significant.count) match a motif at q < 0.05\n"
        let counts = Dictionary(grouping: significant) { $0.matches[0].target }.mapValues(\.count)
        for (target, count) in counts.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }).prefix(10) {
            text += "  \(count)\t\(database[target].label)\n"
        }
        return text
    }
}

/// A number for TSV: 6 significant digits.
private func g(_ value: Double) -> String { String(format: "%.6g", value) }
