extension PottsModel {
    /// ΔH = H(mutant) − H(σ) of every single substitution of `states`: L×q values, index i·q + b,
    /// zero where b is the present state. Each site's local field e_i(b) = h_i(b) + Σ_{j≠i} J_ij(b, σ_j)
    /// gives ΔH(i, b) = e_i(b) − e_i(σ_i): O(L²·q) in all, where `deltaHamiltonian` per mutant is O(L²·q²).
    /// J_ij(b, σ_j) is read as J_ji(σ_j, b), whose q values for every b lie next to each other.
    public func singleMutantEffects(_ states: [UInt8]) -> [Float] {
        precondition(states.count == length)
        let q = stateCount, l = length
        var local = fields
        if !couplings.isEmpty {
            couplings.withUnsafeBufferPointer { j in
                local.withUnsafeMutableBufferPointer { e in
                    for other in 0 ..< l {
                        let present = Int(states[other])
                        for site in 0 ..< l where site != other {
                            let row = ((other * l + site) * q + present) * q
                            for b in 0 ..< q { e[site * q + b] += j[row + b] }
                        }
                    }
                }
            }
        }
        for site in 0 ..< l {
            let present = local[site * q + Int(states[site])]
            for b in 0 ..< q { local[site * q + b] -= present }
            local[site * q + Int(states[site])] = 0
        }
        return local
    }
}
