import Foundation

/// The gradient attribution methods, named as on the command line.
public enum AttributionMethod: String, Sendable, CaseIterable {
    /// The raw signed gradient (captum's Saliency with abs=False).
    case saliency
    /// Gradient × one-hot input (captum's InputXGradient).
    case gradInput = "grad-input"
    /// Mean gradient over noisy copies of the input (Smilkov et al. 2017).
    case smoothgrad
    /// Integrated gradients (Sundararajan et al. 2017), as captum's IntegratedGradients.
    case integratedGradients = "ig"
    /// DeepLIFT's rescale rule averaged over references (tangermeme's deep_lift_shap).
    case deepshap

    /// "saliency, grad-input, smoothgrad, ig, deepshap": for help texts and error messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Where integrated gradients start from.
public enum IntegratedGradientsBaseline: Sendable, Equatable {
    /// All-zero input: captum's default.
    case zeros
    /// 0.25 everywhere: the uniform background.
    case uniform
    /// k dinucleotide-shuffled copies of each sequence; the attributions are averaged
    /// (expected integrated gradients).
    case shuffled(count: Int, seed: UInt64)
}

/// How the path integral of integrated gradients is approximated, as in captum.
public enum Quadrature: String, Sendable, CaseIterable {
    case gaussLegendre = "gausslegendre"
    case riemannLeft = "riemann_left"
    case riemannRight = "riemann_right"
    case riemannMiddle = "riemann_middle"
    case riemannTrapezoid = "riemann_trapezoid"

    /// Points α in [0, 1] and their weights for `steps` evaluations (captum's
    /// approximation_methods: Gauss–Legendre nodes mapped from [−1, 1], weights halved).
    public func pointsAndWeights(steps n: Int) -> (points: [Double], weights: [Double]) {
        precondition(n >= 1)
        switch self {
        case .gaussLegendre:
            let (nodes, weights) = Self.gaussLegendre(n)
            return (nodes.map { 0.5 * ($0 + 1) }, weights.map { 0.5 * $0 })
        case .riemannLeft:
            return ((0..<n).map { Double($0) / Double(n) }, Array(repeating: 1 / Double(n), count: n))
        case .riemannRight:
            return ((1...n).map { Double($0) / Double(n) }, Array(repeating: 1 / Double(n), count: n))
        case .riemannMiddle:
            return ((0..<n).map { (Double($0) + 0.5) / Double(n) }, Array(repeating: 1 / Double(n), count: n))
        case .riemannTrapezoid:
            // captum's version: n points from 0 to 1, but weights 1/n with the ends halved
            // (they sum to 1 − 1/n, not 1). Reproduced as is, so numbers match captum's.
            guard n > 1 else { return ([0.5], [1]) }
            return ((0..<n).map { Double($0) / Double(n - 1) }, (0..<n).map { $0 == 0 || $0 == n - 1 ? 0.5 / Double(n) : 1 / Double(n) })
        }
    }

    /// Nodes and weights of n-point Gauss–Legendre quadrature on [−1, 1] (Newton's method on
    /// the Legendre polynomial; the same numbers numpy.polynomial.legendre.leggauss gives).
    package static func gaussLegendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n), weights = nodes
        for i in 0..<(n + 1) / 2 {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for k in stride(from: 2, through: n, by: 1) {
                    let p2 = (Double(2 * k - 1) * x * p1 - Double(k - 1) * p0) / Double(k)
                    p0 = p1
                    p1 = p2
                }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-15 { break }
            }
            nodes[i] = -x
            nodes[n - 1 - i] = x
            weights[i] = 2 / ((1 - x * x) * derivative * derivative)
            weights[n - 1 - i] = weights[i]
        }
        return (nodes, weights)
    }
}
