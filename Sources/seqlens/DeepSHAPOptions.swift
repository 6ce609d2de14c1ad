import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation

/// `attr --method deepshap`: its references, hypothetical contributions and the convergence check.
struct DeepSHAPOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "DeepSHAP: references instead of dinucleotide shuffles (residue shuffles for proteins): a FASTA file (every record a reference for every sequence; N allowed) or a one-hot .npy array, (K, A, L) for every sequence or (N, K, A, L), K per sequence.",
        valueName: "file"))
    var references: String?
    @Flag(help: "DeepSHAP: hypothetical contributions of every base at every position (what TF-MoDISco reads), not only the present base's.")
    var hypothetical = false
    @Option(help: ArgumentHelp(
        "DeepSHAP: flag a sequence when |Σ attributions − (f(x) − mean f(references))| exceeds this fraction of |f(x) − mean f(references)| (taken as at least 0.001).",
        valueName: "fraction"))
    var convergenceTolerance: Float = DeepSHAP.defaultTolerance

    func validate() throws {
        try OptionLimits.check(Double(convergenceTolerance), atLeast: 0, option: "--convergence-tolerance")
    }

    /// Refuses the DeepSHAP-only options with another method.
    func refuseUnlessDeepSHAP(_ method: AttributionMethod) throws {
        guard method != .deepshap else { return }
        if references != nil || hypothetical {
            throw InterpretationError("--references and --hypothetical apply to --method deepshap, not \(method.rawValue)")
        }
    }

    /// The references `--references` names, one-hot channels-first; nil without it.
    func givenReferences(model: SequenceModel, length: Int) throws -> Tensor<Float>? {
        guard let path = references else { return nil }
        if path.lowercased().hasSuffix(".npy") {
            try refuseIfNotRegularFile(path, kind: "a .npy file")
            switch try NPY.read(contentsOf: URL(fileURLWithPath: path)) {
            case .float(let tensor): return tensor
            case .int(let tensor): return Tensor(shape: tensor.shape, scalars: tensor.scalars.map(Float.init))
            }
        }
        let records = try readRecords(path, alphabet: nil)
        guard !records.isEmpty else { throw InterpretationError("\(path): no FASTA records; give references of \(length) nt") }
        let allowed = Set(model.alphabet.letters + [UInt8(ascii: "N")])
        for record in records {
            guard record.length == length else {
                throw InterpretationError("\(path): reference '\(record.id)' has \(record.length) nt but the sequences have \(length); references must have their length")
            }
            if let letter = record.sequence.first(where: { !allowed.contains($0) }) {
                throw InterpretationError("\(path): reference '\(record.id)' has the letter '\(String(UnicodeScalar(letter)))', outside \(model.alphabet.lettersString) and N; give references in the model's alphabet")
            }
        }
        return Tensor(shape: [records.count, model.alphabet.size, length], scalars: try OneHot.encode(records, alphabet: model.alphabet, layout: .channelsFirst))
    }

    /// One summary line on stderr, and a warning line for each flagged sequence naming the nodes
    /// that break additivity.
    func report(_ result: DeepSHAPResult, records: [SequenceRecord], alphabet: Alphabet) {
        let ids = records.map(\.id)
        let unruled = result.nodesWithoutRule.map(\.description).joined(separator: ", ")
        for (index, id) in ids.enumerated() where result.flagged[index] {
            let difference = result.outputDifferences[index], delta = result.convergence[index]
            let ambiguous = records[index].sequence.filter { !alphabet.letters.contains($0 & 0xDF) }.count
            // An all-zero column's share (its reference letters' part) falls on no base, as in tangermeme.
            let cause = !unruled.isEmpty ? "nodes without a DeepLIFT rule: \(unruled)"
                : ambiguous > 0 ? "its \(ambiguous) N position\(ambiguous == 1 ? "" : "s") carry no attribution, though their change from the references counts"
                : "every node had a rule (float32 rounding, or a rule's gradient where an input barely changed)"
            warn("warning: '\(id)': DeepSHAP does not converge: Σ attributions − (f(x) − mean f(ref)) = \(format(delta)) for f(x) − mean f(ref) = \(format(difference)) (\(percent(delta, difference))); \(cause)")
        }
        let worst = result.convergence.indices.max { abs(result.convergence[$0]) < abs(result.convergence[$1]) }
        guard let worst else { return }
        let flagged = result.flagged.filter { $0 }.count
        warn("deepshap: \(ids.count) sequence\(ids.count == 1 ? "" : "s"), largest |convergence| \(format(abs(result.convergence[worst]))) ('\(ids[worst])', \(percent(result.convergence[worst], result.outputDifferences[worst])) of its difference); \(flagged) flagged above \(convergenceTolerance)")
    }

    private func format(_ value: Float) -> String { String(format: "%.3g", value) }

    private func percent(_ delta: Float, _ difference: Float) -> String {
        difference == 0 ? "of a zero difference" : String(format: "%.2g%%", 100 * abs(delta / difference))
    }
}
