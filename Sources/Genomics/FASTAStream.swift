import Foundation

/// A FASTA file read a block at a time, records handed out a few at a time: memory holds one
/// block and the records asked for, however large the file. Accepts the same text and gives the
/// same one-line errors as `FASTAReader` (they share `FASTARecordParser`); one difference: a
/// binary byte after the first 64 KiB is reported when its block is reached, after any records
/// before it were returned.
public final class FASTAStream {
    private let handle: FileHandle
    private let source: String
    private let blockSize: Int
    private var parser: FASTARecordParser
    /// Bytes read but not yet parsed; `start` is the first unparsed one.
    private var pending: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var returnedAny = false

    /// Opens `url`; `blockSize` is how many bytes each read takes (tests use tiny ones).
    public init(contentsOf url: URL, blockSize: Int = 1 << 20) throws {
        try FASTAReader.checkIsFile(url)
        source = url.relativePath
        self.blockSize = max(1, blockSize)
        parser = FASTARecordParser(source: source)
        do {
            handle = try FileHandle(forReadingFrom: url)
            // The whole-file reader's gzip/binary check looks at the first 64 KiB: read them once for it.
            let head = [UInt8](try handle.read(upToCount: 65_536) ?? Data())
            try head.withUnsafeBufferPointer { try FASTAReader.checkLooksLikeText($0, source: source) }
            try handle.seek(toOffset: 0)
        } catch let error as GenomicsError {
            throw error
        } catch {
            throw GenomicsError("\(source): cannot be read (\(fileErrorReason(error))); check its permissions")
        }
    }

    deinit { try? handle.close() }

    /// Up to `count` next records, in file order; empty once the file is done. An empty file, or
    /// one without records, is refused as `FASTAReader` refuses it.
    public func next(_ count: Int) throws -> [SequenceRecord] {
        var records: [SequenceRecord] = []
        while records.count < count, let record = try nextRecord() {
            records.append(record)
            returnedAny = true
        }
        return records
    }

    private func nextRecord() throws -> SequenceRecord? {
        while true {
            // memchr: far faster than a byte loop over a gigabyte of sequence.
            let newline = pending.withUnsafeBufferPointer { p -> Int? in
                guard start < p.count, let base = p.baseAddress, let found = memchr(base + start, 0x0A, p.count - start) else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            if let newline {
                let record = try pending.withUnsafeBufferPointer { try parser.consume(line: UnsafeBufferPointer(rebasing: $0[start..<newline])) }
                start = newline + 1
                if let record { return record }
            } else if !atEnd {
                try readBlock()
            } else {
                if start < pending.count {
                    let record = try pending.withUnsafeBufferPointer { try parser.consume(line: UnsafeBufferPointer(rebasing: $0[start...])) }
                    start = pending.count
                    if let record { return record }
                }
                if let record = try parser.finish() { return record }
                if !returnedAny { throw FASTAReader.noRecords(source) }
                return nil
            }
        }
    }

    private func readBlock() throws {
        let block: Data
        do { block = try handle.read(upToCount: blockSize) ?? Data() } catch {
            throw GenomicsError("\(source): cannot be read (\(fileErrorReason(error))); check its permissions")
        }
        if block.isEmpty { atEnd = true; return }
        if block.contains(0) { throw FASTAReader.binaryData(source) }
        pending.removeFirst(start)
        start = 0
        pending.append(contentsOf: block)
    }
}
