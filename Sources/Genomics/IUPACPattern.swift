import Foundation

/// A short nucleotide pattern with IUPAC codes (e.g. "TGAnTCA"), found in sequences by exact per-letter matching.
///
/// Letters stand for sets of bases (R = A or G, N = any, ...). A sequence letter matches a pattern letter
/// when every base it may stand for is allowed by the pattern letter, so a sequence N matches only
/// pattern N, a sequence R matches pattern R, D, V or N, and gaps or unknown letters match nothing.
/// T and U are the same base.
public struct IUPACPattern: Hashable, Sendable {
    /// The pattern in uppercase, as typed (U is kept, not turned into T).
    public private(set) var text: String
    /// One 4-bit base set (A=1, C=2, G=4, T/U=8) per letter.
    private var sets: [UInt8]

    /// Parses letters ACGTU and RYSWKMBDHVN in any case; surrounding whitespace is ignored.
    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw GenomicsError("search pattern is empty; type bases such as TGACTCA (IUPAC codes like N or R are allowed)")
        }
        var sets: [UInt8] = []
        for ch in trimmed {
            guard let b = ch.asciiValue, Self.baseSets[Int(b)] != 0 else {
                throw GenomicsError("search pattern '\(trimmed)' has '\(ch)', which is not a base or IUPAC code; use only A C G T U R Y S W K M B D H V N")
            }
            sets.append(Self.baseSets[Int(b)])
        }
        self.text = trimmed.uppercased()
        self.sets = sets
    }

    /// Number of letters, i.e. the width of every match.
    public var length: Int { sets.count }

    /// Start positions of every match in `sequence` (ASCII bases, any case), overlapping matches included, ascending.
    public func matches(in sequence: [UInt8]) -> [Int] {
        Self.find(sets, in: sequence)
    }

    /// Matches on both strands as start positions on the forward sequence, ascending ("+" before "-" at the same start).
    ///
    /// The "-" hits are matches of the pattern's reverse complement. A pattern that is its own reverse
    /// complement (e.g. CACGTG) is searched once and reported as "+" only, so sites are not doubled.
    public func matchesBothStrands(in sequence: [UInt8]) -> [(start: Int, strand: Character)] {
        let forward = Self.find(sets, in: sequence)
        let reverse = Self.reverseComplement(sets)
        guard reverse != sets else { return forward.map { (start: $0, strand: "+") } }
        let backward = Self.find(reverse, in: sequence)
        // Merge two ascending lists.
        var out: [(start: Int, strand: Character)] = []
        out.reserveCapacity(forward.count + backward.count)
        var i = 0, j = 0
        while i < forward.count || j < backward.count {
            if j == backward.count || (i < forward.count && forward[i] <= backward[j]) {
                out.append((forward[i], "+"))
                i += 1
            } else {
                out.append((backward[j], "-"))
                j += 1
            }
        }
        return out
    }

    // MARK: - Matching

    /// Base set of each ASCII letter (either case); 0 for anything that is not a base or IUPAC code.
    private static let baseSets: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        let codes: [(Character, UInt8)] = [
            ("A", 1), ("C", 2), ("G", 4), ("T", 8), ("U", 8),
            ("R", 5), ("Y", 10), ("S", 6), ("W", 9), ("K", 12), ("M", 3),
            ("B", 14), ("D", 13), ("H", 11), ("V", 7), ("N", 15),
        ]
        for (letter, set) in codes {
            let b = letter.asciiValue!
            t[Int(b)] = set
            t[Int(b + 32)] = set
        }
        return t
    }()

    /// Complement of a base set swaps A<->T and C<->G, i.e. reverses its four bits.
    private static func reverseComplement(_ sets: [UInt8]) -> [UInt8] {
        sets.reversed().map { s in
            (s & 1) << 3 | (s & 2) << 1 | (s & 4) >> 1 | (s & 8) >> 3
        }
    }

    private static func find(_ sets: [UInt8], in sequence: [UInt8]) -> [Int] {
        let m = sets.count, n = sequence.count
        guard m > 0, m <= n else { return [] }
        // One 256-entry table per pattern letter, so the inner loop is a single lookup per base.
        var allowed = [Bool](repeating: false, count: m * 256)
        for (j, set) in sets.enumerated() {
            for b in 0..<256 {
                let s = baseSets[b]
                allowed[j * 256 + b] = s != 0 && s & ~set == 0
            }
        }
        var hits: [Int] = []
        allowed.withUnsafeBufferPointer { table in
            sequence.withUnsafeBufferPointer { seq in
                for start in 0...(n - m) {
                    var j = 0
                    while j < m && table[j &* 256 &+ Int(seq[start &+ j])] { j += 1 }
                    if j == m { hits.append(start) }
                }
            }
        }
        return hits
    }
}
