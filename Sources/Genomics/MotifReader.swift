import Foundation

/// Motif file formats seqlens reads.
public enum MotifFormat: String, Sendable, CaseIterable {
    /// MEME minimal motif format (`MEME version 4`, `letter-probability matrix:` blocks).
    case meme
    /// JASPAR count matrices (`>MA0079.5 SP1`, then rows `A [ 12 0 3 ... ]`).
    case jaspar
    /// HOMER motifs (`>CONSENSUS<tab>NAME<tab>log-odds threshold`, then one row of A C G T per position).
    case homer
    /// TRANSFAC matrices (`AC`, `ID`, `NA` lines, a `P0 A C G T` table, `//` between motifs).
    case transfac

    /// The format of motif text, from its first non-blank line; nil when it is none of them.
    /// JASPAR and HOMER both start with '>': a HOMER header has a third tab-separated field, the
    /// log-odds threshold, which JASPAR headers never have.
    public static func detect(_ text: String) -> MotifFormat? {
        guard let first = text.split(whereSeparator: \.isNewline).lazy
            .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }) else { return nil }
        if first.hasPrefix("MEME version") { return .meme }
        if first.hasPrefix(">") {
            let fields = first.dropFirst().split(separator: "\t", omittingEmptySubsequences: false)
            let isHOMER = fields.count >= 3 && Double(fields[2].trimmingCharacters(in: .whitespaces)) != nil
            return isHOMER ? .homer : .jaspar
        }
        let code = first.prefix(2)
        if code.count == 2, code.allSatisfy({ $0.isUppercase && $0.isASCII }), first.dropFirst(2).first.map(\.isWhitespace) ?? true,
           text.split(whereSeparator: \.isNewline).contains(where: { $0.hasPrefix("P0") || $0.hasPrefix("PO") }) {
            return .transfac
        }
        return nil
    }
}

/// Reads motif files (MEME minimal, JASPAR, HOMER or TRANSFAC), telling the format from the content.
/// Errors name the file and line.
public enum MotifReader {
    /// Pseudocount added to every JASPAR count column before normalising, spread over the letters in
    /// proportion to the background (0.25 each for a uniform DNA background), so that a count of 0
    /// never becomes a probability of exactly 0 and log-odds stay finite. A column of 20 sites thus
    /// moves by at most 1/21; columns of thousands of sites do not visibly change.
    public static let defaultPseudocount = 1.0

    /// `background` (letter frequencies summing to 1) replaces the files' own (MEME's background
    /// lines; uniform for the other formats) and spreads the pseudocount of count matrices.
    public static func read(contentsOf url: URL, pseudocount: Double = defaultPseudocount, background: [Double]? = nil) throws -> [Motif] {
        let path = url.relativePath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw GenomicsError("\(path): no such file; check the path")
        }
        if isDirectory.boolValue { throw GenomicsError("\(path): is a directory; give the path of a MEME, JASPAR, HOMER or TRANSFAC motif file") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GenomicsError("\(path): cannot be read (\(fileErrorReason(error))); check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GenomicsError("\(path): is not text; give a MEME (.meme), JASPAR (.jaspar), HOMER (.motif) or TRANSFAC motif file")
        }
        return try parse(text, source: path, pseudocount: pseudocount, background: background)
    }

    /// Parses motif text in any of the formats; `source` names it in errors.
    public static func parse(_ text: String, source: String, pseudocount: Double = defaultPseudocount, background: [Double]? = nil) throws -> [Motif] {
        var motifs: [Motif]
        switch MotifFormat.detect(text) {
        case .meme: motifs = try parseMEME(text, source: source)
        case .jaspar: motifs = try parseJASPAR(text, source: source, pseudocount: pseudocount, background: background)
        case .homer: motifs = try parseHOMER(text, source: source)
        case .transfac: motifs = try parseTRANSFAC(text, source: source, pseudocount: pseudocount, background: background)
        case nil:
            throw GenomicsError("\(source): not a motif file seqlens reads; MEME minimal format starts with 'MEME version 4', JASPAR with a '>ID NAME' line, HOMER with '>CONSENSUS<tab>NAME<tab>threshold', TRANSFAC with 'AC' or 'ID' lines")
        }
        if let background {
            for index in motifs.indices where motifs[index].alphabet.size == background.count { motifs[index].background = background }
        }
        return motifs
    }

    /// Probabilities of one column of counts: p = (count + pseudocount·background) / (total + pseudocount),
    /// so that a letter never seen keeps a probability above 0 in proportion to how common it is;
    /// uniform when there is no background of one frequency per letter.
    static func probabilities(counts: [Double], pseudocount: Double, background: [Double]?) -> [Double] {
        let total = counts.reduce(0, +)
        let spread = background.flatMap { $0.count == counts.count ? $0 : nil } ?? [Double](repeating: 1 / Double(counts.count), count: counts.count)
        return zip(counts, spread).map { ($0 + pseudocount * $1) / (total + pseudocount) }
    }

    /// Lines with 1-based numbers, trimmed, CR dropped.
    static func numberedLines(_ text: String) -> [(number: Int, text: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            ($0.offset + 1, $0.element.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// A non-negative finite number, or nil.
    static func count(_ token: Substring) -> Double? {
        guard let value = Double(token), value.isFinite, value >= 0 else { return nil }
        return value
    }
}
