import Foundation

/// One annotated stretch of a sequence, e.g. an embedded motif site or a BED feature.
public struct SequenceInterval: Hashable, Sendable {
    /// Id of the sequence the interval lies on (BED's chrom column, the TSV's record column).
    public var record: String
    /// 0-based, end-exclusive, like BED.
    public var positions: Range<Int>
    /// Name to show, e.g. the motif; "record:start-end" when the file gives none.
    public var label: String
    /// "+" or "-"; nil when unknown.
    public var strand: Character?
    /// 1-based line in its file, for messages (0 when not from a file).
    public var line: Int

    /// Creates an interval from its parts.
    public init(record: String, positions: Range<Int>, label: String, strand: Character? = nil, line: Int = 0) {
        self.record = record
        self.positions = positions
        self.label = label
        self.strand = strand
        self.line = line
    }
}

/// Reads annotation intervals from BED or from a TSV with a header row (the format of
/// assets/sequences/*.tsv: `record_id motif jaspar_id strand start end`).
///
/// Both use 0-based, end-exclusive coordinates; no conversion is made. Errors name the file,
/// the 1-based line and what to do.
public enum IntervalFile {
    /// How the text is laid out; `read` picks it from the file extension.
    public enum Format: Sendable, Equatable {
        /// Tab- or space-separated chrom, chromStart, chromEnd[, name[, score[, strand ...]]], no header.
        case bed
        /// Tab-separated with a header row naming the columns; columns are found by name.
        case tsv
    }

    // Header names accepted for each TSV column, most preferred first (compared case-insensitively).
    private static let recordColumnNames = ["record_id", "record", "sequence_id", "sequence", "seq_id", "seq", "chrom", "id"]
    private static let startColumnNames = ["start", "chromstart"]
    private static let endColumnNames = ["end", "chromend"]
    private static let labelColumnNames = ["motif", "name", "label"]
    private static let strandColumnNames = ["strand"]

    /// The format for a path: .bed, or .tsv/.txt; anything else is an error saying which to use.
    public static func format(of url: URL) throws -> Format {
        let path = url.relativePath
        switch url.pathExtension.lowercased() {
        case "bed": return .bed
        case "tsv", "txt": return .tsv
        case "gz", "bgz", "zst", "bz2", "xz":
            throw GenomicsError("\(path): compressed annotation files are not read; decompress it first (e.g. gunzip -k \(path))")
        default:
            throw GenomicsError("\(path): unknown annotation file extension; name it .bed (BED) or .tsv (tab-separated with a header row)")
        }
    }

    /// Reads an interval file, choosing the format from its extension; messages name it by the path as given.
    public static func read(contentsOf url: URL) throws -> [SequenceInterval] {
        let path = url.relativePath
        let format = try format(of: url)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw GenomicsError("\(path): no such file; check the path")
        }
        if isDirectory.boolValue {
            throw GenomicsError("\(path): is a directory; give the path of a .bed or .tsv file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw GenomicsError("\(path): cannot be read (\(fileErrorReason(error))); check its permissions")
        }
        // Say "compressed" or "binary" up front rather than complain about some column on line 1.
        if data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B {
            throw GenomicsError("\(path): file is gzip-compressed; decompress it first (e.g. gunzip -k \(path))")
        }
        if data.contains(0) {
            throw GenomicsError("\(path): file holds binary data; give a plain-text .bed or .tsv file")
        }
        return try parse(String(decoding: data, as: UTF8.self), format: format, source: path)
    }

    /// Parses interval text; `source` names it in error messages (usually the file path).
    public static func parse(_ text: String, format: Format, source: String) throws -> [SequenceInterval] {
        let lines = splitLines(text)
        if lines.allSatisfy({ trimmed($0).isEmpty }) {
            let what = format == .bed ? "BED lines (chrom, start, end)" : "a header row and interval rows"
            throw GenomicsError("\(source): file is empty; it needs \(what)")
        }
        switch format {
        case .bed: return try parseBED(lines, source: source)
        case .tsv: return try parseTSV(lines, source: source)
        }
    }

