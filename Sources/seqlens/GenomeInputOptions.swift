import ArgumentParser
import Foundation
import GenomeIO
import Genomics
import Interpretation

/// `--genome FILE --region CHR:START-END` or `--regions FILE.bed`: sequences read from an indexed
/// genome instead of a FASTA file of records. Each region is centred in the model's input and
/// cropped or extended from the genome (`GenomicRegion.window`); '-' strand regions are
/// reverse-complemented.
struct GenomeInputOptions: ParsableArguments {
    /// The paragraph the --help of commands that take --genome give it.
    static let discussion = """
        --genome FILE reads the sequences from an indexed genome instead of a FASTA file: \
        --region chr1:1001-1200 (samtools' 1-based, both-ends-included form, converted once to \
        seqlens' 0-based positions) or --regions FILE.bed (0-based, end excluded). A fixed-length \
        model sees each region centred in its input: a longer region is cropped to its middle, a \
        shorter one extended with its own flanks from the genome (not with N); a window that \
        would run past a chromosome end is moved inside it, and only a chromosome shorter than \
        the model is padded with N beyond its ends. '-' strand regions are reverse-complemented. \
        Record ids are the BED name, else the region as samtools writes it with its strand \
        (chr1:1001-1200(-)); the window read is the record's description. A chromosome spelled \
        another way (1 for chr1, MT for chrM) is named in the error.
        """

    @Option(help: ArgumentHelp(
        "Read the sequences from this genome instead of a FASTA file of records: a FASTA indexed by `samtools faidx` (FILE.fai, and FILE.gzi when bgzip-compressed), with --region or --regions.",
        valueName: "genome.fa[.gz]"))
    var genome: String?

    @Option(name: .customLong("region"), help: ArgumentHelp(
        "A region of --genome as samtools writes it: 1-based, both ends included (chr1:1001-1200 is 200 bases, 0-based 1000 to 1200); '(-)' after it reads the reverse complement. Repeat, or separate with commas. Its id is the text, with the strand.",
        valueName: "chr:start-end"))
    var regionTexts: [String] = []

    @Option(help: ArgumentHelp(
        "Regions of --genome in a BED file (0-based, end excluded; a name column gives the record's id, a strand column '-' the reverse complement), or a .tsv with a header.",
        valueName: "file.bed"))
    var regions: String?

    @Flag(help: "Build a missing index of --genome (FILE.fai, and FILE.gzi for bgzip) next to it, as `samtools faidx` does.")
    var buildIndex = false

    /// Checks that the sequences come from one place: the FASTA argument or --genome with regions.
    func validate(fasta: String?, fit: FitOptions) throws {
        guard let genome else {
            if !regionTexts.isEmpty || regions != nil || buildIndex {
                throw ValidationError("--region, --regions and --build-index read from a genome; give --genome FILE.fa[.gz] too")
            }
            if fasta == nil { throw ValidationError("give a FASTA file after the model, or --genome FILE with --region or --regions") }
            return
        }
        if let fasta { throw ValidationError("give either a FASTA file (\(fasta)) or --genome \(genome), not both") }
        if regionTexts.isEmpty && regions == nil {
            throw ValidationError("--genome needs the regions to read: --region CHR:START-END (1-based, as samtools) or --regions FILE.bed")
        }
        if fit.pad != nil || fit.crop != nil {
            throw ValidationError("--pad and --crop fit FASTA records; --genome regions are centred in the model's input from the genome itself (see --region)")
        }
    }

    /// The records to run: the regions read from --genome, else the FASTA file's; all of them,
    /// or the one `record` names (an id or a 0-based index). `wholeRegions`: each region as it
    /// is (explore --locus), not the model's window centred on it.
    func records(fasta: String?, model: SequenceModel, choosing record: String? = nil, wholeRegions: Bool = false) throws -> [SequenceRecord] {
        guard let genome else { return try readRecords(fasta ?? "", alphabet: model.alphabet, choosing: record) }
        let all = try regionInputs(model: model, wholeRegions: wholeRegions).map(\.record)
        let chosen = try record.map { [all[try recordIndex($0, in: all, source: "the regions of \(genome)")]] } ?? all
        if let warning = SequenceRecord.ambiguityWarning(records: chosen, alphabet: model.alphabet) { warn(warning) }
        return chosen
    }

    /// Every region of --region and --regions (in that order) read from --genome, with where its
    /// window lies on the genome; repeated ids renamed as `readRecords` does. Every region is read
    /// before any work starts, so a bad one leaves no partial output.
    func regionInputs(model: SequenceModel, wholeRegions: Bool = false) throws -> [RegionInput] {
        guard let genome else { return [] }
        try refuseProteinModel(model, "--genome reads DNA regions", instead: "give a FASTA file of protein sequences")
        try refuseIfNotRegularFile(genome, kind: "a genome FASTA")
        var wanted = try GenomicRegion.parse(list: regionTexts)
        if let regions {
            try refuseIfNotRegularFile(regions, kind: "a .bed file")
            let listed = try IntervalFile.read(contentsOf: URL(fileURLWithPath: regions))
            guard !listed.isEmpty else { throw GenomicsError("\(regions): no regions (only comments or headers); give BED lines chrom, start, end") }
            wanted += listed.map { GenomicRegion($0, file: regions) }
        }
        let indexed = try IndexedGenome(path: genome, buildingIndex: buildIndex)
        var inputs = try wanted.map { try indexed.input(for: $0, inputLength: wholeRegions ? nil : model.fixedLength) }
        let read = inputs.map(\.record)
        if let warning = SequenceRecord.duplicateWarning(records: read) { warn(warning) }
        for (index, record) in SequenceRecord.uniquingIDs(read).enumerated() { inputs[index].record = record }
        return inputs
    }
}

extension GenomeInputOptions {
    /// explore: the regions' records as a FASTA file, PREFIX.regions.fa (or GENOME.regions.fa in
    /// the current folder), written atomically once every region is read: sessions, recovery and
    /// `s` name and copy their sequences by file. Returns its path.
    func writeRecords(model: SequenceModel, prefix: String?, wholeRegions: Bool = false) throws -> String {
        let records = try self.records(fasta: nil, model: model, wholeRegions: wholeRegions)
        var name = URL(fileURLWithPath: genome ?? "").lastPathComponent
        for suffix in [".gz", ".bgz", ".fa", ".fasta", ".fna"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        let path = (prefix ?? name) + ".regions.fa"
        let text = records.map { record in
            let lines = stride(from: 0, to: record.length, by: 60).map { String(decoding: record.sequence[$0 ..< min(record.length, $0 + 60)], as: UTF8.self) }
            return ">\(record.id) \(record.description)\n" + lines.joined(separator: "\n") + "\n"
        }
        try writeTextFile(text.joined(), to: path)
        return path
    }
}

/// Commands whose arguments are MODEL [FASTA], the FASTA left out with --genome: `Seqlens.main`
/// checks the order when both are given.
protocol TakesModelAndFASTAOrGenome {
    var model: String { get }
    var fasta: String? { get }
}

extension TakesModelAndFASTAOrGenome {
    func checkArgumentOrder() throws {
        if let fasta { try refuseSwappedArguments(model: model, fasta: fasta) }
    }
}

extension Predict: TakesModelAndFASTAOrGenome {}
extension Attr: TakesModelAndFASTAOrGenome {}
extension ISM: TakesModelAndFASTAOrGenome {}
extension LogoCommand: TakesModelAndFASTAOrGenome {}
extension HeatmapCommand: TakesModelAndFASTAOrGenome {}
extension Dependency: TakesModelAndFASTAOrGenome {}
