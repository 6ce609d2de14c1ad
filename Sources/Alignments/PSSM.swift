import Foundation

/// A position-specific scoring matrix: the site-independent model of an alignment.
///
/// Frequencies follow logomaker's `alignment_to_matrix` (weighted counts plus a pseudocount λ
/// per state, then normalised): f_i(a) = (Σ_n w_n [σ_ni = a] + λ) / (N_eff + q λ), over the q = 21
/// states, the gap included. Fields are log-odds in nats against a uniform background,
/// h_i(a) = ln(q f_i(a)), so a substitution's ΔH is ln(f_i(new) / f_i(old)), on the scale of a
/// Potts model's ΔH.
public enum PSSM {
    /// L×q weighted single-site frequencies with pseudocount λ (λ = 0: EVcouplings' and plmc's
    /// `frequencies`).
    public static func frequencies(_ alignment: EncodedAlignment, pseudocount: Double) -> [Float] {
        let l = alignment.length, q = alignment.stateCount
        var counts = [Double](repeating: 0, count: l * q)
        for n in 0..<alignment.count {
            let weight = Double(alignment.weights[n])
            for i in 0..<l { counts[i * q + Int(alignment.states[n * l + i])] += weight }
        }
        let total = alignment.weights.reduce(0.0) { $0 + Double($1) } + Double(q) * pseudocount
        return counts.map { Float(($0 + pseudocount) / total) }
    }

    /// The PSSM as a Potts model without couplings: fields ln(q f_i(a)) from the frequencies with
    /// pseudocount λ (> 0, so every field is finite); `frequencies` holds the plain weighted ones.
    public static func fit(_ alignment: EncodedAlignment, pseudocount: Double = 1) -> PottsModel {
        precondition(pseudocount > 0 && alignment.count > 0)
        let q = Double(alignment.stateCount)
        let fields = frequencies(alignment, pseudocount: pseudocount).map { Float(log(q * Double($0))) }
        return PottsModel(alphabet: alignment.alphabet, positions: alignment.positions, focusSequence: alignment.focusSequence,
                          fields: fields, couplings: [], frequencies: frequencies(alignment, pseudocount: 0))
    }
}
