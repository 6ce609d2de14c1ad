import Inference

/// `variants` mutants of a channels-first (1, 4, L) one-hot `reference` over positions
/// [start, start + width): variant v puts base (p + v) mod 4 at each position p, and the fourth
/// an all-zero column (N). Returns the window of every variant (what `IncrementalEvaluator`
/// takes) and the whole mutants (what a naive pass takes).
public func windowVariants(of reference: Tensor<Float>, start: Int, width: Int, variants: Int = 4) -> (patch: Tensor<Float>, full: Tensor<Float>) {
    let length = reference.shape[2]
    var patches: [Float] = [], fulls: [Float] = []
    for v in 0..<variants {
        var mutated = reference
        for p in start..<(start + width) {
            for base in 0..<4 { mutated.scalars[base * length + p] = v == 3 ? 0 : ((p + v) % 4 == base ? 1 : 0) }
        }
        patches += mutated.slice(axis: 2, start, start + width).scalars
        fulls += mutated.scalars
    }
    return (Tensor(shape: [variants, 4, width], scalars: patches), Tensor(shape: [variants, 4, length], scalars: fulls))
}
