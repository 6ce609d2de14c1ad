/// The lines of a text file, numbered from 1, without their line ends or trailing blanks.
struct AlignmentLines {
    struct Line {
        var number: Int
        var text: ArraySlice<UInt8>
    }

    var lines: [Line] = []

    init(_ bytes: [UInt8]) {
        var start = 0, number = 1
        while start < bytes.count {
            var end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let next = end + 1
            while end > start && isBlank(bytes[end - 1]) { end -= 1 }
            lines.append(Line(number: number, text: bytes[start..<end]))
            start = next
            number += 1
        }
    }

    /// The first line that is neither blank nor a FASTA comment ('#' or ';'), Stockholm's
    /// "# STOCKHOLM 1.0" header excepted: what shows the format.
    var firstContentLine: Line? {
        lines.first { !$0.text.isEmpty && (!isComment($0.text) || $0.text.starts(with: Array("# STOCKHOLM".utf8))) }
    }
}

/// Spaces, tabs and carriage returns: ignored around and inside sequence lines.
func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C }

/// FASTA comment lines: ';' (the old convention EVcouplings skips) and '#' (logomaker's and Pfam's
/// exports start with '#' lines).
func isComment(_ text: ArraySlice<UInt8>) -> Bool { text.first == UInt8(ascii: ";") || text.first == UInt8(ascii: "#") }

/// Sequences as read, before their rows are checked against each other.
struct AlignmentRecords {
    var ids: [String] = []
    var rows: [[UInt8]] = []
    var lines: [Int] = []
}

/// The readers of the four formats.
enum AlignmentParser {
    /// Aligned FASTA, A2M and A3M: '>' headers (the id is the first word), sequence lines of
    /// letters, '-' and '.', spaces ignored, comment lines skipped.
    static func fastaRecords(_ lines: AlignmentLines, source: String) throws -> AlignmentRecords {
        var records = AlignmentRecords()
        for line in lines.lines where !line.text.isEmpty && !isComment(line.text) {
            if line.text.first == UInt8(ascii: ">") {
                let name = line.text.dropFirst().split(whereSeparator: isBlank).first ?? []
                guard !name.isEmpty else {
                    throw AlignmentError("\(source):\(line.number): a '>' header without a name; give every sequence an id")
                }
                records.ids.append(String(decoding: name, as: UTF8.self))
                records.rows.append([])
                records.lines.append(line.number)
                continue
            }
            guard let last = records.ids.indices.last else {
                throw AlignmentError("\(source):\(line.number): sequence letters before the first '>' header; start each sequence with a '>id' line")
            }
            try appendLetters(line.text, to: &records.rows[last], id: records.ids[last], line: line.number, source: source)
        }
        return records
    }

    /// Stockholm (the first alignment of the file): "# STOCKHOLM 1.0", rows "name letters" in one
    /// or more interleaved blocks, #=GF/#=GS/#=GR/#=GC markup (skipped), and "//" at its end.
    static func stockholmRecords(_ lines: AlignmentLines, source: String) throws -> AlignmentRecords {
        guard let header = lines.firstContentLine, header.text.starts(with: Array("# STOCKHOLM".utf8)) else {
            let number = lines.firstContentLine?.number ?? 1
            throw AlignmentError("\(source):\(number): no '# STOCKHOLM 1.0' header line; a Stockholm file starts with it")
        }
        var records = AlignmentRecords()
        var indexOfName: [String: Int] = [:]
        for line in lines.lines where line.number > header.number && !line.text.isEmpty {
            if line.text.starts(with: Array("//".utf8)) { return records }
            if line.text.first == UInt8(ascii: "#") { continue }
            let words = line.text.split(whereSeparator: isBlank)
            guard words.count == 2 else {
                throw AlignmentError("\(source):\(line.number): expected a row 'name aligned-letters' or a '#=' markup line, found \(words.count) words; check the line")
            }
            let name = String(decoding: words[0], as: UTF8.self)
            let index: Int
            if let known = indexOfName[name] {
                index = known
            } else {
                index = records.ids.count
                indexOfName[name] = index
                records.ids.append(name)
                records.rows.append([])
                records.lines.append(line.number)
            }
            try appendLetters(words[1], to: &records.rows[index], id: name, line: line.number, source: source)
        }
        let last = lines.lines.last?.number ?? 1
        throw AlignmentError("\(source):\(last): the alignment has no '//' end line; the file may be truncated (a Stockholm alignment ends with //)")
    }

