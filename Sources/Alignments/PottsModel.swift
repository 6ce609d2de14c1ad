/// A Potts model of a protein family (plmc's and EVcouplings' parameters): fields h_i(a) and
/// couplings J_ij(a, b) over the focus columns, with the statistical energy
/// H(σ) = Σ_i h_i(σ_i) + Σ_{i<j} J_ij(σ_i, σ_j); higher is fitter. A PSSM is the same model with
/// no couplings (a site-independent model).
public struct PottsModel: Sendable {
    /// The letters of the states, e.g. "-ACDEFGHIKLMNPQRSTVWY".
    public var alphabet: [UInt8]
    /// Number of focus columns (L).
    public var length: Int
    /// Residue number of each focus column.
    public var positions: [Int]
    /// The focus (target) sequence's letters at the focus columns.
    public var focusSequence: [UInt8]
    /// L×q fields, index i·q + a.
    public var fields: [Float]
    /// L×L×q×q couplings, index ((i·L + j)·q + a)·q + b, with J_ji(b, a) = J_ij(a, b) and J_ii = 0;
    /// empty for a site-independent model.
    public var couplings: [Float]
    /// L×q weighted single-site frequencies of the alignment the model was fit to (plmc stores
    /// them; the explorer draws the family's logo from them); empty when unknown.
    public var frequencies: [Float]

    public init(alphabet: [UInt8], positions: [Int], focusSequence: [UInt8], fields: [Float], couplings: [Float], frequencies: [Float] = []) {
        let l = positions.count, q = alphabet.count
        precondition(focusSequence.count == l && fields.count == l * q && (couplings.isEmpty || couplings.count == l * l * q * q)
                     && (frequencies.isEmpty || frequencies.count == l * q))
        self.alphabet = alphabet
        self.length = l
        self.positions = positions
        self.focusSequence = focusSequence
        self.fields = fields
        self.couplings = couplings
        self.frequencies = frequencies
    }

    /// Number of states (q).
    public var stateCount: Int { alphabet.count }

    /// True when the model has no couplings (a PSSM).
    public var isSiteIndependent: Bool { couplings.isEmpty }

    /// J_ij(a, b).
    @inlinable
    public func coupling(_ i: Int, _ j: Int, _ a: Int, _ b: Int) -> Float {
        couplings.isEmpty ? 0 : couplings[((i * length + j) * alphabet.count + a) * alphabet.count + b]
    }

    /// H(σ) of a sequence of `length` state indices.
    public func hamiltonian(_ states: [UInt8]) -> Float {
        precondition(states.count == length)
        let q = alphabet.count
        var energy: Float = 0
        for i in 0..<length {
            let a = Int(states[i])
            energy += fields[i * q + a]
            guard !couplings.isEmpty else { continue }
            for j in (i + 1)..<max(i + 1, length) { energy += coupling(i, j, a, Int(states[j])) }
        }
        return energy
    }

    /// ΔH = H(mutant) − H(σ) for substitutions (position, new state) applied together to `states`,
    /// in O(k·L) for k substitutions; positions must differ.
    public func deltaHamiltonian(of substitutions: [(position: Int, state: UInt8)], in states: [UInt8]) -> Float {
        precondition(states.count == length)
        var mutant = states
        for s in substitutions { mutant[s.position] = s.state }
        let q = alphabet.count
        var delta: Float = 0
        for (k, s) in substitutions.enumerated() {
            let i = s.position, old = Int(states[i]), new = Int(s.state)
            delta += fields[i * q + new] - fields[i * q + old]
            guard !couplings.isEmpty else { continue }
            for j in 0..<length where j != i {
                // A pair of two substituted sites counts once: from the first of the two.
                if let m = substitutions.firstIndex(where: { $0.position == j }) {
                    if m > k { delta += coupling(i, j, new, Int(mutant[j])) - coupling(i, j, old, Int(states[j])) }
                } else {
                    delta += coupling(i, j, new, Int(states[j])) - coupling(i, j, old, Int(states[j]))
                }
            }
        }
        return delta
    }
}
