/// One allele change on a genome, as a VCF line gives it (a multi-allelic line is one variant
/// per ALT): REF at `position` replaced by ALT.
public struct GenomicVariant: Hashable, Sendable {
    public var chromosome: String
    /// 0-based position of REF's first base (VCF's POS − 1).
    public var position: Int
    /// VCF's ID column ("." when the file gives none).
    public var id: String
    /// Uppercase bases.
    public var reference: String
    public var alternative: String

    public init(chromosome: String, position: Int, id: String, reference: String, alternative: String) {
        self.chromosome = chromosome
        self.position = position
        self.id = id
        self.reference = reference
        self.alternative = alternative
    }

    /// VCF's 1-based POS, as the file wrote it.
    public var vcfPosition: Int { position + 1 }

    /// `chrom:POS REF>ALT` with the VCF's 1-based POS, for messages and labels.
    public var label: String { "\(chromosome):\(vcfPosition) \(reference)>\(alternative)" }

    /// A single-base substitution (the others are indels or multi-base changes).
    public var isSNV: Bool { reference.utf8.count == 1 && alternative.utf8.count == 1 }
}

/// Bases of a genome by chromosome, 0-based and end-exclusive: an indexed FASTA
/// (GenomeIO's IndexedGenome) or records held in memory.
public protocol ReferenceGenome {
    /// For messages: the file the genome was read from.
    var path: String { get }
    /// Chromosome names in file order.
    var chromosomes: [String] { get }
    var lengths: [String: Int] { get }
    /// Uppercase bases of `chromosome` over `positions`, which lie inside it.
    func sequence(_ chromosome: String, _ positions: Range<Int>) throws -> String
}

/// The model's input around a variant: the reference window centred on REF's first base and
/// the alternative window with ALT in REF's place. The windows share their left part; after an
/// indel the alternative's right part shifts, as tangermeme's deletion_effect and
/// insertion_effect do by default (`left=False`): a deletion pulls in bases from the right, an
/// insertion pushes them out. Positions past a chromosome's end are N (all-zero columns).
public struct VariantWindows: Hashable, Sendable {
    public var reference: [UInt8]
    public var alternative: [UInt8]
    /// Genome position (0-based) of both windows' first column; negative when padded with N.
    public var start: Int
    /// Where REF lies in `reference` and ALT in `alternative` (both start at the centre, L / 2).
    public var referenceAllele: Range<Int>
    public var alternativeAllele: Range<Int>
}

extension GenomicVariant {
    /// The reference and alternative windows of `length` around this variant, after checking
    /// that REF is the genome's bases there. Errors name the variant by VCF coordinates.
    public func windows(length: Int, genome: some ReferenceGenome) throws -> VariantWindows {
        guard let chromosomeLength = genome.lengths[chromosome] else {
            let names = genome.chromosomes
            let listing = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", … (\(names.count) in all)" : "")
            throw GenomicsError("chromosome '\(chromosome)' is not in the genome \(genome.path) (it has \(listing)); use a VCF and genome with the same chromosome names")
        }
        let referenceEnd = position + reference.utf8.count
        guard referenceEnd <= chromosomeLength else {
            throw GenomicsError("REF \(reference) at \(chromosome):\(vcfPosition) runs past the end of \(chromosome) (length \(chromosomeLength) in \(genome.path)); is the VCF for this genome build?")
        }
        let found = try genome.sequence(chromosome, position ..< referenceEnd)
        guard found == reference else {
            throw GenomicsError("REF \(reference) at \(chromosome):\(vcfPosition) does not match the genome, which has \(found) there (\(genome.path)); is the VCF for this genome build?")
        }
        let centre = length / 2
        let start = position - centre
        func bases(_ positions: Range<Int>) throws -> [UInt8] {
            let inside = max(0, positions.lowerBound) ..< max(max(0, positions.lowerBound), min(chromosomeLength, positions.upperBound))
            let padLeft = inside.lowerBound - positions.lowerBound
            let fetched = inside.isEmpty ? [] : Array(try genome.sequence(chromosome, inside).utf8)
            let padRight = positions.count - padLeft - fetched.count
            return [UInt8](repeating: UInt8(ascii: "N"), count: padLeft) + fetched + [UInt8](repeating: UInt8(ascii: "N"), count: padRight)
        }
        let referenceWindow = try bases(start ..< start + length)
        // ALT longer than the window's right half keeps its first bases, as trimming does.
        let alternativeBases = Array(alternative.utf8.prefix(length - centre))
        let rightCount = length - centre - alternativeBases.count
        let alternativeWindow = Array(referenceWindow[..<centre]) + alternativeBases + (try bases(referenceEnd ..< referenceEnd + rightCount))
        return VariantWindows(
            reference: referenceWindow, alternative: alternativeWindow, start: start,
            referenceAllele: centre ..< min(length, centre + reference.utf8.count),
            alternativeAllele: centre ..< centre + alternativeBases.count)
    }
}

/// A genome held in memory, one record per chromosome: for tests and small FASTA files.
package struct RecordGenome: ReferenceGenome {
    package let path: String
    package let chromosomes: [String]
    package let lengths: [String: Int]
    private let bases: [String: [UInt8]]

    package init(records: [SequenceRecord], path: String) {
        self.path = path
        chromosomes = records.map(\.id)
        lengths = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0.length) })
        bases = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0.sequence) })
    }

    package func sequence(_ chromosome: String, _ positions: Range<Int>) throws -> String {
        String(decoding: bases[chromosome]![positions], as: UTF8.self).uppercased()
    }
}
