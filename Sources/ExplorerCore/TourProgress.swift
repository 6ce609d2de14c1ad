import Genomics
import Interactive
import Rendering

/// Where a running tour is: its step, whether that step waits for the user, and what its claims
/// came to against the model (see Tour.swift for the file, Screen+Tour.swift for the box).
public struct TourProgress: Sendable, Equatable {
    public let tour: Tour
    public internal(set) var step = 0
    /// The step was entered before its expectations held: it goes on by itself once they hold and
    /// the results are in, and meanwhile the keys are the explorer's (Esc still leaves the tour).
    public internal(set) var waiting = false
    /// Each step's claims as checked when it opened (once their results were in; nil until then):
    /// what its text says is about that moment, not about what the user does next.
    public internal(set) var outcomes: [[ClaimOutcome?]]

    init(tour: Tour) {
        self.tour = tour
        outcomes = tour.steps.map { Array(repeating: nil, count: $0.claims.count) }
    }

    public var current: TourStep { tour.steps[step] }

    /// Claims checked and held, and checked in all, over every step.
    public var claimTally: (held: Int, checked: Int, total: Int) {
        let all = outcomes.joined()
        return (all.filter { $0?.held == true }.count, all.filter { $0 != nil }.count, all.count)
    }
}

/// A claim checked against the results on screen: whether it held, and the value measured.
public struct ClaimOutcome: Sendable, Equatable {
    public var held: Bool
    /// What the claim compared ("-0.812"), or the position of a peak ("at 57").
    public var measured: String
}

/// What a tour's keys do.
public enum TourAction: Sendable, Equatable {
    case next, back, leave

    /// A key's meaning to the tour in normal mode, or nil when the explorer's own applies: while a
    /// step waits, every key but Esc is the explorer's, so the user can do what it asks.
    static func action(for key: Key, in state: ExplorerState) -> Action? {
        guard let progress = state.tour else { return nil }
        switch key {
        case .escape: return .tour(.leave)
        case .right, .enter: return progress.waiting ? nil : .tour(.next)
        case .left: return progress.waiting ? nil : .tour(.back)
        default: return nil
        }
    }
}

extension ExplorerState {
    /// Starts a tour on the first step (before `start`, or any time).
    public mutating func beginTour(_ tour: Tour) {
        self.tour = TourProgress(tour: tour)
        enterTourStep(0)
    }

    mutating func updateTour(_ action: TourAction) {
        guard let progress = tour else { return }
        switch action {
        case .next: enterTourStep(progress.step + 1)
        case .back:
            guard progress.step > 0 else {
                message = "this is the first step of the tour"
                return
            }
            enterTourStep(progress.step - 1)
        case .leave:
            tour = nil
            message = "left the tour · keep exploring: ? lists the keys, q quits"
        }
    }

    /// After every action: checks the step's claims not checked yet once their results are in, and
    /// moves a waiting step on once what it asks for is done and the results of it are in.
    mutating func followTour() {
        guard var progress = tour else { return }
        for (index, claim) in progress.current.claims.enumerated() where progress.outcomes[progress.step][index] == nil {
            progress.outcomes[progress.step][index] = check(claim.value)
        }
        tour = progress
        if progress.waiting && expectationsHold(progress.current) && !isBusy { enterTourStep(progress.step + 1) }
    }

    private mutating func enterTourStep(_ index: Int) {
        guard var progress = tour else { return }
        guard progress.tour.steps.indices.contains(index) else {
            let tally = progress.claimTally
            tour = nil
            let claims = tally.total == 0 ? "" : tally.held == tally.total ? " · all \(tally.total) claims held"
                : " · \(tally.held) of \(tally.total) claims held" + (tally.checked < tally.total ? " (\(tally.total - tally.checked) not checked)" : "")
            message = "tour finished\(claims) · ? lists the keys, q quits"
            return
        }
        progress.step = index
        progress.outcomes[index] = progress.outcomes[index].map { _ in nil }
        progress.waiting = !progress.current.expectations.isEmpty && !expectationsHold(progress.current)
        tour = progress
        if let positions = progress.current.positions { bringIntoView(positions) }
        followTour()
    }

