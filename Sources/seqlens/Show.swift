import ArgumentParser
import Foundation
import Genomics
import Inference
import Rendering

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw precomputed attribution arrays (.npy, .npz) as sequence logos.",
        discussion: """
        Reads attributions as other tools save them: tangermeme and captum (N, 4, L), DeepLIFT/SHAP \
        for Keras and modisco (N, L, 4), or a single map (4, L) or (L, 4); float32 or float64. The \
        layout comes from the shape; when both axes have 4 entries seqlens says which one it took \
        (--layout overrides). Letters are A, C, G, T (U when the FASTA file is RNA).

        With --fasta (the sequences behind the array, in the same order) the record ids name the \
        records and the bases form the sequence row. Hypothetical contributions (a value for every \
        letter, as DeepLIFT/SHAP and modisco store them) are then projected onto the sequence; \
        --hypothetical draws all four letters instead. Without --fasta, the bases of projected \
        contributions are the letters with non-zero values. Arrays that are 0 at every observed \
        base (in-silico mutagenesis, f(mutant) − f(reference)) are drawn for every letter, with a \
        heatmap.

        Positions are 0-based and the end is exclusive, as in Python (--range 100:200 is 100 \
        positions; the ruler counts from 0), matching ism --start/--end and variant positions. A range wider than \
        the screen is zoomed out: several positions share a column (--zoom sets how many), showing \
        the position with the largest total |value| (or the mean, --aggregate mean); the sequence row \
        then shows the base that at least 75 % of a column's positions share, an IUPAC code for two \
        bases (R = A/G, …) or · for a mix.

        Examples:
          seqlens show attr.npy
          seqlens show attr.npy --fasta peaks.fa --record chr1:1000-1200 --range 80:140
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

    @Option(help: ArgumentHelp("The map to draw: a record id from --fasta or a 0-based index (default: 0).", valueName: "id|index"))
    var record: String?

    @Option(help: ArgumentHelp("Positions to draw, 0-based with the end excluded; either end may be left out.", valueName: "start:end"))
    var range: PositionRange?

    @Option(help: ArgumentHelp("Which axis holds the letters, when the shape does not say.", valueName: "channels-first|channels-last"))
    var layout: AttributionArray.Layout?

    @Flag(help: "Draw hypothetical contributions for all four letters even with --fasta.")
    var hypothetical = false

    @Flag(help: "Draw the values as a heatmap under the logo as well.")
    var heatmap = false

    @OptionGroup var drawing: DrawingOptions

    func run() throws {
        try reportingErrors {
            try reportingDrawingErrors {
                let url = URL(fileURLWithPath: array)
                let (label, tensor) = try Self.load(url, key: key)
                let maps: AttributionArray
                do { maps = try AttributionArray(shape: tensor.shape, values: tensor.scalars, layout: layout) } catch let error as RenderingError {
                    throw RenderingError("\(label): \(error.description)")
                }
                let records = try fasta.map { try readRecords($0, alphabet: .dna) }
                if let records, records.count != maps.count {
                    throw RenderingError("\(label) holds \(maps.count) maps but \(fasta!) has \(records.count) records; give the FASTA file the array was computed from")
                }
                let index = try Self.recordIndex(record, records: records, count: maps.count, source: label)
                let bases = records?[index].sequence
                if let bases, bases.count != maps.length {
                    throw RenderingError("record '\(records![index].id)' has \(bases.count) bases but the maps have \(maps.length) positions; give the FASTA file the array was computed from")
                }
                let alphabet: Alphabet = bases.map { $0.contains(UInt8(ascii: "U")) && !$0.contains(UInt8(ascii: "T")) } == true ? .rna : .dna
                let matrix = maps.matrix(index, letters: alphabet.letters.map { Character(Unicode.Scalar($0)) })
                let positions = try range?.resolve(length: maps.length) ?? 0 ..< maps.length

                var notes = ["\(maps.shapeDescription) · positions \(positions.lowerBound)–\(positions.upperBound) of \(maps.length)"]
                if let note = maps.layoutNote { notes.append(note) }
                let view = AttributionView(matrix, bases: bases, alphabet: alphabet, keepHypothetical: hypothetical)
                notes.append(view.note)

                let name = records.map { "record \($0[index].id)" } ?? "map \(index)"
                var figure = AttributionFigure(matrix: view.matrix, kind: .attribution, title: "\(name) (\(index + 1) of \(maps.count)) · \(label)")
                figure.notes = notes
                figure.sequence = view.sequence
                figure.range = positions
                figure.panels = heatmap || view.wantsHeatmap ? [.logo, .heatmap] : [.logo]
                try drawing.emit(figure)
            }
        }
    }

    /// The float array of a .npy file, or of one entry of a .npz file; the label names it in messages.
    static func load(_ url: URL, key: String?) throws -> (label: String, tensor: Tensor<Float>) {
        let file = url.lastPathComponent
        let value: Value, label: String
        switch url.pathExtension.lowercased() {
        case "npy":
            if key != nil { warn("--key applies to .npz files; \(file) holds one array") }
            guard FileManager.default.fileExists(atPath: url.path) else { throw RenderingError("\(url.relativePath): no such file; check the path") }
            value = try NPY.read(contentsOf: url)
            label = file
        case "npz":
            let arrays = try NPZ.read(contentsOf: url)
            let described = arrays.map { "\($0.name) \(shapeText($0.value.shape))" }.joined(separator: ", ")
            if let key {
                guard let match = arrays.first(where: { $0.name == key }) else {
                    throw RenderingError("\(file) has no array '\(key)'; it holds \(described)")
                }
                value = match.value
                label = "\(file):\(key)"
            } else {
                guard arrays.count == 1 else { throw RenderingError("\(file) holds \(arrays.count) arrays (\(described)); pick one with --key") }
                value = arrays[0].value
                label = "\(file):\(arrays[0].name)"
            }
        default:
            throw RenderingError("\(file): give a .npy or .npz file (numpy.save, numpy.savez); a torch tensor t saves with numpy.save(path, t.numpy())")
        }
        switch value {
        case .float(let tensor): return (label, tensor)
        case .int(let tensor): return (label, Tensor(shape: tensor.shape, scalars: tensor.scalars.map { Float($0) }))
        }
    }

    /// The 0-based map index from --record: a FASTA id first, then a number.
    static func recordIndex(_ record: String?, records: [SequenceRecord]?, count: Int, source: String) throws -> Int {
        guard let record else { return 0 }
        if let index = records?.firstIndex(where: { $0.id == record }) { return index }
        if let number = Int(record) {
            guard (0 ..< count).contains(number) else { throw RenderingError("--record \(number) is out of range; \(source) holds maps 0 to \(count - 1)") }
            return number
        }
        throw RenderingError(records == nil ? "--record '\(record)' is not a number; without --fasta, maps are picked by index (0 to \(count - 1))"
                                            : "no record '\(record)' in \(source)'s FASTA file; give an id or an index from 0 to \(count - 1)")
    }

    private static func shapeText(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }
}

/// Options of every command that draws a figure, and the drawing itself.
struct DrawingOptions: ParsableArguments {
    @Option(help: "Width of text output in columns (default: the terminal's width, or 100 when not a terminal).")
    var width: Int?

    @Option(help: "Height of the logo in rows of text output.")
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
        if let width, width < 24 { throw ValidationError("--width must be at least 24") }
        guard height >= 2 else { throw ValidationError("--height must be at least 2") }
        if let zoom, zoom < 1 { throw ValidationError("--zoom must be at least 1") }
        // Refused before any work: -o logo.png would otherwise get ANSI text after a long run.
        if let output, !URL(fileURLWithPath: output).pathExtension.isEmpty {
            let text = ["txt", "ans"]
            try validateOutput(output, formats: format == .svg ? ["svg"] : format == .ansi ? text : ["svg"] + text)
        }
    }

    /// Draws the figure with these options to stdout or --output (atomically).
    func emit(_ figure: AttributionFigure) throws {
        var figure = figure
        figure.scheme = colors.scheme
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
                let canvas = figure.canvas(width: width ?? terminalWidth() ?? 100, logoHeight: height, depth: depth)
                if let url { try ANSIWriter.write(canvas, depth: depth, to: url) } else { FileHandle.standardOutput.write(Data(ANSIWriter.render(canvas, depth: depth).utf8)) }
            }
        } catch {
            throw RenderingError("\(output ?? "stdout"): cannot write (\(error.localizedDescription)); check the folder exists and is writable")
        }
    }

    private func terminalWidth() -> Int? {
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return max(24, Int(size.ws_col))
    }
}

/// `--range START:END`: 0-based, end excluded; either end may be left out.
struct PositionRange: ExpressibleByArgument {
    var start: Int?
    var end: Int?

    init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        start = parts[0].isEmpty ? nil : Int(parts[0])
        end = parts[1].isEmpty ? nil : Int(parts[1])
        if (!parts[0].isEmpty && start == nil) || (!parts[1].isEmpty && end == nil) { return nil }
    }

    /// Positions START:END, 0-based and half-open like a Python slice (the convention of
    /// `ism --start/--end`, mutations and tangermeme), either end optional.
    func resolve(length: Int) throws -> Range<Int> {
        let first = start ?? 0, last = end ?? length
        guard first >= 0, first < last, last <= length else {
            throw RenderingError("--range \(start.map(String.init) ?? ""):\(end.map(String.init) ?? "") does not fit positions 0 to \(length) (0-based, end exclusive, start < end)")
        }
        return first ..< last
    }
}

/// Runs a drawing command body, turning RenderingError into a refusal (one line, exit status 2).
func reportingDrawingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let error as RenderingError { throw CommandFailure(error.description) }
}

extension AttributionArray.Layout: ExpressibleByArgument {}
extension Zoom.Aggregation: ExpressibleByArgument {}
extension LogoColorScheme: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}
