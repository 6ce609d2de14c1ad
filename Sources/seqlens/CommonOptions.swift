import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation

/// Options every command that runs a model shares.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Sequences per forward pass.")
    var batch: Int = 64

    @Option(help: "CPU threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        guard threads > 0 else { throw ValidationError("--threads must be at least 1") }
    }
}

/// How to fit records to a fixed-length model.
struct FitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Pad shorter records to the model's length with all-zero columns.", valueName: "center|left|right"))
    var pad: FitAnchor?

    @Option(help: ArgumentHelp("Crop longer records to the model's length.", valueName: "center|left|right"))
    var crop: FitAnchor?

    var lengthFit: LengthFit { LengthFit(pad: pad, crop: crop) }
}

extension FitAnchor: ExpressibleByArgument {}

/// Runs a command body, turning the engine's errors into one line on stderr and exit status 2.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as InferenceError {
        fail(error.description)
    } catch let error as GenomicsError {
        fail(error.description)
    } catch let error as InterpretationError {
        fail(error.description)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("seqlens: error: \(message)\n".utf8))
    exit(2)
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("seqlens: \(message)\n".utf8))
}

/// Loads a model, naming the path in every error.
func loadModel(_ path: String, outputName: String? = nil) throws -> SequenceModel {
    try SequenceModel(contentsOf: URL(fileURLWithPath: path), outputName: outputName)
}

/// Reads FASTA records and warns (stderr) about letters that encode as zero columns.
func readRecords(_ path: String, alphabet: Alphabet) throws -> [SequenceRecord] {
    let records = try FASTAReader.read(contentsOf: URL(fileURLWithPath: path))
    if let warning = SequenceRecord.ambiguityWarning(records: records, alphabet: alphabet) { warn(warning) }
    return records
}

/// Reads the FASTA, fits records to a fixed-length model, and requires one common length
/// (per-position arrays need it).
func readEqualLengthRecords(_ path: String, model: SequenceModel, fit: FitOptions) throws -> [SequenceRecord] {
    let records = try readRecords(path, alphabet: model.alphabet)
    let fitted = try model.fixedLength.map { try fit.lengthFit.fit(records, to: $0).map(\.record) } ?? records
    if let first = fitted.first, let other = fitted.first(where: { $0.length != first.length }) {
        throw InterpretationError("records differ in length ('\(first.id)' has \(first.length) nt, '\(other.id)' has \(other.length) nt); per-position arrays need one length: split the file, or --pad/--crop to a fixed-length model")
    }
    return fitted
}

/// A task given by index or by name; the error lists the tasks.
func resolveTarget(_ text: String, tasks: [String]) throws -> Int {
    if let index = Int(text), tasks.indices.contains(index) { return index }
    if let index = tasks.firstIndex(of: text) { return index }
    let listing = tasks.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")
    throw InterpretationError("target '\(text)' is not a task of this model; tasks: \(listing)")
}

/// Checks an output path's extension up front, before any work.
func validateOutput(_ path: String, formats: [String]) throws {
    let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
    guard formats.contains(ext) else {
        throw ValidationError("--output must end in \(formats.map { ".\($0)" }.joined(separator: ", ")) (got '\(path)')")
    }
}
