import Foundation

/// A span of high attribution in one example: positions `start..<end`, the sum of the
/// attributions over it (flanks included) and the p-value of the span itself.
public struct Seqlet: Sendable, Equatable {
    public var example: Int
    public var start: Int
    public var end: Int
    public var attribution: Double
    public var pValue: Double

    public init(example: Int, start: Int, end: Int, attribution: Double, pValue: Double) {
        self.example = example; self.start = start; self.end = end
        self.attribution = attribution; self.pValue = pValue
    }
}

/// The recursive seqlet caller of tangermeme 1.6 (`recursive_seqlets`), on projected attributions
/// (the attribution of the observed letter at each position, shape (N, L)).
///
/// Attributions are binned into `bins` bins over their range; the null of a span of length k is
/// the sum of k independent draws from the histogram of all bins; a span's p-value is P(null ≥
/// its binned sum). A span is a seqlet when every sub-span of length ≥ `minLength` that it
/// contains, and every prefix, has a p-value below `threshold`; spans are taken longest first,
/// best p-value first, never overlapping an earlier one. Only positive seqlets are called (run on
/// negated attributions for negative ones). `additionalFlanks` widens each called span afterwards.
public struct RecursiveSeqletCaller: Sendable {
    public var threshold: Double
    public var minLength: Int
    public var maxLength: Int
    public var additionalFlanks: Int
    public var bins: Int

    /// tangermeme's defaults.
    public init(threshold: Double = 0.01, minLength: Int = 4, maxLength: Int = 25, additionalFlanks: Int = 0, bins: Int = 1000) {
        self.threshold = threshold; self.minLength = minLength; self.maxLength = maxLength
        self.additionalFlanks = additionalFlanks; self.bins = bins
    }

    /// The seqlets of every example, by p-value (ties in calling order). Every row must have the
    /// same length; the null is built from all of them together.
    public func call(_ attributions: [[Float]]) -> [Seqlet] {
        let values = attributions.joined()
        guard let low = values.min(), let high = values.max(), high > low,
              minLength >= 1, maxLength >= minLength, threshold > 0 else { return [] }
        // float32 difference, then float64 division, as tangermeme does on float32 input.
        let binWidth = Double(high - low) / Double(bins - 1)
        let binOf = { (x: Float) -> Int in min(max(Int((Double(x - low) / binWidth).rounded(.down)), 0), bins - 1) }
        let survival = nullSurvival(values.map(binOf))

        var seqlets: [Seqlet] = []
        for (example, row) in attributions.enumerated() {
            let length = row.count
            var binSums = [Int](repeating: 0, count: length + 1)
            var sums = [Double](repeating: 0, count: length + 1)
            for j in 0 ..< length {
                binSums[j + 1] = binSums[j] + binOf(row[j])
                sums[j + 1] = sums[j] + Double(row[j])
            }
            // p[k]: the largest p-value over the prefixes of the span of the current length at k;
            // q[k]: the largest over its whole triangle of sub-spans. Rows below minLength are 0.
            var p = [Double](repeating: 0, count: length + 1)
            var q = [Double](repeating: 0, count: length + 1)
            var byLength: [[(p: Double, start: Int)]] = []
            for spanLength in minLength ... maxLength {
                var candidates: [(p: Double, start: Int)] = []
                var nextQ = [Double](repeating: 0, count: length + 1)
                if spanLength <= length {
                    for k in 0 ... (length - spanLength) {
                        let own = survival[spanLength][binSums[k + spanLength] - binSums[k]]
                        p[k] = max(own, p[k])
                        nextQ[k] = max(p[k], q[k + 1])
                        if nextQ[k] < threshold { candidates.append((p[k], k)) }
                    }
                }
                q = nextQ
                byLength.append(candidates)
            }
            // Longest first; within a length by p-value, ties by start (a stable sort).
            var called = [Bool](repeating: false, count: length)
            for (index, candidates) in byLength.enumerated().reversed() {
                let spanLength = minLength + index
                for candidate in candidates.enumerated().sorted(by: { ($0.element.p, $0.offset) < ($1.element.p, $1.offset) }).map(\.element) {
                    let span = candidate.start ..< candidate.start + spanLength
                    if span.contains(where: { called[$0] }) { continue }
                    for position in span { called[position] = true }
                    let start = max(span.lowerBound - additionalFlanks, 0), end = min(span.upperBound + additionalFlanks, length)
                    seqlets.append(Seqlet(example: example, start: start, end: end, attribution: sums[end] - sums[start],
                                          pValue: survival[spanLength][binSums[span.upperBound] - binSums[span.lowerBound]]))
                }
            }
        }
        return seqlets.enumerated().sorted { ($0.element.pValue, $0.offset) < ($1.element.pValue, $1.offset) }.map(\.element)
    }

    /// `survival[k][s]`: P(sum of k independent bins ≥ s), summed from the top.
    func nullSurvival(_ binned: [Int]) -> [[Double]] {
        var histogram = [Double](repeating: 0, count: bins)
        for b in binned { histogram[b] += 1 }
        let f = histogram.map { $0 / Double(binned.count) }
        let nonzero = f.indices.filter { f[$0] != 0 }
        var survival = [[Double]](repeating: [Double](repeating: 0, count: bins * maxLength + 1), count: maxLength + 1)
        var previous: [Double] = []
        for length in 1 ... maxLength {
            var current: [Double]
            if length == 1 {
                current = f
            } else {
                // cur[m] = Σ prev[i]·f[m − i] over ascending i, as tangermeme adds them.
                current = [Double](repeating: 0, count: bins * length - 1)
                for m in current.indices {
                    var sum = 0.0
                    for j in nonzero.reversed() {
                        let i = m - j
                        if i < 0 { continue }
                        if i >= previous.count { break }
                        sum += previous[i] * f[j]
                    }
                    current[m] = sum
                }
            }
            for s in stride(from: bins * length - 1, through: 0, by: -1) {
                survival[length][s] = survival[length][s + 1] + (s < current.count ? current[s] : 0)
            }
            previous = current
        }
        return survival
    }
}
