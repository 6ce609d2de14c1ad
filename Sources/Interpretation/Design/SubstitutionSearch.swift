import Foundation
import Genomics
import Inference

/// Which way a design moves its target.
public enum DesignGoal: String, Sendable, CaseIterable {
    case maximize
    case minimize

    /// The goal that carries `value` across `threshold`: up to it from below, under it from at or above.
    public static func flipping(_ value: Float, across threshold: Float) -> DesignGoal {
        value < threshold ? .maximize : .minimize
    }
}

/// Greedy and beam search over single-base substitutions toward raising or lowering one task,
/// with tangermeme 1.6's greedy_substitution / beam_substitution semantics (single-base motifs,
/// y=None): each round every allowed position is tried with every base, candidates are
/// ranked by the target (ties: the earlier candidate, in the order beam member, base, position;
/// the unchanged members are candidates too, so the beam never regresses), the `beamSize` best
/// distinct sequences form the next beam, and the search stops after `maxEdits` rounds or once
/// the best member improved by `tolerance` or less in a round (that round's edit is kept, as
/// tangermeme keeps it). A beam of 1 is the greedy search.
///
/// Every round scores every candidate of a member with one in-silico saturation mutagenesis of
/// it (`SaturationMutagenesis`, incremental by default): ISM of the current sequence is exactly
/// the effect of every single edit.
public struct SubstitutionSearch: Sendable {
    /// Reads the target as task `task`.
    public var model: SequenceModel
    public var task: Int
    public var goal: DesignGoal
    public var beamSize: Int
    public var maxEdits: Int
    /// A round that improves the best member by this much or less is the last.
    public var tolerance: Float
    /// Flip search: stop once the best member is past it (at or above it when maximizing, below it
    /// when minimizing); nil: run to the stopping rule.
    public var threshold: Float?
    public var batchSize: Int
    public var threads: Int

    public init(model: SequenceModel, task: Int, goal: DesignGoal, beamSize: Int = 1, maxEdits: Int, tolerance: Float = 1e-3,
                threshold: Float? = nil, batchSize: Int = 64, threads: Int = 1) {
        self.model = model
        self.task = task
        self.goal = goal
        self.beamSize = beamSize
        self.maxEdits = maxEdits
        self.tolerance = tolerance
        self.threshold = threshold
        self.batchSize = batchSize
        self.threads = threads
    }

    public struct Step: Sendable, Equatable {
        /// In the record's own positions (`origin` added).
        public var substitution: Substitution
        /// The target after this edit.
        public var prediction: Float
    }

    public struct Design: Sendable {
        /// The target of the starting sequence.
        public var start: Float
        public var sequence: [UInt8]
        /// The designed sequence's path from the start, one edit per step.
        public var steps: [Step]
        /// Rounds searched (a beam member may have fewer edits than rounds).
        public var rounds: Int
        public var prediction: Float { steps.last?.prediction ?? start }
    }

    /// A beam member: a sequence, its target when it was made, and the edits that made it.
    private struct Member {
        var sequence: [UInt8]
        var value: Float
        var steps: [Step]
    }

    /// A candidate of a round: member `member` with `base` at `column`, or unchanged (column nil).
    private struct Candidate {
        var score: Float
        var order: Int
        var member: Int
        var column: Int?
        var base: Int
    }

