import ArgumentParser
import ExplorerCore
import ExplorerRuntime
import Foundation
import GenomeIO
import Genomics
import Interpretation
import Rendering

/// `seqlens explore MODEL --genome G.fa --vcf calls.vcf`: the options of the variant browser
/// (--genome and --build-index are GenomeInputOptions').
struct ExploreVariantOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Explore the variants of this VCF (plain or bgzip) on --genome: one record per variant, V lists them.", valueName: "calls.vcf"))
    var vcf: String?
    @Flag(name: .customLong("no-rc"), help: "Score the variant list on the forward strand only (default: the mean of both strands, as `seqlens variant`).")
    var forwardOnly = false
}

/// `seqlens explore MODEL --genome G.fa --vcf calls.vcf`: one record per variant, its reference
/// window centred on it (as `seqlens variant` scores it), the variant marked on the annotation row.
struct ExploredVariants {
    var records: [SequenceRecord]
    var entries: [VariantEntry]
    var windows: [VariantWindows]
    var annotations: [String: [Annotation]]
    /// For the first screen: variants left out (past the limit, symbolic ALTs).
    var notes: [String]

    /// Variants opened at most: the list stays quick to scroll and to score.
    static let limit = 10_000

    /// The scorer of the list's Δ: `seqlens variant`'s for `model` (the explorer's, target applied).
    func scoring(model: SequenceModel, forwardOnly: Bool) throws -> VariantScoring {
        let scorer = try GenomicVariantScorer(model: model, length: windows[0].reference.count, averagingStrands: !forwardOnly)
        return VariantScoring(scorer: scorer, windows: windows)
    }
}

extension Explore {
    /// The variants of `--vcf` on `--genome`, each REF checked (an error names the VCF line).
    func loadVariants(model: SequenceModel) throws -> ExploredVariants {
        let vcf = variantOptions.vcf!
        guard let length = model.fixedLength else {
            throw ExplorerError("\(Self.fileName(model.url.path)) takes sequences of any length; the variant browser needs a fixed-length model (seqlens variant --length scores such models)")
        }
        let genome = try IndexedGenome(path: self.genome.genome!, buildingIndex: self.genome.buildIndex)
        let reader = try VCFReader(path: vcf)
        var variants = ExploredVariants(records: [], entries: [], windows: [], annotations: [:], notes: [])
        while let variant = try reader.next() {
            guard variants.entries.count < ExploredVariants.limit else {
                variants.notes.append("showing the first \(ExploredVariants.limit) variants of \(Self.fileName(vcf)) (bcftools view -r picks others)")
                break
            }
            let windows = try Variant.located(reader) { try variant.windows(length: length, genome: genome) }
            let centre = windows.referenceAllele.lowerBound
            let alternative = windows.reference.indices.filter { windows.reference[$0] != windows.alternative[$0] }
                .map { Substitution(position: $0, reference: windows.reference[$0], alternative: windows.alternative[$0]) }
            let record = SequenceRecord(id: Self.recordID(variant), description: variant.id == "." ? "" : variant.id, sequence: windows.reference)
            variants.records.append(record)
            variants.entries.append(VariantEntry(variant: variant, position: centre, alternative: alternative))
            variants.windows.append(windows)
        }
        guard !variants.records.isEmpty else {
            throw ExplorerError("\(vcf) has no variants to explore")
        }
        if reader.skippedAlleles > 0 {
            variants.notes.append("skipped \(reader.skippedAlleles) ALT allele\(reader.skippedAlleles == 1 ? "" : "s") that are not bases (symbolic <DEL>, *, breakends)")
        }
        variants.records = SequenceRecord.uniquingIDs(variants.records)
        for (record, entry) in zip(variants.records, variants.entries) {
            let allele = entry.position ..< min(length, entry.position + max(1, entry.variant.reference.utf8.count))
            variants.annotations[record.id] = [Annotation(positions: allele, label: Self.short(entry.variant.reference) + ">" + Self.short(entry.variant.alternative))]
        }
        return variants
    }

    /// `chrom:POS:REF>ALT` (VCF's 1-based POS), long alleles cut.
    static func recordID(_ variant: GenomicVariant) -> String {
        "\(variant.chromosome):\(variant.vcfPosition):\(short(variant.reference))>\(short(variant.alternative))"
    }

    /// An allele of up to 8 bases as it is, a longer one as its first 5 and its length.
    private static func short(_ allele: String) -> String {
        allele.count <= 8 ? allele : "\(allele.prefix(5))…(\(allele.count))"
    }

    /// What --genome/--vcf take and refuse in the explorer.
    func validateVariants() throws {
        guard variantOptions.vcf != nil else {
            if variantOptions.forwardOnly { throw ValidationError("--no-rc scores the variant list of --vcf; give --genome G.fa --vcf calls.vcf") }
            return
        }
        if genome.genome == nil { throw ValidationError("--vcf needs the genome its positions refer to: --genome G.fa") }
        if fasta != nil || session != nil || fit.pad != nil || fit.crop != nil || !genome.regionTexts.isEmpty || genome.regions != nil || locusOptions.locus {
            throw ValidationError("--vcf opens one record per variant of --genome: drop the FASTA, --session, --region(s), --locus, --pad and --crop")
        }
    }
}
