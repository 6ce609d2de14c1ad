import ArgumentParser
import Foundation
import GenomeIO
import Genomics
import Interpretation

/// `seqlens variant --genome G.fa --vcf calls.vcf.gz`: the options of scoring a VCF.
struct VariantVCFOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The genome FASTA the VCF's positions refer to (plain or bgzip, with its samtools .fai index).", valueName: "genome.fa"))
    var genome: String?
    @Flag(help: "Build the genome's .fai index (as `samtools faidx` would) when it has none.")
    var buildIndex = false
    @Option(help: ArgumentHelp("Variants to score: a VCF, plain or bgzip-compressed (.vcf.gz).", valueName: "calls.vcf"))
    var vcf: String?
    @Option(help: ArgumentHelp("Only the VCF's records overlapping CHROM or CHROM:START-END as samtools and tabix write it (1-based, both ends included: chr1:1001-1200 is 200 bases), through its tabix index (.tbi or .csi).", valueName: "region"))
    var region: String?
    @Flag(name: .customLong("no-rc"), help: "Score the forward strand only (default: the mean of both strands, as ChromBPNet's variant scorer).")
    var forwardOnly = false
    @Option(help: "Window length, for models that take any length (default: the model's).")
    var length: Int?

    func validate(fasta: String?, mutations: [String], record: String?, fit: FitOptions) throws {
        guard vcf != nil || genome != nil else {
            if fasta == nil || mutations.isEmpty { throw ValidationError("give a FASTA and --mutations POS:REF>ALT, or --genome G.fa and --vcf calls.vcf") }
            for (given, option) in [(region != nil, "--region"), (forwardOnly, "--no-rc"), (length != nil, "--length"), (buildIndex, "--build-index")] where given {
                throw ValidationError("\(option) is for scoring a VCF (--genome and --vcf)")
            }
            return
        }
        guard vcf != nil, genome != nil else { throw ValidationError("scoring a VCF takes both --genome G.fa and --vcf calls.vcf") }
        if fasta != nil || !mutations.isEmpty || record != nil || fit.pad != nil || fit.crop != nil {
            throw ValidationError("--vcf scores variants on --genome: drop the FASTA, --mutations, --record, --pad and --crop")
        }
        if let length { try OptionLimits.check(length, in: OptionLimits.length, option: "--length") }
    }

    /// `CHROM`, or `CHROM:START-END` as samtools and tabix write it (GenomicRegion.parse: 1-based,
    /// both ends included), as 0-based, end-exclusive positions.
    static func parseRegion(_ text: String) throws -> (chromosome: String, positions: Range<Int>?) {
        guard text.contains(":") else { return (text, nil) }
        let region = try GenomicRegion.parse(text)
        return (region.chromosome, region.positions)
    }
}

extension Variant {
    /// Variants scored per chunk: bounds memory (windows and outputs) on VCFs of any size.
    static let chunkSize = 1024

    func runVCF() throws {
        let vcf = vcfOptions.vcf!
        let loaded = try loadModel(model, inputs: extraInputs)
        try refuseProteinModel(loaded, "--vcf scores DNA variants of a genome on both strands", instead: "score substitutions in a protein FASTA with --mutations (e.g. A24G)")
        guard let length = vcfOptions.length ?? loaded.fixedLength else {
            throw CommandFailure("\(URL(fileURLWithPath: model).lastPathComponent) takes sequences of any length; give the window length with --length")
        }
        if let fixed = loaded.fixedLength, fixed != length {
            throw CommandFailure("--length \(length): \(URL(fileURLWithPath: model).lastPathComponent) takes sequences of exactly \(fixed) nt")
        }
        let targeted = try target.map { try loaded.resolveTarget($0, length: length, allowingAll: true) } ?? TargetedModel(model: loaded, task: nil)
        let scoring = try logitsOption.apply(to: targeted.model, length: length)
        let scorer = try GenomicVariantScorer(
            model: scoring, length: length, task: targeted.task, averagingStrands: !vcfOptions.forwardOnly, logScale: logitsOption.logits ? true : nil)
        let genome = try IndexedGenome(path: vcfOptions.genome!, buildingIndex: vcfOptions.buildIndex)
        let region = try vcfOptions.region.map(VariantVCFOptions.parseRegion)

        // A first pass checks every line and REF before any output: an error leaves nothing behind.
        let checking = try VCFReader(path: vcf, region: region)
        var total = 0
        while let variant = try checking.next() {
            try Self.located(checking) { _ = try variant.windows(length: length, genome: genome) }
            total += 1
        }
        if checking.skippedAlleles > 0 {
            warn("skipped \(checking.skippedAlleles) ALT allele\(checking.skippedAlleles == 1 ? "" : "s") that are not bases (symbolic <DEL>, *, breakends) in \(vcf)")
        }

        let file = try output.map { try StreamedTextFile(path: $0) }
        let emit = { (text: String) in
            if let file { try file.write(text) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        }
        try emit("chrom\tpos\tid\tref\talt\ttask\tref_score\talt_score\tdelta\tlog2fc\tjsd\n")
        let reader = try VCFReader(path: vcf, region: region)
        let progress = ProgressBar(total: total, label: "variants")
        var done = 0
        var chunk: [(variant: GenomicVariant, windows: VariantWindows)] = []
        func flush() throws {
            let scores = try scorer.score(chunk.map(\.windows), batchSize: compute.batch, threads: compute.threads)
            var text = ""
            for ((variant, _), rows) in zip(chunk, scores) {
                let prefix = "\(variant.chromosome)\t\(variant.vcfPosition)\t\(variant.id)\t\(variant.reference)\t\(variant.alternative)\t"
                for row in rows {
                    let cells = [row.reference, row.alternative, row.delta, row.log2FoldChange, row.jensenShannonDistance].map { $0.map { "\($0)" } ?? "NA" }
                    text += prefix + row.task + "\t" + cells.joined(separator: "\t") + "\n"
                }
            }
            try emit(text)
            done += chunk.count
            progress.update(done)
            chunk.removeAll(keepingCapacity: true)
        }
        while let variant = try reader.next() {
            chunk.append((variant, try Self.located(reader) { try variant.windows(length: length, genome: genome) }))
            if chunk.count == Self.chunkSize { try flush() }
        }
        if !chunk.isEmpty { try flush() }
        progress.finish()
        try file?.commit()
    }

    /// Runs `body`, prefixing a genome error (REF mismatch, unknown chromosome) with the VCF line.
    static func located<T>(_ reader: VCFReader, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as GenomicsError {
            throw CommandFailure("\(reader.location): \(error.description)")
        }
    }
}
