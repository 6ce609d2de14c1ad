import Alignments
import Genomics

/// A Potts model over plmc's 21 states ("-ACDEFGHIKLMNPQRSTVWY") with seeded random fields and
/// symmetric couplings (none when `siteIndependent`: a PSSM), and frequencies when asked for.
public func randomPottsModel(length: Int, seed: UInt64, siteIndependent: Bool = false, withFrequencies: Bool = false) -> PottsModel {
    var generator = SeededGenerator(seed: seed)
    let letters = Alphabet.proteinGapped.letters, q = letters.count
    let fields = (0 ..< length * q).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
    var couplings: [Float] = []
    if !siteIndependent {
        couplings = [Float](repeating: 0, count: length * length * q * q)
        for i in 0 ..< length { for j in (i + 1) ..< max(i + 1, length) { for a in 0 ..< q { for b in 0 ..< q {
            let value = Float.random(in: -0.3 ..< 0.3, using: &generator)
            couplings[((i * length + j) * q + a) * q + b] = value
            couplings[((j * length + i) * q + b) * q + a] = value
        } } } }
    }
    var frequencies: [Float] = []
    if withFrequencies {
        for _ in 0 ..< length {
            let weights = (0 ..< q).map { _ in Float.random(in: 0 ..< 1, using: &generator) }
            let cubed = weights.map { $0 * $0 * $0 }, total = cubed.reduce(0, +)
            frequencies += cubed.map { $0 / total }
        }
    }
    // The focus sequence: the fittest state of each column's fields, never the gap.
    let focus = (0 ..< length).map { i in letters[(1 ..< q).max { fields[i * q + $0] < fields[i * q + $1] }!] }
    return PottsModel(alphabet: letters, positions: Array(1 ... length), focusSequence: focus, fields: fields, couplings: couplings,
                      frequencies: frequencies)
}
