/// A single-base substitution, written POS:REF>ALT with a 0-based position (e.g. 57:A>G); in a
/// protein also REF RESIDUE ALT (A24G), the residue numbered from 1 as protein scientists,
/// EVmutation and `seqlens score` write it. `position` is 0-based either way.
public struct Substitution: Sendable, Equatable, CustomStringConvertible {
    public var position: Int
    public var reference: UInt8
    public var alternative: UInt8
    /// Written A24G (residue position + 1) rather than 23:A>G.
    public var isProteinNotation = false

    public init(position: Int, reference: UInt8, alternative: UInt8, isProteinNotation: Bool = false) {
        self.position = position
        self.reference = reference
        self.alternative = alternative
        self.isProteinNotation = isProteinNotation
    }

    /// Parses a substitution in `alphabet`'s notation: POS:REF>ALT for DNA and RNA; for proteins
    /// REF RESIDUE ALT (A24G, residues from 1), or POS:REF>ALT (0-based), both written back as A24G.
    public init(parsing text: String, alphabet: Alphabet) throws {
        guard !alphabet.isNucleic else { try self.init(parsing: text); return }
        if text.contains(":"), let substitution = try? Substitution(parsing: text) {
            self = substitution
        } else {
            let letters = Array(text.uppercased().utf8)
            guard letters.count >= 3, let reference = letters.first, let alternative = letters.last, reference.isLetter, alternative.isLetter,
                  let residue = Int(String(decoding: letters.dropFirst().dropLast(), as: UTF8.self)), residue >= 1,
                  letters.dropFirst().dropLast().allSatisfy({ (48 ... 57).contains($0) }) else {
                throw GenomicsError("mutation '\(text)' is not REF RESIDUE ALT with residues numbered from 1 (e.g. A24G: the A at residue 24 to G)")
            }
            self.init(position: residue - 1, reference: reference, alternative: alternative)
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
        return isProteinNotation ? "\(reference)\(position + 1)\(alternative)" : "\(position):\(reference)>\(alternative)"
    }

    /// Checks that the position lies in the record and REF is its base there. When REF sits one
    /// base away, the message says how positions count: the usual slip is counting the other way.
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
            let shown = isProteinNotation ? 1 : 0
            let place = isProteinNotation ? "residue" : "position"
            let rule = isProteinNotation ? "residues are numbered from 1" : "positions are 0-based (the first base is 0)"
            let hint = nearby.isEmpty ? "" : "; \(letter) is at \(isProteinNotation ? "residue " : "")\(nearby.map { String($0 + shown) }.joined(separator: " and ")): \(rule)"
            throw GenomicsError("mutation \(self): record '\(record.id)' has \(Character(UnicodeScalar(actual))) at \(place) \(position + shown), not \(letter)\(hint)")
        }
    }
}

private extension UInt8 {
    var isLetter: Bool { (65...90).contains(self) }
}
