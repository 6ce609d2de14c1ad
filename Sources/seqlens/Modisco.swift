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
        START:END, 0-based, end excluded) and the consensus of that core. --motifs adds the three \
        motifs of a database (MEME, JASPAR, HOMER or TRANSFAC) nearest each core and their p-values (match0, pval0, \
        ...), by TOMTOM of the core's base frequencies, as modisco-lite's report does.

        --pattern draws one pattern as a sequence logo: --logo cwm (contribution weight matrix, \
        the default), hcwm (hypothetical contributions: every base's contribution had it been \
        there) or ppm (the seqlets' base frequencies, in bits). --trim draws only the core.

        --export-meme writes every pattern's base frequencies as MEME motifs (as `modisco meme -t \
        PFM` does; the cores with --trim), for FIMO, TOMTOM or `seqlens motif`.

        Examples:
          seqlens modisco results.h5
          seqlens modisco results.h5 --motifs JASPAR.meme
          seqlens modisco results.h5 --pattern pos_patterns.pattern_0
          seqlens modisco results.h5 --pattern pattern_2 --logo ppm --trim
          seqlens modisco results.h5 --pattern pattern_0 -o pattern_0.svg
          seqlens modisco results.h5 --export-meme patterns.meme
        """
    )

    @Argument(help: "modisco-lite's results (.h5).")
    var results: String

    @Option(help: ArgumentHelp("A motif database (MEME, JASPAR, HOMER or TRANSFAC) to match the patterns against with TOMTOM.", valueName: "file"))
    var motifs: String?

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
            try writeTextFile(Motif.memeText(motifs), to: exportMEME)
            return
        }
        let database = try motifs.map(loadMotifDatabase)
        guard let name = pattern else {
            let matchColumns = database == nil ? "" : (0 ..< Self.matchCount).map { "\tmatch\($0)\tpval\($0)" }.joined()
            var table = "pattern\tseqlets\twidth\tcore\tconsensus\(matchColumns)\n"
            for pattern in loaded.patterns {
                let core = pattern.trimmedRange()
                table += "\(pattern.name)\t\(pattern.seqlets.count)\t\(pattern.width)\t\(core.lowerBound):\(core.upperBound)\t\(pattern.slice(core).motif.consensus)"
                if let database {
                    let matches = try pattern.matches(in: database, count: Self.matchCount)
                    table += (0 ..< Self.matchCount).map { index in
                        index < matches.count ? "\t\(matches[index].motif)\t\(String(format: "%.3g", matches[index].pValue))" : "\t\t"
                    }.joined()
                }
                table += "\n"
            }
            FileHandle.standardOutput.write(Data(table.utf8))
            return
        }
        let chosen = try loaded.pattern(named: name, source: results)
        try drawing.emit(figure(chosen, matches: try database.map { try chosen.matches(in: $0, count: Self.matchCount) }))
    }

    /// Matches listed per pattern, as modisco-lite's report lists them.
    static let matchCount = 3

    /// The logo of `pattern` (its core with --trim, the ruler keeping the pattern's positions),
    /// with its matches when given.
    func figure(_ pattern: ModiscoPattern, matches: [ModiscoMatch]?) -> AttributionFigure {
        let core = pattern.trimmedRange()
        var figure = AttributionFigure(pattern: trim ? pattern.slice(core) : pattern, logo: logo)
        let span = trim ? "the core \(core.lowerBound):\(core.upperBound) of \(pattern.width) positions" : "\(pattern.width) positions · core \(core.lowerBound):\(core.upperBound)"
        figure.notes = ["\(URL(fileURLWithPath: results).lastPathComponent) · \(pattern.seqlets.count) seqlets · \(span)"]
        if trim { figure.origin = core.lowerBound }
        if let matches, let motifs {
            let listed = matches.map { "\($0.motif) (p \(String(format: "%.2g", $0.pValue)))" }.joined(separator: ", ")
            figure.notes.append("TOMTOM matches of the core in \(URL(fileURLWithPath: motifs).lastPathComponent): \(listed.isEmpty ? "none" : listed)")
        }
        return figure
    }
}

extension ModiscoLogo: ExpressibleByArgument {}

/// The patterns of modisco-lite's results at `path` for the explorer's browser, with their
/// matches in the motif file `database` when one is given.
func modiscoCatalog(_ path: String, database: String?) throws -> ModiscoCatalog {
    try refuseIfNotRegularFile(path, kind: "modisco-lite's results (.h5)")
    let results = try ModiscoReader.read(path: path)
    let tomtom = try database.map(loadMotifDatabase)
    let matches = try tomtom.map { tomtom in try results.patterns.map { try $0.matches(in: tomtom, count: ModiscoCommand.matchCount) } }
    return ModiscoCatalog(source: URL(fileURLWithPath: path).lastPathComponent, patterns: results.patterns, matches: matches,
                          database: database.map { URL(fileURLWithPath: $0).lastPathComponent })
}
