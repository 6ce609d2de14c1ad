import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation
import Rendering

struct GIA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gia",
        abstract: "Global importance analysis: the effect of a pattern embedded in background sequences.",
        discussion: """
        The global importance of a pattern (Koo et al. 2021; tangermeme's marginalize) is the mean \
        over N backgrounds of f(background with the pattern) − f(background), given with its 95 % \
        normal interval: mean ± 1.96 · s / √N, s the standard deviation over the backgrounds.

        --pattern is a sequence or an IUPAC pattern (TGAnTCA), or with --motifs a motif's id or \
        name, embedded as its consensus. A base replaces the background's, N keeps it (as \
        tangermeme's substitute); other IUPAC codes draw a base per background.

        Backgrounds (--background): uniform (every base equally likely), profile (each position \
        drawn from that position's base frequencies over the --fasta records), shuffle or \
        dinucleotide (the --fasta records shuffled, keeping base or dinucleotide counts; the \
        records are taken in turn). --n backgrounds (default 1000), reproducible from --seed.

        --analysis:
          marginal   the pattern at --start (default centred: L/2 − w/2, as tangermeme)
          positions  the pattern at every --step-th start: GI per position
          copies     1 to --copies copies, --spacing bases apart, centred as a group
          spacing    two patterns at each of --spacings (START:END, end excluded),
                     centred as a pair (tangermeme's space), each alone at the same
                     place, and the interaction GI(both) − GI(first) − GI(second),
                     its interval from the paired differences
          kmers      every k-mer (-k, at most 8) at --start, ranked by --target's GI
          ablate     tangermeme's ablate: in each --fasta record, the matches of
                     --pattern (both strands), or --range in every record, or the
                     intervals of --annotations (BED or TSV, as explore reads them;
                     with --pattern, those of that label) scrambled --n times
                     (default 20; --scramble shuffle or dinucleotide);
                     GI = mean f(scrambled) − f(record)

        Prints a text plot (bars, or a sparkline over positions) of --target's task (default: the \
        task with the largest effect); -o writes every task as TSV: the analysis's key columns, \
        then task, gi, lower, upper, n and reference (the mean prediction of the backgrounds, or \
        the record's prediction for ablate). Positions are 0-based.

        Examples:
          M=sample-models/multitask-deep-exp.onnx
          J=assets/motifs/JASPAR2026_CORE_vertebrates.meme
          seqlens gia $M --motifs $J --pattern MA0079.5
          seqlens gia $M --pattern TGACTCA --analysis positions --target FOSL1
          seqlens gia $M --pattern GGGGCGGGG --pattern TGACTCA --analysis spacing \\
              --spacings 0:20 -o spacing.tsv
          seqlens gia $M --analysis kmers -k 6 --target CEBPB --n 100
          seqlens gia $M --pattern TGACTCA --analysis ablate \\
              --fasta assets/sequences/multitask.fa
        """
    )

    enum Analysis: String, ExpressibleByArgument, CaseIterable { case marginal, positions, copies, spacing, kmers, ablate }

    @Argument(help: "An ONNX model file.") var model: String
    @Option(help: ArgumentHelp("A sequence, an IUPAC pattern, or with --motifs a motif's id or name; twice for --analysis spacing.", valueName: "pattern"))
    var pattern: [String] = []
    @Option(help: ArgumentHelp("A MEME, JASPAR, HOMER or TRANSFAC motif file: --pattern names a motif, embedded as its consensus.", valueName: "file"))
    var motifs: String?
    @Option(help: ArgumentHelp("marginal, positions, copies, spacing, kmers or ablate (see above).", valueName: "analysis"))
    var analysis: Analysis = .marginal
    @Option(help: ArgumentHelp("uniform, profile, shuffle or dinucleotide (default: dinucleotide with --fasta, else uniform).", valueName: "kind"))
    var background: BackgroundKind?
    @Option(help: ArgumentHelp("Records: what profile and shuffled backgrounds come from, or the sequences --analysis ablate ablates.", valueName: "fasta"))
    var fasta: String?
    @Option(name: .customLong("n"), help: "Backgrounds, 1000 unless given; for ablate, scrambles per site, 20 unless given.")
    var count: Int?
    @Option(help: "Seed of the backgrounds, degenerate letters and scrambles.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Where the pattern (marginal) or k-mer starts, 0-based (default: centred).", valueName: "position"))
    var start: Int?
    @Option(help: "positions: every how many bases a start is tried.") var step = 1
    @Option(help: "copies: the most copies.") var copies = 4
    @Option(help: "copies: bases between neighbouring copies.") var spacing = 5
    @Option(help: ArgumentHelp("spacing: the spacings to try, 0-based with the end excluded.", valueName: "start:end"))
    var spacings = "0:30"
    @Option(name: .customShort("k"), help: "kmers: the k-mer length, 1 to 8.") var k = 6
    @Option(help: "kmers: how many of the best k-mers the plot shows.") var top = 20
    @Option(help: ArgumentHelp("ablate: these positions of every record instead of the pattern's matches.", valueName: "start:end"))
    var range: PositionRange?
    @Option(help: ArgumentHelp("ablate: the sites of this BED or TSV file (record, start, end, label); --pattern picks a label.", valueName: "file"))
    var annotations: String?
    @Option(help: ArgumentHelp("ablate: shuffle (tangermeme's default) or dinucleotide.", valueName: "scramble"))
    var scramble: MotifAblation.Scramble = .shuffle
    @Option(help: "Sequence length, for models that take any length (default: the model's, or the --fasta records').")
    var length: Int?
    @Option(help: targetHelp) var target: String?
    @Option(name: .shortAndLong, help: "Write every task's results to this .tsv file.") var output: String?

    @OptionGroup var logitsOption: LogitsOption
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    static let countLimit = 1 ... 100_000
    static let backgroundBytes = 1_000_000_000

    func validate() throws {
        if let output { try validateOutput(output, formats: ["tsv"]) }
        if let count { try OptionLimits.check(count, in: Self.countLimit, option: "--n") }
        try OptionLimits.check(step, in: OptionLimits.length, option: "--step")
        try OptionLimits.check(copies, in: 1 ... 100, option: "--copies")
        try OptionLimits.check(spacing, in: 0 ... OptionLimits.length.upperBound, option: "--spacing")
        try OptionLimits.check(k, in: 1 ... 8, option: "-k")
        try OptionLimits.check(top, in: 1 ... 1000, option: "--top")
        if let length { try OptionLimits.check(length, in: OptionLimits.length, option: "--length") }
        if let start, start < 0 { throw ValidationError("--start must be 0 or more (0-based)") }
        let needed = analysis == .spacing ? 2 : analysis == .kmers ? 0 : 1
        if pattern.count != needed && !(annotations != nil && analysis == .ablate && pattern.isEmpty) {
            let what = needed == 0 ? "no --pattern (it tries every k-mer)" : needed == 1 ? "one --pattern" : "two --pattern options (first and second)"
            throw ValidationError("--analysis \(analysis.rawValue) takes \(what); got \(pattern.count)")
        }
        if analysis == .ablate && fasta == nil { throw ValidationError("--analysis ablate needs --fasta: the records whose sites it ablates") }
        if range != nil && analysis != .ablate { throw ValidationError("--range is for --analysis ablate; --start places the pattern of the other analyses") }
        if annotations != nil && analysis != .ablate { throw ValidationError("--annotations is for --analysis ablate: the sites it scrambles") }
        if annotations != nil && range != nil { throw ValidationError("--annotations and --range both give the sites to ablate; give one") }
        if start != nil && ![.marginal, .kmers].contains(analysis) {
            throw ValidationError("--start places the pattern of --analysis marginal and kmers; \(analysis.rawValue) places its own")
        }
    }

    func run() throws {
        let loaded = try loadModel(self.model, inputs: extraInputs)
        try refuseProteinModel(loaded, "gia plants DNA patterns in dinucleotide-shuffled backgrounds", instead: "use ism or variant --mutations")
        let inputs = try fasta.map { try readEqualLengthRecords($0, model: loaded, fit: fit) } ?? []
        guard let length = inputs.first?.record.length ?? length ?? loaded.fixedLength else {
            throw CommandFailure(fasta != nil ? "\(fasta!) holds no records" : "\(URL(fileURLWithPath: self.model).lastPathComponent) takes sequences of any length; give --length or --fasta")
        }
        if let fixed = loaded.fixedLength, fixed != length {
            throw CommandFailure("--length \(length): \(URL(fileURLWithPath: self.model).lastPathComponent) takes sequences of exactly \(fixed) nt")
        }
        let targeted = try loaded.resolveTarget(target ?? "all", length: length, allowingAll: true)
        let model = try logitsOption.apply(to: targeted.model, length: length)
        let tasks = try model.taskNames(length: length)
        // With --annotations, --pattern names a label, not bases.
        let patterns = annotations == nil ? try embeddedPatterns(alphabet: model.alphabet) : []
        var generator = SeededGenerator(seed: seed)
        var progress: ProgressBar?
        let report: (Int, Int) -> Void = { done, total in
            if progress == nil { progress = ProgressBar(total: total, label: "gia \(analysis.rawValue)") }
            progress?.update(done)
        }
        let table: ImportanceTable
        if analysis == .ablate {
            let (sites, strands) = try annotations.map { try annotatedSites(inputs, file: $0) } ?? ablationSites(inputs, pattern: patterns[0])
            let ablation = MotifAblation(model: model, batchSize: compute.batch, threads: compute.threads)
            table = try ablation.table(inputs.map(\.record.sequence), ids: inputs.map(\.record.id), origins: inputs.map(\.origin), sites: sites,
                                       strands: strands, count: count ?? 20, scramble: scramble, tasks: tasks, using: &generator, progress: report)
        } else {
            let kind = background ?? (fasta == nil ? .uniform : .dinucleotide)
            if kind.needsRecords && fasta == nil { throw CommandFailure("--background \(kind.rawValue) draws from records; give them with --fasta") }
            // The backgrounds are held in memory, a byte a base.
            let backgroundCount = count ?? 1000
            if backgroundCount * length > Self.backgroundBytes {
                throw CommandFailure("--n \(backgroundCount) backgrounds of \(length) nt would hold \(backgroundCount * length / 1_000_000) MB; give at most --n \(Self.backgroundBytes / length)")
            }
            let backgrounds = try BackgroundSequences.make(kind, count: backgroundCount, length: length, records: inputs.map(\.record.sequence),
                                                           alphabet: model.alphabet, using: &generator)
            let importance = GlobalImportance(model: model, batchSize: compute.batch, threads: compute.threads)
            table = try importance.table(importanceAnalysis(tasks: tasks, task: targeted.task), patterns: patterns, backgrounds: backgrounds,
                                         tasks: tasks, using: &generator, progress: report)
        }
        progress?.finish()
        if let output { try table.write(to: URL(fileURLWithPath: output)) }
        let depth = ColorDepth.detect(mode: .auto, environment: ProcessInfo.processInfo.environment, isTerminal: isatty(STDOUT_FILENO) == 1)
        FileHandle.standardOutput.write(Data(ANSIWriter.render(GIAPlot(table: table, analysis: analysis, task: targeted.task, top: top, patterns: annotations == nil ? patterns.map(\.text) : [pattern.first ?? "the annotations"]).canvas(width: 120, depth: depth), depth: depth).utf8))
    }

    /// The patterns as given, or the consensus of the motifs they name.
    private func embeddedPatterns(alphabet: Alphabet) throws -> [EmbeddedPattern] {
        guard let motifs else { return try pattern.map { try EmbeddedPattern($0, alphabet: alphabet) } }
        let read = try readMotifs(motifs)
        return try pattern.map { try EmbeddedPattern(Motif.find($0, in: read, source: motifs).consensus, alphabet: alphabet) }
    }

    private func importanceAnalysis(tasks: [String], task: Int?) throws -> ImportanceAnalysis {
        switch analysis {
        case .marginal: return .marginal(start: start)
        case .positions: return .positions(step: step)
        case .copies: return .copies(maximum: copies, spacing: spacing)
        case .spacing:
            let bounds = spacings.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard bounds.count == 2, let first = bounds[0], let end = bounds[1], first >= 0, first < end, end <= OptionLimits.length.upperBound else {
                throw CommandFailure("--spacings '\(spacings)' is not START:END with whole numbers, 0 ≤ START < END (0:20 tries spacings 0 to 19)")
            }
            return .spacing(Array(first ..< end))
        case .kmers:
            guard let rank = task ?? (tasks.count == 1 ? 0 : nil) else {
                throw CommandFailure("--analysis kmers ranks k-mers by one task; name it with --target (tasks: \(tasks.prefix(12).joined(separator: ", ")))")
            }
            return .kmers(k: k, start: start, rankTask: rank)
        case .ablate: preconditionFailure("ablate runs through MotifAblation")
        }
    }

    /// The sites to ablate: --range in every record, or every match of the pattern (both strands).
    private func ablationSites(_ inputs: [ModelInput], pattern: EmbeddedPattern) throws -> ([MotifAblation.Site], [String]) {
        var sites: [MotifAblation.Site] = [], strands: [String] = []
        for (index, input) in inputs.enumerated() {
            if let range {
                sites.append(MotifAblation.Site(sequence: index, region: try range.columns(of: input)))
                strands.append(".")
                continue
            }
            for match in try IUPACPattern(pattern.text).matchesBothStrands(in: input.record.sequence) {
                sites.append(MotifAblation.Site(sequence: index, region: match.start ..< match.start + pattern.width))
                strands.append(String(match.strand))
            }
        }
        guard !sites.isEmpty else {
            throw CommandFailure("no match of \(pattern.text) in \(fasta ?? "the records") (either strand); give sites with --range START:END")
        }
        return (sites, strands)
    }

    /// The sites to ablate from an interval file (the records' own positions), those labelled
    /// --pattern when given; intervals on other records, or beyond what the model sees, are left out.
    private func annotatedSites(_ inputs: [ModelInput], file: String) throws -> ([MotifAblation.Site], [String]) {
        try refuseIfNotRegularFile(file, kind: "a BED or TSV interval file")
        let label = pattern.first
        var sites: [MotifAblation.Site] = [], strands: [String] = []
        let records = Dictionary(inputs.enumerated().map { ($1.record.id, $0) }, uniquingKeysWith: { first, _ in first })
        for interval in try IntervalFile.read(contentsOf: URL(fileURLWithPath: file)) {
            guard let index = records[interval.record], label == nil || interval.label.caseInsensitiveCompare(label!) == .orderedSame else { continue }
            let columns = interval.positions.lowerBound - inputs[index].origin ..< interval.positions.upperBound - inputs[index].origin
            guard columns.lowerBound >= 0, columns.upperBound <= inputs[index].record.length else { continue }
            sites.append(MotifAblation.Site(sequence: index, region: columns))
            strands.append(interval.strand.map(String.init) ?? ".")
        }
        guard !sites.isEmpty else {
            throw CommandFailure("no interval of \(file)\(label.map { " labelled '\($0)'" } ?? "") lies in a record of \(fasta ?? "the FASTA file") the model sees")
        }
        return (sites, strands)
    }
}

extension BackgroundKind: ExpressibleByArgument {}
extension MotifAblation.Scramble: ExpressibleByArgument {}
