import Foundation
import Genomics
import Inference

/// How every single substitution in a window changes the ISM of every position: epistasis as
/// tangermeme 1.6's `dependency_map(model, X, start, end, func=saturation_mutagenesis, target=t)`
/// measures it, and the full map of substitution pairs behind it.
///
/// The ISM of a mutated sequence is one more ISM run: each of the (A − 1)·W substituted copies
/// becomes the incremental engine's reference in turn (one full pass), and its every single
/// substitution is evaluated over the window it reaches, as `SaturationMutagenesis` does.
public struct DependencyMap: Sendable {
    /// Read through one value: a model with one task, or `task` of several.
    public let model: SequenceModel
    public var task: Int
    public var batchSize: Int
    /// Substituted copies are split among this many workers, each with its own engine.
    public var threads: Int
    public var engine: MutagenesisEngine

    public init(model: SequenceModel, task: Int, batchSize: Int = 64, threads: Int = 1, engine: MutagenesisEngine = .incremental) {
        self.model = model
        self.task = task
        self.batchSize = batchSize
        self.threads = threads
        self.engine = engine
    }

    /// One sequence's maps. L is the sequence's length, W the substituted window's.
    public struct Result: Sendable {
        /// Substituted positions (columns of both maps).
        public var window: Range<Int>
        /// (A, L) ISM of the sequence itself: f(mutant) − f(reference).
        public var ism: [Float]
        /// (A, L, A, W): `[c, j, b, i]` is the ISM of base c at position j once position
        /// `window.lowerBound + i` holds base b, minus the sequence's own ISM there — the
        /// double-mutant epistasis f(x_ib,jc) − f(x_ib) − f(x_jc) + f(x) for j ≠ i; 0 where b is
        /// the base already at i. Reshaped to (A·L, A·W) it is the 4L × 4W map.
        public var substitutions: [Float]
        /// (L, W): tangermeme's map. `[j, i]` is the mean over the substitutions at
        /// `window.lowerBound + i` of |a'(j) − a(j)|, a = the ISM mean-centred over the alphabet,
        /// at the observed base (tangermeme's `saturation_mutagenesis`, summed over the alphabet).
        public var positions: [Float]
    }

    /// - Parameter order: the order in which substituted positions are computed (e.g. those on
    ///   screen first); default: left to right.
    /// - Parameter progress: substituted copies done, of (A − 1)·W (A·W counting N columns).
    /// - Parameter isCancelled: polled between chunks of mutants; true throws `CancellationError`.
    public func run(_ sequence: [UInt8], window: Range<Int>, order: [Int]? = nil,
                    progress: ((_ done: Int, _ total: Int) -> Void)? = nil,
                    isCancelled: (() -> Bool)? = nil) throws -> Result {
        let length = sequence.count, a = model.alphabet.size, width = window.count
        guard window.lowerBound >= 0, window.upperBound <= length, !window.isEmpty else {
            throw InterpretationError("window \(window.lowerBound)–\(window.upperBound) is outside the sequence (0–\(length))")
        }
        let ism = SaturationMutagenesis(model: model, batchSize: batchSize, threads: 1, engine: engine)
        let reference = try effects(ism.run([sequence], isCancelled: isCancelled).deltas)
        let referenceScores = try centeredScores(reference, sequence: sequence)
        // Every substitution, by position in the requested order: (position, base).
        let positions = order ?? Array(window)
        precondition(Set(positions) == Set(window) && positions.count == width, "the order lists every window position once")
        let edits: [(position: Int, base: Int)] = positions.flatMap { p in
            let observed = model.alphabet.index(of: sequence[p])
            return (0..<a).filter { $0 != observed }.map { (p, $0) }
        }
        let shared = SharedRun(Result(window: window, ism: reference,
                                      substitutions: [Float](repeating: 0, count: a * length * a * width),
                                      positions: [Float](repeating: 0, count: length * width)), alphabetSize: a)
        nonisolated(unsafe) let progress = progress, isCancelled = isCancelled
        let workers = max(1, min(threads, edits.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            do {
                let mutator = try SaturationMutagenesis.Mutator(ism, length: length)
                // Workers take edits in turn from one counter, so the order holds across them.
                while let index = shared.nextEdit(of: edits.count) {
                    let edit = edits[index]
                    var mutated = sequence
                    mutated[edit.position] = model.alphabet.letters[edit.base]
                    let (_, deltas) = try mutator.mutate(mutated, positions: 0..<length, isCancelled: {
                        isCancelled?() == true || shared.failed
                    })
                    let ismOfMutant = effects(deltas, tasks: deltas.count / (a * length))
                    let scores = try centeredScores(ismOfMutant, sequence: mutated)
                    let done = shared.update { result, scoreChanges in
                        record(edit, ismOfMutant, scores, reference: reference, referenceScores: referenceScores, sequence: sequence,
                               into: &result, scoreChanges: &scoreChanges)
                    }
                    progress?(done, edits.count)
                }
            } catch {
                shared.fail(error)
            }
        }
        var result = try shared.finished()
        let changes = shared.scoreChanges
        for b in 0..<a { for cell in 0 ..< length * width { result.positions[cell] += changes[b * length * width + cell] } }
        return result
    }

    /// What the workers of one run share, behind a lock.
    private final class SharedRun: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result
        /// (A, L, W): each substitution's |score change| / substitutions made at its position.
        private(set) var scoreChanges: [Float]
        private var next = 0, done = 0
        private var failure: Error?

        init(_ result: Result, alphabetSize: Int) {
            self.result = result
            scoreChanges = [Float](repeating: 0, count: alphabetSize * result.positions.count)
        }

        /// The index of the next edit to compute; nil when all are taken or a worker failed.
        func nextEdit(of count: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard failure == nil, next < count else { return nil }
            next += 1
            return next - 1
        }

        var failed: Bool { lock.lock(); defer { lock.unlock() }; return failure != nil }

        /// Applies one edit's column; returns how many edits are done.
        func update(_ body: (inout Result, inout [Float]) -> Void) -> Int {
            lock.lock()
            defer { lock.unlock() }
            body(&result, &scoreChanges)
            done += 1
            return done
        }

        /// Keeps the first failure (a cancellation included): the others stop at their next chunk.
        func fail(_ error: Error) {
            lock.lock()
            defer { lock.unlock() }
            if failure == nil { failure = error }
        }

        func finished() throws -> Result {
            lock.lock()
            defer { lock.unlock() }
            if let failure { throw failure }
            return result
        }
    }

