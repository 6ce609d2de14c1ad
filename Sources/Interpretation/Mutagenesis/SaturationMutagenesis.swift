import Foundation
import Genomics
import Inference

/// How ISM evaluates its mutants.
public enum MutagenesisEngine: String, Sendable, CaseIterable {
    /// Reference activations plus per-window recomputation (IncrementalEvaluator); full
    /// passes when the receptive field spans the whole sequence.
    case incremental
    /// A full forward pass per mutant, batched: the reference implementation.
    case naive
}

/// In-silico saturation mutagenesis: every substitution at every position of a window,
/// as f(mutant) − f(reference) (exactly 0 at the reference base; at N every base is a substitution).
public struct SaturationMutagenesis: Sendable {
    public let model: SequenceModel
    public var batchSize: Int
    public var threads: Int
    public var engine: MutagenesisEngine

    public init(model: SequenceModel, batchSize: Int = 64, threads: Int = 1, engine: MutagenesisEngine = .incremental) {
        self.model = model
        self.batchSize = batchSize
        self.threads = threads
        self.engine = engine
    }

    public struct Result: Sendable {
        /// (N, A, W, T): the effect of every base at every window position on every task.
        public var deltas: Tensor<Float>
        /// (N, T): predictions for the unmutated sequences.
        public var reference: Tensor<Float>

        /// (N, A, W) for one task.
        public func deltas(task: Int) -> Tensor<Float> {
            let tasks = deltas.shape[3]
            let cells = deltas.count / tasks
            return Tensor(shape: Array(deltas.shape.prefix(3)), scalars: (0..<cells).map { deltas.scalars[$0 * tasks + task] })
        }
    }

    /// - Parameter window: positions to mutate (default: all).
    /// - Parameter progress: called with the number of sequences done.
    /// - Parameter isCancelled: polled between chunks of mutants; when it returns true the run
    ///   stops and throws `CancellationError`.
    public func run(_ sequences: [[UInt8]], window: Range<Int>? = nil, progress: ((Int) -> Void)? = nil,
                    isCancelled: (() -> Bool)? = nil) throws -> Result {
        let length = sequences.first?.count ?? 0
        return try run(sequences, windows: Array(repeating: window ?? 0..<length, count: sequences.count), progress: progress, isCancelled: isCancelled)
    }

    /// Each sequence mutated over its own window (all as wide), e.g. one range of the records'
    /// own positions after they were padded or cropped differently.
    public func run(_ sequences: [[UInt8]], windows: [Range<Int>], progress: ((Int) -> Void)? = nil,
                    isCancelled: (() -> Bool)? = nil) throws -> Result {
        try run(sequences, windows: windows, progress: progress, isCancelled: isCancelled, reusing: nil)
    }

    /// - Parameter reused: a Mutator kept by the caller (LiveModel keeps one across edits: its
    ///   evaluators keep what they derive from the weights), used while the length is its own.
    func run(_ sequences: [[UInt8]], windows: [Range<Int>], progress: ((Int) -> Void)? = nil,
             isCancelled: (() -> Bool)?, reusing reused: Mutator?) throws -> Result {
        guard let length = sequences.first?.count, let width = windows.first?.count else {
            return Result(deltas: Tensor(shape: [0, model.alphabet.size, 0, 0], scalars: []), reference: Tensor(shape: [0, 0], scalars: []))
        }
        precondition(windows.count == sequences.count, "one window per sequence")
        for positions in windows {
            guard positions.lowerBound >= 0, positions.upperBound <= length, !positions.isEmpty, positions.count == width else {
                throw InterpretationError("window \(positions.lowerBound)–\(positions.upperBound) is outside the sequence (0–\(length))")
            }
        }
        if let native = try model.pottsMutagenesis(sequences, windows: windows) { return native }
        let a = model.alphabet.size
        var deltas: [Float] = []
        var references: [Float] = []
        var tasks = 0
        // One plan and evaluator while the length stays the same.
        var mutator = reused
        var index = 0
        while index < sequences.count {
            let sequence = sequences[index]
            if mutator?.length != sequence.count { mutator = try Mutator(self, length: sequence.count) }
            // Full passes take several sequences at once: their chunks then run full and claimed in
            // turn, with no wait for the last chunk of each sequence.
            // The group's size need not be exact: rows are counted without the extra mutant at N.
            var end = index + 1
            if mutator!.runsFullPasses {
                let rowsPerSequence = 1 + width * (a - 1)
                while end < sequences.count, sequences[end].count == sequence.count, (end - index) * rowsPerSequence < Mutator.groupChunks * max(1, batchSize) {
                    end += 1
                }
            }
            let next = sequences.indices.contains(end) ? sequences[end] : nil
            let results = mutator!.runsFullPasses
                ? try mutator!.fullPasses(Array(sequences[index ..< end]), windows: Array(windows[index ..< end]), isCancelled: isCancelled)
                : [try mutator!.mutate(sequence, positions: windows[index], next: next, isCancelled: isCancelled)]
            for (reference, effects) in results {
                tasks = reference.count
                references += reference
                deltas += effects
            }
            index = end
            progress?(index)
        }
        return Result(
            deltas: Tensor(shape: [sequences.count, a, width, tasks], scalars: deltas),
            reference: Tensor(shape: [sequences.count, tasks], scalars: references)
        )
    }

