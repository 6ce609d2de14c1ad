import Foundation

/// One motif occurrence found by `MotifScanner`.
public struct MotifHit: Hashable, Sendable {
    /// The motif's label, "MA0466.4 CEBPB" (the id alone when it has no name), for one-line annotations.
    public var motif: String
    /// The motif's id, e.g. `MA0466.4`.
    public var motifID: String
    /// Index of the motif in the scanner's `motifs`, to fetch its matrix (e.g. to draw its logo).
    public var motifIndex: Int
    /// The window on the forward strand, 0-based, end-exclusive; `count` is the motif width.
    public var positions: Range<Int>
    /// "+" when the motif reads forward here, "-" when its reverse complement does.
    public var strand: Character
    /// Log-odds score of the window in bits (log2), the sum over its positions.
    public var score: Double
    /// Probability that a random window (letters drawn from the motif's background) scores at least as high.
    public var pValue: Double

    public init(motif: String, motifID: String, motifIndex: Int, positions: Range<Int>, strand: Character, score: Double, pValue: Double) {
        self.motif = motif
        self.motifID = motifID
        self.motifIndex = motifIndex
        self.positions = positions
        self.strand = strand
        self.score = score
        self.pValue = pValue
    }
}

/// FIMO-style motif scanning (MEME suite conventions): log-odds scores in bits, exact p-values by
/// dynamic programming over the score distribution under the background, hits with p < threshold.
///
/// - Pseudocount, as FIMO's `--motif-pseudo` (MEME `apply_pseudocount_to_motif`): the probabilities are
///   turned back into counts with the motif's number of sites n (`nsites=` in MEME files, the column
///   total in JASPAR files; 20 when unknown, MEME's `DEFAULT_SITE_COUNT`) and the pseudocount is spread
///   by the background: p' = (p·n + pseudo·bg) / (n + pseudo). Score per letter: log2(p' / bg).
///   With many sites (JASPAR's CEBPB has 12034) a 0.1 pseudocount barely moves p, so a letter never
///   seen costs about −17 bits, as in FIMO. Log-odds are floored at −30 bits (pseudocount 0).
/// - P-values: scores are scaled to integer bins (at most 100 per bit, coarser when the matrix's range
///   of entries exceeds 10 bits, so that the entries span at most 1000 bins, like FIMO's scaled PSSM),
///   and the distribution of the integer window score under the background is built column by column
///   by convolution. p = P(S ≥ s) is exact for the integer scores; against the real-valued scores the
///   rounding moves a window by at most width / (2 · binsPerBit) bits.
/// - Strands: the reverse strand is scored with the reverse-complement matrix (its distribution under
///   the complemented background equals the forward one, so one p-value table serves both). FIMO
///   reports both strands; a one-line annotation wants one hit per place, so per window and motif the
///   better strand is kept (higher integer score, i.e. lower p; then higher score; then "+").
/// - Windows holding a letter outside A/C/G/T(U) (N, IUPAC codes) are skipped.
/// - A motif too short to ever reach the threshold (a width-6 motif's best p under a uniform
///   background is 4⁻⁶ ≈ 2.4e-4 > 1e-4) never reports a hit, as in FIMO.
public struct MotifScanner: Sendable {
    public let motifs: [Motif]
    public let pValueThreshold: Double
    public let pseudocount: Double
    private let tables: [Table]

    /// Precomputes, per motif, integer score matrices for both strands and the p-values of the scores
    /// that pass the threshold.
    public init(motifs: [Motif], pValueThreshold: Double = 1e-4, pseudocount: Double = 0.1) {
        self.motifs = motifs
        self.pValueThreshold = pValueThreshold
        self.pseudocount = pseudocount
        tables = motifs.map { Table(MotifScoreMatrix(motif: $0, pseudocount: pseudocount), threshold: pValueThreshold) }
    }

    /// The motifs whose best possible score's p-value is not below the threshold, so they never
    /// report a hit, each with that p-value.
    public var unreachableMotifs: [(motif: Motif, bestPValue: Double)] {
        zip(motifs, tables).filter { $0.1.cutoff == nil }.map { (motif: $0.0, bestPValue: $0.1.bestPValue) }
    }

    /// One line naming the motifs that can never pass the threshold, or nil when every motif can;
    /// `option` is the setting that changes the threshold.
    public func unreachableWarning(option: String) -> String? {
        let unreachable = unreachableMotifs
        guard !unreachable.isEmpty else { return nil }
        let shown = unreachable.prefix(3).map { "\($0.motif.label) best p \(String(format: "%.1e", $0.bestPValue))" }.joined(separator: ", ")
        let more = unreachable.count > 3 ? ", ..." : ""
        return "warning: \(unreachable.count) of \(motifs.count) motifs cannot reach p < \(String(format: "%g", pValueThreshold)) even at their best score, so they show no hits (\(shown)\(more)); a larger \(option) shows them"
    }

