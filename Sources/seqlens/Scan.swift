import ArgumentParser
import Foundation
import Genomics
import Inference

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find motif sites in sequences (FIMO): every window on both strands with p below --pvalue.",
        discussion: """
        Reads MEME, JASPAR, HOMER and TRANSFAC motif files (the format is told from the content) and \
        scans every record of the FASTA file with memelite's fimo conventions: scores are log2 odds \
        in bits, log2(p + eps) - log2(background), summed over the window; p-values are exact for \
        scores binned to 0.1 bits, under the background; a window is a site when its score is above \
        the score of the first bin with p < --pvalue. q-values are Benjamini-Hochberg over every \
        window each motif was scored on (both strands), as FIMO's. N and other letters weigh 0.

        Columns (FIMO's): motif_id, motif_alt_id, sequence_name, start, stop, strand, score, \
        p-value, q-value, matched_sequence. start is 0-based and stop end-exclusive, as memelite \
        and the rest of seqlens (FIMO's own table is 1-based: its start is this start + 1). \
        matched_sequence reads on the site's strand. Rows go by motif, then record, then start.

        The background is the motif file's (MEME's background lines; uniform for the other \
        formats) unless --background names a file of letter frequencies ('A 0.295' per line, \
        as MEME's fasta-get-markov writes).

        --shard I/N scans the I-th of N blocks of the motifs (q-values are per motif, so the \
        records stay whole); `seqlens merge` joins the outputs.

        Examples:
          seqlens scan JASPAR2026_CORE_vertebrates.meme peaks.fa > sites.tsv
          seqlens scan motifs.jaspar genome.fa --motif CTCF --pvalue 1e-5 -o ctcf.tsv
          seqlens scan known.motif peaks.fa --background genome.bg
        """
    )

    @Argument(help: "A motif file: MEME minimal format, JASPAR or TRANSFAC matrices, or HOMER motifs.")
    var motifs: String

    @Argument(help: "A FASTA file of the sequences to scan.")
    var fasta: String

    @Option(help: "Report windows with a p-value below this.")
    var pvalue = 1e-4

    @Option(name: .customLong("motif"), help: ArgumentHelp("Scan only this motif, by id or name (repeatable; default: all).", valueName: "name|id"))
    var selected: [String] = []

    @Option(help: ArgumentHelp("Letter frequencies of the background, one 'A 0.295' line per letter (default: the motif file's, else uniform).", valueName: "file"))
    var background: String?

    @Option(help: "Added to each probability before the log (memelite's eps).")
    var eps = FIMOScanner.defaultPseudocount

    @Option(help: "Pseudocount added to each position of a JASPAR or TRANSFAC count matrix, spread by the background.")
    var pseudocount = MotifReader.defaultPseudocount

    @Option(name: [.short, .long], help: ArgumentHelp("Write the table here instead of stdout.", valueName: "file.tsv"))
    var output: String?

    @Option(name: .customLong("threads"), help: "CPU threads, at most 256 (default: all cores).")
    var requestedThreads: Int?

    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        guard pvalue > 0, pvalue <= 1 else { throw ValidationError("--pvalue must be above 0 and at most 1, such as 1e-4") }
        guard eps.isFinite, eps >= 0 else { throw ValidationError("--eps must be a finite number, 0 or more") }
        guard pseudocount.isFinite, pseudocount >= 0 else { throw ValidationError("--pseudocount must be a finite number, 0 or more") }
        if let requestedThreads { try OptionLimits.check(requestedThreads, in: OptionLimits.threads, option: "--threads") }
    }

    func run() throws {
        try refuseIfNotRegularFile(self.motifs, kind: motifFileKind)
        try refuseIfNotRegularFile(fasta, kind: "a FASTA file")
        let frequencies = try background.map { path -> [Double] in
            try refuseIfNotRegularFile(path, kind: "a background file")
            return try MotifReader.readBackground(contentsOf: URL(fileURLWithPath: path))
        }
        var motifs = try MotifReader.read(contentsOf: URL(fileURLWithPath: self.motifs), pseudocount: pseudocount, background: frequencies)
        if !selected.isEmpty {
            motifs = try selected.map { try Motif.find($0, in: motifs, source: self.motifs) }
        }
        // Shards split the motifs, not the records: q-values are over all of a motif's windows.
        motifs = try sharding.select(motifs, batch: 1, what: "motifs to scan")
        let records = try FASTAReader.read(contentsOf: URL(fileURLWithPath: fasta))
        if let protein = records.first(where: { SequenceKind(of: $0.sequence) == .protein }) {
            throw CommandFailure("\(fasta):\(protein.line): record '\(protein.id)' is a protein sequence; scan finds DNA motif sites on both strands")
        }
        let scanner = FIMOScanner(motifs: motifs, pValueThreshold: pvalue, pseudocount: eps)
        let bases = records.reduce(0) { $0 + $1.length }
        // A bar only where it helps: many motifs over many bases.
        let bar = motifs.count * bases > 50_000_000 ? ProgressBar(total: motifs.count, label: "scanning \(motifs.count) motifs") : nil
        let threads = ThreadBudget.threads(requested: requestedThreads, cores: ProcessInfo.processInfo.activeProcessorCount)
        var report: (@Sendable (Int) -> Void)?
        if let bar { report = { bar.update($0) } }
        let sites = scanner.scan(records, threads: threads, progress: report)
        bar?.finish()

        var text = "motif_id\tmotif_alt_id\tsequence_name\tstart\tstop\tstrand\tscore\tp-value\tq-value\tmatched_sequence\n"
        for site in sites {
            let motif = motifs[site.motifIndex]
            let record = records[site.recordIndex]
            var matched = Array(record.sequence[site.positions])
            if site.strand == "-" { matched = reverseComplement(matched, alphabet: .dna) }
            let place = "\(motif.id)\t\(motif.name)\t\(record.id)\t\(site.positions.lowerBound)\t\(site.positions.upperBound)\t\(site.strand)"
            let numbers = String(format: "%.6g\t%.3g\t%.3g", site.score, site.pValue, site.qValue)
            text += place + "\t" + numbers + "\t" + String(decoding: matched, as: UTF8.self) + "\n"
        }
        if let output {
            try writeTextFile(text, to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
