import CBigWig
import Foundation
import Genomics

/// The files a `Track` is written to and read from, told by extension: bigWig (.bw, .bigwig),
/// written by libBigWig with zoom levels, as IGV and pyBigWig read it; bedGraph (.bedgraph, .bg),
/// text lines `chrom start end value`, 0-based and end-exclusive, sorted.
public enum TrackFormat: String, Sendable, CaseIterable {
    case bigWig = "bw"
    case bedGraph = "bedgraph"

    /// The extensions `-o` takes for a track (reading also takes .bigwig and .bg).
    public static let extensions = ["bw", "bedgraph"]

    public init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "bw", "bigwig": self = .bigWig
        case "bedgraph", "bg": self = .bedGraph
        default: return nil
        }
    }
}

extension Track {
    /// Writes by extension, atomically (a temporary file renamed into place).
    public func write(to path: String) throws {
        guard let format = TrackFormat(path: path) else {
            throw GenomicsError("\(path): not a track file name; end it in .bw (bigWig) or .bedgraph")
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            switch format {
            case .bedGraph: try Data(bedGraph.utf8).write(to: temporary)
            case .bigWig: try writeBigWig(to: temporary.path)
            }
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch let error as GenomicsError {
            throw GenomicsError("\(path): \(error.description)")
        } catch {
            throw GenomicsError("\(path): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
        }
    }

    /// Reads a bigWig or bedGraph file.
    public static func read(contentsOf path: String) throws -> Track {
        guard let format = TrackFormat(path: path) else {
            throw GenomicsError("\(path): not a track file name; tracks end in .bw, .bigwig, .bedgraph or .bg")
        }
        switch format {
        case .bedGraph:
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw GenomicsError("\(path): cannot read (no such file, or not text)")
            }
            return try Track(bedGraph: text, source: path)
        case .bigWig: return try readBigWig(path)
        }
    }

    /// bedGraph text: one line per interval; values in shortest round-trip form, so reading the
    /// file back gives the same float32 values.
    public var bedGraph: String {
        var text = ""
        for interval in intervals {
            text += "\(chromosomes[interval.chromosome].name)\t\(interval.start)\t\(interval.end)\t\(interval.value)\n"
        }
        return text
    }

    /// Parses bedGraph text (`track` and `browser` lines and `#` comments skipped); chromosomes
    /// in order of appearance, each as long as its last interval reaches.
    init(bedGraph text: String, source: String) throws {
        var chromosomes: [Chromosome] = [], index: [String: Int] = [:], intervals: [Interval] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("track") || line.hasPrefix("browser") { continue }
            let columns = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard columns.count == 4, let start = Int(columns[1]), let end = Int(columns[2]), start >= 0, start < end, let value = Float(columns[3]) else {
                throw GenomicsError("\(source):\(number + 1): not a bedGraph line (chrom, start, end, value; 0-based, end excluded)")
            }
            let name = String(columns[0])
            if index[name] == nil {
                index[name] = chromosomes.count
                chromosomes.append(Chromosome(name: name, length: 0))
            }
            chromosomes[index[name]!].length = max(chromosomes[index[name]!].length, end)
            intervals.append(Interval(chromosome: index[name]!, start: start, end: end, value: value))
        }
        // A bedGraph names no chromosome order: take the one a regions-made track has.
        let sorted = chromosomes.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        let moved = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1.name, $0) })
        try self.init(chromosomes: sorted, intervals: intervals.map { interval in
            var interval = interval
            interval.chromosome = moved[chromosomes[interval.chromosome].name]!
            return interval
        }, source: source)
    }

    /// The zoom levels IGV shows a zoomed-out view from (libBigWig's and pyBigWig's default).
    static let zoomLevels: Int32 = 10

    private func writeBigWig(to path: String) throws {
        try BigWigLibrary.start()
        guard let file = bwOpen(path, nil, "w") else { throw GenomicsError("libBigWig cannot create the file") }
        // bwCreateChromList may keep the name pointers: free them only after bwClose.
        let names = chromosomes.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var written = false
        defer { if !written { bwClose(file) } }
        guard bwCreateHdr(file, Self.zoomLevels) == 0 else { throw GenomicsError("libBigWig cannot create the header") }
        let constNames = names.map { UnsafePointer<CChar>($0) }
        let lengths = chromosomes.map { UInt32(clamping: $0.length) }
        file.pointee.cl = constNames.withUnsafeBufferPointer { namePointers in
            lengths.withUnsafeBufferPointer { bwCreateChromList(namePointers.baseAddress, $0.baseAddress, Int64(chromosomes.count)) }
        }
        guard file.pointee.cl != nil, bwWriteHdr(file) == 0 else { throw GenomicsError("libBigWig cannot write the header") }
        var first = 0
        while first < intervals.count {
            var end = first
            while end < intervals.count && intervals[end].chromosome == intervals[first].chromosome { end += 1 }
            let run = intervals[first ..< end]
            let starts = run.map { UInt32($0.start) }, ends = run.map { UInt32($0.end) }, values = run.map(\.value)
            var chromosome: UnsafePointer<CChar>? = constNames[intervals[first].chromosome]
            // The first interval opens the chromosome's block, the rest are appended to it.
            let added = starts.withUnsafeBufferPointer { starts in
                ends.withUnsafeBufferPointer { ends in
                    values.withUnsafeBufferPointer { values in
                        bwAddIntervals(file, &chromosome, starts.baseAddress, ends.baseAddress, values.baseAddress, 1) == 0
                            && (run.count == 1 || bwAppendIntervals(file, starts.baseAddress! + 1, ends.baseAddress! + 1, values.baseAddress! + 1, UInt32(run.count - 1)) == 0)
                    }
                }
            }
            guard added else {
                throw GenomicsError("libBigWig cannot add the intervals of \(chromosomes[intervals[first].chromosome].name)")
            }
            first = end
        }
        written = true
        // bwClose writes the index and the zoom levels.
        bwClose(file)
    }

    private static func readBigWig(_ path: String) throws -> Track {
        try BigWigLibrary.start()
        guard FileManager.default.isReadableFile(atPath: path) else { throw GenomicsError("\(path): cannot read (no such file, or not readable)") }
        guard bwIsBigWig(path, nil) == 1, let file = bwOpen(path, nil, "r") else {
            throw GenomicsError("\(path): not a bigWig file (libBigWig cannot open it)")
        }
        defer { bwClose(file) }
        guard let list = file.pointee.cl?.pointee else { throw GenomicsError("\(path): the bigWig has no chromosome list") }
        var chromosomes: [Chromosome] = [], intervals: [Interval] = []
        for index in 0 ..< Int(list.nKeys) {
            let name = String(cString: list.chrom[index]!), length = Int(list.len[index])
            chromosomes.append(Chromosome(name: name, length: length))
            guard let found = bwGetOverlappingIntervals(file, name, 0, UInt32(length)) else { continue }
            defer { bwDestroyOverlappingIntervals(found) }
            for entry in 0 ..< Int(found.pointee.l) {
                intervals.append(Interval(chromosome: index, start: Int(found.pointee.start[entry]), end: Int(found.pointee.end[entry]), value: found.pointee.value[entry]))
            }
        }
        return try Track(chromosomes: chromosomes, intervals: intervals, source: path)
    }
}

/// libBigWig's global set-up, done once per process before any file is opened.
private enum BigWigLibrary {
    static let started: Bool = bwInit(1 << 17) == 0

    static func start() throws {
        guard started else { throw GenomicsError("libBigWig could not start (bwInit failed)") }
    }
}