    /// One line when motifs of one alphabet are scanned on sequences of the other (DNA motifs on
    /// an RNA model): they are scanned anyway, T read as U (the scanner gives both one channel).
    public func alphabetWarning(sequences alphabet: Alphabet, source: String) -> String? {
        let others = motifs.filter { $0.alphabet != alphabet }
        guard let first = others.first else { return nil }
        let subject = others.count == motifs.count ? "the motifs of \(source) are" : "\(others.count) motifs of \(source) (\(first.label), ...) are"
        return "warning: \(subject) \(first.alphabet.displayName) and the model reads \(alphabet.displayName): they are scanned with U read as T"
    }

    /// Every window, on both strands, with p < threshold; the better strand per window and motif;
    /// sorted by start, then p-value, then motif order.
    public func scan(_ sequence: [UInt8]) -> [MotifHit] {
        let n = sequence.count
        // Channel per base, 4 for anything else: the matrices' fifth row scores it far below any cutoff.
        var codes = [UInt8](repeating: 4, count: n)
        for i in 0 ..< n {
            if let c = Alphabet.dna.index(of: sequence[i]) { codes[i] = UInt8(c) }
        }
        var hits: [MotifHit] = []
        codes.withUnsafeBufferPointer { c in
            for (m, table) in tables.enumerated() {
                let w = table.width
                guard w > 0, w <= n, let cutoff = table.cutoff else { continue }
                table.forward.withUnsafeBufferPointer { f in
                    table.reverse.withUnsafeBufferPointer { r in
                        for start in 0 ... (n - w) {
                            var sf = 0, sr = 0
                            var k = 0
                            for i in start ..< start + w {
                                let x = Int(c[i])
                                sf &+= Int(f[k + x])
                                sr &+= Int(r[k + x])
                                k &+= Table.stride
                            }
                            guard sf >= cutoff || sr >= cutoff else { continue }
                            let realF = table.realScore(c, start: start, reverse: false)
                            let realR = table.realScore(c, start: start, reverse: true)
                            let plus = sf > sr || (sf == sr && realF >= realR)
                            let best = plus ? sf : sr
                            hits.append(MotifHit(
                                motif: motifs[m].label, motifID: motifs[m].id, motifIndex: m,
                                positions: start ..< start + w, strand: plus ? "+" : "-",
                                score: plus ? realF : realR, pValue: table.tail[best - cutoff]))
                        }
                    }
                }
            }
        }
        hits.sort {
            if $0.positions.lowerBound != $1.positions.lowerBound { return $0.positions.lowerBound < $1.positions.lowerBound }
            if $0.pValue != $1.pValue { return $0.pValue < $1.pValue }
            return $0.motifIndex < $1.motifIndex
        }
        return hits
    }

    /// Scan-ready form of one motif.
    private struct Table: Sendable {
        /// Entries per position: A, C, G, T, then the score of any other letter.
        static let stride = 5
        static let invalid = Int32(-(1 << 30))
        let width: Int
        /// Integer scores, position-major, `stride` per position; forward and reverse-complement.
        let forward: [Int32]
        let reverse: [Int32]
        /// Log-odds in bits, position-major, 4 per position; forward and reverse-complement.
        let logOdds: [Double]
        let reverseLogOdds: [Double]
        /// Smallest integer score with p < threshold (nil when none reaches it); `tail[s - cutoff]` is its p.
        let cutoff: Int?
        let tail: [Double]
        /// The p-value of the highest possible score.
        let bestPValue: Double

        init(_ matrix: MotifScoreMatrix, threshold: Double) {
            let w = matrix.width
            width = w
            var f = [Int32](repeating: Table.invalid, count: w * Table.stride)
            var r = f
            var rl = [Double](repeating: 0, count: w * 4)
            for p in 0 ..< w {
                for a in 0 ..< 4 {
                    f[p * Table.stride + a] = Int32(matrix.integerScores[p * 4 + a])
                    // Reverse complement: position p reads the complement of letter a at w-1-p.
                    r[p * Table.stride + a] = Int32(matrix.integerScores[(w - 1 - p) * 4 + (3 - a)])
                    rl[p * 4 + a] = matrix.logOdds[(w - 1 - p) * 4 + (3 - a)]
                }
            }
            forward = f
            reverse = r
            logOdds = matrix.logOdds
            reverseLogOdds = rl
            let (minScore, pValues) = matrix.pValues()
            bestPValue = pValues.last ?? 1
            var first = pValues.count
            while first > 0, pValues[first - 1] < threshold { first -= 1 }
            if first < pValues.count {
                cutoff = minScore + first
                tail = Array(pValues[first...])
            } else {
                cutoff = nil
                tail = []
            }
        }