    /// Adds one substituted copy's column to both maps (called under the lock).
    private func record(_ edit: (position: Int, base: Int), _ ismOfMutant: [Float], _ scores: [Float], reference: [Float], referenceScores: [Float],
                        sequence: [UInt8], into result: inout Result, scoreChanges: inout [Float]) {
        let a = model.alphabet.size, length = sequence.count, width = result.window.count
        let column = edit.position - result.window.lowerBound
        for c in 0..<a {
            for j in 0..<length {
                let cell = c * length + j
                result.substitutions[(cell * a + edit.base) * width + column] = ismOfMutant[cell] - reference[cell]
            }
        }
        // tangermeme averages over the substitutions actually made: A − 1, or A at an N. Kept per
        // base and summed in base order at the end, so threads and order give the same bits.
        let substitutionsMade = Float(model.alphabet.index(of: sequence[edit.position]) == nil ? a : a - 1)
        for j in 0..<length {
            scoreChanges[(edit.base * length + j) * width + column] = abs(scores[j] - referenceScores[j]) / substitutionsMade
        }
    }

    /// The target task's (A, L) effects out of (A, L, T) deltas.
    private func effects(_ deltas: Tensor<Float>) -> [Float] {
        effects(deltas.scalars, tasks: deltas.shape[3])
    }

    private func effects(_ deltas: [Float], tasks: Int) -> [Float] {
        stride(from: task, to: deltas.count, by: tasks).map { deltas[$0] }
    }

    /// Per position: the ISM mean-centred over the alphabet at the observed base (0 at N), as
    /// tangermeme's `saturation_mutagenesis` summed over the alphabet.
    private func centeredScores(_ effects: [Float], sequence: [UInt8]) throws -> [Float] {
        let a = model.alphabet.size, length = sequence.count
        let oneHot = Tensor(shape: [1, a, length], scalars: try OneHot.encode([sequence], alphabet: model.alphabet, layout: .channelsFirst))
        let centered = ISMAttribution.centered(Tensor(shape: [1, a, length], scalars: effects), oneHot: oneHot).scalars
        return (0..<length).map { j in (0..<a).reduce(0) { $0 + centered[$1 * length + j] } }
    }
}