    /// The engine for many sequences of one length in turn (a dependency map mutates 1 + 3W of
    /// them): the plan and the incremental evaluators are made once. Not for concurrent use.
    final class Mutator {
        let ism: SaturationMutagenesis
        let length: Int
        /// One per worker thread, each running its products on one BLAS thread: chunks of
        /// mutants are independent, so `threads` workers over chunks scale where BLAS's own
        /// threads, splitting each small product, did not (1.26× on two; issue 18). Empty: full
        /// passes (the naive engine, or a receptive field that spans the sequence, e.g. 41-nt RNA
        /// models, where windows save nothing).
        private let evaluators: [IncrementalEvaluator]
        /// With several workers: the next sequence's reference activations, computed by the
        /// first worker to run out of chunks while the others finish theirs, so that neither
        /// that reference pass nor the last chunks' imbalance leaves a thread idle.
        private let lookahead: IncrementalEvaluator?
        private var lookaheadSequence: [UInt8]?
        private var lookaheadOutput: [Float] = []
        /// The sequence whose reference activations the workers hold, and its predictions: the
        /// explorer mutates one sequence in several windows (the positions on screen first).
        private var current: (sequence: [UInt8], output: [Float])?
        /// How many positions a chunk of mutants spans, tuned on the first chunks and kept for
        /// the sequences after.
        private let sizer: ChunkSizer

        init(_ ism: SaturationMutagenesis, length: Int) throws {
            self.ism = ism
            self.length = length
            let model = ism.model
            sizer = ChunkSizer(largest: max(1, ism.batchSize / max(1, model.alphabet.size - 1)))
            if ism.engine == .incremental && ReceptiveField(graph: model.graph).positional < length {
                let plan = try model.plan(batch: 1, length: length)
                let make = {
                    try IncrementalEvaluator(plan: plan, input: model.inputName, output: model.outputName,
                                             positionalAxis: model.layout == .channelsFirst ? 2 : 1, threads: 1)
                }
                evaluators = try (0..<max(1, ism.threads)).map { _ in try make() }
                lookahead = ism.threads > 1 ? try make() : nil
            } else {
                evaluators = []
                lookahead = nil
            }
        }

        /// (reference predictions, deltas laid out (A, W, T)) of every substitution in `positions`.
        /// - Parameter next: the sequence mutated after this one, if known (its reference is
        ///   computed while this one's last chunks run).
        func mutate(_ sequence: [UInt8], positions: Range<Int>, next: [UInt8]? = nil, isCancelled: (() -> Bool)?) throws -> ([Float], [Float]) {
            if isCancelled?() == true { throw CancellationError() }
            guard let lead = evaluators.first else {
                return try fullPasses([sequence], windows: [positions], isCancelled: isCancelled)[0]
            }
            let model = ism.model
            let x = try OneHot.encode([sequence], alphabet: model.alphabet, layout: .channelsFirst)
            let mutants = Self.mutants(of: sequence, positions: positions, alphabet: model.alphabet)
            let referenceOutput: [Float]
            if let current, current.sequence == sequence {
                referenceOutput = current.output
            } else if let lookahead, lookaheadSequence == sequence {
                referenceOutput = lookaheadOutput
                for worker in evaluators { worker.adoptReference(of: lookahead) }
            } else {
                // No worker runs yet: the pass may use every thread.
                referenceOutput = try reference(of: sequence, on: lead, threads: ism.threads)
                for worker in evaluators.dropFirst() { worker.adoptReference(of: lead) }
            }
            current = (sequence, referenceOutput)
            lookaheadSequence = nil
            // Where each position's mutants begin: a chunk is a run of consecutive positions,
            // whose mutants share one window.
            var positionStarts = mutants.isEmpty ? [] : [0]
            for (index, mutant) in mutants.enumerated().dropFirst() where mutant.position != mutants[index - 1].position {
                positionStarts.append(index)
            }
            positionStarts.append(mutants.count)
            var whenIdle: (() -> Void)?
            if let lookahead, let next, next.count == length {
                whenIdle = {
                    self.lookaheadOutput = (try? self.reference(of: next, on: lookahead)) ?? []
                    self.lookaheadSequence = self.lookaheadOutput.isEmpty ? nil : next
                }
            }
            // About `batchSize` mutants at a time, or fewer where they run faster so.
            let chunks = ChunkQueue(positionStarts: positionStarts, sizer: sizer, isCancelled: isCancelled)
            let outputs = try evaluateChunks(chunks, of: mutants, x: x, tasks: referenceOutput.count, whenIdle: whenIdle)
            return (referenceOutput, deltas(outputs[...], of: mutants, reference: referenceOutput, positions: positions))
        }