    /// - Parameter editable: per column of `sequence`, whether it may change (tangermeme's
    ///   input_mask); nil: every column.
    /// - Parameter origin: the record's own position of column 0, for the substitutions reported.
    /// - Parameter progress: called with the number of rounds done.
    public func run(_ sequence: [UInt8], editable: [Bool]? = nil, origin: Int = 0, progress: ((Int) -> Void)? = nil,
                    isCancelled: (() -> Bool)? = nil) throws -> Design {
        precondition(beamSize >= 1 && maxEdits >= 0, "a beam of at least one, a non-negative budget")
        let editable = editable ?? Array(repeating: true, count: sequence.count)
        precondition(editable.count == sequence.count, "one flag per column")
        let columns = editable.indices.filter { editable[$0] }
        let sign: Float = goal == .maximize ? 1 : -1
        let window = (columns.first ?? 0) ..< ((columns.last ?? 0) + 1)
        let ism = SaturationMutagenesis(model: model, batchSize: batchSize, threads: threads)
        guard !columns.isEmpty else {
            return Design(start: try ism.run([sequence], window: 0..<1).reference.scalars[task], sequence: sequence, steps: [], rounds: 0)
        }
        // One plan and incremental evaluator for every ISM of the search (all of one length).
        let mutator = try SaturationMutagenesis.Mutator(ism, length: sequence.count)
        // A member kept unchanged is expanded again next round: its ISM is cached.
        var scored: [[UInt8]: (value: Float, deltas: [Float])] = [:]
        func evaluate(_ sequence: [UInt8]) throws -> (value: Float, deltas: [Float]) {
            if let known = scored[sequence] { return known }
            let (reference, deltas) = try mutator.mutate(sequence, positions: window, isCancelled: isCancelled)
            // deltas are laid out (A, W, T): this task's slice.
            let tasks = reference.count
            let evaluated = (reference[task], stride(from: task, to: deltas.count, by: tasks).map { deltas[$0] })
            scored[sequence] = evaluated
            return evaluated
        }

        let start = try evaluate(sequence).value
        var beam = [Member(sequence: sequence, value: start, steps: [])]
        var rounds = 0
        while rounds < maxEdits, !isPast(beam[0].value) {
            let best = sign * beam[0].value
            var selected: [Candidate] = []
            var order = 0
            // tangermeme's bounded min-heap: a candidate displaces the lowest-ranked (its earliest
            // among equals) only when strictly better.
            func consider(_ candidate: Candidate) {
                if selected.count < beamSize { selected.append(candidate); return }
                let lowest = selected.indices.min { (selected[$0].score, selected[$0].order) < (selected[$1].score, selected[$1].order) }!
                if candidate.score > selected[lowest].score { selected[lowest] = candidate }
            }
            for (m, member) in beam.enumerated() {
                consider(Candidate(score: sign * member.value, order: order, member: m, column: nil, base: -1))
                order += 1
                let (value, deltas) = try evaluate(member.sequence)
                for base in 0..<model.alphabet.size {
                    // Only a base's `beamSize` best positions can make the beam (ties: the leftmost).
                    let ranked = columns.map { column in (column, sign * (value + deltas[base * window.count + column - window.lowerBound])) }
                        .sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
                    for (column, score) in ranked.prefix(beamSize) {
                        consider(Candidate(score: score, order: order, member: m, column: column, base: base))
                        order += 1
                    }
                }
            }
            var next: [Member] = []
            var seen = Set<[UInt8]>()
            for candidate in selected.sorted(by: { ($0.score, -$0.order) > ($1.score, -$1.order) }) {
                var member = beam[candidate.member]
                // Substituting a column's own base changes nothing: the member itself.
                if let column = candidate.column, model.alphabet.index(of: member.sequence[column]) != candidate.base {
                    let letter = model.alphabet.letters[candidate.base]
                    let value = sign * candidate.score   // the target (sign² = 1)
                    member.steps.append(Step(substitution: Substitution(position: origin + column, reference: member.sequence[column], alternative: letter),
                                             prediction: value))
                    member.sequence[column] = letter
                    member.value = value
                }
                if seen.insert(member.sequence).inserted { next.append(member) }
            }
            beam = next
            scored = scored.filter { seen.contains($0.key) }   // only a kept member is expanded again
            rounds += 1
            progress?(rounds)
            if sign * beam[0].value - best <= tolerance { break }
        }
        return Design(start: start, sequence: beam[0].sequence, steps: beam[0].steps, rounds: rounds)
    }

    /// Whether `value` is past the flip threshold in the goal's direction (false without a threshold).
    public func isPast(_ value: Float) -> Bool {
        guard let threshold else { return false }
        return goal == .maximize ? value >= threshold : value < threshold
    }
}
