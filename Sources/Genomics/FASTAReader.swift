import Foundation

/// Reads FASTA text into records: multi-record, wrapped lines, CRLF, blank lines and lowercase are all fine.
///
/// Sequence lines may hold letters (uppercased on read), '-' and '.' (gaps, read as 'N' because a model
/// sees them as all-zero columns just like N) and spaces/tabs (ignored). Anything else is an error
/// naming the file, line and character. Records are returned as the file has them, duplicate ids included;
/// the commands make ids unique with `SequenceRecord.uniquingIDs(_:)` and warn.
public enum FASTAReader {
    /// Reads and parses a FASTA file; messages name the file by the path as given (`url.relativePath`).
    public static func read(contentsOf url: URL) throws -> [SequenceRecord] {
        try parse(contents(of: url), source: url.relativePath)
    }

    /// A FASTA file's bytes (memory-mapped where safe), for callers that also need the text as
    /// written; the same one-line errors as `read`.
    public static func contents(of url: URL) throws -> Data {
        let path = url.relativePath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw GenomicsError("\(path): no such file; check the path")
        }
        if isDirectory.boolValue {
            throw GenomicsError("\(path): is a directory; give the path of a FASTA file")
        }
        let data: Data
        do {
            // Mapping avoids a copy of large genomes; the parser only reads the bytes once.
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw GenomicsError("\(path): cannot be read (\(fileErrorReason(error))); check its permissions")
        }
        return data
    }

    /// Parses FASTA bytes; `source` names them in error messages (usually the file path).
    public static func parse(_ data: Data, source: String) throws -> [SequenceRecord] {
        try data.withUnsafeBytes { raw in
            try parse(raw.assumingMemoryBound(to: UInt8.self), source: source)
        }
    }

    /// Parses FASTA bytes; `source` names them in error messages.
    public static func parse(_ bytes: [UInt8], source: String) throws -> [SequenceRecord] {
        try bytes.withUnsafeBufferPointer { try parse($0, source: source) }
    }

    /// Parses FASTA text; `source` names it in error messages.
    public static func parse(_ text: String, source: String) throws -> [SequenceRecord] {
        try parse(Array(text.utf8), source: source)
    }

    // MARK: - Core

    /// What a byte becomes in a sequence line: an uppercase letter, `skip` (whitespace) or `invalid`.
    private static let skip: UInt8 = 0
    private static let invalid: UInt8 = 1
    private static let sequenceTable: [UInt8] = {
        var t = [UInt8](repeating: invalid, count: 256)
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") {
            t[Int(c)] = c
            t[Int(c + 32)] = c  // lowercase -> uppercase
        }
        t[Int(UInt8(ascii: "-"))] = UInt8(ascii: "N")
        t[Int(UInt8(ascii: "."))] = UInt8(ascii: "N")
        for w in [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C] {
            t[Int(w)] = skip
        }
        return t
    }()

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C
    }

    private static func parse(_ p: UnsafeBufferPointer<UInt8>, source: String) throws -> [SequenceRecord] {
        try checkLooksLikeText(p, source: source)
        let n = p.count
        guard n > 0, let base = p.baseAddress else {
            throw GenomicsError("\(source): no FASTA records found; a record is a '>id' header line followed by sequence lines")
        }
        return try sequenceTable.withUnsafeBufferPointer { table in
            var records: [SequenceRecord] = []
            var header: (id: String, description: String, line: Int)?
            var seq: [UInt8] = []
            var lineNo = 0
            var pos = 0

            func finishRecord() throws {
                guard let h = header else { return }
                if seq.isEmpty {
                    throw GenomicsError("\(source):\(h.line): record '\(h.id)' has no sequence; remove the header or add its bases")
                }
                records.append(SequenceRecord(id: h.id, description: h.description, sequence: seq, line: h.line))
                seq = []
            }

            while pos < n {
                lineNo += 1
                let lineStart = pos
                // memchr finds line ends far faster than a byte loop on long wrapped or unwrapped sequences.
                var lineEnd = n
                if let nl = memchr(base + pos, 0x0A, n - pos) {
                    lineEnd = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                }
                pos = lineEnd + 1

                var s = lineStart, e = lineEnd
                while s < e && isSpace(p[s]) { s += 1 }
                while e > s && isSpace(p[e - 1]) { e -= 1 }
                if s == e { continue }

                if p[s] == UInt8(ascii: ">") {
                    try finishRecord()
                    header = parseHeader(UnsafeBufferPointer(rebasing: p[(s + 1)..<e]))
                    if header!.id.isEmpty {
                        throw GenomicsError("\(source):\(lineNo): header has no id; put an id right after '>', e.g. '>seq1'")
                    }
                    header!.line = lineNo
                    continue
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
                let kept = seq.withUnsafeMutableBufferPointer { b -> Int in
                    var w = start
                    for r in start..<b.count {
                        let c = table[Int(b[r])]
                        if c > invalid {
                            b[w] = c
                            w += 1
                        } else if c == invalid {
                            badOffset = r - start
                            break
                        }
                    }
                    return w
                }
                if badOffset >= 0 {
                    let byte = p[s + badOffset]
                    let column = s + badOffset - lineStart + 1
                    throw GenomicsError("\(source):\(lineNo): unexpected character \(describe(byte)) in the sequence of record '\(h.id)' (column \(column)); sequence lines may hold only letters, '-' and '.'")
                }
                seq.removeLast(seq.count - kept)
            }
            try finishRecord()
            if records.isEmpty {
                throw GenomicsError("\(source): no FASTA records found; a record is a '>id' header line followed by sequence lines")
            }
            return records
        }
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

    /// Rejects compressed or binary input up front, so users get "not FASTA" rather than a confusing
    /// complaint about some character on line 1.
    private static func checkLooksLikeText(_ p: UnsafeBufferPointer<UInt8>, source: String) throws {
        let n = p.count
        guard n > 0, let base = p.baseAddress else { return }
        if n >= 2 && p[0] == 0x1F && p[1] == 0x8B {
            throw GenomicsError("\(source): file is gzip-compressed; decompress it first (e.g. gunzip -k \(source))")
        }
        let binary = GenomicsError("\(source): file does not look like FASTA (it holds binary data); give a plain-text FASTA file")
        if memchr(base, 0, n) != nil { throw binary }
        // Text may carry some UTF-8 in headers; a large share of control or high bytes means binary.
        let sample = min(n, 65_536)
        var odd = 0
        for i in 0..<sample {
            let b = p[i]
            if (b < 0x20 && b != 0x0A && !isSpace(b)) || b >= 0x7F { odd += 1 }
        }
        if odd * 10 > sample * 3 { throw binary }
    }
}
