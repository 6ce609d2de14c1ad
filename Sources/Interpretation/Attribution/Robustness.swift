import Foundation
import Genomics
import Inference

/// One number per position out of an (A, L) attribution map, for scoring against ground truth
/// and comparing maps.
public enum PositionScore: String, Sendable, CaseIterable {
    /// The L2 norm over the alphabet (Majdandzic, Rajesh & Koo 2023).
    case l2
    /// |value at the observed base| (Koo & Ploenzke 2021 sum saliency × input over the alphabet).
    case observed

    /// (L) scores of a channels-first (A, L) map; `x` is the one-hot input (its observed bases).
    public func scores(_ map: [Float], x: [Float], alphabetSize a: Int) -> [Double] {
        let length = map.count / a
        return (0..<length).map { j in
            switch self {
            case .l2: return (0..<a).reduce(0.0) { $0 + Double(map[$1 * length + j]) * Double(map[$1 * length + j]) }.squareRoot()
            case .observed: return abs((0..<a).reduce(0.0) { $0 + Double(map[$1 * length + j]) * Double(x[$1 * length + j]) })
            }
        }
    }
}

/// Areas under curves as scikit-learn computes them: `roc_auc_score`, and the Koo lab's AUPRC,
/// `auc(recall, precision)` over `precision_recall_curve` (trapezoids, tied scores one threshold).
public enum CurveArea {
    /// nil when the labels hold only one class.
    public static func roc(labels: [Bool], scores: [Double]) -> Double? {
        guard let points = thresholdCounts(labels: labels, scores: scores) else { return nil }
        let (p, n) = (Double(points.last!.tp), Double(points.last!.fp))
        var area = 0.0, previous = (fpr: 0.0, tpr: 0.0)
        for point in points {
            let current = (fpr: Double(point.fp) / n, tpr: Double(point.tp) / p)
            area += (current.fpr - previous.fpr) * (current.tpr + previous.tpr) / 2
            previous = current
        }
        return area
    }

    /// nil when the labels hold only one class.
    public static func precisionRecall(labels: [Bool], scores: [Double]) -> Double? {
        guard let points = thresholdCounts(labels: labels, scores: scores) else { return nil }
        let p = Double(points.last!.tp)
        // From recall 0 (precision 1, sklearn's last point) through every threshold.
        var area = 0.0, previous = (recall: 0.0, precision: 1.0)
        for point in points {
            let current = (recall: Double(point.tp) / p, precision: Double(point.tp) / Double(point.tp + point.fp))
            area += (current.recall - previous.recall) * (current.precision + previous.precision) / 2
            previous = current
        }
        return area
    }

    /// True and false positives at or above each distinct score, highest first.
    private static func thresholdCounts(labels: [Bool], scores: [Double]) -> [(tp: Int, fp: Int)]? {
        guard labels.contains(true), labels.contains(false) else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points: [(tp: Int, fp: Int)] = [], tp = 0, fp = 0
        for (rank, index) in order.enumerated() {
            if labels[index] { tp += 1 } else { fp += 1 }
            if rank == order.count - 1 || scores[order[rank + 1]] != scores[index] { points.append((tp, fp)) }
        }
        return points
    }
}

/// How alike two maps are, as the robustness table reports it.
public enum MapSimilarity {
    /// Spearman's rank correlation (tied values share their average rank, as scipy's
    /// `spearmanr`); nil when either side is constant.
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double? {
        pearson(ranks(a), ranks(b))
    }

    /// Cosine similarity; nil when either side is all zero.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double? {
        var dot = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
        }
        return aa > 0 && bb > 0 ? dot / (aa.squareRoot() * bb.squareRoot()) : nil
    }

    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            for k in start...end { ranks[order[k]] = Double(start + end) / 2 + 1 }
            start = end + 1
        }
        return ranks
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double? {
        let n = Double(a.count)
        guard n > 1 else { return nil }
        let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
        var covariance = 0.0, varianceA = 0.0, varianceB = 0.0
        for (x, y) in zip(a, b) {
            covariance += (x - meanA) * (y - meanB)
            varianceA += (x - meanA) * (x - meanA)
            varianceB += (y - meanB) * (y - meanB)
        }
        return varianceA > 0 && varianceB > 0 ? covariance / (varianceA * varianceB).squareRoot() : nil
    }
}

/// Attribution maps judged two ways: against the ground truth of where motifs were planted
/// (AUROC/AUPRC per sequence, as the Koo lab scores interpretability), and by how little they
/// move when the one-hot input gets Gaussian noise (mean Spearman of position scores and mean
/// cosine of the maps, between the map of x and the maps of n noisy copies).
public struct RobustnessEvaluation: Sendable {
    public var attributor: Attributor
    public var settings: AttributionSettings
    public var positionScore: PositionScore
    /// Positions whose information content exceeds this (bits) are positives; positions at the
    /// sequence's lowest IC (0 outside motifs) negatives; those between are left out (Koo lab).
    public var icCutoff: Double
    /// Noisy copies per sequence (0: no stability), their noise's standard deviation and seed.
    public var noiseSamples: Int
    public var noiseSigma: Float
    public var noiseSeed: UInt64

