import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation

struct Variant: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score variants: a VCF's on a genome, or substitutions in FASTA records.",
        discussion: """
        With --genome and --vcf: every SNV and indel of the VCF (plain or bgzip-compressed; \
        --region CHROM:START-END, 1-based as samtools writes it, reads one region through \
        its tabix index), each in a window of the model's \
        length centred on its first REF base. REF must be the genome's bases there. After an \
        indel the alternative window's right part shifts (a deletion pulls bases in from the \
        right, an insertion pushes them out), as tangermeme's deletion_effect and \
        insertion_effect do. Both strands are scored and averaged, as ChromBPNet's variant \
        scorer does (--no-rc: the forward strand only). A line with several ALTs is one \
        variant per ALT; symbolic ALTs (<DEL>, *, breakends) are skipped and counted on stderr. \
        Output: TSV with chrom, pos (the VCF's 1-based POS), id, ref, alt, task, ref_score, \
        alt_score, delta (alt − ref), log2fc and jsd, one row per task: every task of every \
        output, or the --target. log2fc is log2(alt/ref) (NA unless both are positive); for \
        scores that are natural logs (the counts head beside a profile head, as in BPNet and \
        ChromBPNet, or --logits) it is (alt − ref)/ln 2, ChromBPNet's logfc. jsd: for a \
        profile output (two axes: tracks × bins, read as logits), the Jensen-Shannon distance \
        (base 2, 0 to 1) between the reference's and the alternative's softmax over tracks × \
        bins. Rows are written as variants are scored; -o FILE appears only when all are.

        With a FASTA: each mutation is POS:REF>ALT with a 0-based position; REF must be the record's base there. \
        Every mutation is scored on its own, on every record, so with several records pick the one \
        the positions refer to with --record (an id or a 0-based index). Output: TSV with \
        record, mutation, task, reference, alternative, delta (alternative − reference). \
        Positions are the record's own, also after --pad/--crop. For a protein model a mutation \
        is REF RESIDUE ALT as protein substitutions are written, e.g. A24G, the residue \
        numbered from 1 as UniProt, EVmutation and `seqlens score` count (the one place \
        seqlens counts from 1); 23:A>G is the same substitution 0-based. --vcf and --genome \
        are DNA only.

        Near 0 and 1 a probability barely moves, so deltas between saturated predictions \
        (above 0.99 or below 0.01) shrink; --logits scores the pre-activation output instead.

        --shard I/N scores the I-th of N blocks of the records; `seqlens merge` joins the outputs.

        Examples:
          seqlens variant MODEL.onnx --genome hg38.fa --vcf calls.vcf.gz -o effects.tsv
          seqlens variant chrombpnet.onnx --genome hg38.fa --vcf calls.vcf.gz \\
              --region chr22:16000000-17000000 --no-rc
          seqlens variant MODEL.onnx seqs.fa --mutations '57:A>G'
          seqlens variant MODEL.onnx seqs.fa --mutations '57:A>G,60:C>T' \\
              --record enhancer_3 -o effects.tsv
          seqlens variant MODEL.onnx seqs.fa --mutations '57:A>G' --logits
          seqlens variant bpnet.onnx seqs.fa --mutations '57:A>G' --target counts
          seqlens variant protein.onnx proteins.fa --mutations A24G,K30R
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file (with --mutations).") var fasta: String?
    @Option(parsing: .upToNextOption, help: "Substitutions POS:REF>ALT (0-based) in the FASTA's records, or for proteins A24G (residues from 1); comma- or space-separated.") var mutations: [String] = []
    @OptionGroup var vcfOptions: VariantVCFOptions
    @Option(help: ArgumentHelp("Only this record: an id or a 0-based index.", valueName: "id|index")) var record: String?
    @Option(name: .shortAndLong, help: "Write the TSV here (a .tsv file) instead of stdout.") var output: String?
    @Option(help: targetHelp) var target: String?
    @OptionGroup var logitsOption: LogitsOption
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let output { try validateOutput(output, formats: ["tsv"]) }
        try vcfOptions.validate(fasta: fasta, mutations: mutations, record: record, fit: fit)
    }

    func run() throws {
        if vcfOptions.vcf != nil { return try runVCF() }
        guard let fasta else { throw CommandFailure("give a FASTA with --mutations, or --genome and --vcf") }
        try refuseSwappedArguments(model: model, fasta: fasta)
        let loaded = try loadModel(self.model, inputs: extraInputs)
        let substitutions = try mutations.flatMap { $0.split(separator: ",") }.map { try Substitution(parsing: String($0), alphabet: loaded.alphabet) }
        let read = try sharding.select(readRecords(fasta, alphabet: loaded.alphabet, choosing: record), batch: compute.batch, what: "records in \(fasta)")
        if read.count > 1 {
            // A mutation rarely fits every record: say how to pick the one it was written for.
            for record in read {
                for substitution in substitutions {
                    do { try substitution.check(in: record) } catch let error as GenomicsError {
                        throw InterpretationError("\(error.description); each mutation is applied to all \(read.count) records of \(fasta): pick one with --record ID|INDEX")
                    }
                }
            }
        }
        let inputs = try fitToModel(read, model: loaded, fit: fit)
        // Without --target a one-axis output reports every task, as ever.
        let targeted = try target.map { try loaded.resolveTarget($0, length: inputs[0].record.length, allowingAll: true) }
            ?? TargetedModel(model: loaded.resolveTarget(nil, length: inputs[0].record.length).model, task: nil)
        let model = try logitsOption.apply(to: targeted.model, length: inputs[0].record.length)
        let effects = try VariantEffect.score(model: model, records: inputs.map(\.record), substitutions: substitutions, origins: inputs.map(\.origin),
                                              batchSize: compute.batch, threads: compute.threads)
        let tasks = try model.taskNames(length: inputs[0].record.length)
        var text = "record\tmutation\ttask\treference\talternative\tdelta\n"
        for effect in effects {
            for (t, task) in tasks.enumerated() where targeted.task.map({ $0 == t }) ?? true {
                text += "\(effect.record)\t\(effect.substitution)\t\(task)\t\(effect.reference[t])\t\(effect.alternative[t])\t\(effect.difference[t])\n"
            }
        }
        if let output {
            try writeTextFile(text, to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
