/// One seqlet of a TF-MoDISco pattern: where in which input sequence it was cut out.
public struct ModiscoSeqlet: Sendable, Equatable {
    /// Row of the attribution arrays modisco was given (0-based).
    public var example: Int
    /// Positions `start ..< end` of that row (0-based, end excluded).
    public var start: Int
    public var end: Int
    /// The seqlet was aligned to the pattern as its reverse complement.
    public var isReverseComplement: Bool

    public init(example: Int, start: Int, end: Int, isReverseComplement: Bool) {
        self.example = example
        self.start = start
        self.end = end
        self.isReverseComplement = isReverseComplement
    }
}

/// A TF-MoDISco pattern as modisco-lite saves it: the mean of its aligned seqlets' one-hot
/// sequence, contributions and hypothetical contributions, each `width` positions of A, C, G, T.
/// Matrices are letter-major (4, width) like attribution arrays, `values[letter * width + position]`
/// (modisco-lite stores (width, 4)).
public struct ModiscoPattern: Sendable, Equatable {
    /// modisco's own tag, e.g. `pos_patterns.pattern_0` (`pos_patterns.pattern_0.subpattern_1` for a subpattern).
    public var name: String
    public let width: Int
    /// The fraction of seqlets with each base at each position (modisco's `sequence`).
    public let sequence: [Double]
    /// The contribution weight matrix (CWM, modisco's `contrib_scores`).
    public let contributions: [Double]
    /// The hypothetical CWM (modisco's `hypothetical_contribs`): every base's contribution had it been there.
    public let hypotheticalContributions: [Double]
    public var seqlets: [ModiscoSeqlet]
    public var subpatterns: [ModiscoPattern]

    public init(name: String, width: Int, sequence: [Double], contributions: [Double], hypotheticalContributions: [Double],
                seqlets: [ModiscoSeqlet], subpatterns: [ModiscoPattern] = []) {
        precondition([sequence, contributions, hypotheticalContributions].allSatisfy { $0.count == 4 * width }, "pattern matrices are (4, \(width))")
        self.name = name
        self.width = width
        self.sequence = sequence
        self.contributions = contributions
        self.hypotheticalContributions = hypotheticalContributions
        self.seqlets = seqlets
        self.subpatterns = subpatterns
    }

    /// Patterns of negative contributions (`neg_patterns`) draw below the baseline.
    public var isNegative: Bool { name.hasPrefix("neg_patterns") }

    /// The pattern's sequence as a motif (position probability matrix), named after the pattern,
    /// with its seqlets as sites. Columns are normalised to sum to 1, as `modisco meme -t PFM` does.
    public var motif: Motif {
        Motif(id: name, alphabet: .dna, columns: (0 ..< width).map { position in (0 ..< 4).map { sequence[$0 * width + position] } },
              sites: seqlets.count)
    }

    /// The core positions modisco-lite's report trims a pattern to before matching it to a database:
    /// from the first to the last position whose total |contribution| is at least `threshold` times
    /// the largest (modiscolite.report, trim_threshold 0.3).
    public func trimmedRange(threshold: Double = ModiscoPattern.trimThreshold) -> Range<Int> {
        let scores = (0 ..< width).map { position in (0 ..< 4).reduce(0) { $0 + abs(contributions[$1 * width + position]) } }
        let cutoff = (scores.max() ?? 0) * threshold
        let passing = scores.indices.filter { scores[$0] >= cutoff }
        guard let first = passing.first, let last = passing.last else { return 0 ..< width }
        return first ..< last + 1
    }

    /// modisco-lite's default trim threshold.
    public static let trimThreshold = 0.3

    /// The `count` motifs of `database` nearest the pattern's core, best first: TOMTOM of the
    /// trimmed sequence (base frequencies) against every motif, as modisco-lite's report matches
    /// patterns (modiscolite.report.tomtomlite_dataframe: memelite's tomtom, 3 nearest).
    public func matches(in database: Tomtom, count: Int = 3) throws -> [ModiscoMatch] {
        try database.nearest(slice(trimmedRange()).motif, count: count).map {
            ModiscoMatch(motif: database.targets[$0.target].label, pValue: $0.pValue)
        }
    }

    /// The pattern cut to `range` (its seqlets and subpatterns kept as they are).
    public func slice(_ range: Range<Int>) -> ModiscoPattern {
        func cut(_ values: [Double]) -> [Double] { (0 ..< 4).flatMap { values[$0 * width + range.lowerBound ..< $0 * width + range.upperBound] } }
        return ModiscoPattern(name: name, width: range.count, sequence: cut(sequence), contributions: cut(contributions),
                              hypotheticalContributions: cut(hypotheticalContributions), seqlets: seqlets, subpatterns: subpatterns)
    }
}

/// A motif of a database that a pattern resembles, as TOMTOM ranks them.
public struct ModiscoMatch: Sendable, Equatable {
    /// The motif's label, e.g. `MA0079.5 SP1`.
    public var motif: String
    public var pValue: Double

    public init(motif: String, pValue: Double) {
        self.motif = motif
        self.pValue = pValue
    }
}

/// What modisco-lite's HDF5 results hold: the patterns of positive contributions (`pos_patterns`)
/// then of negative ones (`neg_patterns`), each in modisco's order (pattern_0, pattern_1, ...).
public struct ModiscoResults: Sendable, Equatable {
    public var patterns: [ModiscoPattern]
    /// The attribution window modisco was run on (the file's `window_size` attribute), when given.
    public var windowSize: Int?

    public init(patterns: [ModiscoPattern], windowSize: Int?) {
        self.patterns = patterns
        self.windowSize = windowSize
    }

    /// The pattern named `name` (`pos_patterns.pattern_0`, or just `pattern_0` when only one group has it);
    /// subpatterns by their full name. The error lists the names.
    public func pattern(named name: String, source: String) throws -> ModiscoPattern {
        let all = patterns.flatMap { [$0] + $0.subpatterns }
        if let pattern = all.first(where: { $0.name == name }) { return pattern }
        let bySuffix = all.filter { $0.name.hasSuffix("." + name) }
        if bySuffix.count == 1 { return bySuffix[0] }
        let names = patterns.map(\.name)
        let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", ..." : "")
        let what = bySuffix.count > 1 ? "\(bySuffix.count) patterns are named '\(name)'" : "no pattern '\(name)'"
        throw GenomicsError("\(source): \(what); give one of \(shown)")
    }
}
