import Foundation

/// Reads FASTA text into records: multi-record, wrapped lines, CRLF, blank lines and lowercase are all fine.
///
/// Sequence lines may hold letters (uppercased on read), '-' and '.' (gaps, both read as '-': a DNA or
/// 20-letter protein model sees them as all-zero columns just like N, a 21-letter one as its gap),
/// '*' (a protein's stop) and spaces/tabs (ignored). Anything else is an error
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
        try checkIsFile(url)
        let data: Data
        do {
            // Mapping avoids a copy of large genomes; the parser only reads the bytes once.
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw GenomicsError("\(path): cannot be read (\(fileErrorReason(error))); check its permissions")
        }
        return data
    }

    /// Refuses a missing path or a directory, naming the path as given.
    static func checkIsFile(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw GenomicsError("\(url.relativePath): no such file; check the path")
        }
        if isDirectory.boolValue {
            throw GenomicsError("\(url.relativePath): is a directory; give the path of a FASTA file")
        }
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

    private static func parse(_ p: UnsafeBufferPointer<UInt8>, source: String) throws -> [SequenceRecord] {
        try checkLooksLikeText(p, source: source)
        let n = p.count
        guard n > 0, let base = p.baseAddress else { throw noRecords(source) }
        var parser = FASTARecordParser(source: source)
        var records: [SequenceRecord] = []
        var pos = 0
        while pos < n {
            // memchr finds line ends far faster than a byte loop on long wrapped or unwrapped sequences.
            var lineEnd = n
            if let nl = memchr(base + pos, 0x0A, n - pos) {
                lineEnd = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
            }
            if let record = try parser.consume(line: UnsafeBufferPointer(rebasing: p[pos..<lineEnd])) { records.append(record) }
            pos = lineEnd + 1
        }
        if let record = try parser.finish() { records.append(record) }
        if records.isEmpty { throw noRecords(source) }
        return records
    }

    static func noRecords(_ source: String) -> GenomicsError {
        GenomicsError("\(source): no FASTA records found; a record is a '>id' header line followed by sequence lines")
    }

    static func binaryData(_ source: String) -> GenomicsError {
        GenomicsError("\(source): file does not look like FASTA (it holds binary data); give a plain-text FASTA file")
    }

    /// Rejects compressed or binary input up front, so users get "not FASTA" rather than a confusing
    /// complaint about some character on line 1.
    public static func checkLooksLikeText(_ p: UnsafeBufferPointer<UInt8>, source: String) throws {
        let n = p.count
        guard n > 0, let base = p.baseAddress else { return }
        if n >= 2 && p[0] == 0x1F && p[1] == 0x8B {
            throw GenomicsError("\(source): file is gzip-compressed; decompress it first (e.g. gunzip -k \(source))")
        }
        if memchr(base, 0, n) != nil { throw binaryData(source) }
        // Text may carry some UTF-8 in headers; a large share of control or high bytes means binary.
        let sample = min(n, 65_536)
        var odd = 0
        for i in 0..<sample {
            let b = p[i]
            if (b < 0x20 && b != 0x0A && !FASTARecordParser.isSpace(b)) || b >= 0x7F { odd += 1 }
        }
        if odd * 10 > sample * 3 { throw binaryData(source) }
    }
}
