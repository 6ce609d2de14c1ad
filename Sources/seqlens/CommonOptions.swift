import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation
import Rendering

/// Options every command that runs a model shares.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Sequences per forward pass, at most 4096.")
    var batch: Int = 64

    // Optional so that --help says "all cores" rather than this machine's count.
    @Option(name: .customLong("threads"), help: "CPU threads, at most 256; more than the cores (or than a `ulimit -v` leaves room for) run as that many (default: all cores).")
    var requestedThreads: Int?

    var threads: Int { ThreadBudget.threads(requested: requestedThreads, cores: ProcessInfo.processInfo.activeProcessorCount) }

    func validate() throws {
        try OptionLimits.check(batch, in: OptionLimits.batch, option: "--batch")
        if let requestedThreads { try OptionLimits.check(requestedThreads, in: OptionLimits.threads, option: "--threads") }
    }
}

/// A command that runs a model with `ComputeOptions`: given several threads, it has the
/// matrix-product kernels written while it reads the model (`BLAS.prepareInBackground`).
protocol RunsModel {
    var compute: ComputeOptions { get }
}

extension Attr: RunsModel {}
extension Benchmark: RunsModel {}
extension CREMECommand: RunsModel {}
extension Dependency: RunsModel {}
extension DesignCommand: RunsModel {}
extension FiltersCommand: RunsModel {}
extension GIA: RunsModel {}
extension HeatmapCommand: RunsModel {}
extension ISM: RunsModel {}
extension LogoCommand: RunsModel {}
extension Predict: RunsModel {}
extension RobustnessCommand: RunsModel {}
extension SeqletsCommand: RunsModel {}
extension Variant: RunsModel {}

/// How to fit records to a fixed-length model.
struct FitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Pad shorter records to the model's length with all-zero columns.", valueName: "center|left|right"))
    var pad: FitAnchor?

    @Option(help: ArgumentHelp("Crop longer records to the model's length.", valueName: "center|left|right"))
    var crop: FitAnchor?

    var lengthFit: LengthFit { LengthFit(pad: pad, crop: crop) }
}

extension FitAnchor: ExpressibleByArgument {}

/// `--logits`: read the pre-activation output, bypassing a final Sigmoid/Softmax.
struct LogitsOption: ParsableArguments {
    @Flag(help: "Use the pre-activation output (bypass a final Sigmoid/Softmax); logits do not saturate near 0 and 1.")
    var logits = false

    /// The model whose output the command reads: its logits when asked.
    func apply(to model: SequenceModel, length: Int) throws -> SequenceModel {
        logits ? try model.logits(length: length) : model
    }
}

/// A record as the model sees it (fitted with --pad/--crop), with the way back to the record's
/// own positions: every output is in those.
struct ModelInput {
    /// The fitted record: what the model is given.
    var record: SequenceRecord
    /// Where it lies among the record's own positions (Genomics' one mapping, as the explorer uses).
    var window: ModelWindow

    /// The record's own position of column 0: negative after padding on the left, positive after cropping.
    var origin: Int { window.start }
    /// The record's own length.
    var ownLength: Int { window.recordLength }

    func isPadding(column: Int) -> Bool { !window.recordPositions.contains(origin + column) }

    /// The bases for figures, padding as padding (not as N).
    var figureSequence: [UInt8] {
        record.sequence.indices.map { isPadding(column: $0) ? SequenceRow.padding : record.sequence[$0] }
    }

    /// How the record was fitted, for a figure's notes; nil when it was not.
    var fitNote: String? {
        let length = record.length
        if let padding = paddingNote(origin: origin, width: length, ownLength: ownLength) {
            return "\(record.id) is \(ownLength) nt, padded to the model's \(length): \(padding)"
        }
        if ownLength > length {
            return "\(record.id) is \(ownLength) nt, cropped to the model's \(length): positions \(origin) to \(origin + length - 1)"
        }
        return nil
    }
}

/// "positions -40 to -1 and 120 to 159 are padding (·)": which of `width` positions from `origin`
/// lie outside a record of `ownLength`; nil when none do.
func paddingNote(origin: Int, width: Int, ownLength: Int) -> String? {
    let end = origin + width
    let parts = [(origin, min(0, end)), (max(ownLength, origin), end)].filter { $0 < $1 }.map { "\($0) to \($1 - 1)" }
    return parts.isEmpty ? nil : "positions \(parts.joined(separator: " and ")) are padding (\(SequenceRow.paddingGlyph))"
}

