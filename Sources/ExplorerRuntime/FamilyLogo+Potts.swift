import Alignments
import ExplorerCore
import Foundation

extension FamilyLogo {
    /// The logo of the family a Potts model or PSSM was fit to, over its focus columns in the
    /// model's alphabet order: with the alignment's frequencies, each amino acid's share of the
    /// column's information content in bits (log2 20 − entropy, over the 20 amino acids: the gap
    /// stays out, as in a Pfam HMM logo); without them, the fields centred per column (h_i(a)
    /// minus its mean over the amino acids), what the model favours there.
    public init(potts: PottsModel) {
        let q = potts.stateCount, l = potts.length
        let residues = (0 ..< q).filter { potts.alphabet[$0] != UInt8(ascii: "-") }
        var values = [Float](repeating: 0, count: q * l)
        if potts.frequencies.count == q * l {
            for i in 0 ..< l {
                let total = residues.reduce(Float(0)) { $0 + potts.frequencies[i * q + $1] }
                guard total > 0 else { continue }
                let shares = residues.map { potts.frequencies[i * q + $0] / total }
                let entropy = shares.reduce(Float(0)) { $0 - ($1 > 0 ? $1 * log2($1) : 0) }
                let information = log2(Float(residues.count)) - entropy
                for (a, share) in zip(residues, shares) { values[a * l + i] = share * information }
            }
            self.init(title: "family: information (bits) of the alignment's columns", values: values, signed: false)
        } else {
            for i in 0 ..< l {
                let mean = residues.reduce(Float(0)) { $0 + potts.fields[i * q + $1] } / Float(max(1, residues.count))
                for a in residues { values[a * l + i] = potts.fields[i * q + a] - mean }
            }
            self.init(title: "family: fields h_i(a), centred per column", values: values, signed: true)
        }
    }
}
