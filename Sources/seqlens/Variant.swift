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
        Every mutation is scored on its own, on every record (or the one chosen with --record). \
        Output: TSV with record, mutation, task, reference, alternative, delta (alternative − reference).

        Examples:
          seqlens variant MODEL.onnx seqs.fa --mutations '57:A>G'
          seqlens variant MODEL.onnx seqs.fa --mutations '57:A>G,60:C>T' --record enhancer_3 -o effects.tsv
        """
    )

    @Argument(help: "An ONNX model file.") var model: String
    @Argument(help: "A FASTA file.") var fasta: String
    @Option(parsing: .upToNextOption, help: "Substitutions POS:REF>ALT, comma- or space-separated.") var mutations: [String]
    @Option(help: "Only this record (id or 0-based index).") var record: String?
    @Option(name: .shortAndLong, help: "Write the TSV here instead of stdout.") var output: String?
    @OptionGroup var fit: FitOptions
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        try reportingErrors {
            let substitutions = try mutations.flatMap { $0.split(separator: ",") }.map { try Substitution(parsing: String($0)) }
            let model = try loadModel(self.model)
            var records = try readRecords(fasta, alphabet: model.alphabet)
            if let record {
                guard let chosen = records.first(where: { $0.id == record }) ?? Int(record).flatMap({ records.indices.contains($0) ? records[$0] : nil }) else {
                    throw InterpretationError("no record '\(record)' in \(fasta)")
                }
                records = [chosen]
            }
            records = try model.fixedLength.map { try fit.lengthFit.fit(records, to: $0).map(\.record) } ?? records
            let effects = try VariantEffect.score(model: model, records: records, substitutions: substitutions, batchSize: compute.batch, threads: compute.threads)
            let tasks = try model.taskNames(length: records[0].length)
            var text = "record\tmutation\ttask\treference\talternative\tdelta\n"
            for effect in effects {
                for (t, task) in tasks.enumerated() {
                    text += "\(effect.record)\t\(effect.substitution)\t\(task)\t\(effect.reference[t])\t\(effect.alternative[t])\t\(effect.difference[t])\n"
                }
            }
            if let output {
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                    throw InterpretationError("\(output): cannot write (\((error as NSError).localizedDescription))")
                }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}
