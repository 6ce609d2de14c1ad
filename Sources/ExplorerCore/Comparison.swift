import Genomics
import Rendering

/// A second model drawn under the first (`seqlens explore M1.onnx M2.onnx FASTA`): its
/// predictions, attribution map and ISM for the same record and the same edits. The first model
/// (the primary) owns the track, the task list and every pane; this one follows it: each request
/// of the primary's predictions, map or ISM is mirrored here (`mirrored`), the task matched by
/// name. Its own input is the record fitted to its own length (`windows`), its columns placed on
/// the primary's track by record position. `M` swaps the two (`swappingModels`).
public struct ComparisonModel: Sendable {
    public let name: String
    public let taskNames: [String]
    /// Where each record lies in this model's input as fitted at start.
    public let fittedWindows: [ModelWindow]
    /// Where each record lies in it now (a record longer than the model: the window follows the cursor).
    public internal(set) var windows: [ModelWindow]
    public let outputsProbabilities: Bool
    /// The bins panel this model would show as the primary (a BPNet profile), or nil.
    public let profileTrack: ProfileTrack?

    /// Increases with every request of new predictions (an edit, or this model's window sliding):
    /// results carry the version they were asked for.
    public internal(set) var version = 0
    /// Results older than this belong to another record, window or output.
    var floor = 0
    var awaitedReferences: [Int: Int] = [:]
    public internal(set) var referencePredictions: [Int: [Float]] = [:]
    public internal(set) var predictions: Computed<[Float]>?
    public internal(set) var attribution: Computed<AttributionMap>?
    public internal(set) var mutagenesis: Computed<MutagenesisMap>?
    /// The effect of the primary's last edit on this model's matched task.
    public internal(set) var lastEdit: EditEffect?
    var pendingEdit: (substitution: Substitution, before: [Float])?

    public init(name: String, taskNames: [String], windows: [ModelWindow], outputsProbabilities: Bool = false, profileTrack: ProfileTrack? = nil) {
        self.name = name
        self.taskNames = taskNames
        fittedWindows = windows
        self.windows = windows
        self.outputsProbabilities = outputsProbabilities
        self.profileTrack = profileTrack
    }

    public var arePredictionsStale: Bool { predictions?.version != version }

    mutating func forgetResults() {
        predictions = nil
        attribution = nil
        mutagenesis = nil
        lastEdit = nil
        pendingEdit = nil
        floor = version + 1
    }
}

extension ExplorerState {
    /// Adds a second model to compare (before `start`); its windows are one per record.
    public mutating func compare(with model: ComparisonModel) {
        precondition(model.windows.map(\.recordLength) == records.map(\.length), "one comparison window per record, of its length")
        comparison = model
    }

    /// Where the current record lies in the comparison model's input.
    public var comparisonWindow: ModelWindow? { comparison?.windows[recordIndex] }

    /// The comparison model's task of the primary's current task's name; nil when it has none.
    public var comparisonTask: Int? {
        guard let comparison, taskNames.indices.contains(task) else { return nil }
        return comparison.taskNames.firstIndex(of: taskNames[task])
    }

    /// The track position of each of the comparison model's input columns (may lie off the track).
    var comparisonInputStart: Int? { comparisonWindow.map { $0.start + trackOffset } }

    /// The record's bases as edited now (no padding).
    var recordBases: [UInt8] { Array(sequence[trackOffset ..< trackOffset + recordLength]) }

    var comparisonInput: [UInt8] { comparisonWindow!.input(recordBases) }
    var comparisonReferenceInput: [UInt8] { comparisonWindow!.input(Array(reference[trackOffset ..< trackOffset + recordLength])) }

    /// Values of the comparison model's input columns, (A, its input length) letter-major,
    /// placed on the primary's track: zeros where that model sees nothing.
    public func comparisonOnTrack(_ values: [Float]) -> [Float]? {
        guard let window = comparisonWindow, let start = comparisonInputStart, values.count == alphabet.size * window.inputLength else { return nil }
        let columns = window.inputLength
        var track = [Float](repeating: 0, count: alphabet.size * length)
        for column in 0 ..< columns where (0 ..< length).contains(start + column) {
            for letter in 0 ..< alphabet.size { track[letter * length + start + column] = values[letter * columns + column] }
        }
        return track
    }

    /// The track positions the comparison model sees.
    public var comparisonInputRange: Range<Int>? {
        guard let window = comparisonWindow, let start = comparisonInputStart else { return nil }
        return (start ..< start + window.inputLength).clamped(to: 0 ..< length)
    }

