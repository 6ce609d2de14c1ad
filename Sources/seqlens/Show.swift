import ArgumentParser
import Foundation
import Genomics
import Inference
import Interpretation
import Rendering

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw precomputed attribution arrays (.npy, .npz) as sequence logos.",
        discussion: """
        Reads attributions as other tools save them: tangermeme and captum (N, 4, L), DeepLIFT/SHAP \
        for Keras and modisco (N, L, 4), or a single map (4, L) or (L, 4); float32 or float64. The \
        layout comes from the shape; when both axes have 4 entries seqlens says which one it took \
        (--layout overrides). Letters are A, C, G, T (U when the FASTA file is RNA); an axis of \
        20 is protein (ACDEFGHIKLMNPQRSTVWY), of 21 protein with the gap first (plmc's order), as \
        are the arrays of a --fasta of protein sequences, drawn in protein colours (--scheme).

        With --fasta (the sequences behind the array, in the same order) the record ids name the \
        records and the bases form the sequence row. Hypothetical contributions (a value for every \
        letter, as DeepLIFT/SHAP and modisco store them) are then projected onto the sequence; \
        --hypothetical draws every letter instead. Without --fasta, the bases of projected \
        contributions are the letters with non-zero values. Arrays that are 0 at every observed \
        base (in-silico mutagenesis, f(mutant) − f(reference)) are drawn for every letter, with a \
        heatmap.

        The .npz files `seqlens attr` and `seqlens ism` write need no --fasta: they name their \
        records and tasks, hold the bases (X), and say where each array starts in its record, so \
        the ruler counts the record's own positions (after --range, --pad or --crop; padding is \
        drawn as ·). A 4-D ISM array (N, A, L, T) from `ism --target all` is drawn one task at a \
        time: --target picks it by index or name (default: the first).

        Positions are 0-based and the end is exclusive, as in Python (--range 100:200 is 100 \
        positions), the same --range as attr, ism, logo and heatmap. A range wider than the \
        screen is zoomed out: several positions share a column (--zoom sets how many), showing \
        the position with the largest total |value| (or the mean, --aggregate mean); the sequence \
        row then shows the base that at least 75 % of a column's positions share, an IUPAC code \
        for two bases (R = A/G, …) or · for a mix.

        Examples:
          seqlens show attr.npy
          seqlens show attr.npy --fasta peaks.fa --record chr1:1000-1200 --range 80:140
          seqlens show ism.npz --record chr1:1000-1200 --target CTCF
          seqlens show shap.npz --key shap --fasta peaks.fa --record 3 --width 200
          seqlens show attr.npy --record 2 --heatmap --color always | less -R
          seqlens show attr.npy --fasta peaks.fa --format svg --output logo.svg
        """
    )

    @Argument(help: "A .npy or .npz file of attribution maps.")
    var array: String

    @Option(help: "FASTA file of the sequences behind the array, one record per map, in order.")
    var fasta: String?

    @Option(help: "The array to draw from a .npz file that holds several.")
    var key: String?

    @Option(help: ArgumentHelp("The map to draw: a record id (from --fasta or the .npz file) or a 0-based index (default: 0).", valueName: "id|index"))
    var record: String?

    @Option(help: ArgumentHelp("The task of a 4-D ISM array (N, A, L, T): index or name (default: 0, the first).", valueName: "index|name"))
    var target: String?

    @Option(help: ArgumentHelp("Positions to draw, 0-based with the end excluded; either end may be left out.", valueName: "start:end"))
    var range: PositionRange?

    @Option(help: ArgumentHelp("Which axis holds the letters, when the shape does not say.", valueName: "channels-first|channels-last"))
    var layout: AttributionArray.Layout?

    @Flag(help: "Draw hypothetical contributions for every letter even with --fasta.")
    var hypothetical = false

    @Flag(help: "Draw the values as a heatmap under the logo as well.")
    var heatmap = false

    @OptionGroup var drawing: DrawingOptions

    func run() throws {
        let url = URL(fileURLWithPath: array)
        let (label, stored, found) = try Self.load(url, key: key)
        let (tensor, taskNote) = try Self.task(of: stored, target: target, tasks: found.tasks, label: label)
        // Letters outside the alphabet are warned about below, for the one record drawn.
        let records = try fasta.map { try readRecords($0, alphabet: nil) }
        let letters = Self.alphabet(shape: tensor.shape, labels: found, records: records)
        let maps: AttributionArray
        do { maps = try AttributionArray(shape: tensor.shape, values: tensor.scalars, alphabetSize: letters.size, layout: layout) } catch let error as RenderingError {
            throw RenderingError("\(label): \(error.description)")
        }
        if let records, records.count != maps.count {
            throw RenderingError("\(label) holds \(maps.count) maps but \(fasta!) has \(records.count) records; give the FASTA file the array was computed from")
        }
        let labels = found.fits(count: maps.count, length: maps.length) ? found : ArrayLabels()
        let index = try Self.recordIndex(record, ids: records?.map(\.id) ?? labels.ids, count: maps.count, source: label,
                                         idsFrom: records == nil ? "\(url.lastPathComponent)'s ids" : nil)
        let origin = labels.starts?[index] ?? 0
        let bases = try records.map { records in try Self.bases(of: records[index], length: maps.length, origin: labels.starts?[index]) }
            ?? labels.bases(index)
        let alphabet: Alphabet = labels.alphabet ?? (!letters.isNucleic ? letters
            : bases.map { $0.contains(UInt8(ascii: "U")) && !$0.contains(UInt8(ascii: "T")) } == true ? .rna : .dna)
        if let record = records?[index], let warning = SequenceRecord.ambiguityWarning(records: [record], alphabet: alphabet) { warn(warning) }
        let matrix = maps.matrix(index, letters: alphabet.letters.map { Character(Unicode.Scalar($0)) })
        let positions = try range?.columns(length: maps.length, origin: origin, context: origin == 0 ? "" : " that \(label) holds of this record") ?? 0 ..< maps.length
        try Self.refuseNonFinite(matrix, positions: positions, origin: origin, map: index, label: label)

        var notes = ["\(maps.shapeDescription) · positions \(origin + positions.lowerBound)–\(origin + positions.upperBound)"
                     + (origin == 0 ? " of \(maps.length)" : positions.count == maps.length ? "" : " of the array's \(origin)–\(origin + maps.length)")]
        notes += [taskNote, maps.layoutNote, labels.paddingNote(index, width: maps.length)].compactMap { $0 }
        let view = AttributionView(matrix, bases: bases, alphabet: alphabet, keepHypothetical: hypothetical)
        notes.append(view.note)

        let id = records?[index].id ?? labels.ids?[index]
        let name = id.map { "record \($0)" } ?? "map \(index)"
        var figure = AttributionFigure(matrix: view.matrix, kind: .attribution, title: "\(name) (\(index + 1) of \(maps.count)) · \(label)")
        figure.notes = notes
        figure.sequence = view.sequence
        figure.origin = origin
        figure.range = positions
        figure.panels = heatmap || view.wantsHeatmap ? [.logo, .heatmap] : [.logo]
        try drawing.emit(figure)
    }

    /// The letters of the maps: a seqlens .npz file's alphabet; else protein when --fasta holds
    /// protein (20 letters, or 21 when that is the axis the shape has), else from the shape: an
    /// axis of 4 is DNA (checked first, as for models), 20 protein, 21 protein with the gap.
    static func alphabet(shape: [Int], labels: ArrayLabels, records: [SequenceRecord]?) -> Alphabet {
        if let alphabet = labels.alphabet { return alphabet }
        let axes = shape.dropFirst(shape.count > 2 ? 1 : 0)
        let fromShape: Alphabet = axes.contains(4) ? .dna : axes.contains(20) ? .protein : axes.contains(21) ? .proteinGapped : .dna
        guard let records, SequenceKind.alphabet(for: records) == .protein else { return fromShape }
        return !axes.contains(20) && axes.contains(21) ? .proteinGapped : .protein
    }

    /// What seqlens's own .npz files hold next to the array (`ArrayOutput`): ids, tasks, alphabet,
    /// where each row starts in its record and how long the record is, and the one-hot input X.
    struct ArrayLabels {
        var ids: [String]?
        var tasks: [String]?
        var alphabet: Alphabet?
        var starts: [Int]?
        var lengths: [Int]?
        /// (N, A, W) one-hot bases.
        var oneHot: Tensor<Float>?

        /// Every label has one entry per map (labels of another array are ignored).
        func fits(count: Int, length: Int) -> Bool {
            [ids?.count, starts?.count, oneHot?.shape[0]].allSatisfy { $0 == nil || $0 == count } && (oneHot == nil || oneHot!.shape[2] == length)
        }

        init() {}

        init(_ arrays: [(name: String, value: NPYArray)]) {
            func named(_ name: String) -> NPYArray? { arrays.first { $0.name == name }?.value }
            if case .text(let t)? = named("ids"), t.rank == 1 { ids = t.scalars }
            if case .text(let t)? = named("tasks"), t.rank == 1 { tasks = t.scalars }
            if case .text(let t)? = named("alphabet") { alphabet = Alphabet.allCases.first { $0.letters.map { String(UnicodeScalar($0)) } == t.scalars } }
            if case .int(let t)? = named("starts"), t.rank == 1 { starts = t.scalars.map { Int($0) } }
            if case .int(let t)? = named("lengths"), t.rank == 1, t.count == starts?.count { lengths = t.scalars.map { Int($0) } }
            if case .float(let t)? = named("X"), t.rank == 3, t.shape[1] == (alphabet?.size ?? 4) { oneHot = t }
        }

        /// Whether column `column` of row `index` is padding (outside the record).
        func isPadding(_ index: Int, column: Int) -> Bool {
            guard let starts, let lengths else { return false }
            return !(0 ..< lengths[index]).contains(starts[index] + column)
        }

        /// Row `index`'s bases read off X (N where a column is all zero), padding as padding.
        func bases(_ index: Int) -> [UInt8]? {
            guard let oneHot else { return nil }
            let (a, w) = (oneHot.shape[1], oneHot.shape[2])
            let letters = (alphabet ?? .dna).letters
            return (0 ..< w).map { column in
                if isPadding(index, column: column) { return SequenceRow.padding }
                let hot = (0 ..< a).first { oneHot.scalars[(index * a + $0) * w + column] == 1 }
                return hot.map { letters[$0] } ?? UInt8(ascii: "N")
            }
        }

        /// Which positions of row `index` are padding, for the notes.
        func paddingNote(_ index: Int, width: Int) -> String? {
            guard let starts, let lengths, let padding = seqlens.paddingNote(origin: starts[index], width: width, ownLength: lengths[index]) else { return nil }
            return "the record has \(lengths[index]) nt: \(padding)"
        }
    }

    /// The float array of a .npy file, or of one entry of a .npz file, with what a seqlens .npz
    /// says about it; the label names it in messages.
    static func load(_ url: URL, key: String?) throws -> (label: String, tensor: Tensor<Float>, labels: ArrayLabels) {
        let file = url.lastPathComponent
        let value: NPYArray, label: String
        try refuseIfNotRegularFile(url.relativePath, kind: "a .npy or .npz file")
        var labels = ArrayLabels()
        switch url.pathExtension.lowercased() {
        case "npy":
            if key != nil { warn("--key applies to .npz files; \(file) holds one array") }
            guard FileManager.default.fileExists(atPath: url.path) else { throw RenderingError("\(url.relativePath): no such file; check the path") }
            switch try NPY.read(contentsOf: url) {
            case .float(let tensor): value = .float(tensor)
            case .int(let tensor): value = .int(tensor)
            }
            label = file
        case "npz":
            let arrays = try NPZ.read(contentsOf: url)
            let described = arrays.map { "\($0.name) \(shapeText($0.value.shape))" }.joined(separator: ", ")
            // What a map could be: float arrays other than the ones seqlens stores beside it.
            let candidates = arrays.filter { if case .float = $0.value { !["predictions", "X"].contains($0.name) } else { false } }
            if let key {
                guard let match = arrays.first(where: { $0.name == key }) else {
                    throw RenderingError("\(file) has no array '\(key)'; it holds \(described)")
                }
                value = match.value
                label = "\(file):\(key)"
            } else {
                guard candidates.count == 1 else { throw RenderingError("\(file) holds \(arrays.count) arrays (\(described)); pick one with --key") }
                value = candidates[0].value
                label = "\(file):\(candidates[0].name)"
            }
            labels = ArrayLabels(arrays)
        default:
            throw RenderingError("\(file): give a .npy or .npz file (numpy.save, numpy.savez); a torch tensor t saves with numpy.save(path, t.numpy())")
        }
        switch value {
        case .float(let tensor): return (label, tensor, labels)
        case .int(let tensor): return (label, Tensor(shape: tensor.shape, scalars: tensor.scalars.map { Float($0) }), labels)
        case .text: throw RenderingError("\(label) holds text, not numbers; pick the array of maps with --key")
        }
    }

    /// One task of a 4-D ISM array (N, A, L, T) as (N, A, L), and a note naming it; other arrays as they are.
    static func task(of tensor: Tensor<Float>, target: String?, tasks: [String]?, label: String) throws -> (Tensor<Float>, String?) {
        // (N, A, L, T) as ism --target all writes it; (N, 1, 4, L) and the like are single maps.
        let byTask = tensor.rank == 4 && Alphabet.allCases.map(\.size).contains(tensor.shape[1]) && (tasks?.count == tensor.shape[3] || (tensor.shape[2] > 1 && tensor.shape[3] > 1))
        guard byTask else {
            if let target { throw RenderingError("--target \(target) picks a task of a 4-D ISM array (N, A, L, T); \(label) has shape \(shapeText(tensor.shape))") }
            return (tensor, nil)
        }
        let count = tensor.shape[3]
        let names = tasks?.count == count ? tasks! : (0 ..< count).map { "task_\($0)" }
        let task = try resolveName(target ?? "0", among: names)
        let cells = tensor.count / count
        let values = Tensor(shape: Array(tensor.shape.prefix(3)), scalars: (0 ..< cells).map { tensor.scalars[$0 * count + task] })
        return (values, "task \(names[task]) (\(task + 1) of \(count)\(target == nil ? "; --target picks another" : ""))")
    }

    /// A FASTA record's bases under an array's columns; with `origin` (a seqlens .npz) the record
    /// may be longer than the array and columns outside it are padding.
    static func bases(of record: SequenceRecord, length: Int, origin: Int?) throws -> [UInt8] {
        guard let origin else {
            guard record.length == length else {
                throw RenderingError("record '\(record.id)' has \(record.length) bases but the maps have \(length) positions; give the FASTA file the array was computed from")
            }
            return record.sequence
        }
        return (origin ..< origin + length).map { record.sequence.indices.contains($0) ? record.sequence[$0] : SequenceRow.padding }
    }

    /// The 0-based map index from --record: an id first, then a number.
    /// - Parameter idsFrom: where the ids come from, for the message (default: the FASTA file).
    static func recordIndex(_ record: String?, ids: [String]?, count: Int, source: String, idsFrom: String? = nil) throws -> Int {
        guard let record else { return 0 }
        if let index = ids?.firstIndex(of: record) { return index }
        if let number = Int(record) {
            guard (0 ..< count).contains(number) else { throw RenderingError("--record \(number) is out of range; \(source) holds maps 0 to \(count - 1)") }
            return number
        }
        throw RenderingError(ids == nil ? "--record '\(record)' is not a number; without --fasta, maps are picked by index (0 to \(count - 1))"
                                        : "no record '\(record)' in \(idsFrom ?? "\(source)'s FASTA file"); give an id or an index from 0 to \(count - 1)")
    }

    /// inf and nan have no height to draw; refused in one line naming the first, before any drawing.
    private static func refuseNonFinite(_ matrix: PositionMatrix, positions: Range<Int>, origin: Int, map: Int, label: String) throws {
        for position in positions {
            for letter in matrix.letters.indices where !matrix[letter, position].isFinite {
                throw RenderingError("\(label): map \(map) holds \(matrix[letter, position]) at position \(origin + position) (letter \(matrix.letters[letter])); only finite values can be drawn, e.g. after numpy.nan_to_num")
            }
        }
    }

    private static func shapeText(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }
}

