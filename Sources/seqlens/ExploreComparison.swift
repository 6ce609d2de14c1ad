import ExplorerCore
import ExplorerRuntime
import Foundation
import Genomics
import Interpretation

/// `seqlens explore MODEL MODEL2 FASTA`: the second model, drawn under the first (ExplorerCore's
/// Comparison.swift). It is loaded as the first is (--output-name, --target, --input, --pad,
/// --crop apply to both), fitted to its own length; it must read the same alphabet.
extension Explore {
    /// MODEL FASTA, or MODEL MODEL2 FASTA; with --genome, MODEL or MODEL MODEL2.
    var inputPaths: (comparedModel: String?, fasta: String?) {
        comparedFasta == nil && genome.genome == nil ? (nil, fasta) : (fasta, comparedFasta)
    }

    /// Loads the model at `path` into `state` as the one to compare with, and returns it.
    func compare(_ state: inout ExplorerState, with path: String, primary: (path: String, model: SequenceModel),
                 records: [SequenceRecord]) throws -> SequenceModel {
        let name = Self.fileName(path)
        let loaded = try loadModel(path, outputName: outputName, inputs: extraInputs)
        guard loaded.alphabet == primary.model.alphabet else {
            throw ExplorerError("\(name) reads \(loaded.alphabet.displayName) and \(Self.fileName(primary.path)) \(primary.model.alphabet.displayName): two models side by side must share the alphabet; compare models of one kind")
        }
        let windows: [ModelWindow]
        do {
            windows = try loaded.fixedLength.map { length in try records.map { try fit.lengthFit.window(for: $0, inputLength: length) } }
                ?? records.map { ModelWindow.whole($0.length) }
        } catch {
            throw ExplorerError("\(name) (the second model): \(error)")
        }
        let model = try loaded.resolveTarget(target, length: windows[0].inputLength).model
        let profile = model.target.flatMap { $0.binCount > 1 ? ProfileTrack(label: $0.label) : nil }
        state.compare(with: ComparisonModel(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                                            taskNames: try model.taskNames(length: windows[0].inputLength), windows: windows,
                                            outputsProbabilities: model.outputsProbabilities, profileTrack: profile))
        return model
    }
}

/// As `refuseSwappedArguments(model:fasta:)`, and a second model without a FASTA file after it.
func refuseSwappedArguments(model: String, fasta: String, comparedModel: String?) throws {
    guard let comparedModel else {
        try refuseSwappedArguments(model: model, fasta: fasta)
        if URL(fileURLWithPath: fasta).pathExtension.lowercased() == "onnx" {
            throw CommandFailure("\(URL(fileURLWithPath: fasta).lastPathComponent) is an ONNX model: to compare two models give the FASTA file third (MODEL MODEL2 FASTA)")
        }
        return
    }
    try refuseSwappedArguments(model: model, fasta: fasta)
    try refuseSwappedArguments(model: comparedModel, fasta: fasta)
}
