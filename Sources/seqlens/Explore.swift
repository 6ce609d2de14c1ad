import ArgumentParser
import ExplorerCore
import ExplorerRuntime
import Foundation
import Genomics
import Interactive
import Interpretation
import Rendering

struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Browse predictions, attribution maps and ISM interactively, and mutate bases live.",
        discussion: """
        A full-screen terminal view (it works over SSH): predictions of every task (current, \
        reference and Δ), the attribution map of one task as a sequence logo, the ISM heatmap \
        (Δ prediction of every substitution), the sequence with a cursor, and annotations. Type \
        an upper-case base (A C G T, U for RNA models, N) to mutate the base under the cursor: \
        predictions follow at once, the maps as soon as they are recomputed in the background \
        (stale maps are dimmed meanwhile). Pasted bases overwrite from the cursor as one edit. \
        Each record opens on its first annotation (else on its largest attribution); g picks a \
        record by id, description or number; the mouse wheel scrolls. Press ? for every key.

        A probability above 0.99 or below 0.01 is marked "!" (saturated: effects there \
        shrink); --logits, or x in the explorer, shows the logits (the value before the final \
        Sigmoid/Softmax) for predictions, maps and ISM. Soft-masked (lower-case) bases are shown \
        in lower case.

        s saves three files: PREFIX.fa (every record with its edits: unedited records copied byte \
        for byte, edited ones with the edits in the header and each new base in the case of the \
        base it replaced), PREFIX.mutations.tsv (each \
        edit with every task's prediction before and after) and PREFIX.session.json, which \
        `seqlens explore --session PREFIX.session.json` reopens exactly (edits, undo history, view). \
        PREFIX defaults to the FASTA file's name plus ".edited", in the current directory.

        Every change of the edits is written at once to PREFIX.recovery.json, removed when all is \
        saved or you quit on purpose: after a crash, kill or closed terminal, the next start with \
        the same model, FASTA and PREFIX asks (r recover · d discard) before the screen opens; \
        --recover or --discard-recovery answer without asking.

        Annotations (--annotations) are BED (record id in the first column, 0-based start, end, \
        name) or TSV with a header naming record, start, end and motif/name columns, like the \
        ground-truth files in assets/sequences. --motifs scans motifs (MEME, JASPAR, HOMER or TRANSFAC files) on \
        every version of the sequence as `seqlens scan` does (memelite's fimo: log-odds scores, \
        exact p-values, both strands) and draws the hits (grey, NAME+ or NAME-) with the \
        annotations, one per window and motif: where both strands pass, the one with the lower \
        p-value (then higher score, then +), so each hit is a row of `seqlens scan`'s table. A \
        mutation that breaks a site removes its hit; the status line gives the score and p-value of a hit \
        under the cursor. The first screen warns about motifs that cannot pass the threshold, \
        DNA motifs on an RNA model (scanned with U read as T) and annotations naming no record.

        --modisco RESULTS.h5 (modisco-lite's TF-MoDISco results) opens a pattern browser with P: \
        each pattern's seqlets, width, core consensus, its logo (Tab: CWM, hypothetical CWM, \
        PPM in bits) and, with --motifs, its three nearest motifs by TOMTOM.

        With --pad or --crop (fixed-length models) every position shown, typed or saved is the \
        record's own: padding is drawn as · and cannot be edited; a record longer than the model \
        shows whole, the model's window marked [ ] on the ruler, and the window follows the cursor \
        (predictions and maps are computed for the window). The mutation log's predictions of an \
        edit outside the --crop window are for the window centred on it.

        e writes the view as SVG (logo, ISM heatmap, predictions and a caption with model, record, \
        task, method and edits) to PREFIX.view-N.svg; --snapshot FILE.svg writes the opening view \
        (as on a 120×40 terminal, once its maps are computed) without a terminal and exits.

        Two models side by side: `seqlens explore MODEL MODEL2 FASTA` draws the second model's \
        block under the first's, on the same positions: its prediction of the task of the same name \
        ("no task X" when it has none) with the effect of the last edit, its attribution map (same \
        method) and its ISM heatmap. Edits, undo, records, tasks and methods apply to both; each \
        model sees the record fitted to its own length (--pad, --crop, --target and --input apply \
        to both); the two must read the same alphabet. M swaps which model is first (the first has \
        the predictions pane, the status line and what s saves; the session remembers both).

        Variants: `seqlens explore MODEL --genome G.fa --vcf calls.vcf.gz` (no FASTA) opens one \
        record per variant of the VCF (the first \(ExploredVariants.limit)): \
        the reference window centred on it, as `seqlens variant` scores it, the variant marked \
        REF>ALT on the annotation row. V lists the variants with the Δ (alt − ref) of the current \
        task from `seqlens variant`'s scorer (both strands averaged; --no-rc: forward only), filled \
        in the background; o sorts by |Δ|, Enter jumps with the cursor on the variant. v puts the \
        alternative allele in as an edit (after an indel, the whole shifted window) and takes it \
        out again: predictions, map and ISM follow, and the status line shows alt − ref.

        Proteins: `seqlens explore FAMILY.params [FASTA]` explores a Potts model or PSSM (plmc's \
        parameter file, as plmc and `seqlens msa-fit` write it) as a model of its statistical energy \
        H; without a FASTA file the record is the model's focus sequence (written to PREFIX.focus.fa). \
        The logo shows the family (each column's information in bits from the alignment's \
        frequencies, or the fields centred per column); m cycles to the attribution maps (saliency \
        is the local field h + J·x). The heatmap is ΔH of every single mutant, two amino acids per \
        row where the screen is short (▀: the upper letter's colour over the lower one's). Amino \
        acids such as D F H I L M P R S V are keys: type residues after = (Enter writes them from \
        the cursor, one undo step) or in replace mode (R). With two or more edits the predictions \
        line splits their ΔH into the sum of the single mutants (each in the wild type) and the \
        epistasis; w shows the heatmap now minus the wild type's: zero for a PSSM, the couplings \
        with the edits for a Potts model. Protein ONNX models (20 or 21 one-hot channels) explore \
        like any model, with the same heatmap and keys.

        --target reads one value of any output (see `seqlens attr --help`); on a many-bin output \
        (a BPNet profile) a panel under the annotations draws its bins, the reference above the \
        sequence as edited now. --input NAME=FILE.npy feeds a model's extra inputs.

        Needs an interactive terminal of at least 80×24 (except with --snapshot); in scripts use the \
        headless commands (predict, attr, ism, variant, logo), or drive the explorer with a key script.

        Key scripts (--keys '…', --keys-file FILE) type keys into the session through the same path \
        as a person's. On a terminal the script is typed first and you carry on when it ends (end it \
        with q to quit); without one (or with --cast-size) the session runs headless and ends when the \
        script and the work it started are done. Spaces and line breaks only separate tokens. --cast \
        FILE.cast records the session as asciicast v2 with real timing (asciinema play FILE.cast); \
        headless, frames are drawn at --cast-size (default 80x24). A headless run writes no recovery \
        file and leaves an earlier one alone (unless --recover or --discard-recovery); Ctrl-C still \
        finishes the recording.
        \(KeyScript.syntaxTable.map { "  " + $0.token.padding(toLength: 34, withPad: " ", startingAt: 0) + $0.meaning }.joined(separator: "\n"))

        --genome FILE with --region or --regions explores windows of an indexed genome instead of \
        a FASTA file, each region centred in the model's input (see `seqlens predict --help`); \
        they are written first to PREFIX.regions.fa (GENOME.regions.fa without --save-as), the \
        file sessions reopen. The header shows each window's place on the genome.

        Examples:
          seqlens explore sample-models/multitask-deep-relu.onnx \\
              assets/sequences/multitask.fa \\
              --annotations assets/sequences/multitask.tsv
          seqlens explore bpnet.onnx peaks.fa --target profile:reduce=profile
          seqlens explore model.onnx peaks.fa --record chr1:1000-1200 --task CTCF \\
              --method ig --motifs assets/motifs/JASPAR2026_CORE_vertebrates.meme \\
              --motif MA0139.2
          seqlens explore sample-models/code-shallow-relu.onnx \\
              sample-models/code-shallow-exp.onnx assets/sequences/regulatory-code.fa
          seqlens explore model.onnx --genome hg38.fa.gz --regions peaks.bed
          seqlens explore sample-models/multitask-deep-relu.onnx \\
              --genome Tests/Fixtures/genome/mini.fa --build-index \\
              --vcf Tests/Fixtures/variants/mini.vcf
          seqlens explore --session peaks.edited.session.json
          seqlens explore ww.params
          seqlens explore ww.params ww-variants.fa
          seqlens explore sample-models/multitask-deep-relu.onnx \\
              assets/sequences/multitask.fa --record mt_test_04056 \\
              --keys ':44<Enter><idle><wait 1s>T<idle><wait 2s>' --cast edit.cast
        """
    )

    @Argument(help: "An ONNX model, or a plmc parameter file (FAMILY.params: a Potts model or PSSM); not needed with --session.")
    var model: String?

    @Argument(help: ArgumentHelp("A FASTA file of sequences to explore (not needed with --session); or a second ONNX model to compare, the FASTA file then third.",
                                 valueName: "fasta|model2"))
    var fasta: String?

    @Argument(help: ArgumentHelp("With two models (MODEL MODEL2 FASTA): the FASTA file.", valueName: "fasta"))
    var comparedFasta: String?

    @Option(help: ArgumentHelp("Intervals to draw under the sequence: .bed or .tsv.", valueName: "file"))
    var annotations: String?

    @Option(help: ArgumentHelp("Motifs to find on the sequence as you edit it (MEME, JASPAR, HOMER or TRANSFAC file, e.g. assets/motifs/JASPAR2026_CORE_vertebrates.meme); hits join the annotation row.", valueName: "file"))
    var motifs: String?

    @Option(name: .customLong("motif"), help: ArgumentHelp("Only this motif of --motifs, by id or name; repeat for more (default: every motif in the file).", valueName: "id|name"))
    var motifNames: [String] = []

    @Option(help: ArgumentHelp("Show motif hits with a p-value below this (as scan --pvalue; one strand per window, the better).", valueName: "p"))
    var motifPvalue: Double = 1e-4

    @Option(help: ArgumentHelp("TF-MoDISco results (modisco-lite's .h5) to browse with P: patterns, logos and their matches in --motifs.", valueName: "file.h5"))
    var modisco: String?

    @Option(help: ArgumentHelp("Reopen a saved session (model, sequences, edits and view).", valueName: "file"))
    var session: String?

    @Option(help: ArgumentHelp("Where s saves: PREFIX.fa, PREFIX.mutations.tsv, PREFIX.session.json.", valueName: "prefix"))
    var saveAs: String?

    @Flag(help: "Put back the unsaved edits of an earlier session that did not end cleanly (PREFIX.recovery.json) without asking.")
    var recover = false

    @Flag(help: "Delete PREFIX.recovery.json (unsaved edits of an earlier session) without asking, and start afresh.")
    var discardRecovery = false

    @Option(help: ArgumentHelp("The record to start on: an id or a 0-based index.", valueName: "id|index"))
    var record: String?

    @Option(help: ArgumentHelp("The task to start on: a name or a 0-based index.", valueName: "name|index"))
    var task: String?

    @Option(help: ArgumentHelp("The attribution map to start with.", valueName: ExplorerMethod.allCases.map(\.rawValue).joined(separator: "|")))
    var method: ExplorerMethod?

    @Option(help: "The model output to explore, when it has several.")
    var outputName: String?

    @Option(help: targetHelp)
    var target: String?

    @OptionGroup(title: "Genome") var genome: GenomeInputOptions

    @OptionGroup var extraInputs: ExtraInputOptions

    @Flag(help: "Start on the logits: predictions, maps and ISM of the value before a final Sigmoid/Softmax (x switches).")
    var logits = false

    @OptionGroup var fit: FitOptions

    @OptionGroup var locusOptions: LocusOptions

    @OptionGroup var colors: ColorOptions

    @Option(help: ArgumentHelp("Write the opening view as SVG (once its maps are computed) and exit; no terminal needed.", valueName: "file.svg"))
    var snapshot: String?

    @Option(help: ArgumentHelp("auto: colour unless NO_COLOR is set; never: monochrome.", valueName: "auto|always|never"))
    var color: ColorMode = .auto

    @OptionGroup(title: "Key scripts and recordings") var replay: ReplayOptions

    @OptionGroup(title: "Variants (one record per variant of a VCF)") var variantOptions: ExploreVariantOptions

    func validate() throws {
        let family = model.map(ExploredFamily.matches) ?? false
        if session == nil && (model == nil || (fasta == nil && genome.genome == nil && !family)) {
            throw ValidationError("give a MODEL and a FASTA file (or --genome with --region, --regions or --vcf), or --session FILE")
        }
        if session == nil, variantOptions.vcf == nil, !(family && fasta == nil) { try genome.validate(fasta: inputPaths.fasta, fit: fit) }
        if session != nil && genome.genome != nil { throw ValidationError("--session names its own sequences; leave out --genome") }
        if session != nil && (model != nil || fasta != nil || comparedFasta != nil) {
            throw ValidationError("--session names its own model and sequences; give either --session or MODEL FASTA")
        }
        guard motifPvalue > 0 && motifPvalue <= 1 else { throw ValidationError("--motif-pvalue must be in (0, 1], e.g. 1e-4") }
        if !motifNames.isEmpty && motifs == nil { throw ValidationError("--motif picks motifs of a --motifs file; give the file too") }
        if recover && discardRecovery { throw ValidationError("--recover and --discard-recovery contradict each other; give one") }
        if snapshot != nil && replay.isUsed { throw ValidationError("--snapshot writes the opening view without a session; for a scripted one use --keys (with --cast to record it)") }
        if locusOptions.locus && (session != nil || snapshot != nil) { throw ValidationError("--locus opens the locus view on a terminal; leave out --session and --snapshot") }
        if locusOptions.locus && comparedFasta != nil { throw ValidationError("--locus tiles one model along the locus; give one MODEL and the FASTA") }
        try validateVariants()
    }

    func run() throws { try run(tour: nil) }

    /// Opens the explorer, on a guided tour when given one (`seqlens demo`).
    func run(tour: Tour?) throws {
        if let snapshot {
            // No terminal to ask on: the recovery file counts only when --recover says so.
            let app = try makeApp { _ in recover ? true : nil }
            defer { app.stop() }
            try app.writeSnapshot(to: URL(fileURLWithPath: snapshot))
            return
        }
        // Check the terminal (or the key script) first: nothing to load when the screen cannot be shown.
        let run = try replay.prepare(title: (["seqlens explore"] + [session, model, fasta, comparedFasta].compactMap { $0.map(Self.fileName) }).joined(separator: " "))
        // Headless, no one can be asked and nothing needs recovering later: the script replays it.
        let app = try run.isHeadless ? makeApp(tour: tour, recovering: { _ in recover ? true : nil }, autosaves: false)
            : makeApp(tour: tour, recovering: askToRecover(edits:))
        // The lanes stop (their jobs leave their matrix products) before Seqlens.main exits, also on errors.
        defer { app.stop() }
        try run.run(app, colorMode: color)
    }

    /// Loads model, sequences, annotations and session into a ready app, every input checked
    /// before the screen opens. When PREFIX.recovery.json holds unsaved edits of this model and
    /// FASTA, `recovering` (given their count) says whether to put them back (true), delete them
    /// (false) or leave the file alone (nil).
    /// `autosaves`: keep unsaved edits in PREFIX.recovery.json.
    func makeApp(tour: Tour? = nil, recovering: (Int) throws -> Bool?, autosaves: Bool = true) throws -> ExplorerApp {
        var sessionFile: SessionFile?
        var modelPath = model ?? "", fastaPath = inputPaths.fasta ?? "", annotationsPath = annotations, comparedPath = inputPaths.comparedModel
        var motifSelection = motifs.map { SessionFile.MotifSelection(file: $0, names: motifNames, pValue: motifPvalue) }
        if let session {
            let url = URL(fileURLWithPath: session)
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw ExplorerError("cannot read session file \(session): \(error.localizedDescription)")
            }
            let file = try SessionFile.decode(data, source: session)
            let folder = url.deletingLastPathComponent()
            func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path }
            modelPath = resolve(file.model)
            fastaPath = resolve(file.sequences)
            annotationsPath = annotations ?? file.annotations.map(resolve)
            comparedPath = file.comparedModel.map(resolve)
            motifSelection = motifSelection ?? file.motifs.map { SessionFile.MotifSelection(file: resolve($0.file), names: $0.names, pValue: $0.pValue) }
            sessionFile = file
        }
        let family = try ExploredFamily.matches(modelPath) ? ExploredFamily(path: modelPath) : nil
        if let family, fastaPath.isEmpty { fastaPath = try family.writeFocus(modelPath: modelPath, prefix: saveAs) }
        if session == nil && genome.genome == nil { try refuseSwappedArguments(model: modelPath, fasta: fastaPath, comparedModel: comparedPath) }
        let loadedModel = try family?.model ?? loadModel(modelPath, outputName: outputName, inputs: extraInputs)
        if session == nil, genome.genome != nil, variantOptions.vcf == nil { fastaPath = try genome.writeRecords(model: loadedModel, prefix: saveAs, wholeRegions: locusOptions.locus) }
        let variants = try variantOptions.vcf.map { _ in try loadVariants(model: loadedModel) }
        if let vcf = variantOptions.vcf { fastaPath = vcf }
        let fastaURL = URL(fileURLWithPath: fastaPath)
        let fastaBytes = variants == nil ? try FASTAReader.contents(of: fastaURL) : Data()
        let read = try variants?.records ?? FASTAReader.parse(fastaBytes, source: fastaURL.relativePath)
        guard !read.isEmpty else { throw ExplorerError("\(fastaPath) has no records") }
        let unique = SequenceRecord.uniquingIDs(read)
        try family?.checkLetters(unique, source: fastaPath, modelPath: modelPath)
        let loaded = try locusOptions.locus ? [locusOptions.locusRecord(unique, choosing: record, model: loadedModel, source: fastaPath)] : unique
        // Records keep their own positions; the windows say where each lies in the model's input
        // (a locus: the model's window at its start, sliding with the cursor in the normal panes).
        let windows = try loadedModel.fixedLength.map { length in
            try loaded.map { locusOptions.locus ? ModelWindow(recordLength: $0.length, inputLength: length, start: 0) : try fit.lengthFit.window(for: $0, inputLength: length) }
        } ?? loaded.map { ModelWindow.whole($0.length) }
        // Each record's text as written: saving copies it, and its soft-masked (lower-case) bases
        // are shown as such.
        let fileTexts = FASTARecordText.split(Array(fastaBytes))
        let texts: [FASTARecordText?] = loaded.indices.map { index in
            guard fileTexts.count == read.count, loaded.count == read.count else { return nil }
            let text = fileTexts[index]
            return text.sequence.map(BaseCase.uppercased) == loaded[index].sequence ? text : nil
        }
        let records = zip(loaded, texts).map { record, text in
            var cased = record
            if let text { cased.sequence = text.sequence }
            return cased
        }
        // A target on a two-axis output (a BPNet profile) is the explorer's one task.
        let targeted = try loadedModel.resolveTarget(target, length: windows[0].inputLength)
        let sequenceModel = targeted.model
        let taskNames = try sequenceModel.taskNames(length: windows[0].inputLength)
        try tour?.check(taskNames: taskNames, records: records)
        // Warnings about the input go to the first screen's message line (stderr is hidden under
        // it), one per key; first those about things that would silently not be drawn.
        var warnings: [String?] = []
        var intervals: [String: [Annotation]] = [:]
        if let annotationsPath {
            let listed = try IntervalFile.read(contentsOf: URL(fileURLWithPath: annotationsPath))
            for interval in listed {
                let label = interval.strand.map { "\(interval.label)(\($0))" } ?? interval.label
                intervals[interval.record, default: []].append(Annotation(positions: interval.positions, label: label))
            }
            warnings.append(IntervalFile.unmatchedWarning(listed, records: records, file: Self.fileName(annotationsPath), fasta: Self.fileName(fastaPath)))
        }
        if let variants {
            intervals.merge(variants.annotations) { $0 + $1 }
            warnings += variants.notes
        }
        let scanner = try motifSelection.map { selection -> FIMOScanner in
            let all = try MotifReader.read(contentsOf: URL(fileURLWithPath: selection.file))
            let chosen = try selection.names.isEmpty ? all : selection.names.map { try Motif.find($0, in: all, source: selection.file) }
            let scanner = FIMOScanner(motifs: chosen, pValueThreshold: selection.pValue)
            warnings += [scanner.alphabetWarning(sequences: sequenceModel.alphabet, source: Self.fileName(selection.file)),
                         scanner.unreachableWarning(option: "--motif-pvalue")]
            return scanner
        }
        var state = ExplorerState(modelName: URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent,
                                  alphabet: sequenceModel.alphabet, taskNames: taskNames, records: records, windows: windows,
                                  annotations: intervals, scansMotifs: scanner != nil,
                                  theme: Theme(scheme: try colors.scheme(for: sequenceModel.alphabet), background: colors.background ?? .dark))
        if let family { state.attachFamilyLogo(FamilyLogo(potts: family.potts)) }
        if let modisco { state.attachModisco(try modiscoCatalog(modisco, database: motifSelection?.file)) }
        if let variants { state.attachVariants(variants.entries) }
        // Padding is not counted as N: the records are read as they are.
        warnings += [SequenceRecord.duplicateWarning(records: read), SequenceRecord.ambiguityWarning(records: loaded, alphabet: sequenceModel.alphabet),
                     ModelWindow.heavyPaddingWarning(ids: loaded.map(\.id), windows: windows), state.annotationsOutsideWindowsWarning]
        let prefix = saveAs ?? session.map { String($0.dropLast($0.hasSuffix(".session.json") ? ".session.json".count : 0)) }
            ?? URL(fileURLWithPath: fastaPath).deletingPathExtension().lastPathComponent + ".edited"
        let files = ExplorerApp.SessionFiles(modelPath: modelPath, sequencesPath: fastaPath, annotationsPath: annotationsPath,
                                             motifs: motifSelection, prefix: prefix, comparedModelPath: comparedPath)
        if let sessionFile, let session {
            state.restore(histories: try sessionFile.histories(for: records, source: session),
                          view: try sessionFile.checkedView(records: records, windows: windows, taskCount: taskNames.count, source: session))
        }
        let recovery = files.recovery
        var recovered = false
        if recovery.exists {
            if discardRecovery {
                recovery.remove()
            } else {
                let file = try recovery.read(modelPath: modelPath, sequencesPath: fastaPath)
                let restorable = try recovery.restorable(file, records: records, windows: windows, taskCount: taskNames.count)
                let edits = restorable.histories.reduce(0) { $0 + $1.applied.joined().count }
                switch try recover ? true : recovering(edits) {
                case true?:
                    recovered = true
                    state.recover(histories: restorable.histories, view: restorable.view)
                    warnings.insert("recovered \(edits) unsaved edit\(edits == 1 ? "" : "s") from \(Self.fileName(recovery.url.path)) (s saves them)", at: 0)
                case false?: recovery.remove()
                case nil: break
                }
            }
        }
        state.showMessages(warnings.compactMap { $0 })
        if let record, !locusOptions.locus { try state.adjustView { $0.record = try recordIndex(record, in: records, source: fastaPath) } }
        if let task { try state.adjustView { $0.task = try resolveName(task, among: taskNames) } }
        if task == nil, target != nil, let chosen = targeted.task { state.adjustView { $0.task = chosen } }
        state.followsTopTask = task == nil && target == nil && session == nil
        state.opensOnInformativeRegion = session == nil && !recovered
        state.outputsProbabilities = sequenceModel.outputsProbabilities
        if locusOptions.locus { state.showLocus(locusOptions.tiling(of: records[0], tileLength: windows[0].inputLength)) }
        if let target = sequenceModel.target, target.binCount > 1 { state.profileTrack = ProfileTrack(label: target.label) }
        if logits {
            guard sequenceModel.outputsProbabilities else {
                throw ExplorerError("--logits: output '\(sequenceModel.outputName)' of \(modelPath) does not come from a final Sigmoid or Softmax, so it already is the pre-activation value; leave out --logits")
            }
            state.showsLogits = true
        }
        if let method { state.adjustView { $0.method = method } }
        if let tour { state.beginTour(tour) }
        let compared = try comparedPath.map { try compare(&state, with: $0, primary: (modelPath, sequenceModel), records: records) }
        return ExplorerApp(state: state, model: sequenceModel, files: files, scanner: scanner, texts: texts, autosaves: autosaves,
                           comparedModel: compared, variantScoring: try variants?.scoring(model: sequenceModel, forwardOnly: variantOptions.forwardOnly))
    }

    /// Asks on the terminal, before the screen opens, whether to put back `edits` unsaved edits.
    func askToRecover(edits: Int) throws -> Bool? {
        let question = "seqlens: \(edits) edit\(edits == 1 ? "" : "s") from an earlier session that did not end cleanly: r recover · d discard? "
        while true {
            FileHandle.standardError.write(Data(question.utf8))
            guard let answer = readLine() else {
                throw CommandFailure("no answer about the unsaved edits of an earlier session; start with --recover or --discard-recovery")
            }
            switch answer.lowercased().trimmingCharacters(in: .whitespaces) {
            case "r": return true
            case "d": return false
            default: continue
            }
        }
    }

    /// A file as the one-line message area names it: its name, the folders would crowd it out.
    static func fileName(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
}

extension ExplorerMethod: ExpressibleByArgument {}
