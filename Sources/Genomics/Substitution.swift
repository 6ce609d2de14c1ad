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

    /// Checks that the position lies in the record and REF is its base there. When REF sits one
    /// base away, the message says positions are 0-based: a 1-based position is the usual slip.
    /// - Parameter origin: the record's own position of the first base given (a record cropped or
    ///   padded to a model's length); positions and messages are the record's own.
    public func check(in record: SequenceRecord, origin: Int = 0) throws {
        guard record.sequence.indices.contains(position - origin) else {
            throw GenomicsError(origin == 0 ? "mutation \(self) is past the end of record '\(record.id)' (\(record.length) nt)"
                                            : "mutation \(self) is outside positions \(origin) to \(origin + record.length) of record '\(record.id)' that the model sees")
        }
        let actual = record.sequence[position - origin]
        guard actual == reference else {
            let letter = Character(UnicodeScalar(reference))
            let nearby = [position - 1, position + 1].filter { record.sequence.indices.contains($0 - origin) && record.sequence[$0 - origin] == reference }
            let hint = nearby.isEmpty ? "" : "; \(letter) is at \(nearby.map(String.init).joined(separator: " and ")): positions are 0-based (the first base is 0)"
            throw GenomicsError("mutation \(self): record '\(record.id)' has \(Character(UnicodeScalar(actual))) at position \(position), not \(letter)\(hint)")
        }
    }
}

private extension UInt8 {
    var isLetter: Bool { (65...90).contains(self) }
}