    /// Appends a sequence line's letters and gaps, skipping blanks; anything else is refused.
    private static func appendLetters(_ text: ArraySlice<UInt8>, to row: inout [UInt8], id: String, line: Int, source: String) throws {
        row.reserveCapacity(row.count + text.count)
        for b in text {
            if isLetter(b) || isGap(b) {
                row.append(b)
            } else if !isBlank(b) {
                throw AlignmentError("\(source):\(line): \(describe(b)) in sequence '\(id)' is neither a letter nor a gap ('-' or '.'); remove or replace it")
            }
        }
    }

    /// The rows as an Alignment: aligned FASTA and Stockholm rows must have one width; A2M and A3M
    /// rows must agree on their match columns, and their inserts are padded.
    static func assemble(_ records: AlignmentRecords, source: String, format: Alignment.Format) throws -> Alignment {
        guard let firstRow = records.rows.first else {
            throw AlignmentError("\(source): no sequences found; give an alignment in Stockholm, A2M, A3M or aligned FASTA format")
        }
        let (width, letters): (Int, [UInt8])
        switch format {
        case .fasta, .stockholm:
            for (n, row) in records.rows.enumerated() where row.count != firstRow.count {
                let hint = format == .fasta ? " (an A3M file, whose inserts are not padded, needs the .a3m extension)" : ""
                throw AlignmentError("\(source):\(records.lines[n]): sequence '\(records.ids[n])' has \(row.count) columns but '\(records.ids[0])' has \(firstRow.count); every row of an alignment must have the same length\(hint)")
            }
            (width, letters) = (firstRow.count, Array(records.rows.joined()))
        case .a2m, .a3m:
            (width, letters) = try padInserts(records, source: source)
        }
        guard width > 0 else {
            throw AlignmentError("\(source):\(records.lines[0]): the alignment has no columns; give the sequences' aligned letters")
        }
        return Alignment(source: source, format: format, ids: records.ids, width: width, letters: letters, lines: records.lines)
    }

    /// A2M/A3M rows with their insert letters (lowercase) left-aligned in padded insert columns,
    /// '.' filling the rest, so every row has the same width and the match columns (uppercase and
    /// '-') line up.
    private static func padInserts(_ records: AlignmentRecords, source: String) throws -> (Int, [UInt8]) {
        let matchCounts = records.rows.map { $0.count(where: isMatch) }
        let matchCount = matchCounts[0]
        for (n, count) in matchCounts.enumerated() where count != matchCount {
            throw AlignmentError("\(source):\(records.lines[n]): sequence '\(records.ids[n])' has \(count) match columns (uppercase letters and '-') but '\(records.ids[0])' has \(matchCount); A2M/A3M rows must have the same match columns")
        }
        // The widest insert of any row before each match column, and after the last.
        var insertWidths = [Int](repeating: 0, count: matchCount + 1)
        for row in records.rows {
            var slot = 0, run = 0
            for b in row {
                if isMatch(b) { insertWidths[slot] = max(insertWidths[slot], run); slot += 1; run = 0 } else if isLetter(b) { run += 1 }
            }
            insertWidths[slot] = max(insertWidths[slot], run)
        }
        let width = matchCount + insertWidths.reduce(0, +)
        var letters: [UInt8] = []
        letters.reserveCapacity(width * records.rows.count)
        for row in records.rows {
            var slot = 0, run = 0
            for b in row {
                if isMatch(b) {
                    letters.append(contentsOf: repeatElement(UInt8(ascii: "."), count: insertWidths[slot] - run))
                    letters.append(b)
                    slot += 1
                    run = 0
                } else if isLetter(b) {
                    letters.append(b)
                    run += 1
                }
            }
            letters.append(contentsOf: repeatElement(UInt8(ascii: "."), count: insertWidths[slot] - run))
        }
        return (width, letters)
    }

    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
    static func isGap(_ b: UInt8) -> Bool { b == UInt8(ascii: "-") || b == UInt8(ascii: ".") }
    /// A2M's match states: uppercase residues and '-' (lowercase letters and '.' are inserts).
    static func isMatch(_ b: UInt8) -> Bool { (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "-") }

    /// A byte for a message: the character in quotes, or its code when it is not printable.
    static func describe(_ b: UInt8) -> String {
        b > 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x" + String(b, radix: 16, uppercase: true)
    }
}
