import Foundation

/// One query-vs-target comparison, as memelite's `tomtom` reports it, plus MEME tomtom's E- and
/// q-values.
public struct TomtomMatch: Sendable, Equatable {
    /// Index of the target in the database given to `Tomtom`.
    public var target: Int
    /// P-value of the best alignment; with both strands, 1 − (1 − p)² of the better strand's p.
    public var pValue: Double
    /// `pValue` × the number of targets (MEME tomtom's E-value).
    public var eValue: Double
    /// Benjamini–Hochberg q-value of `pValue` among this query's p-values against every target.
    public var qValue: Double
    /// The best alignment's integer score (sum of binned column scores, unaligned columns scored
    /// at the background's offset), the statistic the p-value is for.
    public var score: Int
    /// Target column aligned with query column 0 (negative: the query starts before the target).
    public var offset: Int
    /// Number of aligned columns.
    public var overlap: Int
    /// Whether the best alignment is against the target's reverse complement.
    public var reverseStrand: Bool
}

/// Motif-vs-motif comparison with the TOMTOM algorithm (Gupta et al. 2007, complete score), with the
/// semantics of memelite 0.5's `tomtom`: distances are −Euclidean between columns, each query
/// column's scores are centred on their (binned) median over every target column, binned into
/// `scoreBins` integer bins, and p-values come from the exact distribution of the best alignment's
/// summed bins under independent columns, per target length. Target columns are merged by
/// memelite's approximate hashing (`targetBins` bins per letter), which weights the histograms.
/// The targets are prepared once; `compare` runs per query.
public struct Tomtom: Sendable {
    public let targets: [Motif]
    public let scoreBins: Int
    public let medianBins: Int
    public let reverseComplement: Bool
    let letters: Int
    /// Unique target columns (after hashing), letter-major: `columns[u * letters + k]`.
    let columns: [Double]
    let columnNorms: [Double]
    /// How many original target columns each unique column stands for.
    let columnCounts: [Int]
    /// The sum of `columnCounts`: every target column, forward and reverse.
    let totalColumns: Int
    /// Target motifs (forward, then reverse complements), each as indices into the unique columns.
    let targetColumns: [[Int]]

    /// memelite's defaults: 100 score bins, 1000 median bins, 100 target hashing bins (nil: no
    /// hashing), both strands.
    public init(targets: [Motif], scoreBins: Int = 100, medianBins: Int = 1000, targetBins: Int? = 100, reverseComplement: Bool = true) throws {
        guard let first = targets.first else { throw GenomicsError("tomtom: the motif database is empty; give a file with motifs") }
        let letters = first.alphabet.size
        guard targets.allSatisfy({ $0.alphabet.size == letters }) else {
            throw GenomicsError("tomtom: the database mixes alphabets; give motifs of one alphabet")
        }
        self.targets = targets
        self.scoreBins = scoreBins
        self.medianBins = medianBins
        self.reverseComplement = reverseComplement
        self.letters = letters

        // Every target column, letter-major per column; reverse complements reverse both axes
        // (A↔T, C↔G in ACGT order), as memelite's T[::-1, ::-1].
        var raw: [[Double]] = []
        var ranges: [Range<Int>] = []
        func append(_ motif: Motif, reversed: Bool) {
            let start = raw.count
            for position in 0 ..< motif.width {
                let p = reversed ? motif.width - 1 - position : position
                raw.append((0 ..< letters).map { motif.probability(reversed ? letters - 1 - $0 : $0, at: p) })
            }
            ranges.append(start ..< raw.count)
        }
        for motif in targets { append(motif, reversed: false) }
        if reverseComplement { for motif in targets { append(motif, reversed: true) } }
        let norms = raw.map(Self.squaredNorm)

        var representative: [Int]
        var inverse: [Int]
        var counts: [Int]
        if let bins = targetBins {
            // memelite's hashing: each letter's values scaled to [0, bins-1] over all columns,
            // rounded half to even (numpy.around), keyed base `bins`; unique keys ascending.
            var low = [Double](repeating: .infinity, count: letters), high = [Double](repeating: -.infinity, count: letters)
            for column in raw { for k in 0 ..< letters { low[k] = min(low[k], column[k]); high[k] = max(high[k], column[k]) } }
            for k in 0 ..< letters where high[k] == low[k] { high[k] = low[k] + 1 }
            let keys = raw.map { column -> Int in
                var key = 0, scale = 1
                for k in 0 ..< letters {
                    key += Int(((column[k] - low[k]) / (high[k] - low[k]) * Double(bins - 1)).rounded(.toNearestOrEven)) * scale
                    scale *= bins
                }
                return key
            }
            var firstOf: [Int: Int] = [:]
            for (index, key) in keys.enumerated() where firstOf[key] == nil { firstOf[key] = index }
            let sortedKeys = firstOf.keys.sorted()
            let slot = Dictionary(uniqueKeysWithValues: sortedKeys.enumerated().map { ($0.element, $0.offset) })
            representative = sortedKeys.map { firstOf[$0]! }
            inverse = keys.map { slot[$0]! }
            counts = [Int](repeating: 0, count: sortedKeys.count)
            for u in inverse { counts[u] += 1 }
        } else {
            representative = Array(raw.indices)
            inverse = Array(raw.indices)
            counts = [Int](repeating: 1, count: raw.count)
        }
        columns = representative.flatMap { raw[$0] }
        columnNorms = representative.map { norms[$0] }
        columnCounts = counts
        totalColumns = counts.reduce(0, +)
        targetColumns = ranges.map { $0.map { inverse[$0] } }
        guard columnNorms.contains(where: { $0 != 0 }) else { throw GenomicsError("tomtom: every target column is all zeroes; give probability matrices") }
    }

