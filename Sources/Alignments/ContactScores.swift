import Foundation

/// Evolutionary couplings of a Potts model as EVcouplings scores them (`CouplingsModel.fn_scores`,
/// `cn_scores`; Ekeberg et al. 2013): the Frobenius norm of each pair's couplings in the zero-sum
/// gauge, then the average product correction (Dunn et al. 2008).
public struct ContactScores: Sendable {
    /// Number of columns (L).
    public var length: Int
    /// L×L Frobenius norms FN(i, j), symmetric, 0 on the diagonal.
    public var frobenius: [Double]
    /// L×L APC-corrected norms CN(i, j) = FN(i, j) − FN(i, ·)·FN(·, j) / FN(·, ·), means over i ≠ j.
    public var corrected: [Double]

    public init(model: PottsModel) {
        let l = model.length
        length = l
        frobenius = [Double](repeating: 0, count: l * l)
        for i in 0..<l {
            for j in (i + 1)..<max(i + 1, l) {
                let norm = sqrt(model.zeroSumCouplings(i, j).reduce(0) { $0 + $1 * $1 })
                frobenius[i * l + j] = norm
                frobenius[j * l + i] = norm
            }
        }
        corrected = [Double](repeating: 0, count: l * l)
        // No couplings (a PSSM) have nothing to correct: the scores stay 0 rather than 0 / 0.
        let mean = l > 1 ? frobenius.reduce(0, +) / Double(l * (l - 1)) : 0
        guard mean > 0 else { return }
        let rowMeans = (0..<l).map { i in frobenius[(i * l)..<((i + 1) * l)].reduce(0, +) / Double(l - 1) }
        for i in 0..<l {
            for j in 0..<l where j != i {
                corrected[i * l + j] = frobenius[i * l + j] - rowMeans[i] * rowMeans[j] / mean
            }
        }
    }

    /// EVcouplings' CouplingScores table: one row per pair i < j, residue numbers and focus letters,
    /// sorted by CN, highest first.
    public func tsv(for model: PottsModel) -> String {
        var pairs = [(i: Int, j: Int)]()
        for i in 0..<length { for j in (i + 1)..<max(i + 1, length) { pairs.append((i, j)) } }
        pairs.sort { corrected[$0.i * length + $0.j] > corrected[$1.i * length + $1.j] }
        var text = "i\tA_i\tj\tA_j\tfn\tcn\n"
        for (i, j) in pairs {
            let letterI = String(UnicodeScalar(model.focusSequence[i])), letterJ = String(UnicodeScalar(model.focusSequence[j]))
            text += "\(model.positions[i])\t\(letterI)\t\(model.positions[j])\t\(letterJ)\t"
                + "\(Float(frobenius[i * length + j]))\t\(Float(corrected[i * length + j]))\n"
        }
        return text
    }
}

extension PottsModel {
    /// The q×q block J_ij(a, b) (a-major) in the zero-sum gauge: each row and column summing to 0,
    /// J(a, b) − mean_b J(a, ·) − mean_a J(·, b) + mean J (EVcouplings' `_zero_sum_gauge`).
    package func zeroSumCouplings(_ i: Int, _ j: Int) -> [Double] {
        let q = stateCount
        var block = [Double](repeating: 0, count: q * q)
        for a in 0..<q { for b in 0..<q { block[a * q + b] = Double(coupling(i, j, a, b)) } }
        let rows = (0..<q).map { a in (0..<q).reduce(0.0) { $0 + block[a * q + $1] } / Double(q) }
        let columns = (0..<q).map { b in (0..<q).reduce(0.0) { $0 + block[$1 * q + b] } / Double(q) }
        let mean = rows.reduce(0, +) / Double(q)
        for a in 0..<q { for b in 0..<q { block[a * q + b] += mean - rows[a] - columns[b] } }
        return block
    }
}
