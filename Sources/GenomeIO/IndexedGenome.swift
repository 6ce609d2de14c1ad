import CHTSlib
import Foundation
import Genomics

/// A genome FASTA read through its samtools index (.fai), plain or bgzip-compressed (then also
/// .gzi), so a region of a 3 Gb genome costs a seek, not a load.
///
/// Coordinates are 0-based and end-exclusive, as everywhere in seqlens; htslib's own fetch takes
/// an inclusive end, converted here once.
public final class IndexedGenome: @unchecked Sendable {
    // faidx_t is read-only after loading but keeps a cache and a file cursor: one fetch at a time.
    private let index: OpaquePointer
    private let lock = NSLock()
    /// The FASTA file this genome was read from, for messages.
    public let path: String
    /// Chromosome names in the index's order.
    public let chromosomes: [String]
    /// Chromosome lengths by name.
    public let lengths: [String: Int]

    /// Opens `path` with its existing index; a missing index is an error that says how to build
    /// it (`build: true` builds it, as `samtools faidx` would).
    public init(path: String, buildingIndex build: Bool = false) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw GenomicsError("\(path): cannot read the genome FASTA (no such file or not readable)")
        }
        // A bgzip file needs its .gzi beside the .fai (htslib refuses it otherwise, even when
        // asked to create indexes): both count as the index.
        let indexes = [path + ".fai"] + (Self.isCompressed(path) ? [path + ".gzi"] : [])
        let missing = indexes.filter { !FileManager.default.fileExists(atPath: $0) }
        // htslib's own log lines would break seqlens' one-line errors; its failures are reported below.
        hts_set_log_level(HTS_LOG_OFF)
        if let first = missing.first {
            guard build else {
                throw GenomicsError("\(path): no index \(first); build it with `samtools faidx \(path)` or pass --build-index")
            }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw GenomicsError("\(path): cannot build its index, the folder \(folder) is not writable; copy the genome somewhere writable, or index it there with `samtools faidx`")
            }
            guard fai_build3(path, nil, nil) == 0 else {
                throw GenomicsError("\(path): htslib could not index it; a compressed genome must be bgzip (not gzip): `gunzip` it, then `bgzip` it")
            }
        }
        guard let index = fai_load3(path, nil, nil, 0) else {
            throw GenomicsError("\(path): htslib could not load the FASTA index; if the file is compressed it must be bgzip (not gzip): `bgzip -d` then `bgzip` it, and rebuild the index")
        }
        self.index = index
        self.path = path
        let count = Int(faidx_nseq(index))
        chromosomes = (0..<count).map { String(cString: faidx_iseq(index, Int32($0))) }
        lengths = Dictionary(uniqueKeysWithValues: chromosomes.map { ($0, Int(faidx_seq_len(index, $0))) })
    }

    deinit { fai_destroy(index) }

    /// gzip or bgzip (their magic bytes), for which htslib needs a .gzi.
    private static func isCompressed(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 2)) == Data([0x1F, 0x8B])
    }

    /// The length of `chromosome`; a name this genome spells another way (`1` for `chr1`) is an
    /// error that gives its spelling, any other unknown name one that lists a few it has.
    public func length(of chromosome: String) throws -> Int {
        guard let length = lengths[chromosome] else {
            throw GenomicsError("\(path): \(ChromosomeNames.missingMessage(chromosome, among: chromosomes))")
        }
        return length
    }

    /// The bases of `chromosome` over `positions` (0-based, end-exclusive), uppercased.
    public func sequence(_ chromosome: String, _ positions: Range<Int>) throws -> String {
        let length = try length(of: chromosome)
        guard positions.lowerBound >= 0, positions.upperBound <= length else {
            throw GenomicsError("\(path): \(chromosome):\(positions.lowerBound)-\(positions.upperBound) lies outside \(chromosome) (length \(length))")
        }
        if positions.isEmpty { return "" }
        lock.lock()
        defer { lock.unlock() }
        var fetched: hts_pos_t = 0
        guard let bases = faidx_fetch_seq64(index, chromosome, hts_pos_t(positions.lowerBound), hts_pos_t(positions.upperBound - 1), &fetched) else {
            throw GenomicsError("\(path): htslib could not read \(chromosome):\(positions.lowerBound)-\(positions.upperBound); is the index stale? Rebuild it with `samtools faidx \(path)`")
        }
        defer { free(bases) }
        return String(cString: bases).uppercased()
    }
}
