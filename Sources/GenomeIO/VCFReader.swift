import CHTSlib
import Foundation
import Genomics

/// Variants of a VCF, plain or bgzip-compressed, read one line at a time through htslib (memory
/// stays bounded however large the file), or only those overlapping a region through the file's
/// tabix or CSI index.
///
/// Only CHROM, POS, ID, REF and ALT are read. A line with several ALTs gives one variant per ALT;
/// ALTs that are not bases (symbolic `<DEL>`, the spanning deletion `*`, breakends, `.`) are
/// skipped and counted. Errors name the file and line; htslib's own logging is off.
public final class VCFReader {
    public let path: String
    /// ALT alleles skipped so far because they are not bases.
    public private(set) var skippedAlleles = 0
    /// Where the variant `next()` returned last comes from: `FILE:LINE`, or for a region query
    /// (whose lines have no known number) `FILE, record K of REGION`.
    public private(set) var location: String

    private let file: UnsafeMutablePointer<htsFile>
    private var line = kstring_t(l: 0, m: 0, s: nil)
    private var lineNumber = 0
    private var query: (index: UnsafeMutablePointer<tbx_t>, iterator: UnsafeMutablePointer<hts_itr_t>, label: String)?
    private var pending: [GenomicVariant] = []
    /// kseq.h's KS_SEP_LINE ("\n" or "\r\n"); kseq.h itself is a code template, not included.
    private static let lineEnd: Int32 = 2

