/// The letters a model reads, in the order of its one-hot channels.
public enum Alphabet: String, Sendable, CaseIterable {
    case dna, rna
    /// The 20 amino acids in alphabetical one-letter order (ACDEFGHIKLMNPQRSTVWY), as mavenn,
    /// logomaker and most protein one-hot encoders order them.
    case protein
    /// The gap '-' then the 20 amino acids: plmc's and EVcouplings' alphabet, for models learned
    /// from alignments (a 21-channel one-hot).
    case proteinGapped = "protein-gap"

    /// Accepts the raw names in any letter case (e.g. "DNA", "rna", "Protein", "protein-gap").
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// Channel letters as uppercase ASCII: "ACGT", "ACGU", "ACDEFGHIKLMNPQRSTVWY" or "-ACDEFGHIKLMNPQRSTVWY".
    public var letters: [UInt8] {
        switch self {
        case .dna: return Array("ACGT".utf8)
        case .rna: return Array("ACGU".utf8)
        case .protein: return Array(Self.aminoAcids.utf8)
        case .proteinGapped: return Array(("-" + Self.aminoAcids).utf8)
        }
    }

    static let aminoAcids = "ACDEFGHIKLMNPQRSTVWY"

    /// Number of channels: 4 for the nucleic-acid alphabets, 20 or 21 for proteins.
    public var size: Int {
        switch self {
        case .dna, .rna: return 4
        case .protein: return 20
        case .proteinGapped: return 21
        }
    }

    /// True for DNA and RNA: the alphabets with a reverse complement.
    public var isNucleic: Bool { self == .dna || self == .rna }

    /// "DNA", "RNA" or "protein", for messages and titles.
    public var displayName: String {
        switch self {
        case .dna: return "DNA"
        case .rna: return "RNA"
        case .protein, .proteinGapped: return "protein"
        }
    }

    /// The letters as a String, e.g. "ACGT" (for messages such as "non-ACGT letters").
    public var lettersString: String { String(decoding: letters, as: UTF8.self) }

    /// Channel of an ASCII letter, case-insensitive; nil for letters outside the alphabet (N, IUPAC
    /// codes, X, '*'). T and U are one channel in both nucleic-acid alphabets.
    @inlinable
    public func index(of byte: UInt8) -> Int? {
        let i = channelTable[Int(byte)]
        return i < 0 ? nil : Int(i)
    }

    /// Byte -> channel (or -1), for loops that hoist it out of the per-letter work.
    @inlinable
    public var channelTable: [Int8] {
        switch self {
        case .dna, .rna: return Alphabet.nucleicTable
        case .protein: return Alphabet.proteinTable
        case .proteinGapped: return Alphabet.proteinGappedTable
        }
    }

    /// T and U share channel 3 so DNA and RNA files read alike in either alphabet, which is why
    /// one table serves both.
    @usableFromInline
    static let nucleicTable: [Int8] = {
        var t = table(for: "ACGT")
        t[Int(UInt8(ascii: "U"))] = 3
        t[Int(UInt8(ascii: "u"))] = 3
        return t
    }()

    @usableFromInline
    static let proteinTable = table(for: aminoAcids)

    /// '.' is a gap too: A2M and Stockholm write gaps in insert columns as dots.
    @usableFromInline
    static let proteinGappedTable: [Int8] = {
        var t = table(for: "-" + aminoAcids)
        t[Int(UInt8(ascii: "."))] = 0
        return t
    }()

    private static func table(for letters: String) -> [Int8] {
        var t = [Int8](repeating: -1, count: 256)
        for (i, letter) in letters.utf8.enumerated() {
            t[Int(letter)] = Int8(i)
            if letter >= UInt8(ascii: "A") && letter <= UInt8(ascii: "Z") { t[Int(letter + 32)] = Int8(i) }
        }
        return t
    }
}
