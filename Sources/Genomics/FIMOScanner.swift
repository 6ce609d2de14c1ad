import Foundation

/// One motif site found by `FIMOScanner`: a row of FIMO's table.
public struct MotifSite: Hashable, Sendable {
    /// Index of the motif in the scanner's `motifs`.
    public var motifIndex: Int
    /// Index of the sequence in the scanned records.
    public var recordIndex: Int
    /// The window on the forward strand, 0-based, end-exclusive (memelite's start and end).
    public var positions: Range<Int>
    /// "+" when the motif reads forward here, "-" when its reverse complement does.
    public var strand: Character
    /// Log-odds score in bits, summed over the window's positions from left to right.
    public var score: Double
    /// Probability that a random window (letters drawn from the background) scores in this score's bin or above.
    public var pValue: Double
    /// Benjamini–Hochberg q-value among every window the motif was scored on (both strands).
    public var qValue: Double

    /// Test hook: sites made by hand for the explorer's screens.
    package init(motifIndex: Int, recordIndex: Int = 0, positions: Range<Int>, strand: Character, score: Double, pValue: Double, qValue: Double = 1) {
        self.motifIndex = motifIndex
        self.recordIndex = recordIndex
        self.positions = positions
        self.strand = strand
        self.score = score
        self.pValue = pValue
        self.qValue = qValue
    }
}

/// Motif scanning with memelite's fimo conventions (Schreiber's numba FIMO), so that `seqlens scan`
/// reports the same sites, scores and p-values; the explorer's live motif hits are its sites too:
///
/// - Weights: log2(p + pseudocount) − log2(background) per letter, from the motif's probabilities as
///   read (memelite's `eps`, 1e-4). Any other letter (N, IUPAC codes) weighs 0.
/// - Score: the weights of a window summed from left to right in doubles. The reverse strand is
///   scored with the reverse complement of the matrix on the forward sequence.
/// - P-values: weights binned to integers, round(w / 0.1) (ties to even), the exact distribution of
///   a window's binned score under the background by dynamic programming, and P(S ≥ k) looked up at
///   k = trunc(score / 0.1). With a uniform background this is memelite's table; another background
///   (MEME background lines, `--background`) weights both the log-odds and the null.
/// - Threshold: a window is a site when its score exceeds the score of the first bin whose p-value is
///   below the threshold, that bin's score held in single precision, as memelite does.
/// - Q-values (memelite has none; FIMO's definition): Benjamini–Hochberg per motif, over every window
///   scored on both strands, q = min over ranks j ≥ i of p(j)·m/j.
///
/// Each window is first bounded with tables of four-letter blocks and given up as soon as the rest of
/// the motif cannot lift it over the threshold; windows that pass are scored exactly.
public struct FIMOScanner: Sendable {
    /// memelite's bin width, in bits.
    static let binSize = 0.1
    /// memelite's `eps`: added to every probability before the log.
    public static let defaultPseudocount = 1e-4

    public let motifs: [Motif]
    public let pValueThreshold: Double
    private let strands: [Strand]

    public init(motifs: [Motif], pValueThreshold: Double = 1e-4, pseudocount: Double = defaultPseudocount) {
        self.motifs = motifs
        self.pValueThreshold = pValueThreshold
        strands = motifs.flatMap { motif in
            let forward = Strand(motif: motif, pseudocount: pseudocount, threshold: pValueThreshold)
            return [forward, forward.reverseComplement(background: Strand.background(motif), threshold: pValueThreshold)]
        }
    }

