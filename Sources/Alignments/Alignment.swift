import Foundation
import Genomics

/// A multiple sequence alignment as its file has it: every row the same width, letters as
/// written (uppercase residues in match columns, lowercase residues in insert columns, '-' and
/// '.' gaps). A2M and A3M files, whose insert letters are not padded across rows, are padded
/// with '.' so that their match columns line up (hhsuite's `reformat.pl a3m a2m`).
public struct Alignment: Sendable, Equatable {
    /// The alignment file formats, named as on the command line.
    public enum Format: String, Sendable, CaseIterable {
        case stockholm, a2m, a3m, fasta

        /// The format an extension names (.sto/.stk/.stockholm, .a2m, .a3m, .fa/.fasta/.afa/.aln),
        /// any letter case; nil for any other.
        public init?(extension ext: String) {
            switch ext.lowercased() {
            case "sto", "stk", "stockholm": self = .stockholm
            case "a2m": self = .a2m
            case "a3m": self = .a3m
            case "fa", "fasta", "afa", "aln": self = .fasta
            default: return nil
            }
        }
    }

    /// The file as named in messages (the path as given).
    public var source: String
    /// The format the file was read as.
    public var format: Format
    /// One id per sequence (the first word of its name), in file order.
    public var ids: [String]
    /// Number of columns (every row has this many letters).
    public var width: Int
    /// Row-major N×width letters.
    public var letters: [UInt8]
    /// The 1-based line of each sequence's first line in the file (its '>' header, or its first
    /// Stockholm row), for messages.
    public var lines: [Int]

    init(source: String, format: Format, ids: [String], width: Int, letters: [UInt8], lines: [Int]) {
        precondition(letters.count == ids.count * width && lines.count == ids.count)
        self.source = source
        self.format = format
        self.ids = ids
        self.width = width
        self.letters = letters
        self.lines = lines
    }

    /// Number of sequences (N).
    public var count: Int { ids.count }

    /// The letters of sequence `n`.
    public func row(_ n: Int) -> ArraySlice<UInt8> { letters[(n * width)..<((n + 1) * width)] }

    /// Reads an alignment file: the format `format` names, else its extension's, else the one its
    /// first line shows ("# STOCKHOLM" or a '>' header; rows of one width are aligned FASTA, others
    /// A3M); a "# STOCKHOLM" first line is Stockholm whatever the extension. Messages name the file
    /// by the path as given.
    public static func read(contentsOf url: URL, format: Format? = nil) throws -> Alignment {
        let data = try FASTAReader.contents(of: url)
        let source = url.relativePath
        return try parse(Array(data), source: source, format: format ?? Format(extension: url.pathExtension))
    }

    /// Parses alignment text; `source` names it in messages; nil `format` reads it from the content.
    public static func parse(_ bytes: [UInt8], source: String, format: Format?) throws -> Alignment {
        try bytes.withUnsafeBufferPointer { try FASTAReader.checkLooksLikeText($0, source: source) }
        let lines = AlignmentLines(bytes)
        guard let first = lines.firstContentLine else {
            throw AlignmentError("\(source): the file holds no sequences (it is empty or only comments); give an alignment in Stockholm, A2M, A3M or aligned FASTA format")
        }
        let chosen: Format
        if first.text.starts(with: Array("# STOCKHOLM".utf8)) {
            chosen = .stockholm
        } else if let format {
            chosen = format
        } else if first.text.first == UInt8(ascii: ">") {
            let records = try AlignmentParser.fastaRecords(lines, source: source)
            let oneWidth = records.rows.allSatisfy { $0.count == records.rows[0].count }
            return try AlignmentParser.assemble(records, source: source, format: oneWidth ? .fasta : .a3m)
        } else {
            throw AlignmentError("\(source):\(first.number): neither a '>' header nor '# STOCKHOLM 1.0'; give an alignment in Stockholm, A2M, A3M or aligned FASTA format")
        }
        let records = chosen == .stockholm ? try AlignmentParser.stockholmRecords(lines, source: source)
                                           : try AlignmentParser.fastaRecords(lines, source: source)
        return try AlignmentParser.assemble(records, source: source, format: chosen)
    }
}