    /// Opens `path` and reads its header; with `region` (a chromosome and optionally 0-based,
    /// end-exclusive positions) only the records overlapping it, through FILE.tbi or FILE.csi.
    public init(path: String, region: (chromosome: String, positions: Range<Int>?)? = nil) throws {
        hts_set_log_level(HTS_LOG_OFF)
        self.path = path
        location = path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw GenomicsError("\(path): cannot read the VCF (no such file or not readable)")
        }
        guard let file = hts_open(path, "r") else {
            throw GenomicsError("\(path): htslib could not open the VCF; is it a VCF (plain or bgzip-compressed)?")
        }
        self.file = file
        // Once every property is set, deinit closes the file also when init throws below.
        let format = hts_get_format(file).pointee
        if format.format == bcf {
            throw GenomicsError("\(path): BCF is not read; convert it with `bcftools view -Oz -o calls.vcf.gz \(path)`")
        }
        try readHeader()
        if let region {
            try openQuery(region, compressed: format.compression == bgzf)
        }
    }

    deinit {
        if let query {
            seqlens_tbx_destroy(query.iterator)
            tbx_destroy(query.index)
        }
        free(line.s)
        hts_close(file)
    }

    /// Reads every variant: for files (or regions) known to be small, such as a browser's list.
    public static func readAll(path: String, region: (chromosome: String, positions: Range<Int>?)? = nil) throws -> [GenomicVariant] {
        let reader = try VCFReader(path: path, region: region)
        var variants: [GenomicVariant] = []
        while let variant = try reader.next() { variants.append(variant) }
        return variants
    }

    /// The next variant, nil at the end of the file or region.
    public func next() throws -> GenomicVariant? {
        while pending.isEmpty {
            guard try readLine() else { return nil }
            if line.l == 0 { continue }
            pending = try parseRecord().reversed()
        }
        return pending.removeLast()
    }

    /// The header lines up to and including `#CHROM`; the first must name the format.
    private func readHeader() throws {
        while try readLine() {
            let text = currentLine()
            if lineNumber == 1, !text.hasPrefix("##fileformat=VCF") {
                throw GenomicsError("\(path):1: not a VCF: the first line should be ##fileformat=VCFv4.x (a VCF header); is this the right file?")
            }
            if text.hasPrefix("#CHROM") { return }
            if !text.hasPrefix("#") {
                throw GenomicsError("\(path):\(lineNumber): a record before the #CHROM header line; the header must end with #CHROM POS ID REF ALT QUAL FILTER INFO")
            }
        }
        throw GenomicsError("\(path): no #CHROM header line; a VCF's header ends with #CHROM POS ID REF ALT QUAL FILTER INFO")
    }

    private func openQuery(_ region: (chromosome: String, positions: Range<Int>?), compressed: Bool) throws {
        // As samtools writes regions (1-based, both ends included), the form --region takes.
        let label = region.positions.map { "\(region.chromosome):\($0.lowerBound + 1)-\($0.upperBound)" } ?? region.chromosome
        guard compressed else {
            throw GenomicsError("\(path): --region \(label) needs a bgzip-compressed VCF with a tabix index: `bgzip \(path) && tabix -p vcf \(path).gz`")
        }
        guard let index = tbx_index_load3(path, nil, HTS_IDX_SILENT_FAIL) else {
            throw GenomicsError("\(path): --region \(label) needs an index (\(path).tbi or .csi) and there is none; build it with `tabix -p vcf \(path)`")
        }
        let tid = tbx_name2id(index, region.chromosome)
        guard tid >= 0 else {
            var count: Int32 = 0
            let names = tbx_seqnames(index, &count)
            let listing = (0..<Int(count)).prefix(5).map { String(cString: names![$0]!) }.joined(separator: ", ")
            free(names)
            tbx_destroy(index)
            throw GenomicsError("\(path): --region \(label): the index has no chromosome '\(region.chromosome)' (it has \(listing)\(count > 5 ? ", …" : ""))")
        }
        let positions = region.positions ?? 0 ..< Int(Int64.max >> 2)
        guard let iterator = seqlens_tbx_query(index, tid, hts_pos_t(positions.lowerBound), hts_pos_t(positions.upperBound)) else {
            tbx_destroy(index)
            throw GenomicsError("\(path): htslib could not query \(label) in the index; is the index stale? Rebuild it with `tabix -f -p vcf \(path)`")
        }
        query = (index, iterator, label)
        lineNumber = 0
    }

    /// Reads the next line into `line` (false at the end) and sets `location` to it.
    private func readLine() throws -> Bool {
        let status: Int32
        if let query {
            status = seqlens_tbx_next(file, query.index, query.iterator, &line)
        } else {
            status = hts_getline(file, Self.lineEnd, &line)
        }
        if status == -1 { return false }
        lineNumber += 1
        location = query.map { "\(path), record \(lineNumber) of \($0.label)" } ?? "\(path):\(lineNumber)"
        guard status >= 0 else {
            throw GenomicsError("\(location): htslib could not read the file (truncated or corrupt compression?); check it with `bgzip -t \(path)`")
        }
        if line.l > 0, line.s[line.l - 1] == 0x0D { line.l -= 1 }  // a CRLF line end
        return true
    }

    private func currentLine() -> String {
        String(decoding: UnsafeRawBufferPointer(start: line.s, count: line.l), as: UTF8.self)
    }

    /// The variants of the current data line, one per ALT made of bases.
    private func parseRecord() throws -> [GenomicVariant] {
        let columns = currentLine().split(separator: "\t", maxSplits: 8, omittingEmptySubsequences: false)
        func malformed(_ what: String) -> GenomicsError {
            GenomicsError("\(location): malformed VCF line: \(what)")
        }
        guard columns.count >= 8 else {
            throw malformed("\(columns.count) tab-separated column\(columns.count == 1 ? "" : "s") where a VCF record has at least 8 (CHROM POS ID REF ALT QUAL FILTER INFO); are the columns separated by tabs?")
        }
        guard let position = Int(columns[1]), position >= 1 else {
            throw malformed("POS '\(columns[1].prefix(40))' is not a positive integer (1-based)")
        }
        let reference = columns[3].uppercased()
        guard !reference.isEmpty, reference.utf8.allSatisfy(Self.isBase) else {
            throw malformed("REF '\(columns[3].prefix(40))' is not bases (A, C, G, T, N)")
        }
        var variants: [GenomicVariant] = []
        for allele in columns[4].split(separator: ",", omittingEmptySubsequences: false) {
            let alternative = allele.uppercased()
            if !alternative.isEmpty, alternative.utf8.allSatisfy(Self.isBase) {
                variants.append(GenomicVariant(chromosome: String(columns[0]), position: position - 1, id: String(columns[2]), reference: reference, alternative: alternative))
            } else if Self.isSymbolic(alternative) {
                skippedAlleles += 1
            } else {
                throw malformed("ALT '\(allele.prefix(40))' is not bases, '*', '.', a <symbolic> allele or a breakend")
            }
        }
        return variants
    }

    private static func isBase(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "A") || byte == UInt8(ascii: "C") || byte == UInt8(ascii: "G") || byte == UInt8(ascii: "T") || byte == UInt8(ascii: "N")
    }

    /// An ALT that names a change without its bases: `<DEL>`, `*`, `.`, or a breakend (`G]17:198982]`, `.A`).
    private static func isSymbolic(_ allele: String) -> Bool {
        if allele == "*" || allele == "." { return true }
        if allele.hasPrefix("<") && allele.hasSuffix(">") { return true }
        if allele.contains("[") || allele.contains("]") { return true }
        let bases = allele.utf8.filter { $0 != UInt8(ascii: ".") }
        return (allele.hasPrefix(".") || allele.hasSuffix(".")) && !bases.isEmpty && bases.allSatisfy(isBase)
    }
}

extension IndexedGenome: ReferenceGenome {}
