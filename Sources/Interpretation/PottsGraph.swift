import Alignments
import Foundation
import Genomics
import Inference

/// A Potts model (or a PSSM: no couplings) as a sequence model whose one output is the statistical
/// energy H of the one-hot input, so predict, attr, ism and the explorer read it as any model:
///
/// ```text
/// x (N, q, L) ─Transpose→ (N, L, q) ─Flatten→ x̃ (N, L·q)
/// H = x̃ · h  +  ((x̃ · J) ⊙ x̃) · ½        h: (L·q, 1) fields, J: (L·q, L·q) couplings
/// ```
/// J is symmetric with zero diagonal blocks (J_ij(a, b) = J_ji(b, a), J_ii = 0), so on a one-hot x̃
/// the quadratic term is Σ_{i<j} J_ij(σ_i, σ_j) and the gradient ∂H/∂x̃ = h + J x̃ is exact: each
/// letter's saliency is its local field. The model keeps the PottsModel, so saturation mutagenesis
/// takes its O(L²·q) route (`PottsModel.singleMutantEffects`) instead of L·(q−1) passes through J.
enum PottsGraph {
    static let inputName = "onehot"
    static let outputName = "H"

    /// The graph of `potts`, whose letters must be an alphabet's in its channel order.
    static func make(_ potts: PottsModel) -> Graph {
        let l = potts.length, q = potts.stateCount, width = l * q
        var initializers: [String: Value] = ["fields": .float(Tensor(shape: [width, 1], scalars: potts.fields))]
        var nodes = [
            Node(name: "positions_first", opType: "Transpose", op: .transpose(permutation: [0, 2, 1]), inputs: [inputName], outputs: ["by_position"]),
            Node(name: "flatten", opType: "Flatten", op: .flatten(axis: 1), inputs: ["by_position"], outputs: ["x"]),
            Node(name: "field_energy", opType: "MatMul", op: .matMul, inputs: ["x", "fields"], outputs: [potts.isSiteIndependent ? outputName : "field_energy"]),
        ]
        if !potts.isSiteIndependent {
            // (i, j, a, b) → rows (i, a), columns (j, b): one copy, so each pass is one product.
            var matrix = [Float](repeating: 0, count: width * width)
            potts.couplings.withUnsafeBufferPointer { j in
                matrix.withUnsafeMutableBufferPointer { m in
                    for i in 0 ..< l { for other in 0 ..< l where other != i { for a in 0 ..< q {
                        let source = ((i * l + other) * q + a) * q, target = (i * q + a) * width + other * q
                        for b in 0 ..< q { m[target + b] = j[source + b] }
                    } } }
                }
            }
            initializers["couplings"] = .float(Tensor(shape: [width, width], scalars: matrix))
            initializers["halves"] = .float(Tensor(shape: [width, 1], repeating: 0.5))
            nodes += [
                Node(name: "local_fields", opType: "MatMul", op: .matMul, inputs: ["x", "couplings"], outputs: ["coupled"]),
                Node(name: "pairs", opType: "Mul", op: .binary(.mul), inputs: ["coupled", "x"], outputs: ["pair_terms"]),
                Node(name: "coupling_energy", opType: "MatMul", op: .matMul, inputs: ["pair_terms", "halves"], outputs: ["coupling_energy"]),
                Node(name: "energy", opType: "Add", op: .binary(.add), inputs: ["field_energy", "coupling_energy"], outputs: [outputName]),
            ]
        }
        return Graph(inputs: [ValueInfo(name: inputName, declaredType: "float", dimensions: [.symbolic("batch"), .fixed(q), .fixed(l)])],
                     outputs: [ValueInfo(name: outputName, declaredType: "float", dimensions: [.symbolic("batch"), .fixed(1)])],
                     initializers: initializers, nodes: nodes, opset: 17, producer: "seqlens")
    }

    /// The alphabet whose channels are the model's states, in order.
    static func alphabet(of potts: PottsModel, source: String) throws -> Alphabet {
        guard let alphabet = [Alphabet.proteinGapped, .protein].first(where: { $0.letters == potts.alphabet }) else {
            throw InterpretationError("\(source): the model's states are \"\(String(decoding: potts.alphabet, as: UTF8.self))\"; seqlens reads Potts models over \(Alphabet.proteinGapped.lettersString) (plmc's order) or \(Alphabet.protein.lettersString)")
        }
        return alphabet
    }
}

extension SequenceModel {
    /// A Potts model or PSSM read from `url` as a model of its energy H (one task, "H"; see `PottsGraph`).
    public convenience init(potts: PottsModel, url: URL) throws {
        let alphabet = try PottsGraph.alphabet(of: potts, source: url.lastPathComponent)
        let kind = potts.isSiteIndependent ? "PSSM" : "Potts model"
        let card = ModelCard(tasks: [PottsGraph.outputName], alphabet: alphabet, layout: .channelsFirst,
                             description: "\(kind) of \(potts.length) focus columns: H = Σ h_i(σ_i)" + (potts.isSiteIndependent ? "" : " + Σ J_ij(σ_i, σ_j)"))
        try self.init(graph: PottsGraph.make(potts), url: url, card: card, potts: potts)
    }

    /// A Potts model read for its energy: predictions and every single mutant come from the
    /// PottsModel itself, all positions at once (no point splitting mutagenesis into windows).
    public var mutatesNatively: Bool { potts != nil && target == nil && outputName == PottsGraph.outputName }

    /// ΔH of every single substitution of each sequence (N, A, W, 1), as `SaturationMutagenesis`
    /// lays its effects out; nil unless the model is a Potts model read for its energy.
    func pottsMutagenesis(_ sequences: [[UInt8]], windows: [Range<Int>]) throws -> SaturationMutagenesis.Result? {
        guard let potts, mutatesNatively else { return nil }
        let q = potts.stateCount, width = windows.first?.count ?? 0
        var deltas: [Float] = [], energies: [Float] = []
        for (sequence, window) in zip(sequences, windows) {
            let states = try pottsStates(sequence)
            let effects = potts.singleMutantEffects(states)
            for letter in 0 ..< q { for position in window { deltas.append(effects[position * q + letter]) } }
            energies.append(potts.hamiltonian(states))
        }
        return SaturationMutagenesis.Result(deltas: Tensor(shape: [sequences.count, q, width, 1], scalars: deltas),
                                            reference: Tensor(shape: [sequences.count, 1], scalars: energies))
    }

    /// The model's states of a sequence: its letters' channels; one outside the alphabet is an error
    /// (the one-hot graph would read it as no residue at all).
    func pottsStates(_ sequence: [UInt8]) throws -> [UInt8] {
        guard let potts else { preconditionFailure("not a Potts model") }
        guard sequence.count == potts.length else {
            throw InterpretationError("\(url.lastPathComponent) scores sequences of its \(potts.length) focus columns, not \(sequence.count) residues")
        }
        return try sequence.enumerated().map { position, letter in
            guard let state = alphabet.index(of: letter) else {
                throw InterpretationError("\(url.lastPathComponent): position \(position) is '\(Character(Unicode.Scalar(letter)))', not one of \(alphabet.lettersString)")
            }
            return UInt8(state)
        }
    }
}

extension SequenceModel {
    /// H of one sequence straight from the Potts model (O(L²), where the graph's pass is O(L²·q²));
    /// nil unless the model is a Potts model read for its energy.
    func pottsEnergy(_ sequence: [UInt8]) throws -> Float? {
        guard let potts, mutatesNatively else { return nil }
        return potts.hamiltonian(try pottsStates(sequence))
    }
}