    // MARK: - BED

    private static func parseBED(_ lines: [Substring], source: String) throws -> [SequenceInterval] {
        var out: [SequenceInterval] = []
        for (index, rawLine) in lines.enumerated() {
            let line = trimmed(rawLine), lineNo = index + 1
            if line.isEmpty || line.hasPrefix("#") || isDirective(line, "track") || isDirective(line, "browser") { continue }
            // bedtools accepts any run of whitespace; BED names cannot hold spaces, so nothing is lost.
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count >= 3 else {
                throw GenomicsError("\(source):\(lineNo): BED line has \(fields.count) column\(fields.count == 1 ? "" : "s"); it needs at least chrom, chromStart and chromEnd separated by tabs")
            }
            let hint = out.isEmpty ? " (a header row must start with '#'; or use a .tsv file)" : ""
            let positions = try parsePositions(start: fields[1], end: fields[2], startName: "chromStart",
                                               endName: "chromEnd", hint: hint, source: source, line: lineNo)
            let record = String(fields[0])
            var label = fields.count > 3 && fields[3] != "." ? String(fields[3]) : ""
            if label.isEmpty { label = defaultLabel(record: record, positions: positions) }
            let strand = fields.count > 5 ? try parseStrand(fields[5], source: source, line: lineNo) : nil
            out.append(SequenceInterval(record: record, positions: positions, label: label, strand: strand, line: lineNo))
        }
        return out
    }

    /// True for `word` alone or followed by whitespace (so a chrom named "tracker" is still data).
    private static func isDirective(_ line: Substring, _ word: String) -> Bool {
        guard line.hasPrefix(word) else { return false }
        let rest = line.dropFirst(word.count)
        return rest.isEmpty || rest.first == " " || rest.first == "\t"
    }

    // MARK: - TSV

    private static func parseTSV(_ lines: [Substring], source: String) throws -> [SequenceInterval] {
        guard let headerIndex = lines.firstIndex(where: { !trimmed($0).isEmpty }) else { return [] }
        let headerLine = headerIndex + 1
        // A leading '#' on the header ("#chrom\tstart\tend") is common; it is not part of the first name.
        var headerText = trimmed(lines[headerIndex])
        if headerText.hasPrefix("#") { headerText = headerText.dropFirst() }
        let header = headerText.split(separator: "\t", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }

        func column(_ names: [String]) -> Int? {
            for name in names { if let i = header.firstIndex(of: name) { return i } }
            return nil
        }
        let recordCol = column(recordColumnNames)
        let startCol = column(startColumnNames)
        let endCol = column(endColumnNames)
        guard let recordCol, let startCol, let endCol else {
            var missing: [String] = []
            if recordCol == nil { missing.append("record column (one of \(recordColumnNames.joined(separator: ", ")))") }
            if startCol == nil { missing.append("start column (one of \(startColumnNames.joined(separator: ", ")))") }
            if endCol == nil { missing.append("end column (one of \(endColumnNames.joined(separator: ", ")))") }
            let looksLikeData = header.count >= 3 && Int(header[1]) != nil
            let fix = looksLikeData
                ? "the first line looks like data: add a tab-separated header row, or name the file .bed if it is BED"
                : "rename the columns to one of the names listed (the header is tab-separated)"
            throw GenomicsError("\(source):\(headerLine): header row has no \(missing.joined(separator: ", no ")); \(fix)")
        }
        let labelCol = column(labelColumnNames)
        let strandCol = column(strandColumnNames)
        let needed = [recordCol, startCol, endCol, labelCol ?? 0, strandCol ?? 0].max()! + 1

        var out: [SequenceInterval] = []
        for index in (headerIndex + 1)..<lines.count {
            let line = lines[index]
            if trimmed(line).isEmpty || trimmed(line).hasPrefix("#") { continue }
            let lineNo = index + 1
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= needed else {
                throw GenomicsError("\(source):\(lineNo): row has \(fields.count) tab-separated column\(fields.count == 1 ? "" : "s") but needs \(needed) (header on line \(headerLine)); separate columns with tabs")
            }
            let record = fields[recordCol]
            if record.isEmpty {
                throw GenomicsError("\(source):\(lineNo): record column '\(header[recordCol])' is empty; give the id of the sequence")
            }
            let positions = try parsePositions(start: Substring(fields[startCol]), end: Substring(fields[endCol]),
                                               startName: header[startCol], endName: header[endCol], hint: "",
                                               source: source, line: lineNo)
            var label = labelCol.map { fields[$0] } ?? ""
            if label.isEmpty || label == "." { label = defaultLabel(record: record, positions: positions) }
            let strand = try strandCol.flatMap { try parseStrand(Substring(fields[$0]), source: source, line: lineNo) }
            out.append(SequenceInterval(record: record, positions: positions, label: label, strand: strand, line: lineNo))
        }
        return out
    }