/// Fits records to a fixed-length model (as they are for any-length models), warning in one line
/// when padding makes up more than half of what the model sees.
func fitToModel(_ records: [SequenceRecord], model: SequenceModel, fit: FitOptions) throws -> [ModelInput] {
    let inputs = try records.map { try fitRecord($0, model: model, fit: fit) }
    // The explorer says the same on its first screen.
    if let warning = ModelWindow.heavyPaddingWarning(ids: records.map(\.id), windows: inputs.map(\.window)) { warn(warning) }
    return inputs
}

/// One record fitted to a fixed-length model (as it is for an any-length model), without warning.
func fitRecord(_ record: SequenceRecord, model: SequenceModel, fit: FitOptions) throws -> ModelInput {
    guard let length = model.fixedLength else { return ModelInput(record: record, window: .whole(record.length)) }
    let fitted = try fit.lengthFit.fit(record, to: length)
    return ModelInput(record: fitted.record, window: ModelWindow(recordLength: record.length, inputLength: length, start: -fitted.offset))
}

/// `--range START:END` in a record's own positions: 0-based, end excluded, either end optional
/// (`40:50` is ten bases; `:50`, `40:`). The text is kept as given and read by `columns`, so a
/// malformed range gets seqlens's one-line error, not the argument parser's usage text.
struct PositionRange: ExpressibleByArgument {
    var text: String
    /// The option the range came from, for messages (`design --freeze` reads ranges too).
    var option = "--range"

    init(argument: String) { text = argument }

    /// The columns of a model input that the range covers; open ends reach the input's ends.
    func columns(of input: ModelInput) throws -> Range<Int> {
        let fitted = input.origin != 0 || input.ownLength != input.record.length
        return try columns(length: input.record.length, origin: input.origin, context: fitted ? " of record '\(input.record.id)' that the model sees" : "")
    }

    /// The columns of each input, one width for all (arrays need it); nil range: every column.
    static func columns(_ range: PositionRange?, of inputs: [ModelInput]) throws -> [Range<Int>] {
        let windows = try inputs.map { try range?.columns(of: $0) ?? 0 ..< $0.record.length }
        if let range, let first = windows.first, let other = zip(inputs, windows).first(where: { $1.count != first.count }) {
            throw InterpretationError("\(range.option) \(range.text) covers \(first.count) positions of '\(inputs[0].record.id)' but \(other.1.count) of '\(other.0.record.id)' (fitted differently); give both ends")
        }
        return windows
    }

    /// The columns of `length` columns whose first is position `origin`.
    /// - Parameter context: what the positions are, after "positions A to B".
    func columns(length: Int, origin: Int = 0, context: String = "") throws -> Range<Int> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let bounds = parts.map { $0.isEmpty ? Optional<Int>.none : Int($0) }
        guard parts.count == 2, zip(parts, bounds).allSatisfy({ $0.isEmpty || $1 != nil }) else {
            throw InterpretationError("\(option) '\(text)' is not START:END with whole numbers (0-based, end excluded: 40:50 is ten bases; :50 and 40: leave an end open)")
        }
        let first = bounds[0] ?? origin, last = bounds[1] ?? origin + length
        guard first < last else {
            throw InterpretationError("\(option) \(text) is empty: START must be less than END (0-based, end excluded: 40:50 is ten bases)")
        }
        guard first >= origin, last <= origin + length else {
            throw InterpretationError("\(option) \(text) is outside positions \(origin) to \(origin + length)\(context) (0-based, end excluded)")
        }
        return first - origin ..< last - origin
    }
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("seqlens: \(message)\n".utf8))
}

/// Refuses a protein model where a command or option works on DNA only (strands, dinucleotide
/// backgrounds, DNA motifs), in one line: `what` says what it does, `instead` what to do.
func refuseProteinModel(_ model: SequenceModel, _ what: String, instead: String) throws {
    guard !model.alphabet.isNucleic else { return }
    throw CommandFailure("\(what) but \(model.url.lastPathComponent) reads protein (\(model.alphabet.lettersString)); \(instead)")
}