        /// Every (position, base) of `positions` that differs from the sequence (at N, every base).
        static func mutants(of sequence: [UInt8], positions: Range<Int>, alphabet: Alphabet) -> [(position: Int, base: Int)] {
            positions.flatMap { p in
                let reference = alphabet.index(of: sequence[p])
                return (0..<alphabet.size).filter { $0 != reference }.map { (p, $0) }
            }
        }

        /// The effects (A, W, T) from the mutants' outputs (mutants × T): 0 at the reference base.
        private func deltas(_ outputs: ArraySlice<Float>, of mutants: [(position: Int, base: Int)], reference: [Float], positions: Range<Int>) -> [Float] {
            let tasks = reference.count
            var deltas = [Float](repeating: 0, count: ism.model.alphabet.size * positions.count * tasks)
            for (row, mutant) in mutants.enumerated() {
                let base = (mutant.base * positions.count + (mutant.position - positions.lowerBound)) * tasks
                for t in 0..<tasks { deltas[base + t] = outputs[outputs.startIndex + row * tasks + t] - reference[t] }
            }
            return deltas
        }

        /// Whether mutants run as full passes (no incremental evaluators).
        var runsFullPasses: Bool { evaluators.isEmpty }

        /// How many chunks of mutants `run` gives `fullPasses` at a time (whole sequences, so a
        /// little more): enough that the workers' last chunks end close together.
        static let groupChunks = 16

        /// (reference predictions, deltas (A, W, T)) of every sequence, from full passes over
        /// chunks of `batchSize` rows: each sequence's unmutated row and then its mutants, the
        /// sequences one after another, so that chunks run full across sequences and no batch-1
        /// reference pass runs. With several threads and chunks, the workers claim chunks in turn,
        /// each running its pass on one thread of its own: one pass split across both threads left
        /// them waiting on its serial parts (the mutants' inputs built, the parts joined), which on
        /// a small model cost about as much as the pass (code-shallow, 200 sequences of 200 nt on
        /// two threads: 2.2–2.4 CPU seconds split, 1.9 by chunks; bench/RESULTS.md, issue 18).
        func fullPasses(_ sequences: [[UInt8]], windows: [Range<Int>], isCancelled: (() -> Bool)?) throws -> [(reference: [Float], deltas: [Float])] {
            let ism = self.ism, length = self.length, alphabet = ism.model.alphabet, batchSize = max(1, ism.batchSize)
            let inputs = try sequences.map { try OneHot.encode([$0], alphabet: alphabet, layout: .channelsFirst) }
            let mutants = zip(sequences, windows).map { Self.mutants(of: $0, positions: $1, alphabet: alphabet) }
            // Row r of the passes: (sequence, mutant), nil for the sequence itself.
            let rows: [(sequence: Int, mutant: (position: Int, base: Int)?)] = mutants.enumerated().flatMap { s, list in
                [(s, nil)] + list.map { (s, $0) }
            }
            let chunks = (rows.count + batchSize - 1) / batchSize
            let workers = min(max(1, ism.threads), chunks)
            let passThreads = workers > 1 ? 1 : ism.threads
            var outputs = [[Float]?](repeating: nil, count: chunks)
            var claimed = 0
            // The first error or cancellation stops every worker; isCancelled is polled under
            // the lock, so the caller's closure never runs concurrently.
            let lock = NSLock()
            nonisolated(unsafe) var failure: Error?
            func claim(failing error: Error? = nil) -> Int? {
                lock.lock()
                defer { lock.unlock() }
                if failure == nil, let error { failure = error }
                if failure == nil, isCancelled?() == true { failure = CancellationError() }
                guard failure == nil, claimed < chunks else { return nil }
                claimed += 1
                return claimed - 1
            }
            Self.onWorkers(workers) { _ in
                while let chunk = claim() {
                    let range = chunk * batchSize ..< min((chunk + 1) * batchSize, rows.count)
                    var batch: [Float] = []
                    batch.reserveCapacity(range.count * alphabet.size * length)
                    for (s, mutant) in rows[range] {
                        batch += mutant.map { ism.substituted(inputs[s], length: length, $0, window: 0..<length) } ?? inputs[s]
                    }
                    do {
                        let output = try ism.model.predictEncoded(ism.layoutTensor(batch, batch: range.count, width: length), threads: passThreads)
                        guard output.count % range.count == 0 else {
                            throw InterpretationError("ISM: \(output.count) outputs for \(range.count) mutants")
                        }
                        lock.lock()
                        outputs[chunk] = output.scalars
                        lock.unlock()
                    } catch {
                        _ = claim(failing: error)
                        return
                    }
                }
            }
            if let failure { throw failure }
            let all = outputs.flatMap { $0! }
            let tasks = all.count / rows.count
            var results: [(reference: [Float], deltas: [Float])] = []
            var row = 0
            for (s, list) in mutants.enumerated() {
                let reference = Array(all[row * tasks ..< (row + 1) * tasks])
                let own = all[(row + 1) * tasks ..< (row + 1 + list.count) * tasks]
                results.append((reference, deltas(own, of: list, reference: reference, positions: windows[s])))
                row += 1 + list.count
            }
            return results
        }

