/// The letters a model reads, in the order of its one-hot channels.
public enum Alphabet: String, Sendable, CaseIterable {
    case dna, rna

    /// Accepts "dna"/"rna" in any letter case (e.g. "DNA", "rna").
    public init?(name: String) {
        switch name.lowercased() {
        case "dna": self = .dna
        case "rna": self = .rna
        default: return nil
        }
    }

    /// Channel letters as uppercase ASCII: "ACGT" or "ACGU".
    public var letters: [UInt8] {
        switch self {
        case .dna: return Array("ACGT".utf8)
        case .rna: return Array("ACGU".utf8)
        }
    }

    /// Number of channels (4 for both nucleic-acid alphabets).
    public var size: Int { 4 }

    /// "DNA" or "RNA", for messages and titles.
    public var displayName: String {
        switch self {
        case .dna: return "DNA"
        case .rna: return "RNA"
        }
    }

    /// The letters as a String, e.g. "ACGT" (for messages such as "non-ACGT letters").
    public var lettersString: String { String(decoding: letters, as: UTF8.self) }

    /// Channel of an ASCII letter, case-insensitive; T and U are one channel in both alphabets; nil for N, IUPAC codes and anything else.
    @inlinable
    public func index(of byte: UInt8) -> Int? {
        let i = Alphabet.channelTable[Int(byte)]
        return i < 0 ? nil : Int(i)
    }

    /// Byte -> channel (or -1). T and U share channel 3 so DNA and RNA files read alike in either alphabet,
    /// which is why one table serves both.
    @usableFromInline
    static let channelTable: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, pair) in [("A", "a"), ("C", "c"), ("G", "g"), ("T", "t")].enumerated() {
            t[Int(pair.0.utf8.first!)] = Int8(i)
            t[Int(pair.1.utf8.first!)] = Int8(i)
        }
        t[Int(UInt8(ascii: "U"))] = 3
        t[Int(UInt8(ascii: "u"))] = 3
        return t
    }()
}