    /// Σ x², summed in letter order as numpy sums over the letter axis.
    static func squaredNorm(_ column: [Double]) -> Double {
        var sum = column[0] * column[0]
        for value in column.dropFirst() { sum += value * value }
        return sum
    }

    /// The comparison of `query` with every target, in target order.
    public func compare(_ query: Motif) throws -> [TomtomMatch] {
        guard query.alphabet.size == letters else {
            throw GenomicsError("tomtom: query \(query.label) has \(query.alphabet.size) letters but the database has \(letters)")
        }
        guard query.width > 0 else { throw GenomicsError("tomtom: query \(query.label) has no columns") }
        let queryColumns = (0 ..< query.width).map { query.column($0) }
        guard queryColumns.contains(where: { Self.squaredNorm($0) != 0 }) else {
            throw GenomicsError("tomtom: query \(query.label) is all zeroes; give a probability matrix")
        }
        let binned = binnedScores(queryColumns)
        let survival = survivalFunctions(binned)
        let alignments = targetColumns.map { bestAlignment(binned, target: $0, survival: survival) }
        let forwardCount = targets.count
        var matches: [TomtomMatch] = (0 ..< forwardCount).map { index in
            var best = alignments[index]
            var reverse = false
            var p = best.p
            if reverseComplement {
                let other = alignments[index + forwardCount]
                p = min(best.p, other.p)
                p = p * (2 - p)  // 1 − (1 − p)², without rounding to 0 below 1e-16
                if best.score <= other.score { best = other; reverse = true }
            }
            return TomtomMatch(target: index, pValue: p, eValue: p * Double(forwardCount), qValue: 1,
                               score: best.score, offset: best.offset, overlap: best.overlap, reverseStrand: reverse)
        }
        let q = benjaminiHochberg(matches.map(\.pValue))
        for index in matches.indices { matches[index].qValue = q[index] }
        return matches
    }

    /// The `count` matches with the smallest p-values, best first (ties by target order).
    public func nearest(_ query: Motif, count: Int) throws -> [TomtomMatch] {
        Array(try compare(query).sorted { ($0.pValue, $0.target) < ($1.pValue, $1.target) }.prefix(count))
    }

    // MARK: Binned scores

    struct BinnedScores {
        /// `bins[i][u]`: query column i against unique target column u, in [0, scoreBins].
        var bins: [[Int]]
        /// `histogram[i][x]`: weight of the target columns in bin x for query column i.
        var histogram: [[Double]]
        /// The score of an unaligned column.
        var offset: Int
        var width: Int { bins.count }
    }