    /// The comparison model's map of the current method and matched task, (A, its input length); the
    /// ISM-derived one from its mutagenesis. Nil until computed or without a matched task.
    public var comparisonMap: [Float]? {
        guard let comparison, let task = comparisonTask else { return nil }
        if method == .ismDerived { return comparison.mutagenesis.flatMap { comparisonTaskSlice($0.value.centered, task: task) } }
        guard let map = comparison.attribution?.value, map.method == method, map.task == task else { return nil }
        return map.values
    }

    /// The comparison model's ISM effects of the matched task, (A, its input length).
    public var comparisonDeltas: [Float]? {
        guard let task = comparisonTask else { return nil }
        return comparison?.mutagenesis.flatMap { comparisonTaskSlice($0.value.deltas, task: task) }
    }

    func comparisonTaskSlice(_ values: [Float], task: Int) -> [Float]? {
        guard let comparison, let window = comparisonWindow else { return nil }
        let positions = alphabet.size * window.inputLength, tasks = max(1, comparison.taskNames.count)
        guard values.count == positions * tasks else { return nil }
        return (0 ..< positions).map { values[$0 * tasks + task] }
    }

    public var isComparisonMapStale: Bool {
        guard let comparison else { return false }
        if method == .ismDerived { return isComparisonMutagenesisStale }
        return comparison.attribution.map { $0.version != comparison.version || $0.value.method != method || $0.value.task != comparisonTask } ?? true
    }

    public var isComparisonMutagenesisStale: Bool {
        guard let comparison, let window = comparisonWindow else { return false }
        return comparison.mutagenesis?.version != comparison.version || comparison.mutagenesis?.value.positions != 0 ..< window.inputLength
    }

    // MARK: - Mirroring the primary's work

    /// The primary's effects with the comparison model's after them: the same sequence, fitted to
    /// its own input, for its task of the same name.
    mutating func mirrored(_ effects: [Effect]) -> [Effect] {
        guard comparison != nil else { return effects }
        // A new reference (another record, window or output) asks for everything anyway.
        let asksAgain = effects.contains { if case .setReference = $0 { return true } else { return false } }
        var added = slideComparisonWindow() && !asksAgain ? requestComparisonAgain() : []
        for effect in effects {
            switch effect {
            case .setReference(let record, _):
                comparison!.forgetResults()
                comparison!.awaitedReferences[record, default: 0] += 1
                added.append(.comparison(.setReference(record: record, sequence: comparisonReferenceInput)))
            case .predict:
                comparison!.version += 1
                let before = comparison!.predictions?.value ?? comparison!.referencePredictions[recordIndex]
                comparison!.pendingEdit = pendingEdit.flatMap { pending in before.map { (pending.substitution, $0) } }
                added += comparisonRequests(predictions: true, attribution: false)  // the map follows the primary's `.attribute`
            case .attribute: added += comparisonRequests(predictions: false, attribution: true)
            case .useLogits(let on):
                comparison!.referencePredictions = [:]  // of the other output
                added.append(.comparison(.useLogits(on && comparison!.outputsProbabilities)))
            default: break
            }
        }
        if lastEdit == nil && pendingEdit == nil { comparison!.lastEdit = nil }
        return effects + added
    }

    /// Predictions (and ISM), or the map alone, of the comparison model's current version.
    func comparisonRequests(predictions: Bool, attribution: Bool) -> [Effect] {
        guard let comparison, let window = comparisonWindow else { return [] }
        let input = comparisonInput, version = comparison.version
        var effects: [Effect] = []
        if predictions {
            effects.append(.comparison(.predict(version: version, sequence: input)))
            // The positions on screen first, in this model's input columns.
            let visible = visiblePositions
            let first = (visible.lowerBound - comparisonInputStart! ..< visible.upperBound - comparisonInputStart!).clamped(to: 0 ..< window.inputLength)
            effects.append(.comparison(.mutagenize(version: version, sequence: input, first: first)))
        }
        if attribution, method != .ismDerived, let task = comparisonTask {
            effects.append(.comparison(.attribute(version: version, sequence: input, method: method, task: task)))
        }
        return effects
    }

    /// A record longer than the comparison model: its window follows the cursor as the primary's
    /// does (centred on it once the cursor leaves it); true when it moved.
    mutating func slideComparisonWindow() -> Bool {
        guard let window = comparisonWindow, window.slides else { return false }
        let position = recordPosition(cursor)
        guard !(window.start ..< window.start + window.inputLength).contains(position), !isPadding(cursor) else { return false }
        comparison!.windows[recordIndex] = window.centered(on: position)
        comparison!.referencePredictions[recordIndex] = nil
        return true
    }

    /// Everything the comparison model shows, asked for again (its window moved).
    mutating func requestComparisonAgain() -> [Effect] {
        comparison!.forgetResults()
        comparison!.awaitedReferences[recordIndex, default: 0] += 1
        comparison!.version += 1
        return [.comparison(.setReference(record: recordIndex, sequence: comparisonReferenceInput))] + comparisonRequests(predictions: true, attribution: true)
    }

