import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation

struct Variant: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score substitutions: reference and alternative predictions for every task.",
        discussion: """
        Each mutation is POS:REF>ALT with a 0-based position; REF must be the record's base there. \
        Every mutation is scored on its own, on every record, so with several records pick the one \
        the positions refer to with --record (an id or a 0-based index). Output: TSV with \
        record, mutation, task, reference, alternative, delta (alternative − reference). \
        Positions are the record's own, also after --pad/--crop.

        Near 0 and 1 a probability barely moves, so deltas between saturated predictions \
        (above 0.99 or below 0.01) shrink; --logits scores the pre-activation output instead.

        Examples:
          seqlens variant MODEL.onnx seqs.fa --mutations '57:A>G'
          seqlens variant MODEL.onnx seqs.fa --mutations '57:A>G,60:C>T' \\
              --record enhancer_3 -o effects.tsv
          seqlens variant MODEL.onnx seqs.fa --mutations '57:A>G' --logits
          seqlens variant bpnet.onnx seqs.fa --mutations '57:A>G' --target counts
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file.") var fasta: String
    @Option(parsing: .upToNextOption, help: "Substitutions POS:REF>ALT, comma- or space-separated.") var mutations: [String]
    @Option(help: ArgumentHelp("Only this record: an id or a 0-based index.", valueName: "id|index")) var record: String?
    @Option(name: .shortAndLong, help: "Write the TSV here (a .tsv file) instead of stdout.") var output: String?
    @Option(help: targetHelp) var target: String?
    @OptionGroup var logitsOption: LogitsOption
    @OptionGroup var extraInputs: ExtraInputOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let output { try validateOutput(output, formats: ["tsv"]) }
    }

    func run() throws {
        let substitutions = try mutations.flatMap { $0.split(separator: ",") }.map { try Substitution(parsing: String($0)) }
        let loaded = try loadModel(self.model, inputs: extraInputs)
        let read = try readRecords(fasta, alphabet: loaded.alphabet, choosing: record)
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