    public init(attributor: Attributor, settings: AttributionSettings, positionScore: PositionScore = .l2, icCutoff: Double = 0.01,
                noiseSamples: Int = 8, noiseSigma: Float = 0.1, noiseSeed: UInt64 = 0) {
        self.attributor = attributor
        self.settings = settings
        self.positionScore = positionScore
        self.icCutoff = icCutoff
        self.noiseSamples = noiseSamples
        self.noiseSigma = noiseSigma
        self.noiseSeed = noiseSeed
    }

    public struct Report: Sendable, Equatable {
        /// Means over the sequences that have positives and negatives; nil without any.
        public var auroc: Double?
        public var auprc: Double?
        /// Sequences scored against the truth.
        public var scored: Int
        /// Means over sequences and noisy copies; nil without noise (or for constant maps).
        public var spearman: Double?
        public var cosine: Double?
    }

    /// - Parameters:
    ///   - targets: the task to attribute, per sequence.
    ///   - truth: per sequence, the information content (bits) of each position; nil: no scoring.
    ///   - progress: called with the number of sequences done.
    public func evaluate(_ sequences: [[UInt8]], targets: [Int], truth: [[Float]]?, progress: ((Int) -> Void)? = nil) throws -> Report {
        let model = attributor.model, a = model.alphabet.size
        var aurocs: [Double] = [], auprcs: [Double] = [], spearmans: [Double] = [], cosines: [Double] = []
        for (index, sequence) in sequences.enumerated() {
            var settings = self.settings
            settings.target = targets[index]
            if settings.method == .deepshap {
                let references = try attributor.deepSHAPReferences(for: sequence, index: 0, count: 1, settings: settings)
                settings.references = .given(Tensor(shape: [references.count, a, sequence.count], scalars: references.flatMap { $0 }))
            }
            let x = try OneHot.encode([sequence], alphabet: model.alphabet, layout: .channelsFirst)
            let map = try maps(of: [x], sequence: sequence, settings: settings)
            let scores = positionScore.scores(map, x: x, alphabetSize: a)
            if let ic = truth?[index] {
                let lowest = ic.min() ?? 0
                let kept = ic.indices.filter { Double(ic[$0]) > icCutoff || ic[$0] == lowest }
                let labels = kept.map { Double(ic[$0]) > icCutoff }, keptScores = kept.map { scores[$0] }
                if let roc = CurveArea.roc(labels: labels, scores: keptScores),
                   let pr = CurveArea.precisionRecall(labels: labels, scores: keptScores) {
                    aurocs.append(roc)
                    auprcs.append(pr)
                }
            }
            if noiseSamples > 0 {
                var generator = SeededGenerator(seed: noiseSeed &+ UInt64(index))
                let noisy = (0..<noiseSamples).map { _ in x.map { $0 + noiseSigma * generator.nextGaussian() } }
                let copies = try maps(of: noisy, sequence: sequence, settings: settings)
                let size = a * sequence.count
                for copy in 0..<noiseSamples {
                    let other = Array(copies[copy * size ..< (copy + 1) * size])
                    if let rho = MapSimilarity.spearman(scores, positionScore.scores(other, x: x, alphabetSize: a)) { spearmans.append(rho) }
                    if let cos = MapSimilarity.cosine(map, other) { cosines.append(cos) }
                }
            }
            progress?(index + 1)
        }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        return Report(auroc: mean(aurocs), auprc: mean(auprcs), scored: aurocs.count, spearman: mean(spearmans), cosine: mean(cosines))
    }

    /// Maps of `xs`, the sequence or noisy copies of it, concatenated. All are compared with the
    /// sequence's own shuffles (DeepSHAP's references are pinned by the caller): shuffles seeded
    /// per copy would make stability measure reference changes rather than input noise.
    private func maps(of xs: [[Float]], sequence: [UInt8], settings: AttributionSettings) throws -> [Float] {
        if settings.method == .integratedGradients, case .shuffled = settings.baseline {
            try attributor.checkTarget(settings.target, length: sequence.count)
            let baselines = try attributor.baselines(for: sequence, index: 0, settings: settings)
            return try xs.flatMap { try attributor.integratedGradients($0, baselines: baselines, settings: settings) }
        }
        return try attributor.attribute(encoded: xs, sequences: Array(repeating: sequence, count: xs.count), settings: settings).scalars
    }
}
