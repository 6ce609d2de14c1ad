import Genomics

/// Where global importance analyses put their patterns: one arrangement (a list of placements)
/// per value the analysis varies. Positions follow tangermeme (`substitute`, `multisubstitute`).
enum Arrangements {
    /// Patterns of `widths` in order with `spacings[i]` bases between pattern i and i + 1, the
    /// first at `start` or, when nil, the whole arrangement centred as tangermeme's
    /// `multisubstitute` centres it (`length / 2 - extent / 2`).
    static func inOrder(widths: [Int], spacings: [Int], length: Int, start: Int? = nil, patterns: [Int]? = nil) -> [Placement] {
        let extent = widths.reduce(0, +) + spacings.reduce(0, +)
        var position = start ?? length / 2 - extent / 2
        var placements: [Placement] = []
        for (index, width) in widths.enumerated() {
            placements.append(Placement(pattern: patterns?[index] ?? index, start: position))
            position += width + (index < spacings.count ? spacings[index] : 0)
        }
        return placements
    }

    /// The pattern alone at every `step`-th start from 0 to `length - width`.
    static func positionScan(width: Int, length: Int, step: Int = 1) -> [[Placement]] {
        stride(from: 0, through: length - width, by: step).map { [Placement(pattern: 0, start: $0)] }
    }

    /// 1, 2, … `maximum` copies of pattern 0, `spacing` bases apart, each arrangement centred.
    static func copies(width: Int, maximum: Int, spacing: Int, length: Int) -> [[Placement]] {
        (1...maximum).map { count in
            inOrder(widths: Array(repeating: width, count: count), spacings: Array(repeating: spacing, count: count - 1),
                    length: length, patterns: Array(repeating: 0, count: count))
        }
    }

    /// Patterns 0 and 1 at each spacing, centred as a pair (tangermeme's `space`), followed by
    /// each alone at the same place: arrangements 3s, 3s + 1, 3s + 2 for spacing s.
    static func pairSpacing(widths: (Int, Int), spacings: [Int], length: Int) -> [[Placement]] {
        spacings.flatMap { spacing in
            let both = inOrder(widths: [widths.0, widths.1], spacings: [spacing], length: length)
            return [both, [both[0]], [both[1]]]
        }
    }

    /// The extent of patterns of `widths` with `spacings`, for a check that they fit.
    static func extent(widths: [Int], spacings: [Int]) -> Int { widths.reduce(0, +) + spacings.reduce(0, +) }

    /// Every sequence of `k` letters of `alphabet`, in lexicographic order (AA…A first).
    static func kmers(_ k: Int, alphabet: Alphabet) -> [[UInt8]] {
        var kmers: [[UInt8]] = [[]]
        for _ in 0..<k { kmers = kmers.flatMap { prefix in alphabet.letters.map { prefix + [$0] } } }
        return kmers
    }
}
