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

extension ModelInput {
    /// The genomic region of `columns` of the model's input (all of them by default) and the
    /// columns that lie on it, padding left out (nil when only padding is left); refused when the
    /// record's id does not name a region of the record's length.
    func genomicRegion(columns: Range<Int>? = nil) throws -> (region: GenomicRegion, columns: Range<Int>)? {
        guard let place = GenomicRegion(id: record.id) else {
            throw CommandFailure("record '\(record.id)': a track places each record by its id, chrom:start-end (0-based, end excluded, as bedtools getfasta names records); rename the records, or write .tsv/.npz")
        }
        guard place.positions.count == ownLength else {
            throw CommandFailure("record '\(record.id)' is \(ownLength) nt but its id names \(place.positions.count) bases; ids are read 0-based with the end excluded, as bedtools getfasta writes them (chr1:100-200 is 100 bases; samtools calls them chr1:101-200)")
        }
        let columns = columns ?? 0 ..< record.length
        // Own positions of the columns, cut to the record (padding has no place in the genome).
        let own = max(origin + columns.lowerBound, 0) ..< min(origin + columns.upperBound, ownLength)
        guard own.lowerBound < own.upperBound else { return nil }
        let start = place.positions.lowerBound
        return (GenomicRegion(chromosome: place.chromosome, positions: start + own.lowerBound ..< start + own.upperBound), own.lowerBound - origin ..< own.upperBound - origin)
    }
}

/// `-o` names a track (.bw, .bigwig, .bedgraph, .bg).
func isTrackOutput(_ path: String?) -> Bool { path.flatMap { TrackFormat(path: $0) } != nil }