/// Loads a model, naming the path in every error, with the arrays `--input` gives its extra inputs.
func loadModel(_ path: String, outputName: String? = nil, inputs: ExtraInputOptions? = nil) throws -> SequenceModel {
    try refuseIfNotRegularFile(path, kind: "an ONNX model")
    let model = try SequenceModel(contentsOf: URL(fileURLWithPath: path), outputName: outputName)
    return try inputs?.apply(to: model) ?? model
}

/// `--input NAME=FILE.npy`: arrays for a model's inputs besides the sequence (control tracks,
/// bias models); zeros for those not given.
struct ExtraInputOptions: ParsableArguments {
    @Option(name: .customLong("input"), help: ArgumentHelp(
        "An array for a model input besides the sequence (a control track): one sequence's worth, fed to every record; repeatable. Inputs not given are zeros.",
        valueName: "name=file.npy"))
    var arrays: [String] = []

    func apply(to model: SequenceModel) throws -> SequenceModel {
        guard !arrays.isEmpty else { return model }
        var values: [String: Tensor<Float>] = [:]
        for text in arrays {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw InterpretationError("--input '\(text)' is not NAME=FILE.npy (NAME an input of the model, as seqlens inspect lists them)")
            }
            try refuseIfNotRegularFile(parts[1], kind: "a .npy file")
            switch try NPY.read(contentsOf: URL(fileURLWithPath: parts[1])) {
            case .float(let tensor): values[parts[0]] = tensor
            case .int(let tensor): values[parts[0]] = Tensor(shape: tensor.shape, scalars: tensor.scalars.map(Float.init))
            }
        }
        return try model.feeding(values)
    }
}

/// The help of every command's `--target`.
let targetHelp = ArgumentHelp(
    "What to read: a task (an index or a name, any letter case), or OUTPUT:KEY=VALUE,… with keys track (name or index), bins (START:END), reduce (sum, mean or profile) and axes; e.g. 'profile:track=0,bins=400:600,reduce=profile'. seqlens inspect MODEL lists the outputs; README, Targets, tells more.",
    valueName: "target")

/// Reads FASTA records, all of them or the one `--record` names (an id or a 0-based index).
/// Repeated ids are renamed (see `SequenceRecord.uniquingIDs`); warnings (stderr) concern only
/// the records returned. A record of the other kind (protein for a DNA model, DNA for a protein
/// one) is refused and letters outside `alphabet` are warned about here; nil leaves that to a
/// caller that picks its record later (`show`), so only the record used is warned about.
func readRecords(_ path: String, alphabet: Alphabet?, choosing record: String? = nil) throws -> [SequenceRecord] {
    try refuseIfNotRegularFile(path, kind: "a FASTA file")
    let read = try FASTAReader.read(contentsOf: URL(fileURLWithPath: path))
    let unique = SequenceRecord.uniquingIDs(read)
    var records = unique, originals = read
    if let record {
        let index = try recordIndex(record, in: unique, source: path)
        records = [unique[index]]
        originals = [read[index]]
    }
    let duplicated = Set(SequenceRecord.duplicateIDs(in: read))
    if originals.contains(where: { duplicated.contains($0.id) }), let warning = SequenceRecord.duplicateWarning(records: read) { warn(warning) }
    if let alphabet {
        try alphabet.refuseOtherKind(unique, source: path)
        if let warning = SequenceRecord.ambiguityWarning(records: records, alphabet: alphabet) { warn(warning) }
    }
    return records
}

/// The record `--record` names: an id first, then a 0-based index.
func recordIndex(_ record: String, in records: [SequenceRecord], source: String) throws -> Int {
    if let index = records.firstIndex(where: { $0.id == record }) { return index }
    let range = "an index from 0 to \(records.count - 1)"
    if let number = Int(record) {
        guard records.indices.contains(number) else {
            throw GenomicsError("--record \(number) is out of range: \(source) has \(records.count) record\(records.count == 1 ? "" : "s"); give an id or \(range)")
        }
        return number
    }
    throw GenomicsError("no record '\(record)' in \(source); give an id or \(range)")
}

/// Reads the FASTA, fits records to a fixed-length model, and requires one common length
/// (per-position arrays need it).
func readEqualLengthRecords(_ path: String, model: SequenceModel, fit: FitOptions) throws -> [ModelInput] {
    try equalLengthInputs(readRecords(path, alphabet: model.alphabet), model: model, fit: fit)
}