    func binnedScores(_ query: [[Double]]) -> BinnedScores {
        let unique = columnNorms.count
        let halfway = Double(totalColumns) / 2
        var rows: [[Double]] = []
        var medians: [Double] = []
        var lowest = 9999999.9, highest = -9999999.9
        for column in query {
            let norm = Self.squaredNorm(column)
            let doubled = column.map { 2 * $0 }
            var row = [Double](repeating: 0, count: unique)
            var rowMin = 9999999.9, rowMax = -9999999.9
            for u in 0 ..< unique {
                var z = norm + columnNorms[u]
                for k in 0 ..< letters { z -= doubled[k] * columns[u * letters + k] }
                let g = z > 0 ? -z.squareRoot() : 0
                row[u] = g
                rowMin = min(rowMin, g); rowMax = max(rowMax, g)
            }
            let median = binnedMedian(row, min: rowMin, max: rowMax, halfway: halfway)
            lowest = min(lowest, rowMin - median)
            highest = max(highest, rowMax - median)
            rows.append(row)
            medians.append(median)
        }
        let lowestBin = Int(lowest.rounded(.down))
        let scale = Int((Double(scoreBins) / max(highest - Double(lowestBin), 1.0)).rounded(.down))
        let total = Double(totalColumns)
        let weights = columnCounts.map { Double($0) / total }
        var bins: [[Int]] = []
        var histogram: [[Double]] = []
        for (row, median) in zip(rows, medians) {
            let centre = median + Double(lowestBin)
            var columnBins = [Int](repeating: 0, count: unique)
            var counts = [Double](repeating: 0, count: scoreBins + 1)
            for u in 0 ..< unique {
                let x = Int(((row[u] - centre) * Double(scale) + 0.5).rounded(.down))
                columnBins[u] = x
                counts[x] += weights[u]
            }
            bins.append(columnBins)
            histogram.append(counts)
        }
        return BinnedScores(bins: bins, histogram: histogram, offset: -lowestBin * scale)
    }

    /// memelite's binned median: values binned over [min, max], weighted by column counts; the
    /// mean of the bin where the running count reaches half.
    func binnedMedian(_ row: [Double], min low: Double, max high: Double, halfway: Double) -> Double {
        let range = high - low
        if range == 0 { return low }
        var bin = [Int](repeating: 0, count: row.count)
        var counts = [Int](repeating: 0, count: medianBins)
        for (u, value) in row.enumerated() {
            bin[u] = Int((value - low) / range * Double(medianBins - 1))
            counts[bin[u]] += columnCounts[u]
        }
        var running = 0
        for b in 0 ..< medianBins {
            running += counts[b]
            if Double(running) >= halfway {
                var sum = 0.0
                for u in row.indices where bin[u] == b { sum += row[u] * Double(columnCounts[u]) }
                return sum / Double(counts[b])
            }
        }
        return -99999
    }

    // MARK: Null distributions

