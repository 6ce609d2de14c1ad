/// A single-base substitution, written POS:REF>ALT with a 0-based position (e.g. 57:A>G).
public struct Substitution: Sendable, Equatable, CustomStringConvertible {
    public var position: Int
    public var reference: UInt8
    public var alternative: UInt8

    public init(position: Int, reference: UInt8, alternative: UInt8) {
        self.position = position
        self.reference = reference
        self.alternative = alternative
    }

    /// Parses POS:REF>ALT (REF and ALT single letters, any case).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1)
        let change = parts.count == 2 ? parts[1].split(separator: ">") : []
        guard parts.count == 2, let position = Int(parts[0]), position >= 0, change.count == 2,
              change[0].utf8.count == 1, change[1].utf8.count == 1,
              let reference = change[0].uppercased().utf8.first, let alternative = change[1].uppercased().utf8.first,
              reference.isLetter, alternative.isLetter else {
            throw GenomicsError("mutation '\(text)' is not POS:REF>ALT with a 0-based position (e.g. 57:A>G)")
        }
        self.init(position: position, reference: reference, alternative: alternative)
    }

    public var description: String {
        "\(position):\(Character(UnicodeScalar(reference)))>\(Character(UnicodeScalar(alternative)))"
    }
}

private extension UInt8 {
    var isLetter: Bool { (65...90).contains(self) }
}