/// Fits records to a fixed-length model, and requires one common length (per-position arrays need it).
func equalLengthInputs(_ records: [SequenceRecord], model: SequenceModel, fit: FitOptions) throws -> [ModelInput] {
    let fitted = try fitToModel(records, model: model, fit: fit)
    if let first = fitted.first?.record, let other = fitted.map(\.record).first(where: { $0.length != first.length }) {
        throw InterpretationError("records differ in length ('\(first.id)' has \(first.length) nt, '\(other.id)' has \(other.length) nt); per-position arrays need one length: split the file, or --pad/--crop to a fixed-length model")
    }
    return fitted
}

/// Checks an output path's extension up front, before any work.
func validateOutput(_ path: String, formats: [String]) throws {
    let url = URL(fileURLWithPath: path)
    guard formats.contains(url.pathExtension.lowercased()) else {
        let extensions = formats.map { ".\($0)" }
        let listing = extensions.count > 1 ? extensions.dropLast().joined(separator: ", ") + " or " + extensions.last! : extensions[0]
        throw ValidationError("--output must end in \(listing) (got '\(url.lastPathComponent)')")
    }
}

/// Commands whose arguments are MODEL FASTA: `Seqlens.main` checks the order before running them.
protocol TakesModelAndFASTA {
    var model: String { get }
    var fasta: String { get }
}

extension TakesModelAndFASTA {
    func checkArgumentOrder() throws { try refuseSwappedArguments(model: model, fasta: fasta) }
}


/// Refuses MODEL and FASTA given the other way round (a newcomer's mistake that would otherwise
/// read as "not a valid ONNX model"). Told from the content: FASTA text starts with '>'.
func refuseSwappedArguments(model: String, fasta: String) throws {
    // Sniffing the content opens the files: a FIFO would block here.
    try refuseIfNotRegularFile(model, kind: "an ONNX model")
    try refuseIfNotRegularFile(fasta, kind: "a FASTA file")
    guard looksLikeFASTA(model) else { return }
    let name = URL(fileURLWithPath: model).lastPathComponent
    if URL(fileURLWithPath: fasta).pathExtension.lowercased() == "onnx" || looksLikeONNX(fasta) {
        throw CommandFailure("the first argument (\(name)) is a FASTA file and the second (\(URL(fileURLWithPath: fasta).lastPathComponent)) an ONNX model; the order is MODEL FASTA")
    }
    throw CommandFailure("the first argument (\(name)) is a FASTA file, not an ONNX model; the order is MODEL FASTA")
}

/// The first bytes of a file (empty when it cannot be read).
private func leadingBytes(_ path: String, count: Int = 512) -> Data {
    guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
    defer { try? handle.close() }
    return (try? handle.read(upToCount: count)) ?? Data()
}

private func looksLikeFASTA(_ path: String) -> Bool {
    leadingBytes(path).first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: ">")
}

/// An ONNX ModelProto opens with field 1, ir_version, a varint: tag byte 0x08.
private func looksLikeONNX(_ path: String) -> Bool {
    leadingBytes(path).first == 0x08
}

/// The colours of a figure: shared by every command that draws one.
struct ColorOptions: ParsableArguments {
    @Option(name: .customLong("scheme"), help: ArgumentHelp("Colours: classic (letters A green, C blue, G orange, T red; heatmap blue–red) or colorblind (Okabe–Ito letters; heatmap blue–orange); for proteins chemistry (the default), hydrophobicity (logomaker's) or colorblind (Okabe–Ito by chemistry group).", valueName: "scheme"))
    var requestedScheme: LogoColorScheme?

    /// The scheme for figures of `alphabet`: --scheme, or its default (classic for DNA, chemistry
    /// for proteins); one line when --scheme colours the other kind of letters.
    func scheme(for alphabet: Alphabet) throws -> LogoColorScheme {
        try LogoColorScheme.resolved(requestedScheme, for: alphabet)
    }

    @Option(help: ArgumentHelp("The background the figure is read on (default: dark in a terminal, light in SVG); heatmap colours run from it, so the largest effects stand out most.", valueName: "dark|light"))
    var background: Background?
}

extension Background: ExpressibleByArgument {}