/// Options of every command that draws a figure, and the drawing itself.
struct DrawingOptions: ParsableArguments {
    @Option(help: "Width of text output in columns, 24 to 1000 (default: the terminal's width, or 100 when not a terminal).")
    var width: Int?

    @Option(help: "Height of the logo in rows of text output, 2 to 200.")
    var height = 10

    @Option(help: ArgumentHelp("Positions per column (default: as few as fit the width; short ranges are widened).", valueName: "n"))
    var zoom: Int?

    @Option(help: ArgumentHelp("What a column shows when zoomed out: the position with the largest total |value|, or the mean.", valueName: "max|mean"))
    var aggregate: Zoom.Aggregation = .maxMagnitude

    @OptionGroup var colors: ColorOptions

    @Option(help: ArgumentHelp("ansi: text for the terminal; svg: vector graphics for publication (default: svg when --output ends in .svg).", valueName: "ansi|svg"))
    var format: OutputFormat?

    @Option(name: .shortAndLong, help: "Write to this file instead of stdout: .svg, or .txt/.ans for text.")
    var output: String?

    @Option(help: ArgumentHelp("auto: colour on a terminal unless NO_COLOR is set; always: also in pipes (less -R); never: plain text.", valueName: "auto|always|never"))
    var color: ColorMode = .auto

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case ansi, svg }

    func validate() throws {
        if let width { try OptionLimits.check(width, in: OptionLimits.width, option: "--width") }
        try OptionLimits.check(height, in: OptionLimits.height, option: "--height")
        if let zoom { try OptionLimits.check(zoom, in: OptionLimits.zoom, option: "--zoom") }
        // Refused before any work: -o logo.png would otherwise get ANSI text after a long run.
        if let output, !URL(fileURLWithPath: output).pathExtension.isEmpty {
            let text = ["txt", "ans"]
            try validateOutput(output, formats: format == .svg ? ["svg"] : format == .ansi ? text : ["svg"] + text)
        }
    }

    /// Draws the figure with these options to stdout or --output (atomically).
    func emit(_ figure: AttributionFigure) throws {
        var figure = figure
        figure.scheme = try colors.scheme(for: figure.matrix.alphabet ?? .dna)
        figure.background = colors.background
        figure.aggregation = aggregate
        if let zoom { figure.zoom = Zoom(level: zoom, aggregation: aggregate) }
        let format = self.format ?? (output?.lowercased().hasSuffix(".svg") == true ? .svg : .ansi)
        let url = output.map { URL(fileURLWithPath: $0) }
        do {
            switch format {
            case .svg:
                if let url { try figure.writeSVG(to: url) } else { FileHandle.standardOutput.write(Data(figure.svg().utf8)) }
            case .ansi:
                let depth = ColorDepth.detect(mode: color, environment: ProcessInfo.processInfo.environment, isTerminal: url == nil && isatty(STDOUT_FILENO) == 1)
                let canvas = figure.canvas(width: width ?? terminalColumns() ?? 100, logoHeight: height, depth: depth)
                if let url { try ANSIWriter.write(canvas, depth: depth, to: url) } else { FileHandle.standardOutput.write(Data(ANSIWriter.render(canvas, depth: depth).utf8)) }
            }
        } catch {
            throw RenderingError("\(output ?? "stdout"): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
        }
    }
}

/// The width of the terminal stdout is, within --width's limits; nil when stdout is not one.
func terminalColumns() -> Int? {
    var size = winsize()
    guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return min(OptionLimits.width.upperBound, max(OptionLimits.width.lowerBound, Int(size.ws_col)))
}

extension AttributionArray.Layout: ExpressibleByArgument {}
extension Zoom.Aggregation: ExpressibleByArgument {}
extension LogoColorScheme: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}
