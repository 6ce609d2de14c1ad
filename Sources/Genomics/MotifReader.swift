import Foundation

/// Motif file formats seqlens reads.
public enum MotifFormat: String, Sendable, CaseIterable {
    /// MEME minimal motif format (`MEME version 4`, `letter-probability matrix:` blocks).
    case meme
    /// JASPAR count matrices (`>MA0079.5 SP1`, then rows `A [ 12 0 3 ... ]`).
    case jaspar

    /// The format of motif text, from its first non-blank line; nil when it is neither.
    public static func detect(_ text: String) -> MotifFormat? {
        guard let first = text.split(whereSeparator: \.isNewline).lazy
            .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty }) else { return nil }
        if first.hasPrefix("MEME version") { return .meme }
        if first.hasPrefix(">") { return .jaspar }
        return nil
    }
}

/// Reads motif files (MEME minimal or JASPAR), telling the format from the content.
/// Errors name the file and line.
public enum MotifReader {
    /// Pseudocount added to every JASPAR count column before normalising, spread over the letters in
    /// proportion to the background (0.25 each for a uniform DNA background), so that a count of 0
    /// never becomes a probability of exactly 0 and log-odds stay finite. A column of 20 sites thus
    /// moves by at most 1/21; columns of thousands of sites do not visibly change.
    public static let defaultPseudocount = 1.0

    public static func read(contentsOf url: URL, pseudocount: Double = defaultPseudocount) throws -> [Motif] {
        let path = url.relativePath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw GenomicsError("\(path): no such file; check the path")
        }
        if isDirectory.boolValue { throw GenomicsError("\(path): is a directory; give the path of a MEME or JASPAR motif file") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GenomicsError("\(path): cannot be read (\(fileErrorReason(error))); check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GenomicsError("\(path): is not text; give a MEME (.meme) or JASPAR (.jaspar) motif file")
        }
        return try parse(text, source: path, pseudocount: pseudocount)
    }

    /// Parses motif text in either format; `source` names it in errors.
    public static func parse(_ text: String, source: String, pseudocount: Double = defaultPseudocount) throws -> [Motif] {
        switch MotifFormat.detect(text) {
        case .meme: return try parseMEME(text, source: source)
        case .jaspar: return try parseJASPAR(text, source: source, pseudocount: pseudocount)
        case nil:
            throw GenomicsError("\(source): not a motif file seqlens reads; MEME minimal format starts with 'MEME version 4', JASPAR with a '>ID NAME' line")
        }
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
