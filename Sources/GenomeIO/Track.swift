import Foundation
import Genomics

/// A signal along chromosomes, what bedGraph and bigWig files hold: intervals (0-based,
/// end-exclusive) sorted by chromosome then start, never overlapping, each with one value.
/// Neighbouring intervals with equal values are joined, so the same values make the same file
/// however they were cut into records or shards (`seqlens merge` of shards equals a single run).
public struct Track: Equatable, Sendable {
    public struct Chromosome: Equatable, Sendable {
        public var name: String
        public var length: Int
        public init(name: String, length: Int) {
            self.name = name
            self.length = length
        }
    }

    public struct Interval: Equatable, Sendable {
        /// Index into `chromosomes`.
        public var chromosome: Int
        public var start: Int
        public var end: Int
        public var value: Float
    }

    /// Values along one stretch of a chromosome: a record's per-base values, or one value for all of it.
    public struct Segment: Sendable {
        public var chromosome: String
        /// 0-based, end-exclusive.
        public var positions: Range<Int>
        /// One per base of the region, or one for the whole region.
        public var values: [Float]
        /// What the values came from (a record id, a file), for messages.
        public var source: String

        public init(chromosome: String, positions: Range<Int>, values: [Float], source: String) {
            precondition(values.count == 1 || values.count == positions.count, "one value, or one per base")
            self.chromosome = chromosome
            self.positions = positions
            self.values = values
            self.source = source
        }

        /// `chrom:start-end`, 0-based and end-exclusive, for messages.
        var place: String { "\(chromosome):\(positions.lowerBound)-\(positions.upperBound)" }
    }

    /// In file order: a bigWig's header lists them, intervals follow it.
    public private(set) var chromosomes: [Chromosome]
    public private(set) var intervals: [Interval]

