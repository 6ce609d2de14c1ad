import Foundation
import Genomics

/// What a model is given for a genomic region: the window read from the genome around it
/// (see `GenomicRegion.window`), as a record.
public struct RegionInput: Sendable, Equatable {
    /// The region as given.
    public var region: GenomicRegion
    /// Where the model's input lies on the chromosome.
    public var window: GenomeWindow
    /// Id: the region's (`chr1:1001-1200(+)` or its BED name); description: the window read
    /// (`window chr1:951-1250(+) of hg38.fa`); bases: the window, reverse-complemented on '-'.
    public var record: SequenceRecord
}

extension IndexedGenome {
    /// The model input for `region`, centred in `inputLength` columns from the genome (nil: a model
    /// that takes any length reads the region itself). A chromosome this genome does not have,
    /// or a region running past its chromosome's end, is a one-line error naming the region.
    public func input(for region: GenomicRegion, inputLength: Int?) throws -> RegionInput {
        let length: Int
        do { length = try self.length(of: region.chromosome) } catch { throw GenomicsError("\(region.source): \(error)") }
        guard region.positions.upperBound <= length else {
            throw GenomicsError("\(region.source): the region ends at \(region.positions.upperBound), past the end of \(region.chromosome) (\(length) bases in \(path)); end it at \(length) at most")
        }
        let window = region.window(inputLength: inputLength, chromosomeLength: length)
        let bases = Array(try sequence(region.chromosome, window.positions).utf8)
        let record = SequenceRecord(id: region.id, description: "\(window.description) of \(URL(fileURLWithPath: path).lastPathComponent)",
                                    sequence: window.input(bases))
        return RegionInput(region: region, window: window, record: record)
    }
}