    // MARK: - Shared

    /// The label of an interval its file does not name: `record:start-end`, 0-based.
    public static func defaultLabel(record: String, positions: Range<Int>) -> String {
        "\(record):\(positions.lowerBound)-\(positions.upperBound)"
    }

    /// Lines without their terminators (LF or CRLF); a final newline adds no line. Tabs are kept:
    /// a TSV row may end in empty columns.
    private static func splitLines(_ text: String) -> [Substring] {
        // "\r\n" is one Character in Swift, so it must be named as a separator of its own.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    private static func trimmed(_ line: Substring) -> Substring {
        var s = line
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }

    private static func parsePositions(start: Substring, end: Substring, startName: String, endName: String,
                                       hint: String, source: String, line: Int) throws -> Range<Int> {
        guard let s = Int(start) else {
            throw GenomicsError("\(source):\(line): \(startName) '\(start)' is not a whole number; give 0-based positions\(hint)")
        }
        guard let e = Int(end) else {
            throw GenomicsError("\(source):\(line): \(endName) '\(end)' is not a whole number; give 0-based positions\(hint)")
        }
        if s < 0 {
            throw GenomicsError("\(source):\(line): \(startName) \(s) is negative; positions are 0-based, so the first base is 0")
        }
        if e <= s {
            throw GenomicsError("\(source):\(line): \(endName) \(e) is not after \(startName) \(s); the end is exclusive, so an interval of one base at \(s) ends at \(s + 1)")
        }
        return s..<e
    }

    /// "+" and "-" are strands; "." and "" mean unknown; anything else is an error.
    private static func parseStrand(_ field: Substring, source: String, line: Int) throws -> Character? {
        switch field {
        case "+": return "+"
        case "-": return "-"
        case ".", "": return nil
        default:
            throw GenomicsError("\(source):\(line): strand '\(field)' is not '+', '-' or '.'; use '.' when the strand is unknown")
        }
    }
}

extension IntervalFile {
    /// One line when intervals were read but none lies on a record of the FASTA (ids that differ,
    /// e.g. "chr1" against "chr1:100-300"), naming the first ids of each; nil otherwise.
    public static func unmatchedWarning(_ intervals: [SequenceInterval], records: [SequenceRecord], file: String, fasta: String) -> String? {
        let ids = Set(records.map(\.id))
        guard !intervals.isEmpty, !intervals.contains(where: { ids.contains($0.record) }) else { return nil }
        func first(_ names: [String]) -> String {
            var seen = Set<String>(), unique: [String] = []
            for name in names where seen.insert(name).inserted { unique.append(name) }
            return unique.prefix(3).joined(separator: ", ") + (unique.count > 3 ? ", ..." : "")
        }
        return "warning: \(file) names no record of \(fasta) (it names \(first(intervals.map(\.record))); the FASTA has \(first(records.map(\.id)))): no annotations are drawn"
    }
}
