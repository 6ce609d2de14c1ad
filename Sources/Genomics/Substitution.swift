/// A single-base substitution, written POS:REF>ALT with a 0-based position (e.g. 57:A>G); in a
/// protein, REF POS ALT as protein substitutions are written (A24G), the position 0-based too.
public struct Substitution: Sendable, Equatable, CustomStringConvertible {
    public var position: Int
    public var reference: UInt8
    public var alternative: UInt8
    /// Written A24G rather than 24:A>G.
    public var isProteinNotation = false

    public init(position: Int, reference: UInt8, alternative: UInt8, isProteinNotation: Bool = false) {
        self.position = position
        self.reference = reference
        self.alternative = alternative
        self.isProteinNotation = isProteinNotation
    }

    /// Parses a substitution in `alphabet`'s notation: POS:REF>ALT for DNA and RNA; for proteins
    /// REF POS ALT (A24G, 0-based), or POS:REF>ALT, both written back as A24G.
    public init(parsing text: String, alphabet: Alphabet) throws {
        guard !alphabet.isNucleic else { try self.init(parsing: text); return }
        if text.contains(":"), let substitution = try? Substitution(parsing: text) {
            self = substitution
        } else {
            let letters = Array(text.uppercased().utf8)
            guard letters.count >= 3, let reference = letters.first, let alternative = letters.last, reference.isLetter, alternative.isLetter,
                  let position = Int(String(decoding: letters.dropFirst().dropLast(), as: UTF8.self)), position >= 0,
                  letters.dropFirst().dropLast().allSatisfy({ (48 ... 57).contains($0) }) else {
                throw GenomicsError("mutation '\(text)' is not REF POS ALT with a 0-based position (e.g. A24G: the A at position 24, the 25th residue, to G)")
            }
            self.init(position: position, reference: reference, alternative: alternative)
        }
        isProteinNotation = true
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
        let (reference, alternative) = (Character(UnicodeScalar(reference)), Character(UnicodeScalar(alternative)))
        return isProteinNotation ? "\(reference)\(position)\(alternative)" : "\(position):\(reference)>\(alternative)"
    }

    /// Checks that the position lies in the record and REF is its base there. When REF sits one
    /// base away, the message says positions are 0-based: a 1-based position is the usual slip.
    /// - Parameter origin: the record's own position of the first base given (a record cropped or
    ///   padded to a model's length); positions and messages are the record's own.
    public func check(in record: SequenceRecord, origin: Int = 0) throws {
        guard record.sequence.indices.contains(position - origin) else {
            throw GenomicsError(origin == 0 ? "mutation \(self) is past the end of record '\(record.id)' (\(record.length) \(isProteinNotation ? "residues" : "nt"))"
                                            : "mutation \(self) is outside positions \(origin) to \(origin + record.length) of record '\(record.id)' that the model sees")
        }
        let actual = record.sequence[position - origin]
        guard actual == reference else {
            let letter = Character(UnicodeScalar(reference))
            let nearby = [position - 1, position + 1].filter { record.sequence.indices.contains($0 - origin) && record.sequence[$0 - origin] == reference }
            let hint = nearby.isEmpty ? "" : "; \(letter) is at \(nearby.map(String.init).joined(separator: " and ")): positions are 0-based (the first \(isProteinNotation ? "residue" : "base") is 0)"
            throw GenomicsError("mutation \(self): record '\(record.id)' has \(Character(UnicodeScalar(actual))) at position \(position), not \(letter)\(hint)")
        }
    }
}

private extension UInt8 {
    var isLetter: Bool { (65...90).contains(self) }
}