        func realScore(_ codes: UnsafeBufferPointer<UInt8>, start: Int, reverse: Bool) -> Double {
            let m = reverse ? reverseLogOdds : logOdds
            var s = 0.0
            for p in 0 ..< width { s += m[p * 4 + Int(codes[start + p])] }
            return s
        }
    }
}

/// Log-odds matrix of one motif in bits and its integer (binned) form, with the exact distribution of
/// the integer window score under the background. Package API: the scanner's building block and test hook.
package struct MotifScoreMatrix: Sendable {
    /// Sites assumed when a motif does not say (MEME's `DEFAULT_SITE_COUNT`).
    package static let defaultSites = 20
    /// Lowest log-odds per letter, in bits (reached only with pseudocount 0).
    package static let floorBits = -30.0
    /// Finest resolution, and the most bins the matrix's entries may span.
    package static let maxBinsPerBit = 100.0
    package static let maxEntryBins = 1000.0

    package let width: Int
    /// Position-major: `logOdds[position * 4 + letter]`, bits.
    package let logOdds: [Double]
    /// round(logOdds × binsPerBit), same layout.
    package let integerScores: [Int]
    package let binsPerBit: Double
    /// Background used for the log-odds and the null distribution (normalised, clamped above 0).
    package let background: [Double]

    package init(motif: Motif, pseudocount: Double) {
        let w = motif.width
        width = w
        var bg = motif.background.count == 4 ? motif.background.map { max($0, 1e-9) } : [Double](repeating: 0.25, count: 4)
        let total = bg.reduce(0, +)
        bg = bg.map { $0 / total }
        background = bg
        let sites = Double(motif.sites.flatMap { $0 > 0 ? $0 : nil } ?? Self.defaultSites)
        var lo = [Double](repeating: 0, count: w * 4)
        for p in 0 ..< w {
            for a in 0 ..< 4 {
                let q = (motif.probability(a, at: p) * sites + pseudocount * bg[a]) / (sites + pseudocount)
                lo[p * 4 + a] = q > 0 ? max(log2(q / bg[a]), Self.floorBits) : Self.floorBits
            }
        }
        logOdds = lo
        let range = (lo.max() ?? 0) - (lo.min() ?? 0)
        let scale = range > 0 ? min(Self.maxBinsPerBit, Self.maxEntryBins / range) : Self.maxBinsPerBit
        binsPerBit = scale
        integerScores = lo.map { Int(($0 * scale).rounded()) }
    }

    /// Integer score of a window of channel indices (0...3), forward strand.
    package func integerScore(_ letters: some Collection<Int>) -> Int {
        zip(0..., letters).reduce(0) { $0 + integerScores[$1.0 * 4 + $1.1] }
    }

    /// Log-odds score in bits of a window of channel indices (0...3), forward strand.
    package func score(_ letters: some Collection<Int>) -> Double {
        zip(0..., letters).reduce(0) { $0 + logOdds[$1.0 * 4 + $1.1] }
    }

    /// `pValues[k]` = P(S ≥ minScore + k) for the integer window score S of letters drawn independently
    /// from the background, for every score from the lowest to the highest possible.
    package func pValues() -> (minScore: Int, pValues: [Double]) {
        var minScore = 0
        var pmf: [Double] = [1]
        var next: [Double] = []
        for p in 0 ..< width {
            let column = integerScores[p * 4 ..< p * 4 + 4]
            let low = column.min()!, high = column.max()!
            minScore += low
            next = [Double](repeating: 0, count: pmf.count + high - low)
            pmf.withUnsafeBufferPointer { old in
                next.withUnsafeMutableBufferPointer { new in
                    for a in 0 ..< 4 {
                        let offset = column[p * 4 + a] - low
                        let b = background[a]
                        let out = new.baseAddress! + offset
                        for j in 0 ..< old.count { out[j] += b * old[j] }
                    }
                }
            }
            swap(&pmf, &next)
        }
        // Tail sums from the top, so that small p-values keep their precision.
        var tail = [Double](repeating: 0, count: pmf.count)
        var sum = 0.0
        for k in stride(from: pmf.count - 1, through: 0, by: -1) {
            sum += pmf[k]
            tail[k] = min(sum, 1)
        }
        return (minScore, tail)
    }
}
