/// One record's text exactly as it appears in its FASTA file — header line, line breaks, line
/// endings, soft-masked (lower-case) bases — so it can be written back byte for byte, or with
/// some bases substituted in place.
public struct FASTARecordText: Sendable, Equatable {
    /// From the record's header line up to the next header line (or the end of the file).
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Each record's text, in the order `FASTAReader.parse` reads the records: a record starts at
    /// a line whose first non-blank character is '>'. Bytes before the first header (blank lines)
    /// belong to no record.
    public static func split(_ data: [UInt8]) -> [FASTARecordText] {
        var starts: [Int] = []
        var lineStart = 0
        while lineStart < data.count {
            var first = lineStart
            while first < data.count, isBlank(data[first]) { first += 1 }
            if first < data.count, data[first] == UInt8(ascii: ">") { starts.append(lineStart) }
            lineStart = (data[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? data.count - 1) + 1
        }
        return starts.indices.map { index in
            FASTARecordText(bytes: Array(data[starts[index] ..< (index + 1 < starts.count ? starts[index + 1] : data.count)]))
        }
    }

    /// Where the header line ends (before its line break; a CR of CRLF included in the break).
    private var headerEnd: Int {
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        return newline > 0 && bytes[newline - 1] == UInt8(ascii: "\r") ? newline - 1 : newline
    }

    /// Where the sequence lines start: after the header line.
    private var sequenceStart: Int { (bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count - 1) + 1 }

    /// A byte of the sequence lines that is a base: anything but blanks and line breaks (the
    /// parser has checked the rest are letters, '-', '.' or '*').
    private static func isBase(_ byte: UInt8) -> Bool { !isBlank(byte) && byte != UInt8(ascii: "\n") }

    /// The bases as written, case kept; gaps ('-', '.') read as '-', as `FASTAReader` does.
    public var sequence: [UInt8] {
        bytes[sequenceStart...].filter(Self.isBase).map { $0 == UInt8(ascii: ".") ? UInt8(ascii: "-") : $0 }
    }

    /// The text with `suffix` appended to the header line and each base at a position of `bases`
    /// replaced in place, in the case of the base it replaces (so soft-masked stretches stay
    /// soft-masked); line breaks and every other byte stay as they were.
    public func substituting(_ bases: [Int: UInt8], appendingToHeader suffix: String) -> [UInt8] {
        var text = bytes
        var position = 0
        for offset in sequenceStart ..< text.count where Self.isBase(text[offset]) {
            if let base = bases[position] { text[offset] = BaseCase.isLowercase(text[offset]) ? BaseCase.lowercased(base) : BaseCase.uppercased(base) }
            position += 1
        }
        return Array(text[..<headerEnd]) + Array(suffix.utf8) + text[headerEnd...]
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C }
}