    /// Places segments on `chromosomes` (a genome's .fai or a chrom.sizes file), or, when nil, on
    /// the chromosomes the segments name, sorted by name (as `sort -k1,1`), each as long as its
    /// furthest segment reaches. Overlapping segments are refused: a base would need two values,
    /// and any rule to pick one (a mean) could not be redone exactly when merging shards.
    public init(segments: [Segment], chromosomes given: [Chromosome]? = nil) throws {
        let chromosomes = given ?? Self.chromosomes(reaching: segments.map { ($0.chromosome, $0.positions.upperBound) })
        let index = Dictionary(chromosomes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        try Self.refuseOverlaps(segments)
        var pieces: [(interval: Interval, source: String)] = []
        for segment in segments {
            guard let chromosome = index[segment.chromosome] else {
                throw GenomicsError("\(segment.source) lies on \(segment.chromosome), which the chromosome sizes do not list (they list \(Self.listing(chromosomes))); give the sizes of the genome the regions come from")
            }
            guard segment.positions.upperBound <= chromosomes[chromosome].length else {
                throw GenomicsError("\(segment.source) (\(segment.place)) ends past \(segment.chromosome)'s length \(chromosomes[chromosome].length) in the chromosome sizes; give the sizes of the genome the regions come from")
            }
            var start = segment.positions.lowerBound
            for run in Self.runs(of: segment.values) {
                let end = segment.values.count == 1 ? segment.positions.upperBound : start + run.count
                pieces.append((Interval(chromosome: chromosome, start: start, end: end, value: run.value), segment.source))
                start = end
            }
        }
        try self.init(chromosomes: chromosomes, pieces: pieces)
    }

    /// Joins tracks (the shards of one run) into one: intervals from every track, on the
    /// chromosomes they share, or, when their lists differ, on the union sorted by name, each as
    /// long as its longest. Intervals of two tracks that overlap are refused, as within a track.
    public init(merging tracks: [(track: Track, source: String)]) throws {
        let lists = tracks.map(\.track.chromosomes)
        let chromosomes = lists.allSatisfy { $0 == lists.first } ? lists.first ?? []
            : Self.chromosomes(reaching: lists.flatMap { $0.map { ($0.name, $0.length) } })
        let index = Dictionary(chromosomes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let pieces = tracks.flatMap { track, source in
            track.intervals.map { interval in
                var moved = interval
                moved.chromosome = index[track.chromosomes[interval.chromosome].name]!
                return (moved, source)
            }
        }
        try self.init(chromosomes: chromosomes, pieces: pieces)
    }

    /// A track read from a file, as its intervals stand (sorted, not overlapping: checked).
    init(chromosomes: [Chromosome], intervals: [Interval], source: String) throws {
        try self.init(chromosomes: chromosomes, pieces: intervals.map { ($0, source) })
    }

    /// Sorts, refuses overlaps (naming both sources), and joins neighbours of equal value.
    private init(chromosomes: [Chromosome], pieces: [(interval: Interval, source: String)]) throws {
        self.chromosomes = chromosomes
        let sorted = pieces.sorted { ($0.interval.chromosome, $0.interval.start) < ($1.interval.chromosome, $1.interval.start) }
        var joined: [Interval] = []
        joined.reserveCapacity(sorted.count)
        for (position, (interval, source)) in sorted.enumerated() {
            if let last = joined.last, last.chromosome == interval.chromosome {
                if interval.start < last.end {
                    throw Self.overlap(sorted[position - 1].source, source, at: chromosomes[interval.chromosome].name, interval.start ..< min(last.end, interval.end))
                }
                // Bit patterns: equal values join (NaN too), 0 and -0 stay apart as the file had them.
                if interval.start == last.end && interval.value.bitPattern == last.value.bitPattern {
                    joined[joined.count - 1].end = interval.end
                    continue
                }
            }
            joined.append(interval)
        }
        intervals = joined
    }

    /// Refuses segments that share a base, naming the first two and where they overlap.
    private static func refuseOverlaps(_ segments: [Segment]) throws {
        let sorted = segments.sorted { ($0.chromosome, $0.positions.lowerBound) < ($1.chromosome, $1.positions.lowerBound) }
        var furthest: Segment?
        for segment in sorted {
            if let previous = furthest, previous.chromosome == segment.chromosome, segment.positions.lowerBound < previous.positions.upperBound {
                throw overlap(previous.source, segment.source, at: segment.chromosome, segment.positions.clamped(to: previous.positions))
            }
            if furthest == nil || furthest!.chromosome != segment.chromosome || segment.positions.upperBound > furthest!.positions.upperBound {
                furthest = segment
            }
        }
    }

    private static func overlap(_ first: String, _ second: String, at chromosome: String, _ shared: Range<Int>) -> GenomicsError {
        GenomicsError("\(first) and \(second) overlap at \(chromosome):\(shared.lowerBound)-\(shared.upperBound); a track holds one value per base: give regions that do not overlap (bedtools merge them, or --range keeps each record's middle)")
    }

    /// Runs of bit-identical values.
    private static func runs(of values: [Float]) -> [(value: Float, count: Int)] {
        var runs: [(value: Float, count: Int)] = []
        for value in values {
            if let last = runs.last, last.value.bitPattern == value.bitPattern { runs[runs.count - 1].count += 1 } else { runs.append((value, 1)) }
        }
        return runs
    }

    /// Named chromosomes sorted by name, each as long as the furthest end given for it.
    private static func chromosomes(reaching ends: [(String, Int)]) -> [Chromosome] {
        let lengths = Dictionary(ends, uniquingKeysWith: max)
        // Byte order, as `LC_ALL=C sort -k1,1` sorts bedGraph files for bedGraphToBigWig.
        return lengths.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { Chromosome(name: $0, length: lengths[$0]!) }
    }

    private static func listing(_ chromosomes: [Chromosome]) -> String {
        chromosomes.prefix(5).map(\.name).joined(separator: ", ") + (chromosomes.count > 5 ? ", …" : "")
    }

    /// Chromosome sizes from a genome's .fai index or a UCSC chrom.sizes file: name and length
    /// as the first two tab-separated columns of each line.
    public static func chromosomes(contentsOf path: String) throws -> [Chromosome] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw GenomicsError("\(path): cannot read the chromosome sizes (no such file, or not text); give a genome's .fai or a chrom.sizes file")
        }
        var chromosomes: [Chromosome] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 2, !columns[0].isEmpty, let length = Int(columns[1].trimmingCharacters(in: .whitespaces)), length > 0 else {
                throw GenomicsError("\(path):\(number + 1): not a chromosome size line (name, tab, length), as a .fai or chrom.sizes file has")
            }
            chromosomes.append(Chromosome(name: String(columns[0]), length: length))
        }
        guard !chromosomes.isEmpty else { throw GenomicsError("\(path): lists no chromosomes; give a genome's .fai or a chrom.sizes file") }
        return chromosomes
    }
}