    /// Centres the view on positions the step points at (record coordinates) when they are not all
    /// on screen; the cursor moves to their first base only if it would be left off screen.
    private mutating func bringIntoView(_ positions: Range<Int>) {
        // Positions past a shorter record's end are left out.
        let track = min(length, positions.lowerBound + trackOffset) ..< min(length, positions.upperBound + trackOffset)
        guard !track.isEmpty, !(visiblePositions.contains(track.lowerBound) && visiblePositions.contains(track.upperBound - 1)) else { return }
        let visible = visibleCount
        opensOnInformativeRegion = false   // the tour chose the view: an arriving map must not move it
        viewStart = max(0, min(length - visible, (track.lowerBound + track.upperBound - visible) / 2))
        if !visiblePositions.contains(cursor) { cursor = track.lowerBound }
    }

    /// True when the user has done everything the step asks for.
    public func expectationsHold(_ step: TourStep) -> Bool {
        step.expectations.allSatisfy { holds($0.value) }
    }

    func holds(_ expectation: TourExpectation) -> Bool {
        switch expectation {
        case .cursor(let range): return range.contains(recordPosition(cursor))
        case .substitution(let substitution):
            let index = substitution.position + trackOffset
            return !isPadding(index) && reference[index] == substitution.reference && sequence[index] == substitution.alternative
        case .unedited: return sequence == reference
        case .method(let method): return self.method == method
        case .task(let name): return taskNames.indices.contains(task) && taskNames[task] == name
        case .record(let id): return record.id == id
        case .model(let name): return modelName == name
        case .showing(.dependencies): return showsDependencies
        case .showing(.seqlets): return showsSeqlets
        case .showing(.logits): return showsLogits
        }
    }

    /// The claim against the results on screen; nil while they are being computed.
    func check(_ claim: TourClaim) -> ClaimOutcome? {
        switch claim {
        case .change(let name, let absolute, let comparison, let bound):
            guard let task = taskNames.firstIndex(of: name), !arePredictionsStale, let now = predictions?.value,
                  let before = referencePredictions[recordIndex], now.indices.contains(task), before.indices.contains(task) else { return nil }
            let change = absolute ? abs(now[task] - before[task]) : now[task] - before[task]
            return ClaimOutcome(held: comparison.holds(change, bound), measured: (change >= 0 ? "+" : "") + Bars.number(change))
        case .prediction(let name, let comparison, let bound):
            guard let task = taskNames.firstIndex(of: name), !arePredictionsStale, let now = predictions?.value, now.indices.contains(task) else { return nil }
            return ClaimOutcome(held: comparison.holds(now[task], bound), measured: Bars.number(now[task]))
        case .peak(let map, let range):
            guard let scores = columnScores(of: map), let column = scores.indices.max(by: { scores[$0] < scores[$1] }) else { return nil }
            let position = recordPosition(column + inputRange.lowerBound)
            return ClaimOutcome(held: range.contains(position), measured: "at \(position)")
        case .share(let map, let range, let comparison, let bound):
            guard let scores = columnScores(of: map) else { return nil }
            let total = scores.reduce(0, +)
            let inside = scores.indices.filter { range.contains(recordPosition($0 + inputRange.lowerBound)) }.reduce(Float(0)) { $0 + scores[$1] }
            let share = total > 0 ? inside / total : 0
            return ClaimOutcome(held: comparison.holds(share, bound), measured: Bars.number(share))
        }
    }

    /// Each input column's effect on the map (Σ|attribution| over the letters, or the largest
    /// |Δ| of a substitution there), once the map of this sequence and task is in.
    private func columnScores(of map: TourMap) -> [Float]? {
        let values: [Float]?, combine: (Float, Float) -> Float
        switch map {
        case .attribution:
            guard !isAttributionStale else { return nil }
            values = method == .ismDerived ? mutagenesis.flatMap { taskSlice($0.value.centered) } : attribution?.value.values
            combine = { $0 + abs($1) }
        case .ism:
            guard !isMutagenesisStale else { return nil }
            values = mutagenesis.flatMap { taskSlice($0.value.deltas) }
            combine = { max($0, abs($1)) }
        }
        let columns = window.inputLength
        guard let values, values.count == alphabet.size * columns, columns > 0 else { return nil }
        return (0 ..< columns).map { column in
            (0 ..< alphabet.size).reduce(Float(0)) { combine($0, values[$1 * columns + column]) }
        }
    }
}