        /// `work(i)` for each worker i in 0..<workers, on Dispatch's threads when there are several.
        private static func onWorkers(_ workers: Int, _ work: (Int) -> Void) {
            guard workers > 1 else { return work(0) }
            withoutActuallyEscaping(work) { work in
                nonisolated(unsafe) let work = work
                DispatchQueue.concurrentPerform(iterations: workers) { work($0) }
            }
        }

        /// The reference predictions of `sequence`, its activations kept by `evaluator`.
        private func reference(of sequence: [UInt8], on evaluator: IncrementalEvaluator, threads: Int? = nil) throws -> [Float] {
            let model = ism.model
            let x = ism.layoutTensor(try OneHot.encode([sequence], alphabet: model.alphabet, layout: .channelsFirst), batch: 1, width: length)
            return try model.tasks(of: evaluator.setReference(x, others: model.feed(x), threads: threads)).scalars
        }

        /// The outputs (mutants × tasks) of every chunk `shared` hands out, the workers taking
        /// them in order. `whenIdle` runs once, on the first of several workers to find no chunk left.
        private func evaluateChunks(_ shared: ChunkQueue, of mutants: [(position: Int, base: Int)], x: [Float], tasks: Int,
                                    whenIdle: (() -> Void)?) throws -> [Float] {
            var outputs = [Float](repeating: 0, count: mutants.count * tasks)
            let ism = self.ism, length = self.length, evaluators = self.evaluators, sizer = self.sizer
            try outputs.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let target = buffer.baseAddress!
                let work: (Int) -> Void = { worker in
                    let evaluator = evaluators[worker]
                    while let range = shared.next() {
                        let chunk = mutants[range]
                        let window = chunk.first!.position ..< chunk.last!.position + 1
                        var patches: [Float] = []
                        patches.reserveCapacity(chunk.count * ism.model.alphabet.size * window.count)
                        for mutant in chunk { patches += ism.substituted(x, length: length, mutant, window: window) }
                        do {
                            let output = try ism.model.tasks(of: evaluator.evaluate(start: window.lowerBound, patch: ism.layoutTensor(patches, batch: chunk.count, width: window.count)))
                            guard output.count == chunk.count * tasks else {
                                throw InterpretationError("ISM: \(output.count) outputs for \(chunk.count) mutants of \(tasks) tasks")
                            }
                            output.scalars.withUnsafeBufferPointer { (target + range.lowerBound * tasks).update(from: $0.baseAddress!, count: $0.count) }
                            sizer.measured(positions: window.count, mutantsPerPosition: (chunk.count + window.count - 1) / window.count,
                                           widestWindow: evaluator.lastWidestWindow, ranPlainPass: evaluator.lastRanPlainPass)
                        } catch {
                            shared.fail(error)
                        }
                    }
                    if shared.isFirstIdle() { whenIdle?() }
                }
                let workers = min(evaluators.count, shared.positions)
                Self.onWorkers(workers, work)
                try shared.check()
            }
            return outputs
        }
    }

    /// Hands out chunks of consecutive positions (as ranges of their mutants) in order to ISM's
    /// workers, as long as `sizer` says; stops them at the first error or on cancellation
    /// (polled under the lock, so the caller's closure never runs concurrently).
    package final class ChunkQueue: @unchecked Sendable {
        private let lock = NSLock()
        private let positionStarts: [Int]
        private let sizer: ChunkSizer
        private let isCancelled: (() -> Bool)?
        /// The next chunk's first position. Chunks run from the middle to the end, then from the
        /// start to the middle: the sizer then learns the model's span from a window that the
        /// sequence's ends do not clip.
        private var cursor: Int
        private var wrapped = false
        /// Where the chunks start, and where they stop after wrapping.
        private let middle: Int
        private var failure: Error?
        private var idle = false

        /// - Parameter positionStarts: the index of each position's first mutant, then the mutant count.
        package init(positionStarts: [Int], sizer: ChunkSizer, isCancelled: (() -> Bool)?) {
            self.positionStarts = positionStarts
            self.sizer = sizer
            self.isCancelled = isCancelled
            middle = max(0, positionStarts.count - 1) / 2
            cursor = middle
        }

        var positions: Int { max(0, positionStarts.count - 1) }

        /// The mutants of the next chunk, nil when none is left or the run stopped.
        package func next() -> Range<Int>? {
            lock.lock()
            defer { lock.unlock() }
            if !wrapped && cursor == positions {
                wrapped = true
                cursor = 0
            }
            guard failure == nil, !(wrapped && cursor >= middle) else { return nil }
            if isCancelled?() == true {
                failure = CancellationError()
                return nil
            }
            let end = min(wrapped ? middle : positions, cursor + sizer.positionsPerChunk)
            defer { cursor = end }
            return positionStarts[cursor] ..< positionStarts[end]
        }

        /// True for the first caller only (the first worker to run out of chunks), unless the
        /// run failed or was cancelled.
        func isFirstIdle() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            let first = !idle && failure == nil
            idle = true
            return first
        }

        func fail(_ error: Error) {
            lock.lock()
            defer { lock.unlock() }
            if failure == nil { failure = error }
        }

        func check() throws {
            lock.lock()
            defer { lock.unlock() }
            if let failure { throw failure }
        }
    }

    /// Channels-first columns `window` of `x` with one substitution applied.
    func substituted(_ x: [Float], length: Int, _ mutant: (position: Int, base: Int), window: Range<Int>) -> [Float] {
        let a = model.alphabet.size
        var patch = [Float](repeating: 0, count: a * window.count)
        for base in 0..<a {
            for (offset, p) in window.enumerated() { patch[base * window.count + offset] = x[base * length + p] }
            patch[base * window.count + mutant.position - window.lowerBound] = base == mutant.base ? 1 : 0
        }
        return patch
    }

    /// Channels-first rows (batch, A, width) as the model's input layout.
    func layoutTensor(_ channelsFirst: [Float], batch: Int, width: Int) -> Tensor<Float> {
        let tensor = Tensor(shape: [batch, model.alphabet.size, width], scalars: channelsFirst)
        return model.layout == .channelsFirst ? tensor : tensor.swappingLastAxes()
    }
}

