import ArgumentParser
import Foundation
import Genomics
import Rendering

struct MotifCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "motif",
        abstract: "Draw a motif from a MEME, JASPAR, HOMER or TRANSFAC file as a sequence logo.",
        discussion: """
        Reads the MEME minimal motif format (MEME suite, tangermeme read_meme), JASPAR count \
        matrices, HOMER .motif files and TRANSFAC matrices; the format is told from the content. \
        Counts (JASPAR, TRANSFAC) become probabilities with a pseudocount of 1 per position spread \
        over the letters (--pseudocount).

        The logo is drawn in bits by default: each letter's height is its probability times the \
        position's information content against the motif's background (at most 2 bits for DNA). \
        --kind probability draws probabilities, --kind weight log2(p / background), below the \
        baseline where a letter is rarer than in the background. The consensus forms the sequence row.

        Examples:
          seqlens motif assets/motifs/JASPAR2026_CORE_vertebrates.meme --list \\
              | grep -i gata
          seqlens motif assets/motifs/JASPAR2026_CORE_vertebrates.meme --name SP1
          seqlens motif assets/motifs/JASPAR2026_CORE_vertebrates.jaspar \\
              --name MA0079.5 --reverse-complement
          seqlens motif motifs.meme --name CTCF --format svg --output ctcf.svg
        """
    )

    @Argument(help: "A motif file: MEME minimal format or JASPAR count matrices.")
    var motifs: String

    @Option(help: ArgumentHelp("The motif to draw, by id (MA0079.5) or name (SP1, any letter case).", valueName: "name|id"))
    var name: String?

    @Flag(help: "List the motifs (id, name, width, bits, consensus) as TSV instead of drawing one.")
    var list = false

    @Option(help: ArgumentHelp("Letter heights: bits, probability or weight (log2 odds against the background).", valueName: "bits|probability|weight"))
    var kind: Kind = .bits

    @Flag(help: "Draw the motif of the opposite strand.")
    var reverseComplement = false

    @Option(help: "Pseudocount added to each position of a JASPAR count matrix.")
    var pseudocount = MotifReader.defaultPseudocount

    @OptionGroup var drawing: DrawingOptions

    enum Kind: String, ExpressibleByArgument, CaseIterable { case bits, probability, weight }

    func validate() throws {
        guard pseudocount.isFinite, pseudocount >= 0 else { throw ValidationError("--pseudocount must be a finite number, 0 or more") }
    }

    func run() throws {
        let motifs = try readMotifs(self.motifs, pseudocount: pseudocount)
        if list {
            var table = "id\tname\twidth\tbits\tconsensus\n"
            for motif in motifs {
                table += "\(motif.id)\t\(motif.name)\t\(motif.width)\t\(String(format: "%.1f", motif.totalInformation))\t\(motif.consensus)\n"
            }
            FileHandle.standardOutput.write(Data(table.utf8))
            return
        }
        var motif: Motif
        if let name {
            motif = try Motif.find(name, in: motifs, source: self.motifs)
        } else {
            guard motifs.count == 1 else {
                throw RenderingError("\(self.motifs) holds \(motifs.count) motifs; pick one with --name (--list shows them)")
            }
            motif = motifs[0]
        }
        if reverseComplement { motif = motif.reverseComplement() }

        let logoKind: LogoKind
        switch kind {
        case .bits: logoKind = .informationContent(background: motif.background)
        case .probability: logoKind = .probability
        case .weight: logoKind = .weight(background: motif.background)
        }
        var figure = AttributionFigure(matrix: PositionMatrix(motif: motif), kind: logoKind,
                                       title: motif.label + (reverseComplement ? " (reverse complement)" : ""))
        let sites = motif.sites.map { " · \($0) sites" } ?? ""
        let uniform = motif.background.allSatisfy { abs($0 - 1 / Double(motif.alphabet.size)) < 1e-3 }
        let background = uniform ? "" : " · background " + zip(motif.alphabet.lettersString, motif.background).map { "\($0) \(String(format: "%.2f", $1))" }.joined(separator: " ")
        figure.notes = ["\(URL(fileURLWithPath: self.motifs).lastPathComponent) · \(motif.width) positions · \(String(format: "%.1f", motif.totalInformation)) bits\(sites)\(background)"]
        figure.sequence = Array(motif.consensus.utf8)
        try drawing.emit(figure)
    }
}
