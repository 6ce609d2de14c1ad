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