/// Turning ISM effects into attribution maps (N, A, W).
public enum ISMAttribution {
    /// tangermeme's convention: the effects mean-centred over the alphabet (the reference's
    /// 0 included), times the one-hot input — non-zero only at the reference base.
    public static func centered(_ deltas: Tensor<Float>, oneHot: Tensor<Float>) -> Tensor<Float> {
        combine(deltas, oneHot) { column in
            let mean = column.reduce(0, +) / Float(column.count)
            return column.map { $0 - mean }
        }
    }

    /// The Koo-lab convention: the L2 norm of the effects at each position, at the reference base.
    public static func l2Norm(_ deltas: Tensor<Float>, oneHot: Tensor<Float>) -> Tensor<Float> {
        combine(deltas, oneHot) { column in
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return column.map { _ in norm }
        }
    }

    private static func combine(_ deltas: Tensor<Float>, _ oneHot: Tensor<Float>, _ transform: ([Float]) -> [Float]) -> Tensor<Float> {
        let (n, a, w) = (deltas.shape[0], deltas.shape[1], deltas.shape[2])
        var result = [Float](repeating: 0, count: deltas.count)
        for s in 0..<n {
            for p in 0..<w {
                let column = (0..<a).map { deltas.scalars[(s * a + $0) * w + p] }
                for (base, value) in transform(column).enumerated() {
                    let index = (s * a + base) * w + p
                    result[index] = value * oneHot.scalars[index]
                }
            }
        }
        return Tensor(shape: deltas.shape, scalars: result)
    }
}