    /// The motifs no window can make a site of (their best window, each position's best letter, does
    /// not score above the threshold on either strand, as a width-6 motif under a uniform background
    /// at p < 1e-4: its best p is 4⁻⁶ ≈ 2.4e-4), each with the p-value of that best score.
    package var unreachableMotifs: [(motif: Motif, bestPValue: Double)] {
        motifs.indices.compactMap { m in
            let both = [strands[2 * m], strands[2 * m + 1]]
            guard both.allSatisfy({ $0.bestScore <= $0.threshold }) else { return nil }
            return (motif: motifs[m], bestPValue: both.map { $0.pValue($0.bestScore) }.min()!)
        }
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
    /// an RNA model): they are scanned anyway, U read as T (the scanner gives both one channel).
    public func alphabetWarning(sequences alphabet: Alphabet, source: String) -> String? {
        let others = motifs.filter { $0.alphabet != alphabet }
        guard let first = others.first else { return nil }
        let subject = others.count == motifs.count ? "the motifs of \(source) are" : "\(others.count) motifs of \(source) (\(first.label), ...) are"
        return "warning: \(subject) \(first.alphabet.displayName) and the model reads \(alphabet.displayName): they are scanned with U read as T"
    }

    /// Every site on both strands of every record, ordered by motif, record, start, then strand ('+' first).
    /// `progress` is called with the number of motifs done, from the scanning threads, one call at a time.
    public func scan(_ records: [SequenceRecord], threads: Int = 1, progress: (@Sendable (Int) -> Void)? = nil) -> [MotifSite] {
        let encoded = records.map(EncodedSequence.init)
        let found = SiteBuffers(count: strands.count)
        let done = Counter()
        let workers = max(1, min(threads, strands.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < strands.count {
                let strand = strands[index]
                var sites: [MotifSite] = []
                for (r, sequence) in encoded.enumerated() {
                    strand.scan(sequence, record: r, motif: index / 2, into: &sites)
                }
                found.store(sites, at: index)
                if let progress, index % 2 == 1 { done.increment(then: progress) }
                index += workers
            }
        }
        var result: [MotifSite] = []
        for m in 0 ..< motifs.count {
            var sites = found.take(2 * m) + found.take(2 * m + 1)
            let windows = records.reduce(0) { $0 + max(0, $1.length - motifs[m].width + 1) } * 2
            for (i, q) in benjaminiHochberg(sites.map(\.pValue), tests: windows).enumerated() { sites[i].qValue = q }
            sites.sort {
                ($0.recordIndex, $0.positions.lowerBound, $0.strand == "+" ? 0 : 1) < ($1.recordIndex, $1.positions.lowerBound, $1.strand == "+" ? 0 : 1)
            }
            result += sites
        }
        return result
    }

    /// The letters of one record as channels (4 for anything but A, C, G, T/U) and the code of the four
    /// letters from each position, base 5, reading past the end as 4.
    struct EncodedSequence: Sendable {
        let letters: [UInt8]
        let blocks: [UInt16]

        init(_ record: SequenceRecord) {
            var letters = [UInt8](repeating: 4, count: record.length + Strand.blockWidth)
            for (i, base) in record.sequence.enumerated() {
                if let channel = Alphabet.dna.index(of: base) { letters[i] = UInt8(channel) }
            }
            var blocks = [UInt16](repeating: 0, count: record.length)
            for i in 0 ..< record.length {
                blocks[i] = UInt16(letters[i]) + 5 * UInt16(letters[i + 1]) + 25 * UInt16(letters[i + 2]) + 125 * UInt16(letters[i + 3])
            }
            self.letters = letters
            self.blocks = blocks
        }

        var length: Int { blocks.count }
    }

    /// One strand of one motif, ready to scan.
    struct Strand: Sendable {
        static let blockWidth = 4
        static let codes = 625
        let width: Int
        /// Whether this is the reverse complement of the motif ("-" strand).
        let isReverse: Bool
        /// Position-major, 5 per position: A, C, G, T, then 0 for any other letter.
        let weights: [Double]
        /// The motif's positions in blocks of four, tested most informative first (largest summed gap
        /// between each position's best and mean weight): the first position of each, in that order.
        let blockOffsets: [Int]
        /// Per block, in that order, the summed weights of its letters for each code.
        let blockTables: [Double]
        /// `bounds[k]`: the most the blocks k... of that order can still add (0 for a letter outside ACGT).
        let bounds: [Double]
        /// Sites score above `threshold`; a window whose bound stays below `cut` is given up.
        let threshold: Double
        let cut: Double
        /// The score of the best window (each position's best letter), summed as `scan` sums.
        let bestScore: Double
        /// P(S ≥ k) for binned scores k = lowest ... lowest + tail.count − 1.
        let lowest: Int
        let tail: [Double]

        static func background(_ motif: Motif) -> [Double] {
            guard motif.background.count == 4, motif.background.allSatisfy({ $0 > 0 && $0.isFinite }) else { return [0.25, 0.25, 0.25, 0.25] }
            return motif.background
        }

        init(motif: Motif, pseudocount: Double, threshold: Double) {
            let background = Self.background(motif)
            var weights = [Double](repeating: 0, count: motif.width * 5)
            for p in 0 ..< motif.width {
                for a in 0 ..< 4 { weights[p * 5 + a] = log2(motif.probability(a, at: p) + pseudocount) - log2(background[a]) }
            }
            self.init(weights: weights, background: background, threshold: threshold, isReverse: false)
        }

        init(weights: [Double], background: [Double], threshold pValue: Double, isReverse: Bool) {
            self.weights = weights
            self.isReverse = isReverse
            let width = weights.count / 5
            self.width = width
            // Binned weights and the distribution of their sum under the background.
            var lowest = 0
            var pmf: [Double] = [1]
            for p in 0 ..< width {
                let bins = (0 ..< 4).map { Int((weights[p * 5 + $0] / FIMOScanner.binSize).rounded(.toNearestOrEven)) }
                let low = bins.min()!
                var next = [Double](repeating: 0, count: pmf.count + bins.max()! - low)
                for a in 0 ..< 4 {
                    let offset = bins[a] - low
                    for j in pmf.indices { next[j + offset] += background[a] * pmf[j] }
                }
                lowest += low
                pmf = next
            }
            var tail = [Double](repeating: 0, count: pmf.count)
            var sum = 0.0
            for k in stride(from: pmf.count - 1, through: 0, by: -1) {
                sum += pmf[k]
                tail[k] = min(sum, 1)
            }
            self.lowest = lowest
            self.tail = tail
            let first = tail.firstIndex { $0 < pValue } ?? tail.count
            threshold = Double(Float(Double(lowest + first) * FIMOScanner.binSize))

            let blocks = (width + Self.blockWidth - 1) / Self.blockWidth
            func positions(_ block: Int) -> Range<Int> { block * Self.blockWidth ..< min(width, (block + 1) * Self.blockWidth) }
            func best(_ p: Int) -> Double { (0 ..< 4).map { weights[p * 5 + $0] }.max()! }
            let gap = (0 ..< blocks).map { b in
                positions(b).reduce(0.0) { sum, p in sum + best(p) - (0 ..< 4).reduce(0.0) { $0 + weights[p * 5 + $1] } / 4 }
            }
            let order = (0 ..< blocks).sorted { (gap[$0], -$0) > (gap[$1], -$1) }
            var tables = [Double](repeating: 0, count: blocks * Self.codes)
            var bounds = [Double](repeating: 0, count: blocks + 1)
            for (k, b) in order.enumerated() {
                for code in 0 ..< Self.codes {
                    var rest = code, sum = 0.0
                    for p in positions(b) {
                        sum += weights[p * 5 + rest % 5]
                        rest /= 5
                    }
                    tables[k * Self.codes + code] = sum
                }
            }
            for k in stride(from: blocks - 1, through: 0, by: -1) {
                bounds[k] = bounds[k + 1] + positions(order[k]).reduce(0.0) { $0 + max(0, best($1)) }
            }
            bestScore = (0 ..< width).reduce(0.0) { $0 + best($1) }
            blockOffsets = order.map { $0 * Self.blockWidth }
            blockTables = tables
            self.bounds = bounds
            // The block sums add in another order than the exact score: a margin far above the
            // rounding (width ulps of the largest sum) keeps every window that could pass.
            let magnitude = weights.reduce(0) { $0 + abs($1) } + abs(threshold)
            cut = threshold - 1e-9 * (1 + magnitude)
        }

        /// The strand of the reverse complement: position p reads the complement at width − 1 − p.
        func reverseComplement(background: [Double], threshold: Double) -> Strand {
            var reversed = [Double](repeating: 0, count: weights.count)
            for p in 0 ..< width {
                for a in 0 ..< 4 { reversed[p * 5 + a] = weights[(width - 1 - p) * 5 + (3 - a)] }
            }
            return Strand(weights: reversed, background: background, threshold: threshold, isReverse: true)
        }

        /// P(S ≥ trunc(score / binSize)).
        func pValue(_ score: Double) -> Double {
            let k = Int(score / FIMOScanner.binSize) - lowest
            return k < 0 ? 1 : k >= tail.count ? 0 : tail[k]
        }

        func scan(_ sequence: EncodedSequence, record: Int, motif: Int, into sites: inout [MotifSite]) {
            let n = sequence.length, w = width
            guard w > 0, w <= n, bounds[0] > cut else { return }
            let blockCount = bounds.count - 1
            let strandName: Character = isReverse ? "-" : "+"
            let offsets = blockOffsets
            let first = offsets[0], second = blockCount > 1 ? offsets[1] : 0
            // Most windows fail on the two most informative blocks, tested first without a loop.
            let afterTwo = min(2, blockCount), boundAfterTwo = bounds[afterTwo]
            sequence.blocks.withUnsafeBufferPointer { codes in
                sequence.letters.withUnsafeBufferPointer { letters in
                    blockTables.withUnsafeBufferPointer { tables in
                        bounds.withUnsafeBufferPointer { bounds in
                            weights.withUnsafeBufferPointer { weights in
                                for start in 0 ... (n - w) {
                                    var partial = tables[Int(codes[start + first])]
                                    if blockCount > 1 { partial += tables[Self.codes + Int(codes[start + second])] }
                                    if partial + boundAfterTwo <= cut { continue }
                                    var k = afterTwo
                                    var alive = true
                                    while k < blockCount {
                                        partial += tables[k * Self.codes + Int(codes[start + offsets[k]])]
                                        k += 1
                                        if partial + bounds[k] <= cut { alive = false; break }
                                    }
                                    guard alive else { continue }
                                    var score = 0.0
                                    for p in 0 ..< w { score += weights[p * 5 + Int(letters[start + p])] }
                                    guard score > threshold else { continue }
                                    sites.append(MotifSite(motifIndex: motif, recordIndex: record, positions: start ..< start + w,
                                                           strand: strandName, score: score, pValue: pValue(score), qValue: 1))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Per-strand results written by the scanning threads, each slot by one thread.
private final class SiteBuffers: @unchecked Sendable {
    private var slots: [[MotifSite]]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func store(_ sites: [MotifSite], at index: Int) { lock.withLock { slots[index] = sites } }
    func take(_ index: Int) -> [MotifSite] { lock.withLock { slots[index] } }
}

/// A count shared by the scanning threads; `report` runs under the lock, so calls never overlap.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment(then report: (Int) -> Void) { lock.withLock { value += 1; report(value) } }
}
