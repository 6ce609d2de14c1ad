import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation

struct DesignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "design",
        abstract: "Design by substitution: the edits that raise or lower a target, or flip it across a threshold.",
        discussion: """
        Greedy (or, with --beam K, beam) search over single-base substitutions, with tangermeme's \
        greedy_substitution / beam_substitution semantics: each round tries every base at every \
        editable position (one ISM of each sequence in the beam, incremental engine) and keeps \
        the K best distinct sequences, unchanged ones included; it stops after --max-edits rounds \
        or once a round improves the best by --tolerance or less (that round's edit is kept). \
        Ties go to the earlier candidate (beam member, then base in alphabet order, then position).

        --flip --threshold T searches, for each record, toward the other side of T (up to T or \
        above when the record predicts below T, under T otherwise) and stops at the first edit \
        that crosses it: the fewest edits the greedy or beam search found, not a proven minimum. \
        --tolerance defaults to 0 then (any improvement continues the search).

        --freeze START:END,… keeps positions unchanged; --allow START:END,… edits only those \
        (tangermeme's input_mask); both in the record's own positions, 0-based, end excluded. \
        Padding added by --pad is never edited.

        -o writes TSV: record, step, edit (POS:REF>ALT; step 0 is the start, edit -), \
        prediction (the target after the step) and delta (its change). --fasta-out writes each \
        record with its edits, listed in the header as seqlens_edits=…. A summary goes to stdout.

        Examples:
          seqlens design MODEL.onnx seqs.fa --target GATA --maximize -o edits.tsv
          seqlens design MODEL.onnx seqs.fa --target GATA --minimize --beam 4 \\
              --freeze 40:60 --fasta-out designed.fa -o edits.tsv
          seqlens design MODEL.onnx seqs.fa --target GATA --flip --threshold 0.5 \\
              --max-edits 5 -o flip.tsv
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file.") var fasta: String
    @Option(help: targetHelp) var target: String?
    @Flag(help: "Raise the target.") var maximize = false
    @Flag(help: "Lower the target.") var minimize = false
    @Flag(help: "Carry each record's prediction across --threshold with as few edits as the search finds.") var flip = false
    @Option(help: ArgumentHelp("The value --flip crosses.", valueName: "value")) var threshold: Double?
    @Option(help: ArgumentHelp("Sequences kept per round; 1 is greedy search. At most 64.", valueName: "k")) var beam: Int = 1
    @Option(help: ArgumentHelp("The edit budget: at most this many rounds, one edit each.", valueName: "n")) var maxEdits: Int = 10
    @Option(help: ArgumentHelp("Stop once a round improves the target by this much or less (default 0.001; 0 with --flip).", valueName: "value"))
    var tolerance: Double?
    @Option(help: ArgumentHelp("Positions never to edit, comma-separated.", valueName: "start:end,…")) var freeze: String?
    @Option(help: ArgumentHelp("The only positions to edit, comma-separated.", valueName: "start:end,…")) var allow: String?
    @Option(help: ArgumentHelp("Only this record: an id or a 0-based index.", valueName: "id|index")) var record: String?
    @Option(name: .shortAndLong, help: "The edits and predictions, step by step (a .tsv file).") var output: String
    @Option(help: ArgumentHelp("The designed sequences (a FASTA file).", valueName: "file")) var fastaOut: String?

    @OptionGroup var logitsOption: LogitsOption
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var sharding: ShardOptions

    static let beamSizes = 1 ... 64

    func validate() throws {
        try validateOutput(output, formats: ["tsv"])
        try OptionLimits.check(beam, in: Self.beamSizes, option: "--beam")
        try OptionLimits.check(maxEdits, in: OptionLimits.edits, option: "--max-edits")
        if let tolerance { try OptionLimits.check(tolerance, atLeast: 0, option: "--tolerance") }
        if maximize && minimize { throw ValidationError("--maximize and --minimize exclude each other: give one") }
        if flip {
            if maximize || minimize { throw ValidationError("--flip takes its direction from each record's prediction (toward the other side of --threshold): drop --maximize/--minimize") }
            guard let threshold else { throw ValidationError("--flip needs --threshold VALUE, the value to carry each prediction across") }
            guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number (got \(threshold))") }
        } else {
            if threshold != nil { throw ValidationError("--threshold is for --flip: add --flip, or drop --threshold") }
            if !maximize && !minimize { throw ValidationError("say which way to move the target: --maximize, --minimize, or --flip --threshold VALUE") }
        }
    }

    func run() throws {
        let loaded = try loadModel(self.model, inputs: extraInputs)
        // Letters outside the alphabet are warned about once the options are known to be good,
        // so a refusal stays one line.
        let records = try sharding.select(readRecords(fasta, alphabet: nil, choosing: record), batch: 1, what: "records in \(fasta)")
        guard !records.isEmpty else { throw InterpretationError("\(fasta) has no records") }
        let inputs = try fitToModel(records, model: loaded, fit: fit)
        let editable = try inputs.map(editableColumns)
        let targeted = try inputs.map { input in
            let length = input.record.length
            let targeted = try loaded.resolveTarget(target, length: length)
            return (model: try logitsOption.apply(to: targeted.model, length: length), task: targeted.task ?? 0)
        }
        if let warning = SequenceRecord.ambiguityWarning(records: records, alphabet: loaded.alphabet) { warn(warning) }
        var designs: [SubstitutionSearch.Design] = []
        var searches: [SubstitutionSearch] = []
        let progress = ProgressBar(total: inputs.count * maxEdits, label: "design")
        for (index, (input, (model, task))) in zip(inputs, targeted).enumerated() {
            var search = SubstitutionSearch(model: model, task: task, goal: minimize ? .minimize : .maximize, beamSize: beam,
                                            maxEdits: maxEdits, tolerance: Float(tolerance ?? (flip ? 0 : 1e-3)),
                                            batchSize: compute.batch, threads: compute.threads)
            if flip, let threshold {
                let start = try PredictionTable.predict(model: model, records: [input.record], batchSize: 1, threads: compute.threads)
                search.goal = .flipping(start.values.scalars[task], across: Float(threshold))
                search.threshold = Float(threshold)
            }
            designs.append(try search.run(input.record.sequence, editable: editable[index], origin: input.origin) { rounds in
                progress.update(index * maxEdits + rounds)
            })
            searches.append(search)
        }
        progress.finish()
        try writeTextFile(tsv(records: records, designs: designs), to: output)
        if let fastaOut { try writeTextFile(designedFASTA(records: records, designs: designs), to: fastaOut) }
        print(summary(records: records, designs: designs, searches: searches), terminator: "")
    }

    /// Per column of the model's input, whether it may change: not padding, not frozen, allowed.
    private func editableColumns(_ input: ModelInput) throws -> [Bool] {
        var editable = (0 ..< input.record.length).map { !input.isPadding(column: $0) }
        if let allow {
            let allowed = try ranges(allow, option: "--allow", of: input)
            editable = editable.indices.map { column in editable[column] && allowed.contains { $0.contains(column) } }
        }
        if let freeze {
            for columns in try ranges(freeze, option: "--freeze", of: input) { for column in columns { editable[column] = false } }
        }
        guard editable.contains(true) else {
            throw InterpretationError("--freeze/--allow leave no position of '\(input.record.id)' to edit; free some positions, or pick records with --record")
        }
        return editable
    }

    private func ranges(_ text: String, option: String, of input: ModelInput) throws -> [Range<Int>] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            var range = PositionRange(argument: String(part).trimmingCharacters(in: .whitespaces))
            range.option = option
            return try range.columns(of: input)
        }
    }

    private func tsv(records: [SequenceRecord], designs: [SubstitutionSearch.Design]) -> String {
        var text = "record\tstep\tedit\tprediction\tdelta\n"
        for (record, design) in zip(records, designs) {
            text += "\(record.id)\t0\t-\t\(design.start)\t0\n"
            var before = design.start
            for (index, step) in design.steps.enumerated() {
                text += "\(record.id)\t\(index + 1)\t\(step.substitution)\t\(step.prediction)\t\(step.prediction - before)\n"
                before = step.prediction
            }
        }
        return text
    }

    /// Each record whole (its own positions, beyond a --crop too) with its edits, 60 bases a line.
    private func designedFASTA(records: [SequenceRecord], designs: [SubstitutionSearch.Design]) -> String {
        var text = ""
        for (record, design) in zip(records, designs) {
            var sequence = record.sequence
            for step in design.steps { sequence[step.substitution.position] = step.substitution.alternative }
            let description = record.description.isEmpty ? "" : " " + record.description
            let edits = design.steps.isEmpty ? "" : " seqlens_edits=" + design.steps.map(\.substitution.description).joined(separator: ",")
            text += ">\(record.id)\(description)\(edits)\n"
            for start in stride(from: 0, to: sequence.count, by: 60) {
                text += String(decoding: sequence[start ..< min(sequence.count, start + 60)], as: UTF8.self) + "\n"
            }
        }
        return text
    }

    private func summary(records: [SequenceRecord], designs: [SubstitutionSearch.Design], searches: [SubstitutionSearch]) -> String {
        let method = beam == 1 ? "greedy search" : "beam search (\(beam))"
        var text = ""
        for (record, (design, search)) in zip(records, zip(designs, searches)) {
            let edits = "\(design.steps.count) edit\(design.steps.count == 1 ? "" : "s")"
            let change = "\(format(design.start)) → \(format(design.prediction))"
            let outcome: String
            if let threshold = search.threshold {
                let across = search.isPast(design.prediction)
                outcome = design.steps.isEmpty && across ? "already \(search.goal == .maximize ? "at or above" : "below") \(format(threshold)): no edits"
                    : across ? "across \(format(threshold)) in \(edits), the fewest \(method) found (not proven minimal)"
                    : "not across \(format(threshold)) in \(edits) (\(stopReason(design, search)))"
            } else {
                outcome = "\(search.goal.rawValue)d in \(edits) by \(method) (\(stopReason(design, search)))"
            }
            text += "\(record.id): \(change), \(outcome)\n"
            if !design.steps.isEmpty { text += "  " + design.steps.map(\.substitution.description).joined(separator: " ") + "\n" }
        }
        return text
    }

    private func stopReason(_ design: SubstitutionSearch.Design, _ search: SubstitutionSearch) -> String {
        design.rounds == search.maxEdits ? "--max-edits \(search.maxEdits) reached"
            : search.tolerance > 0 ? "no edit improved it by more than \(format(search.tolerance))"
            : "no edit improved it"
    }

    private func format(_ value: Float) -> String { String(format: "%.4f", value) }
}
extension DesignCommand: TakesModelAndFASTA {}