    // MARK: - Results

    mutating func receiveComparison(_ result: Action) {
        guard var model = comparison else { return }
        defer { comparison = model }
        switch result {
        case .referencePredicted(let record, let values):
            if let awaited = model.awaitedReferences[record], awaited > 0 {
                model.awaitedReferences[record] = awaited - 1
                guard awaited == 1 else { return }
            }
            model.referencePredictions[record] = values
        case .predicted(let version, let values, let milliseconds):
            guard version >= max(model.floor, model.predictions?.version ?? -1) else { return }
            model.predictions = Computed(version: version, value: values, milliseconds: milliseconds)
            if version == model.version, let pending = model.pendingEdit, let task = comparisonTask,
               pending.before.indices.contains(task), values.indices.contains(task) {
                model.lastEdit = EditEffect(substitution: pending.substitution, task: task, before: pending.before[task], after: values[task])
                model.pendingEdit = nil
            }
        case .attributed(let version, let map, let milliseconds):
            guard version >= max(model.floor, model.attribution?.version ?? -1) else { return }
            model.attribution = Computed(version: version, value: map, milliseconds: milliseconds)
        case .mutagenized(let version, let map, let milliseconds):
            // Only whole maps: a first window of positions would have to be merged as the primary's are.
            guard version >= max(model.floor, model.mutagenesis?.version ?? -1), map.positions == 0 ..< (comparisonWindow?.inputLength ?? 0) else { return }
            model.mutagenesis = Computed(version: version, value: map, milliseconds: milliseconds)
        case .failed(let text):
            message = "\(model.name): \(text)"
            model.awaitedReferences = [:]
        default: break
        }
    }
}

extension ExplorerState {
    /// Something the comparison block shows is not computed yet for the current sequence.
    var isComparisonBusy: Bool {
        guard let comparison else { return false }
        return comparison.arePredictionsStale || isComparisonMutagenesisStale || (comparisonTask != nil && isComparisonMapStale)
    }

    /// `M`: the comparison model becomes the primary (its tasks, panes and track) and the primary
    /// the comparison, keeping the edits, their undo history, the record, the cursor, the task (by
    /// name), the method and the zoom. Every result is asked for again; results still under way
    /// are older than the new versions and are dropped.
    mutating func swapModels() -> [Effect] {
        guard let other = comparison else {
            message = "M swaps two models side by side: start with seqlens explore MODEL1 MODEL2 FASTA"
            return []
        }
        let saved = snapshot, firstShown = recordPosition(viewStart)
        var swapped = ExplorerState(modelName: other.name, alphabet: alphabet, taskNames: other.taskNames, records: records,
                                    windows: other.fittedWindows, annotations: annotations, scansMotifs: scansMotifs, theme: theme)
        swapped.windows = other.windows
        swapped.motifs = motifs
        swapped.modisco = modisco
        swapped.profileTrack = other.profileTrack
        swapped.outputsProbabilities = other.outputsProbabilities
        swapped.showsLogits = showsLogits && other.outputsProbabilities
        swapped.followsTopTask = followsTopTask
        swapped.opensOnInformativeRegion = false
        swapped.screenWidth = screenWidth
        swapped.screenHeight = screenHeight
        swapped.searchPattern = searchPattern
        swapped.tour = tour
        var view = saved.view
        if taskNames.indices.contains(task) { view.task = other.taskNames.firstIndex(of: taskNames[task]) ?? 0 }
        swapped.restore(histories: saved.histories, view: view)
        swapped.savedHistories = Self.shifted(Self.shifted(savedHistories, windows: windows, by: -1), windows: swapped.windows, by: 1)
        swapped.viewStart = max(0, firstShown + swapped.trackOffset)
        swapped.followCursor()
        swapped.refreshSearchHits()

        var primary = ComparisonModel(name: modelName, taskNames: taskNames, windows: fittedWindows, outputsProbabilities: outputsProbabilities,
                                      profileTrack: profileTrack.map { ProfileTrack(label: $0.label) })
        primary.windows = windows
        // Each slot keeps its count of reference predictions under way (they arrive through it).
        swapped.awaitedReferences = awaitedReferences
        primary.awaitedReferences = other.awaitedReferences
        let version = max(self.version, other.version) + 1
        swapped.version = version
        swapped.recordVersion = version
        primary.version = version
        primary.floor = version
        swapped.comparison = primary
        swapped.message = "\(other.name) is now the first model, \(modelName) the second (M swaps back)"
        self = swapped
        return [.swapModels, .useLogits(showsLogits), .setReference(record: recordIndex, sequence: referenceInput)] + requestResults()
    }
}
