import CLBFGS
import Dispatch
import Foundation

/// How a Potts model is fit by pseudo-likelihood: plmc's objective with EVcouplings' defaults.
public struct PseudolikelihoodOptions: Sendable, Equatable {
    /// L2 strength on the fields (plmc's -lh).
    public var lambdaH: Double
    /// L2 strength on the couplings before scaling: the objective uses λ_J·(q − 1)·(L − 1), as
    /// EVcouplings does (lambda_J_times_Lq) before it passes plmc its -le.
    public var lambdaJ: Double
    /// The cap on L-BFGS iterations; 0 runs until convergence.
    public var maxIterations: Int
    /// Threads sharing the sites of each evaluation.
    public var threads: Int

    public init(lambdaH: Double = 0.01, lambdaJ: Double = 0.01, maxIterations: Int = 100, threads: Int = 1) {
        self.lambdaH = lambdaH
        self.lambdaJ = lambdaJ
        self.maxIterations = maxIterations
        self.threads = threads
    }

    /// λ_J as the objective uses it for L columns of q states.
    public func scaledLambdaJ(length: Int, states: Int) -> Double {
        lambdaJ * Double(states - 1) * Double(max(length - 1, 1))
    }
}

/// A fitted Potts model and how the minimiser ended.
public struct PseudolikelihoodFit: Sendable {
    public var model: PottsModel
    /// L-BFGS iterations run.
    public var iterations: Int
    /// The final objective: negative weighted log pseudo-likelihood plus the L2 penalties.
    public var objective: Double
    /// libLBFGS's return code (lbfgs.h).
    public var status: Int32

    /// How the minimiser ended, in words for a summary line.
    public var ending: String {
        switch Int(status) {
        case LBFGS_SUCCESS, LBFGS_ALREADY_MINIMIZED: return "converged"
        case LBFGSERR_MAXIMUMITERATION: return "iteration cap reached"
        // plmc keeps its parameters after these too: the line search reached machine precision.
        case LBFGSERR_ROUNDING_ERROR, LBFGSERR_MINIMUMSTEP, LBFGSERR_MAXIMUMLINESEARCH, LBFGSERR_WIDTHTOOSMALL: return "line search at machine precision"
        default: return "L-BFGS status \(status)"
        }
    }
}

extension PottsModel {
    /// Fits fields and couplings by maximising the weighted pseudo-likelihood with L2 penalties,
    /// as plmc does (same objective, starting point and L-BFGS settings, so the same optimum):
    ///   Σ_i Σ_n w_n −log P(σ_ni | σ_n,−i) + λ_h Σ h_i(a)² + λ_J Σ_{i<j} J_ij(a, b)²,
    /// with P(a | rest) ∝ exp(h_i(a) + Σ_{j≠i} J_ij(a, σ_nj)). Fields start at plmc's
    /// log(weighted count + 1), centred; couplings at 0. `progress` gets each iteration number.
    public static func fitPseudolikelihood(to alignment: EncodedAlignment, options: PseudolikelihoodOptions = .init(),
                                           progress: ((Int) -> Void)? = nil) -> PseudolikelihoodFit {
        let l = alignment.length, q = alignment.stateCount
        let objective = PseudolikelihoodObjective(alignment: alignment, lambdaH: options.lambdaH,
                                                  lambdaJ: options.scaledLambdaJ(length: l, states: q), threads: options.threads)
        objective.progress = progress
        let count = objective.parameterCount
        guard let x = lbfgs_malloc(Int32(count)) else { fatalError("lbfgs_malloc failed for \(count) parameters") }
        defer { lbfgs_free(x) }
        objective.initialise(x)

        var parameters = lbfgs_parameter_t()
        lbfgs_parameter_init(&parameters)
        parameters.epsilon = 1e-3
        parameters.max_iterations = Int32(options.maxIterations)
        var value = 0.0
        let instance = Unmanaged.passRetained(objective)
        defer { instance.release() }
        let status = lbfgs(Int32(count), x, &value, { instance, x, g, _, _ in
            Unmanaged<PseudolikelihoodObjective>.fromOpaque(instance!).takeUnretainedValue().evaluate(x!, gradient: g!)
        }, { instance, _, _, _, _, _, _, _, k, _ in
            let objective = Unmanaged<PseudolikelihoodObjective>.fromOpaque(instance!).takeUnretainedValue()
            objective.iterations = Int(k)
            objective.progress?(Int(k))
            return 0
        }, instance.toOpaque(), &parameters)

        let values = Array(UnsafeBufferPointer(start: x, count: count))
        let model = PottsModel(alphabet: alignment.alphabet, positions: alignment.positions, focusSequence: alignment.focusSequence,
                               fields: values[0..<(l * q)].map { Float($0) },
                               couplings: PlmcParameterFile.square(values[(l * q)...].map { Float($0) }, length: l, states: q),
                               frequencies: objective.siteCounts.map { Float($0 / objective.effectiveCount) })
        return PseudolikelihoodFit(model: model, iterations: objective.iterations, objective: value, status: status)
    }
}

