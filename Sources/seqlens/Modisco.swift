import ArgumentParser
import Foundation
import ExplorerCore
import Genomics
import ModiscoHDF5
import Rendering

struct ModiscoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modisco",
        abstract: "List, draw and export the patterns of TF-MoDISco results (modisco-lite's .h5).",
        discussion: """
        Reads the HDF5 file `modisco motifs -o RESULTS.h5` writes (modisco-lite 2 and 3): the \
        patterns of positive contributions (pos_patterns) and of negative ones (neg_patterns), each \
        the average of its aligned seqlets.

        Without --pattern, lists the patterns as TSV: name, seqlets, width, the core modisco-lite's \
        report trims to (positions whose total |contribution| is at least 0.3 of the largest; \
        START:END, 0-based, end excluded) and the consensus of that core.

        --pattern draws one pattern as a sequence logo: --logo cwm (contribution weight matrix, \
        the default), hcwm (hypothetical contributions: every base's contribution had it been \
        there) or ppm (the seqlets' base frequencies, in bits). --trim draws only the core.

        --export-meme writes every pattern's base frequencies as MEME motifs (as `modisco meme -t \
        PFM` does; the cores with --trim), for FIMO, TOMTOM or `seqlens motif`.

        Examples:
          seqlens modisco results.h5
          seqlens modisco results.h5 --pattern pos_patterns.pattern_0
          seqlens modisco results.h5 --pattern pattern_2 --logo ppm --trim
          seqlens modisco results.h5 --pattern pattern_0 -o pattern_0.svg
          seqlens modisco results.h5 --export-meme patterns.meme
        """
    )

    @Argument(help: "modisco-lite's results (.h5).")
    var results: String

    @Option(help: ArgumentHelp("The pattern to draw: pos_patterns.pattern_0, or pattern_0 when only one group has it.", valueName: "name"))
    var pattern: String?

    @Option(help: ArgumentHelp("What the logo shows: cwm (contributions), hcwm (hypothetical contributions) or ppm (base frequencies in bits).", valueName: "cwm|hcwm|ppm"))
    var logo: ModiscoLogo = .cwm

    @Flag(help: "Only the core positions modisco-lite's report trims a pattern to (total |contribution| at least 0.3 of the largest).")
    var trim = false

    @Option(name: .customLong("export-meme"), help: ArgumentHelp("Write every pattern's base frequencies to this MEME motif file.", valueName: "file.meme"))
    var exportMEME: String?

    @OptionGroup var drawing: DrawingOptions

    func validate() throws {
        if exportMEME != nil, pattern != nil { throw ValidationError("--export-meme writes every pattern; leave out --pattern") }
    }

    func run() throws {
        try refuseIfNotRegularFile(results, kind: "modisco-lite's results (.h5)")
        let loaded = try ModiscoReader.read(path: results)
        if let exportMEME {
            let motifs = loaded.patterns.map { trim ? $0.slice($0.trimmedRange()).motif : $0.motif }
            do { try Data(Motif.memeText(motifs).utf8).write(to: URL(fileURLWithPath: exportMEME), options: .atomic) } catch {
                throw CommandFailure("\(exportMEME): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
            }
            return
        }
        guard let name = pattern else {
            var table = "pattern\tseqlets\twidth\tcore\tconsensus\n"
            for pattern in loaded.patterns {
                let core = pattern.trimmedRange()
                table += "\(pattern.name)\t\(pattern.seqlets.count)\t\(pattern.width)\t\(core.lowerBound):\(core.upperBound)\t\(pattern.slice(core).motif.consensus)\n"
            }
            FileHandle.standardOutput.write(Data(table.utf8))
            return
        }
        let chosen = try loaded.pattern(named: name, source: results)
        let core = chosen.trimmedRange()
        let shown = trim ? chosen.slice(core) : chosen
        try drawing.emit(figure(shown, core: trim ? nil : core))
    }

    /// The logo of `pattern`; `core` is noted when it is drawn in full.
    func figure(_ pattern: ModiscoPattern, core: Range<Int>?) -> AttributionFigure {
        var figure = AttributionFigure(pattern: pattern, logo: logo)
        let coreNote = core.map { " · core \($0.lowerBound):\($0.upperBound)" } ?? " · core only"
        figure.notes = ["\(URL(fileURLWithPath: results).lastPathComponent) · \(pattern.seqlets.count) seqlets · \(pattern.width) positions\(coreNote)"]
        return figure
    }
}

extension ModiscoLogo: ExpressibleByArgument {}

/// The patterns of modisco-lite's results at `path` for the explorer's browser, with their
/// matches in `database` when one is given.
func modiscoCatalog(_ path: String, database: String?) throws -> ModiscoCatalog {
    try refuseIfNotRegularFile(path, kind: "modisco-lite's results (.h5)")
    let results = try ModiscoReader.read(path: path)
    return ModiscoCatalog(source: URL(fileURLWithPath: path).lastPathComponent, patterns: results.patterns)
}
