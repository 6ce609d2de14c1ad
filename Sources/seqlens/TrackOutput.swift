import ArgumentParser
import Foundation
import GenomeIO
import Genomics

/// Genome tracks as an output (`-o x.bw` bigWig, `-o x.bedgraph`): each record's values placed at
/// the record's place in the genome, which its id names (`chr1:1000-2000`, 0-based, end excluded,
/// as `bedtools getfasta` writes).
struct TrackOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Tracks (-o .bw or .bedgraph): chromosome sizes, a genome's .fai or a chrom.sizes file (default: each chromosome as long as its furthest record reaches).", valueName: "file"))
    var chromSizes: String?

    /// Refuses --chrom-sizes without a track output.
    func validate(output: String?) throws {
        if chromSizes != nil, output.flatMap({ TrackFormat(path: $0) }) == nil {
            throw ValidationError("--chrom-sizes is for track outputs: -o ending in .bw or .bedgraph")
        }
    }

    /// Writes `segments` as the track `path` names, on --chrom-sizes' chromosomes when given.
    func write(_ segments: [Track.Segment], to path: String) throws {
        let chromosomes = try chromSizes.map { path in
            try refuseIfNotRegularFile(path, kind: "a .fai or chrom.sizes file")
            return try Track.chromosomes(contentsOf: path)
        }
        try Track(segments: segments, chromosomes: chromosomes).write(to: path)
    }
}

/// Where a record lies in the genome, read from its id `chrom:start-end`, optionally with a
/// strand `(+)`/`(-)` (a `(-)` record holds the reverse complement). Both conventions in use
/// are read, told apart by the record's length: bedtools getfasta's 0-based, end-excluded
/// `chr1:1000-1200` and samtools' (and `seqlens --region`'s) 1-based, end-included
/// `chr1:1001-1200` both name a 200-nt record.
struct RecordPlace {
    var chromosome: String
    /// 0-based, end-exclusive.
    var positions: Range<Int>
    var isReverse: Bool

    init(id: String, length: Int) throws {
        var text = Substring(id), isReverse = false
        if text.hasSuffix("(+)") || text.hasSuffix("(-)") {
            isReverse = text.hasSuffix("(-)")
            text = text.dropLast(3)
        }
        let unplaced = CommandFailure("record '\(id)': a track places each record by its id, chrom:start-end (as bedtools getfasta or samtools faidx name records); rename the records, or write .tsv/.npz")
        guard let colon = text.lastIndex(of: ":") else { throw unplaced }
        let bounds = text[text.index(after: colon)...].split(separator: "-", omittingEmptySubsequences: false)
        guard colon > text.startIndex, bounds.count == 2, bounds.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let start = Int(bounds[0]), let end = Int(bounds[1]), start >= 0 else { throw unplaced }
        chromosome = String(text[..<colon])
        self.isReverse = isReverse
        if end - start == length {
            positions = start ..< end
        } else if start >= 1, end - start + 1 == length {
            positions = start - 1 ..< end
        } else {
            throw CommandFailure("record '\(id)' is \(length) nt, but its id names \(max(0, end - start)) bases read 0-based with the end excluded (bedtools getfasta) and \(max(0, end - start + 1)) read 1-based with the end included (samtools); a track needs the bases the id names")
        }
    }
}

extension ModelInput {
    /// The track segment of `values` at `columns` of the model's input (one value: over all the
    /// columns), padding left out; nil when only padding is left. The record's id places it.
    func trackSegment(_ values: [Float], columns: Range<Int>? = nil) throws -> Track.Segment? {
        let place = try RecordPlace(id: record.id, length: ownLength)
        let columns = columns ?? 0 ..< record.length
        // Own positions of the columns, cut to the record (padding has no place in the genome).
        let own = max(origin + columns.lowerBound, 0) ..< max(min(origin + columns.upperBound, ownLength), 0)
        guard !own.isEmpty else { return nil }
        var kept = values.count == 1 ? values : Array(values[own.lowerBound - origin - columns.lowerBound ..< own.upperBound - origin - columns.lowerBound])
        // A (-) record runs from the region's end: its position p is the chromosome's end − 1 − p.
        let start = place.positions.lowerBound, end = place.positions.upperBound
        let positions = place.isReverse ? end - own.upperBound ..< end - own.lowerBound : start + own.lowerBound ..< start + own.upperBound
        if place.isReverse { kept.reverse() }
        return Track.Segment(chromosome: place.chromosome, positions: positions, values: kept, source: "record '\(record.id)'")
    }
}

/// `-o` names a track (.bw or .bedgraph).
func isTrackOutput(_ path: String?) -> Bool { path.flatMap { TrackFormat(path: $0) } != nil }