/// plmc's objective and gradient (PLMNegLogPosterior), the sites shared among threads.
/// Parameters: L×q fields h_i(a) at i·q + a, then one q×q block J_ij(a, b) per pair i < j in
/// plmc's file order, a-major. Unchecked Sendable: `evaluate` writes only its own site blocks and
/// adds to the shared gradient under `lock`; `iterations` and `progress` are touched by libLBFGS's
/// single calling thread.
package final class PseudolikelihoodObjective: @unchecked Sendable {
    let length: Int, states: Int, sequenceCount: Int
    let sequences: [UInt8]
    let weights: [Double]
    let lambdaH: Double, lambdaJ: Double
    let threads: Int
    /// Weighted counts of each state at each column (L×q), and their total N_eff.
    let siteCounts: [Double]
    let effectiveCount: Double
    var iterations = 0
    var progress: ((Int) -> Void)?
    private let lock = NSLock()
    /// The sites' sum during an evaluation (added to under `lock`).
    private var accumulated = 0.0

    package init(alignment: EncodedAlignment, lambdaH: Double, lambdaJ: Double, threads: Int) {
        length = alignment.length
        states = alignment.stateCount
        sequenceCount = alignment.count
        sequences = alignment.states
        weights = alignment.weights.map(Double.init)
        self.lambdaH = lambdaH
        self.lambdaJ = lambdaJ
        self.threads = max(1, min(threads, alignment.length))
        var counts = [Double](repeating: 0, count: alignment.length * alignment.stateCount)
        for n in 0..<alignment.count {
            for i in 0..<alignment.length { counts[i * alignment.stateCount + Int(alignment.states[n * alignment.length + i])] += weights[n] }
        }
        siteCounts = counts
        effectiveCount = weights.reduce(0, +)
    }

    package var parameterCount: Int { length * states + length * (length - 1) / 2 * states * states }

    /// Start of the q×q block of pair i < j.
    @inline(__always)
    func pairOffset(_ i: Int, _ j: Int) -> Int {
        length * states + (i * length - i * (i + 1) / 2 + (j - i - 1)) * states * states
    }

    /// plmc's starting point: h_i(a) = log(weighted count + 1), centred over a; J = 0.
    package func initialise(_ x: UnsafeMutablePointer<Double>) {
        for k in 0..<parameterCount { x[k] = 0 }
        for i in 0..<length {
            let logs = (0..<states).map { log(siteCounts[i * states + $0] + 1) }
            let mean = logs.reduce(0, +) / Double(states)
            for a in 0..<states { x[i * states + a] = logs[a] - mean }
        }
    }

    /// The objective at x, its gradient written into `gradient`.
    package func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double {
        let count = parameterCount
        for k in 0..<count { gradient[k] = 0 }
        accumulated = 0
        let shared = SharedGradient(pointer: gradient)
        let parameters = SharedParameters(pointer: x)
        let chunks = threads
        let work: @Sendable (Int) -> Void = { chunk in
            var blocks = SiteBlocks(length: self.length, states: self.states)
            var sum = 0.0
            for i in (chunk * self.length / chunks)..<((chunk + 1) * self.length / chunks) {
                sum += self.site(i, parameters.pointer, &blocks)
                self.lock.lock()
                self.scatter(i, blocks, into: shared.pointer)
                self.lock.unlock()
            }
            self.lock.lock()
            self.accumulated += sum
            self.lock.unlock()
        }
        if chunks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) }

        // Gaussian priors, once per parameter.
        var total = accumulated
        let fieldCount = length * states
        for k in 0..<fieldCount {
            total += lambdaH * x[k] * x[k]
            gradient[k] += 2 * lambdaH * x[k]
        }
        for k in fieldCount..<count {
            total += lambdaJ * x[k] * x[k]
            gradient[k] += 2 * lambdaJ * x[k]
        }
        return total
    }

    /// Site i's negative weighted log conditional likelihood; its gradient in `blocks`.
    private func site(_ i: Int, _ x: UnsafePointer<Double>, _ blocks: inout SiteBlocks) -> Double {
        let l = length, q = states, width = blocks.width
        // Couplings of i as local blocks E[j][b] = J_ij(·, b) over a in SIMD lanes (plmc's siteE
        // layout, a contiguous): the inner loops add whole rows chosen by the sequence's letter b.
        // E[i] is 0 and D[i] is never scattered, so the loops need not skip j = i.
        blocks.couplings.withUnsafeMutableBufferPointer { e in
            for k in (i * q * width)..<((i + 1) * q * width) { e[k] = .zero }
            for j in 0..<l where j != i {
                for a in 0..<q {
                    for b in 0..<q {
                        e[(j * q + b) * width + a / 4][a % 4] = j < i ? x[pairOffset(j, i) + b * q + a] : x[pairOffset(i, j) + a * q + b]
                    }
                }
            }
        }
        // Padding lanes start at −∞ in effect (−1e300), so they add nothing to Z or the gradient.
        var fields = [SIMD4<Double>](repeating: SIMD4(repeating: -1e300), count: width)
        for a in 0..<q { fields[a / 4][a % 4] = x[i * q + a] }
        for k in blocks.couplingGradient.indices { blocks.couplingGradient[k] = .zero }
        for v in 0..<width { blocks.fieldGradient[v] = .zero }

        var value = 0.0
        sequences.withUnsafeBufferPointer { sequences in
            weights.withUnsafeBufferPointer { weights in
                blocks.couplings.withUnsafeBufferPointer { e in
                    blocks.couplingGradient.withUnsafeMutableBufferPointer { d in
                        blocks.fieldGradient.withUnsafeMutableBufferPointer { dh in
                            blocks.energies.withUnsafeMutableBufferPointer { h in
                                for n in 0..<sequenceCount {
                                    let row = n &* l
                                    for v in 0..<width { h[v] = fields[v] }
                                    for j in 0..<l {
                                        let block = (j &* q &+ Int(sequences[row &+ j])) &* width
                                        for v in 0..<width { h[v] += e[block &+ v] }
                                    }
                                    var top = -Double.infinity
                                    for v in 0..<width { top = max(top, h[v].max()) }
                                    var z = 0.0
                                    for v in 0..<width {
                                        var p = h[v]
                                        for lane in 0..<4 { p[lane] = exp(p[lane] - top) }
                                        h[v] = p
                                        z += p.sum()
                                    }
                                    let weight = weights[n], observed = Int(sequences[row &+ i])
                                    value -= weight * log(h[observed / 4][observed % 4] / z)
                                    // w·(P(a) − [a = observed]): the gradient of −w log P.
                                    let scale = SIMD4(repeating: weight / z)
                                    for v in 0..<width { h[v] *= scale }
                                    h[observed / 4][observed % 4] -= weight
                                    for v in 0..<width { dh[v] += h[v] }
                                    for j in 0..<l {
                                        let block = (j &* q &+ Int(sequences[row &+ j])) &* width
                                        for v in 0..<width { d[block &+ v] += h[v] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return value
    }

    /// Adds site i's gradient blocks to the shared gradient (each J_ij gets site i's and site j's part).
    private func scatter(_ i: Int, _ blocks: SiteBlocks, into gradient: UnsafeMutablePointer<Double>) {
        let l = length, q = states, width = blocks.width
        for a in 0..<q { gradient[i * q + a] += blocks.fieldGradient[a / 4][a % 4] }
        for j in 0..<l where j != i {
            for a in 0..<q {
                for b in 0..<q {
                    let local = blocks.couplingGradient[(j * q + b) * width + a / 4][a % 4]
                    gradient[j < i ? pairOffset(j, i) + b * q + a : pairOffset(i, j) + a * q + b] += local
                }
            }
        }
    }
}

/// One thread's working arrays for a site, the q states in SIMD lanes (`width` vectors, the
/// last padded).
private struct SiteBlocks {
    let width: Int
    var couplings: [SIMD4<Double>]
    var couplingGradient: [SIMD4<Double>]
    var fieldGradient: [SIMD4<Double>]
    var energies: [SIMD4<Double>]

    init(length: Int, states: Int) {
        width = (states + 3) / 4
        couplings = [SIMD4<Double>](repeating: .zero, count: length * states * width)
        couplingGradient = couplings
        fieldGradient = [SIMD4<Double>](repeating: .zero, count: width)
        energies = fieldGradient
    }
}

/// libLBFGS's arrays, shared with the site threads: parameters read-only, the gradient written under the lock.
private struct SharedGradient: @unchecked Sendable { let pointer: UnsafeMutablePointer<Double> }
private struct SharedParameters: @unchecked Sendable { let pointer: UnsafePointer<Double> }