    /// `survival[t][s - 1]`: P(best alignment score ≥ s) against a target of length t, for the
    /// target lengths in the database.
    func survivalFunctions(_ binned: BinnedScores) -> [Int: [Double]] {
        let width = binned.width, offset = binned.offset, bins = scoreBins
        let n = bins * width + width * offset
        let maxLength = targetColumns.map(\.count).max() ?? 0
        let needed = Set(targetColumns.map(\.count))

        // Each span of query columns i...j: the distribution of its summed bins plus the offset of
        // every query column outside it, and its cumulative sum as memelite keeps it (0 below the
        // support, the total above it up to bin bins·(j+1)+c, and 1 from there on).
        var span = [[[Double]]](repeating: [], count: width)
        var spanCumulative = [[[Double]]](repeating: [], count: width)
        for i in 0 ..< width {
            span[i] = [[Double]](repeating: [], count: width)
            spanCumulative[i] = [[Double]](repeating: [], count: width)
            var support = 0 ..< 0
            for j in i ..< width {
                let c = offset * (width - j + i - 1)
                var row = [Double](repeating: 0, count: n + 1)
                let f = binned.histogram[j]
                if i == j {
                    for l in 0 ... bins { row[l + c] = f[l] }
                } else {
                    let previous = span[i][j - 1]
                    for k in support where previous[k] != 0 {
                        let a = previous[k]
                        // prev bin k holds raw sum k − c − offset; the new raw sum adds l.
                        for l in 0 ... bins where f[l] != 0 { row[k - offset + l] += a * f[l] }
                    }
                }
                let nonzero = row.indices.filter { row[$0] != 0 }
                support = (nonzero.first ?? 0) ..< ((nonzero.last ?? -1) + 1)
                var cumulative = [Double](repeating: 0, count: n)
                var total = 0.0
                for k in 0 ..< n {
                    if support.contains(k) { total += row[k] }
                    cumulative[k] = k < support.lowerBound ? 0 : total
                }
                for k in max(bins * (j + 1) + c, 0) ..< max(n, bins * (j + 1) + c) { cumulative[k] = 1 }
                span[i][j] = row
                spanCumulative[i][j] = cumulative
            }
        }

        // The distribution of the maximum of two independent scores.
        func maximum(_ x: inout [Double], _ i: Int, _ j: Int) {
            let y = span[i][j], yc = spanCumulative[i][j]
            var xc = 0.0
            for k in 0 ..< n {
                xc += x[k]
                x[k] = x[k] * yc[k] + y[k] * xc - x[k] * y[k]
            }
        }

        var rows: [Int: [Double]] = [:]
        // Targets at least as long as the query: every overhang on both sides, then one more full
        // alignment per extra column.
        if maxLength >= width {
            var row = Array(span[0][0].prefix(n))
            if width > 1 { maximum(&row, width - 1, width - 1) }
            for i in 2 ..< max(width, 2) {
                maximum(&row, 0, i - 1)
                maximum(&row, width - i, width - 1)
            }
            if width == 1 { row = Array(span[0][0].prefix(n)) } else { maximum(&row, 0, width - 1) }
            if needed.contains(width) { rows[width] = row }
            if maxLength > width {
                for t in (width + 1) ... maxLength {
                    maximum(&row, 0, width - 1)
                    if needed.contains(t) { rows[t] = row }
                }
            }
        }
        // Shorter targets: every placement inside the query, and the overhangs shorter than them.
        for t in needed where t < width {
            var row = Array(span[0][t - 1].prefix(n))
            for j in stride(from: 1, through: width - t, by: 1) { maximum(&row, j, j + t - 1) }
            for j in 0 ..< max(t - 1, 0) {
                maximum(&row, 0, j)
                maximum(&row, width - 1 - j, width - 1)
            }
            rows[t] = row
        }
        // Survival values summed from the top, which keeps small tails exact; clamped to [0, 1].
        return rows.mapValues { pdf in
            var survival = [Double](repeating: 0, count: n)
            var above = 0.0
            for s in stride(from: n - 1, through: 0, by: -1) {
                survival[s] = min(max(above, 0), 1)
                above += pdf[s]
            }
            return survival
        }
    }

    // MARK: Alignment

    struct Alignment { var p: Double; var score: Int; var offset: Int; var overlap: Int }

    /// The best-scoring alignment over every offset, with memelite's tie rule.
    func bestAlignment(_ binned: BinnedScores, target: [Int], survival: [Int: [Double]]) -> Alignment {
        let width = binned.width, length = target.count
        var best = Alignment(p: 1, score: 0, offset: 0, overlap: 0)
        var found = false
        var sums = [Int](repeating: width * binned.offset, count: length + width - 1)
        for (k, column) in target.enumerated() {
            for i in 0 ..< width { sums[k + width - 1 - i] += binned.bins[i][column] - binned.offset }
        }
        guard let top = sums.max(), top > 0 else { return best }
        let table = survival[length]!
        for (position, score) in sums.enumerated() where score == top {
            let overlap = min(position + 1, width) - max(0, position - length + 1)
            // memelite compares the stored offset (not overlap) with the new overlap on a tie.
            if found && best.offset >= overlap { continue }
            best = Alignment(p: table[min(max(score - 1, 0), table.count - 1)], score: score,
                             offset: position - width + 1, overlap: overlap)
            found = true
        }
        return best
    }
}

/// Benjamini–Hochberg q-values: the smallest false discovery rate at which each p-value passes.
/// `tests`: how many hypotheses were tested, when only the smallest p-values are given (FIMO's
/// sites among every window scanned); default, one per p-value.
func benjaminiHochberg(_ pValues: [Double], tests: Int? = nil) -> [Double] {
    let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
    var q = [Double](repeating: 1, count: pValues.count)
    var running = 1.0
    let m = Double(tests ?? pValues.count)
    for rank in stride(from: order.count - 1, through: 0, by: -1) {
        let index = order[rank]
        running = min(running, pValues[index] * m / Double(rank + 1))
        q[index] = running
    }
    return q
}
