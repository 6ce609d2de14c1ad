/// A pattern written into sequences at a position, as tangermeme's `substitute` does: a base
/// replaces the sequence's base, N keeps it; other IUPAC codes (R, Y, …) draw one of their bases
/// afresh for each sequence, so a degenerate pattern is averaged over its instances.
public struct EmbeddedPattern: Sendable, Equatable {
    /// The pattern in uppercase, as given (a motif's consensus, an IUPAC pattern, a sequence).
    public let text: String
    /// Per letter, the bases it may be written as: one for a base, several for an IUPAC code,
    /// none for N (the sequence's own base stays).
    private let choices: [[UInt8]]

    /// - Parameter alphabet: the model's letters (T or U).
    public init(_ text: String, alphabet: Alphabet) throws {
        let parsed = try IUPACPattern(text)
        self.text = parsed.text
        // A base is a choice when the code matches it; N matches every base and keeps the sequence's.
        choices = try parsed.text.utf8.map { code in
            if code == UInt8(ascii: "N") { return [] }
            let single = try IUPACPattern(String(decoding: [code], as: UTF8.self))
            return alphabet.letters.filter { !single.matches(in: [$0]).isEmpty }
        }
    }

    public var width: Int { choices.count }

    /// Whether some letter stands for several bases (each embedding then draws them).
    public var isDegenerate: Bool { choices.contains { $0.count > 1 } }

    /// The letters to write, degenerate codes drawn; N stays N (keep the sequence's base).
    public func instance<G: RandomNumberGenerator>(using generator: inout G) -> [UInt8] {
        choices.map { $0.isEmpty ? UInt8(ascii: "N") : $0.count == 1 ? $0[0] : $0.randomElement(using: &generator)! }
    }

    /// Writes `letters` (an instance) into `sequence` from `start`; N keeps the sequence's base.
    public static func write(_ letters: [UInt8], into sequence: inout [UInt8], at start: Int) {
        for (offset, letter) in letters.enumerated() where letter != UInt8(ascii: "N") { sequence[start + offset] = letter }
    }

    /// Where a pattern of `width` sits centred in `length` positions, as tangermeme centres it
    /// (`length / 2 - width / 2`, integer division).
    public static func centredStart(width: Int, length: Int) -> Int { length / 2 - width / 2 }
}
