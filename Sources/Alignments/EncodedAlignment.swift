/// An alignment as models are fit from it: the focus columns only, each letter a state of
/// `alphabet`, each sequence with its weight (plmc's and EVcouplings' view of an alignment).
public struct EncodedAlignment: Sendable, Equatable {
    /// The letters of the states in order, the gap first for proteins: "-ACDEFGHIKLMNPQRSTVWY".
    public var alphabet: [UInt8]
    /// One id per sequence, in file order.
    public var ids: [String]
    /// Number of focus columns (L).
    public var length: Int
    /// Row-major N×L state indices into `alphabet`.
    public var states: [UInt8]
    /// One weight per sequence: 1 / (number of sequences within the identity threshold), or 1 each
    /// when unweighted.
    public var weights: [Float]
    /// The focus sequence's residue number of each focus column (plmc's index list; the first
    /// residue is the start of the focus sequence's range, 1 unless its id says otherwise).
    public var positions: [Int]
    /// The focus sequence's letters at the focus columns (plmc's target sequence).
    public var focusSequence: [UInt8]

    public init(alphabet: [UInt8], ids: [String], length: Int, states: [UInt8], weights: [Float], positions: [Int], focusSequence: [UInt8]) {
        precondition(states.count == ids.count * length && weights.count == ids.count && positions.count == length && focusSequence.count == length)
        self.alphabet = alphabet
        self.ids = ids
        self.length = length
        self.states = states
        self.weights = weights
        self.positions = positions
        self.focusSequence = focusSequence
    }

    /// Number of sequences (N).
    public var count: Int { ids.count }

    /// Number of states (q).
    public var stateCount: Int { alphabet.count }

    /// The effective number of sequences, N_eff: the sum of the weights.
    public var effectiveCount: Float { weights.reduce(0, +) }

    /// The states of sequence `n`.
    public func sequence(_ n: Int) -> ArraySlice<UInt8> { states[(n * length)..<((n + 1) * length)] }
}
