/// Whether a sequence reads as nucleic acid or protein, told from its letters alone: how commands
/// without a model pick an alphabet, and how commands with one refuse the other kind of FASTA.
public enum SequenceKind: Sendable, Equatable {
    case nucleic, protein
    /// Too short or too plain to tell (e.g. "GGGGS", a poly-A peptide).
    case undecided

    /// Letters that are amino acids (or protein-only codes) and no IUPAC nucleotide code: one of
    /// them makes a sequence protein.
    private static let proteinOnly = Set("EFIJLOPQZ*".utf8)
    private static let nucleicLetters = Set("ACGTUN".utf8)

    /// Protein when the sequence holds a letter no nucleotide code uses (E, F, I, L, P, Q, …) or
    /// when most letters lie outside ACGTUN (a peptide of IUPAC-looking letters such as "MKRSW");
    /// nucleic when at least nine in ten letters are A, C, G, T, U or N (gaps aside; the rest IUPAC
    /// codes), at least ten letters long and using at least three of the four bases, so that
    /// poly-A or GGGG-linker peptides stay undecided rather than called DNA.
    public init(of sequence: [UInt8]) {
        var outside = 0, letters = 0
        var bases = Set<UInt8>()
        for byte in sequence {
            let upper = byte >= 97 && byte <= 122 ? byte - 32 : byte
            if upper == UInt8(ascii: "-") || upper == UInt8(ascii: ".") { continue }
            if Self.proteinOnly.contains(upper) { self = .protein; return }
            letters += 1
            if Self.nucleicLetters.contains(upper) {
                if upper != UInt8(ascii: "N") { bases.insert(upper == UInt8(ascii: "U") ? UInt8(ascii: "T") : upper) }
            } else {
                outside += 1
            }
        }
        if outside * 2 > letters { self = .protein }
        else if outside * 10 <= letters, letters >= 10, bases.count >= 3 { self = .nucleic }
        else { self = .undecided }
    }

    /// The alphabet a drawing without a model uses for these records: protein when any record
    /// reads as protein, RNA when the bases have U and no T, else DNA.
    public static func alphabet(for records: [SequenceRecord]) -> Alphabet {
        if records.contains(where: { SequenceKind(of: $0.sequence) == .protein }) { return .protein }
        let letters = Set(records.flatMap(\.sequence))
        return letters.contains(UInt8(ascii: "U")) && !letters.contains(UInt8(ascii: "T")) ? .rna : .dna
    }
}

extension Alphabet {
    /// Refuses a record of the other kind in one line: protein given to a DNA/RNA model, or DNA
    /// given to a protein model. `source` names the file.
    public func refuseOtherKind(_ records: [SequenceRecord], source: String) throws {
        for record in records {
            let kind = SequenceKind(of: record.sequence)
            let place = record.line > 0 ? "\(source):\(record.line): record '\(record.id)'" : "\(source): record '\(record.id)'"
            if isNucleic, kind == .protein {
                throw GenomicsError("\(place) is a protein sequence but the model reads \(displayName) (\(lettersString)); give \(displayName) sequences or a protein model")
            }
            if !isNucleic, kind == .nucleic {
                throw GenomicsError("\(place) is DNA (only A, C, G, T and N) but the model reads protein (\(lettersString)); translate it first or give a DNA model")
            }
        }
    }
}

extension Alphabet {
    /// The unit of a length in messages: "nt" for DNA and RNA, "aa" for proteins.
    public var lengthUnit: String { isNucleic ? "nt" : "aa" }
}
