import Foundation

/// The line-by-line record parser behind `FASTAReader` (whole files) and `FASTAStream` (files read
/// in blocks), so both accept the same text and give the same one-line errors.
struct FASTARecordParser {
    let source: String
    private var header: (id: String, description: String, line: Int)?
    private var seq: [UInt8] = []
    private var lineNo = 0

    init(source: String) { self.source = source }

    /// Reads one line (without its '\n'); returns the record this line's header completes, if any.
    mutating func consume(line p: UnsafeBufferPointer<UInt8>) throws -> SequenceRecord? {
        lineNo += 1
        var s = 0, e = p.count
        while s < e && Self.isSpace(p[s]) { s += 1 }
        while e > s && Self.isSpace(p[e - 1]) { e -= 1 }
        if s == e { return nil }

        if p[s] == UInt8(ascii: ">") {
            let finished = try finish()
            var parsed = Self.parseHeader(UnsafeBufferPointer(rebasing: p[(s + 1)..<e]))
            if parsed.id.isEmpty {
                throw GenomicsError("\(source):\(lineNo): header has no id; put an id right after '>', e.g. '>seq1'")
            }
            parsed.line = lineNo
            header = parsed
            return finished
        }

        guard let h = header else {
            if p[s] == UInt8(ascii: "@") {
                throw GenomicsError("\(source):\(lineNo): looks like FASTQ ('@' header), not FASTA; convert it first (e.g. seqtk seq -a)")
            }
            throw GenomicsError("\(source):\(lineNo): sequence text before the first '>' header; start the file with a header line such as '>seq1'")
        }

        // Copy the line in bulk, then translate and compact it in place (drops inner spaces).
        let start = seq.count
        seq.append(contentsOf: UnsafeBufferPointer(rebasing: p[s..<e]))
        var badOffset = -1
        let kept = Self.sequenceTable.withUnsafeBufferPointer { table in
            seq.withUnsafeMutableBufferPointer { b -> Int in
                var w = start
                for r in start..<b.count {
                    let c = table[Int(b[r])]
                    if c > Self.invalid {
                        b[w] = c
                        w += 1
                    } else if c == Self.invalid {
                        badOffset = r - start
                        break
                    }
                }
                return w
            }
        }
        if badOffset >= 0 {
            let byte = p[s + badOffset]
            throw GenomicsError("\(source):\(lineNo): unexpected character \(Self.describe(byte)) in the sequence of record '\(h.id)' (column \(s + badOffset + 1)); sequence lines may hold only letters, '-', '.' and '*'")
        }
        seq.removeLast(seq.count - kept)
        return nil
    }

    /// The record in progress at the end of the text, if any.
    mutating func finish() throws -> SequenceRecord? {
        guard let h = header else { return nil }
        if seq.isEmpty {
            throw GenomicsError("\(source):\(h.line): record '\(h.id)' has no sequence; remove the header or add its bases")
        }
        let record = SequenceRecord(id: h.id, description: h.description, sequence: seq, line: h.line)
        header = nil
        seq = []
        return record
    }

    /// What a byte becomes in a sequence line: an uppercase letter, '-' (a gap), '*', `skip` (whitespace) or `invalid`.
    private static let skip: UInt8 = 0
    private static let invalid: UInt8 = 1
    private static let sequenceTable: [UInt8] = {
        var t = [UInt8](repeating: invalid, count: 256)
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") {
            t[Int(c)] = c
            t[Int(c + 32)] = c  // lowercase -> uppercase
        }
        // Gaps stay gaps: a 21-letter protein alphabet has a channel for them; every other
        // alphabet encodes them, as N, as all-zero columns. '*' is a protein's stop.
        t[Int(UInt8(ascii: "-"))] = UInt8(ascii: "-")
        t[Int(UInt8(ascii: "."))] = UInt8(ascii: "-")
        t[Int(UInt8(ascii: "*"))] = UInt8(ascii: "*")
        for w in [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C] {
            t[Int(w)] = skip
        }
        return t
    }()

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C
    }

    /// Splits header text (after '>') into id (first token) and description (the rest, trimmed).
    private static func parseHeader(_ h: UnsafeBufferPointer<UInt8>) -> (id: String, description: String, line: Int) {
        var i = 0
        while i < h.count && isSpace(h[i]) { i += 1 }
        let idStart = i
        while i < h.count && !isSpace(h[i]) { i += 1 }
        let id = String(decoding: UnsafeBufferPointer(rebasing: h[idStart..<i]), as: UTF8.self)
        while i < h.count && isSpace(h[i]) { i += 1 }
        let description = String(decoding: UnsafeBufferPointer(rebasing: h[i..<h.count]), as: UTF8.self)
        return (id, description, 0)
    }

    /// A byte as users would recognise it in a message: 'x' when printable, else its hex value.
    private static func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return String(format: "byte 0x%02X", b)
    }
}
