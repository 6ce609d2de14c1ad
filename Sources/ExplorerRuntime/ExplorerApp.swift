import ExplorerCore
import ExplorerView
import Foundation
import Genomics
import Inference
import Interactive
import Interpretation
import Rendering

/// The explorer at run time: holds the state, turns input into actions, and carries out the
/// effects `update` asks for on two background lanes (see `BackgroundLane`). Results come back
/// as actions through an inbox the run loop drains in `poll`, so the state is only ever touched
/// on the loop's thread.
public final class ExplorerApp: InteractiveApp, @unchecked Sendable {
    public private(set) var state: ExplorerState
    private var files: SessionFiles
    /// The model's lanes and live models; with two models also the second's (`Effect.comparison`),
    /// which `M` swaps with these.
    private var engines: ModelEngines
    private var comparisonEngines: ModelEngines?
    private var model: SequenceModel { engines.model }
    private var fast: BackgroundLane { engines.fast }
    private var slow: BackgroundLane { engines.slow }
    /// Used only on the fast lane (jobs take it when submitted).
    private var fastModel: LiveModel { engines.live.fast }
    /// Used only on the slow lane.
    private var slowModel: LiveModel { engines.live.slow }
    private let inbox = Inbox()
    /// Where the second model's results go: into `inbox`, as `Action.comparison`.
    private lazy var comparisonInbox = Inbox(forwardingTo: inbox) { .comparison($0) }
    private let scanner: FIMOScanner?
    private let seqletFinder: SeqletFinder
    /// Each record's text in the input FASTA (nil where the record was changed on loading), so
    /// saving copies it exactly.
    private let texts: [FASTARecordText?]
    private var started = false
    /// The histories in the recovery file (nil: no file), so it is rewritten only when they change.
    private var autosaved: [EditHistory]?
    /// Whether unsaved edits go to the recovery file: not in a headless scripted run, which the
    /// script reproduces (and which must leave no file behind).
    private let autosaves: Bool
    /// `--locus`: the tiled model's results, kept between edits (used only on the slow lane).
    private let locusScan: LocusScan?
    /// Scores the variant list (`explore --vcf`); nil without variants.
    private let variantScoring: VariantScoring?

    /// Where `s` writes, and what the session file points back to.
    public struct SessionFiles: Sendable {
        public var modelPath: String
        public var sequencesPath: String
        public var annotationsPath: String?
        public var motifs: SessionFile.MotifSelection?
        /// Written as PREFIX.fa, PREFIX.mutations.tsv and PREFIX.session.json.
        public var prefix: String
        /// The second model (`seqlens explore M1 M2 FASTA`), nil with one.
        public var comparedModelPath: String?

        public init(modelPath: String, sequencesPath: String, annotationsPath: String?, motifs: SessionFile.MotifSelection? = nil, prefix: String,
                    comparedModelPath: String? = nil) {
            self.comparedModelPath = comparedModelPath
            self.motifs = motifs
            self.modelPath = modelPath
            self.sequencesPath = sequencesPath
            self.annotationsPath = annotationsPath
            self.prefix = prefix
        }

        public var fasta: URL { URL(fileURLWithPath: prefix + ".fa") }
        public var mutationLog: URL { URL(fileURLWithPath: prefix + ".mutations.tsv") }
        public var session: URL { URL(fileURLWithPath: prefix + ".session.json") }
        public var recovery: RecoveryFile { RecoveryFile(prefix: prefix) }

        /// After `M`: the session names the new first model first.
        mutating func swapModels() {
            guard let compared = comparedModelPath else { return }
            comparedModelPath = modelPath
            modelPath = compared
        }

        /// Where `e` writes: PREFIX.view-N.svg with the first N not taken, so no export overwrites another.
        public func nextView() -> URL {
            var number = 1
            while FileManager.default.fileExists(atPath: "\(prefix).view-\(number).svg") { number += 1 }
            return URL(fileURLWithPath: "\(prefix).view-\(number).svg")
        }
    }

    /// - Parameter scanner: motifs to find on every version of the sequence (the state must
    ///   have `scansMotifs`); they become the state's `motifs`, which its hits index.
    /// - Parameter texts: the records' texts in the input FASTA, for `s` to copy (see `SessionExport.fasta`).
    /// - Parameter autosaves: keep unsaved edits in the recovery file.
    /// - Parameter comparedModel: the second model, which `state.comparison` describes (Comparison.swift).
    /// - Parameter variantScoring: scores `state.variants` (one per record) for the `V` list.
    public init(state: ExplorerState, model: SequenceModel, files: SessionFiles, scanner: FIMOScanner? = nil,
                texts: [FASTARecordText?] = [], autosaves: Bool = true, comparedModel: SequenceModel? = nil, variantScoring: VariantScoring? = nil) {
        precondition(variantScoring.map { $0.windows.count == state.records.count } ?? true, "one variant per record")
        self.variantScoring = variantScoring
        precondition((comparedModel == nil) == (state.comparison == nil), "a second model comes with its state's comparison")
        self.state = state
        self.autosaves = autosaves
        if let scanner { self.state.motifs = scanner.motifs }
        self.texts = texts
        self.files = files
        self.scanner = scanner
        seqletFinder = SeqletFinder(motifs: scanner?.motifs ?? [])
        engines = ModelEngines(model: model, name: "seqlens")
        comparisonEngines = comparedModel.map { ModelEngines(model: $0, name: "seqlens.compared") }
        let locusThreads = engines.live.slow.threads
        locusScan = state.locus.map { LocusScan(tiling: $0.tiling, threads: locusThreads) }
        if state.showsLogits {
            useLogits(true)
            if state.comparison?.outputsProbabilities == true { performComparison(.useLogits(true)) }
        }
    }

    deinit { stop() }

    /// Ends background work (also done on deinit).
    public func stop() {
        engines.stop()
        comparisonEngines?.stop()
    }

    // MARK: InteractiveApp

    public func render(width: Int, height: Int, depth: ColorDepth) -> Canvas {
        Screen.render(state, depth: depth)
    }

    public func handle(_ event: InputEvent) {
        if let action = KeyMap.action(for: event, in: state) { send(action) }
    }

    public func poll() {
        for action in inbox.drain() { send(action) }
        if state.isBusy { send(.tick) }
    }

    public var isFinished: Bool { state.isFinished }

    public var hasPendingWork: Bool {
        // Lanes before the inbox: a job posts its result before its lane turns idle, so once the
        // lanes (the second model's too) are idle every result is in the inbox or already taken in.
        !engines.isIdle || comparisonEngines?.isIdle == false || !inbox.isEmpty || state.isBusy
    }

    public var pollInterval: Duration? { state.isBusy ? .milliseconds(120) : nil }

    public func setWakeHandler(_ wake: @escaping @Sendable () -> Void) { inbox.wake = wake }

    /// Applies an action and starts the work it asks for (the first also starts the first record's).
    public func send(_ action: Action) {
        if !started {
            started = true
            perform(state.start())
        }
        perform(state.update(action))
        autosave()
        if state.isFinished { stop() }
    }

    /// Keeps the recovery file in step with the unsaved edits, synchronously: a kill right after
    /// an edit must not lose it. Gone once everything is saved or the explorer quits on purpose.
    private func autosave() {
        guard autosaves else { return }
        let unsaved = state.hasUnsavedHistory && !state.isFinished ? state.histories : nil
        guard unsaved != autosaved else { return }
        do {
            if unsaved == nil { files.recovery.remove() } else { try files.recovery.write(state.snapshot, files: files) }
            autosaved = unsaved
        } catch {
            autosaved = unsaved  // one message per change, not a retry loop
            send(.failed("cannot write the recovery file \(files.recovery.url.path): \(error.localizedDescription)"))
        }
    }

    /// Waits until background work has delivered something (for scripted drivers: tests and the
    /// latency benchmark), then takes it in. False when nothing arrived within `timeout`.
    @discardableResult
    public func waitForResults(timeout: TimeInterval = 60) -> Bool {
        guard inbox.wait(until: Date(timeIntervalSinceNow: timeout)) else { return false }
        poll()
        return true
    }

    // MARK: Effects

    private func perform(_ effects: [Effect]) {
        for effect in effects { perform(effect) }
        let predicted = effects.compactMap { effect -> [UInt8]? in
            if case .predict(_, let sequence) = effect { return sequence } else { return nil }
        }
        if let sequence = predicted.last { rebase(on: sequence) }
    }

    /// After an edit's predictions and map, the fast lane makes the edited sequence the reference
    /// of incremental prediction, so the next edit recomputes one window, not the span between
    /// it and every earlier edit (edits far apart would otherwise end in full passes). Costs one
    /// pass in idle time; an edit arriving meanwhile waits for it at most. The pass runs on one
    /// thread: it starts as the map is posted, and on both cores it delayed the run loop taking
    /// the map in (Basset at 1,000 nt, `seqlens benchmark --live`, four interleaved A/B runs:
    /// saliency after an edit p50 9.4–10.5 → 8.7–9.8 ms; a temporary probe put the map's post
    /// to the state at p50 0.3–1.4 → 0.2–0.3 ms).
    private func rebase(on sequence: [UInt8]) {
        let live = fastModel
        fast.submit(.rebase) { isCancelled in
            guard !isCancelled(), live.reference != sequence else { return }
            _ = try? live.setReference(sequence, threads: 1)
        }
    }

    /// - Parameter results: where results go (the second model's: `comparisonInbox`).
    private func perform(_ effect: Effect, postingTo results: Inbox? = nil) {
        let started = DispatchTime.now()
        let inbox = results ?? self.inbox
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6 }
        switch effect {
        case .setReference(let record, let sequence):
            let live = fastModel
            fast.submit(.reference) { _ in
                inbox.post(Self.attempt("predicting \(record)") { .referencePredicted(record: record, values: try live.setReference(sequence)) })
                if let bins = live.lastBinTrack { inbox.post(.referenceProfiled(record: record, values: bins)) }
            }
        case .predict(let version, let sequence):
            let live = fastModel
            fast.submit(.predictions) { isCancelled in
                guard !isCancelled() else { return }
                inbox.post(Self.attempt("predicting") { .predicted(version: version, values: try live.predict(sequence), milliseconds: elapsed()) })
                if let bins = live.lastBinTrack { inbox.post(.profiled(version: version, values: bins)) }
            }
        case .attribute(let version, let sequence, let method, let task):
            guard let settings = method.settings(task: task) else { return }
            let live = method.isSlow ? slowModel : fastModel, fast = self.fast
            (method.isSlow ? slow : fast).submit(.attribution) { isCancelled in
                guard !isCancelled() else { return }
                inbox.post(Self.attempt("computing \(method.title)") {
                    let check = method.isSlow ? Self.yielding(to: fast, isCancelled) : isCancelled
                    if method == .deepshap {
                        let result = try live.deepSHAP(sequence, settings: settings, isCancelled: check)
                        let convergence = Convergence(delta: result.convergence[0], difference: result.outputDifferences[0], flagged: result.flagged[0])
                        return .attributed(version: version, map: AttributionMap(method: method, task: task, values: result.attributions.scalars, convergence: convergence),
                                           milliseconds: elapsed())
                    }
                    let values = try live.attribution(sequence, settings: settings, isCancelled: check)
                    return .attributed(version: version, map: AttributionMap(method: method, task: task, values: values), milliseconds: elapsed())
                })
            }
        case .scanMotifs(let version, let sequence):
            guard let scanner else { return }
            fast.submit(.motifs) { isCancelled in
                guard !isCancelled() else { return }
                inbox.post(.motifsFound(version: version, hits: scanner.scan([SequenceRecord(id: "", sequence: sequence)]), milliseconds: elapsed()))
            }
        case .findSeqlets(let version, let sequence, let values):
            let finder = seqletFinder, alphabet = state.alphabet
            fast.submit(.seqlets) { isCancelled in
                guard !isCancelled() else { return }
                inbox.post(Self.attempt("finding seqlets") {
                    .seqletsFound(version: version, spans: try finder.spans(sequence: sequence, values: values, alphabet: alphabet), milliseconds: elapsed())
                })
            }
        case .findFilters:
            let model = self.model, finder = seqletFinder, length = state.sequence.count
            let sequences = state.records.map(\.sequence).filter { $0.count == length }
            slow.submit(.filters) { _ in
                do {
                    guard !sequences.isEmpty else { throw ExplorerError("the records differ in length from the model's input") }
                    inbox.post(.filterBrowser(.found(try FilterSummaries.compute(model: model, sequences: sequences, finder: finder))))
                } catch {
                    inbox.post(.filterBrowser(.unavailable("\(error)")))
                }
            }
        case .mutagenize(let version, let sequence, let first):
            let live = slowModel, fast = self.fast, alphabet = state.alphabet
            slow.submit(.mutagenesis) { isCancelled in
                // Waits before setting up too (the evaluators' buffers), not only between chunks:
                // the edit's predictions and map, asked for just before, come first.
                guard !Self.yielding(to: fast, isCancelled)() else { return }
                inbox.post(Self.attempt("computing ISM") {
                    // The positions on screen first, then the rest of the sequence on either side.
                    let whole = 0 ..< sequence.count
                    let windows = first == whole || first.isEmpty || live.model.mutatesNatively ? [whole]
                        : [first, 0 ..< first.lowerBound, first.upperBound ..< whole.upperBound].filter { !$0.isEmpty }
                    var deltas: [Float] = []
                    for (index, window) in windows.enumerated() {
                        let result = try live.mutagenesis(sequence, window: window, isCancelled: Self.yielding(to: fast, isCancelled))
                        Self.place(result.deltas, window: window, length: sequence.count, into: &deltas)
                        if index == 0 && windows.count > 1 {
                            let map = MutagenesisMap(deltas: deltas, centered: try Self.centered(deltas, sequence: sequence, alphabet: alphabet), positions: window)
                            inbox.post(.mutagenized(version: version, map: map, milliseconds: elapsed()))
                        }
                    }
                    let map = MutagenesisMap(deltas: deltas, centered: try Self.centered(deltas, sequence: sequence, alphabet: alphabet), positions: whole)
                    return .mutagenized(version: version, map: map, milliseconds: elapsed())
                })
            }
        case .mutagenizeWildType(let record, let sequence):
            let live = slowModel, fast = self.fast
            slow.submit(.wildType) { isCancelled in
                inbox.post(Self.attempt("computing the wild type's ISM") {
                    let result = try live.mutagenesis(sequence, isCancelled: Self.yielding(to: fast, isCancelled))
                    var deltas: [Float] = []
                    Self.place(result.deltas, window: 0 ..< sequence.count, length: sequence.count, into: &deltas)
                    return .wildTypeMutagenized(record: record, input: sequence, deltas: deltas)
                })
            }
        case .measureImportance(let version, let sequence, let site, let label, let positions):
            let live = slowModel, fast = self.fast
            slow.submit(.importance) { isCancelled in
                guard !isCancelled() else { return }
                inbox.post(Self.attempt("measuring global importance") {
                    let importance = try Self.motifImportance(sequence, site: site, model: live, label: label, positions: positions,
                                                              isCancelled: Self.yielding(to: fast, isCancelled))
                    return .importanceMeasured(version: version, importance: importance, milliseconds: elapsed())
                })
            }
        case .mapDependencies(let version, let sequence, let positions, let task, let cursor):
            let live = slowModel, fast = self.fast
            slow.submit(.dependencies) { isCancelled in
                guard !isCancelled() else { return }
                inbox.post(Self.attempt("computing the dependency map") {
                    let pane = try Self.mapDependencies(sequence, positions: positions, task: task, cursor: cursor, live: live,
                                                        isCancelled: Self.yielding(to: fast, isCancelled)) { pane in
                        inbox.post(.dependenciesMapped(version: version, pane: pane, milliseconds: elapsed()))
                    }
                    return .dependenciesMapped(version: version, pane: pane, milliseconds: elapsed())
                })
            }
        case .scoreVariants(let range):
            guard let variantScoring else { return }
            let taskNames = state.taskNames, threads = slowModel.threads
            // Chunk by chunk: the slow lane's ISM and maps of the record on screen run in between.
            slow.submit(.variants) { _ in inbox.post(variantScoring.score(range, taskNames: taskNames, threads: threads)) }
        case .useLogits(let on): useLogits(on)
        case .comparison(let work): performComparison(work)
        case .swapModels:
            guard comparisonEngines != nil else { return }
            swap(&engines, &comparisonEngines!)
            files.swapModels()
        case .computeLocus(let version, let sequence, let task):
            guard let scan = locusScan else { return }
            let model = slowModel.model
            slow.submit(.locus) { isCancelled in
                guard !isCancelled() else { return }
                inbox.post(Self.attempt("computing the locus tracks") {
                    let computed = try scan.update(sequence, task: task, model: model, progress: { done, total in
                        inbox.post(.locusProgress(version: version, done: done, total: total))
                    }, isCancelled: isCancelled)
                    return .locusComputed(version: version, tracks: LocusTracks(task: task, tilePredictions: scan.tilePredictions, attribution: scan.attribution,
                                                                                computedTiles: computed), milliseconds: elapsed())
                })
            }
        case .exportView:
            guard let figure = ViewFigure.make(state) else {
                inbox.post(.failed("the view has no map to write yet"))
                return
            }
            let url = files.nextView()
            inbox.post(Self.attempt("writing the view") {
                try figure.writeSVG(to: url)
                return .exported(summary: "wrote the view to \(url.path)")
            })
        case .save(let snapshot):
            let files = self.files, model = self.model, taskNames = state.taskNames, texts = self.texts
            slow.submit(.save) { _ in
                inbox.post(Self.attempt("saving") { try Self.save(snapshot, files: files, model: model, taskNames: taskNames, texts: texts) })
            }
        }
    }

    /// Switches both lanes to the logits' models (made the first time) or back to the output's.
    private func useLogits(_ on: Bool) {
        do {
            try engines.useLogits(on, length: state.window.inputLength)
        } catch {
            inbox.post(.failed("\(error)"))
        }
    }

    /// The second model's work on its own lanes (the engines trade places while it is handed
    /// out), its results posted as `Action.comparison`.
    private func performComparison(_ work: Effect) {
        guard comparisonEngines != nil, let length = state.comparisonWindow?.inputLength else { return }
        if case .useLogits(let on) = work {
            do { try comparisonEngines!.useLogits(on, length: length) } catch { comparisonInbox.post(.failed("\(error)")) }
            return
        }
        swap(&engines, &comparisonEngines!)
        defer { swap(&engines, &comparisonEngines!) }
        perform(work, postingTo: comparisonInbox)
        if case .predict(_, let sequence) = work { rebase(on: sequence) }
    }

    /// `seqlens explore --snapshot`: opens the view a `width` × `height` terminal would show,
    /// waits until every result it shows has arrived, and writes it as SVG (atomically) — no
    /// terminal needed. Throws an ExplorerError when a result fails or does not come in time.
    public func writeSnapshot(to url: URL, width: Int = 120, height: Int = 40, timeout: TimeInterval = 600) throws {
        send(.resize(width: width, height: height))
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !state.isViewComplete {
            guard inbox.wait(until: deadline) else {
                throw ExplorerError("--snapshot: the view's results did not arrive within \(Int(timeout)) s")
            }
            for action in inbox.drain() {
                if case .failed(let text) = action { throw ExplorerError("--snapshot: \(text)") }
                send(action)
            }
        }
        guard let figure = ViewFigure.make(state) else { throw ExplorerError("--snapshot: no map to draw") }
        do {
            try figure.writeSVG(to: url)
        } catch {
            throw ExplorerError("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// A slow job's cancellation check that first waits while the fast lane has work: between
    /// its chunks, ISM and IG leave the cores' caches and memory bandwidth to the fast lane's
    /// predictions and map (Basset at 1,000 nt, bench/live.py: saliency p99 35 → 28 ms, p50
    /// unchanged at 22 ms, its single-thread cost; measured before the slow lane used both cores).
    private static func yielding(to lane: BackgroundLane, _ isCancelled: @escaping @Sendable () -> Bool) -> () -> Bool {
        {
            while !isCancelled() && !lane.waitUntilIdle(timeout: 0.05) {}
            return isCancelled()
        }
    }

    /// The dependency map of `positions` in blocks of a few positions, the block nearest the
    /// cursor first; `post` gets the map so far after each block but the last, which is returned.
    private static func mapDependencies(_ sequence: [UInt8], positions: Range<Int>, task: Int, cursor: Int, live: LiveModel,
                                        isCancelled: @escaping () -> Bool, post: (DependencyPane) -> Void) throws -> DependencyPane {
        let map = DependencyMap(model: live.model, task: task, batchSize: live.mutagenesisBatchSize, threads: live.threads)
        let blockWidth = 8
        let blocks = stride(from: positions.lowerBound, to: positions.upperBound, by: blockWidth)
            .map { $0 ..< min(positions.upperBound, $0 + blockWidth) }
            .sorted { abs(($0.lowerBound + $0.upperBound) / 2 - cursor) < abs(($1.lowerBound + $1.upperBound) / 2 - cursor) }
        let width = positions.count
        var pane = DependencyPane(positions: positions, task: task, values: [Float](repeating: 0, count: width * width), computed: [])
        for (index, block) in blocks.enumerated() {
            let result = try map.run(sequence, window: block, isCancelled: isCancelled)
            for j in positions {
                for i in block {
                    pane.values[(j - positions.lowerBound) * width + i - positions.lowerBound] = result.positions[j * block.count + i - block.lowerBound]
                }
            }
            pane.computed.formUnion(block.map { $0 - positions.lowerBound })
            if index < blocks.count - 1 { post(pane) }
        }
        return pane
    }

    /// Writes ISM effects of a window, (1, A, W, T), into the whole sequence's (A, L, T).
    static func place(_ window: Tensor<Float>, window positions: Range<Int>, length: Int, into deltas: inout [Float]) {
        let letters = window.shape[1], width = window.shape[2], tasks = window.shape[3]
        if deltas.isEmpty { deltas = [Float](repeating: 0, count: letters * length * tasks) }
        for letter in 0 ..< letters {
            let source = letter * width * tasks, target = (letter * length + positions.lowerBound) * tasks
            deltas.replaceSubrange(target ..< target + width * tasks, with: window.scalars[source ..< source + width * tasks])
        }
    }

    /// The ISM-derived map of every task from effects (A, L, T), here in the background so the
    /// screen only looks it up: each (position, task) column is one of `ISMAttribution.centered`'s.
    static func centered(_ deltas: [Float], sequence: [UInt8], alphabet: Alphabet) throws -> [Float] {
        let letters = alphabet.size, columns = deltas.count / max(1, letters)
        let tasks = columns / max(1, sequence.count)
        let oneHot = try OneHot.encode([sequence], alphabet: alphabet, layout: .channelsFirst)
        let perTask = oneHot.flatMap { repeatElement($0, count: tasks) }
        return ISMAttribution.centered(Tensor(shape: [1, letters, columns], scalars: deltas),
                                       oneHot: Tensor(shape: [1, letters, columns], scalars: perTask)).scalars
    }

    /// The action `work` produces, `.failed` with one line when it throws, nil when cancelled.
    private static func attempt(_ what: String, _ work: () throws -> Action) -> Action? {
        do {
            return try work()
        } catch is CancellationError {
            return nil
        } catch {
            return .failed("error \(what): \(error)")
        }
    }

    /// Writes the edited FASTA, the mutation log and the session file, each atomically.
    static func save(_ snapshot: SessionSnapshot, files: SessionFiles, model: SequenceModel, taskNames: [String], texts: [FASTARecordText?]) throws -> Action {
        let edited = SessionExport.editSteps(snapshot)
        let predictions = try edited.map { edits -> [(before: [Float], after: [Float])] in
            let output = try model.predict(edits.steps.flatMap { [$0.before, $0.after] })
            let tasks = output.count / max(1, 2 * edits.steps.count)
            let row = { (index: Int) in Array(output.scalars[index * tasks ..< (index + 1) * tasks]) }
            return edits.steps.indices.map { (before: row(2 * $0), after: row(2 * $0 + 1)) }
        }
        let session = SessionFile(files: files, relativeTo: files.session, snapshot: snapshot)
        try Data(SessionExport.fasta(snapshot, texts: texts)).write(to: files.fasta, options: .atomic)
        try Data(SessionExport.mutationLog(snapshot, taskNames: taskNames, predictions: predictions).utf8).write(to: files.mutationLog, options: .atomic)
        try session.encoded().write(to: files.session, options: .atomic)
        let edits = edited.reduce(0) { $0 + $1.steps.count }
        return .saved(summary: "saved \(edits) edit\(edits == 1 ? "" : "s") to \(files.fasta.lastPathComponent), \(files.mutationLog.lastPathComponent), \(files.session.lastPathComponent)",
                      histories: snapshot.histories)
    }

    /// `path` relative to the folder of `file` when it lies inside it, else absolute.
    static func relative(_ path: String, to file: URL) -> String {
        let folder = file.deletingLastPathComponent().standardizedFileURL.path
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return absolute.hasPrefix(folder + "/") ? String(absolute.dropFirst(folder.count + 1)) : absolute
    }
}

/// Results waiting for the run loop, posted from the lanes.
final class Inbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var actions: [Action] = []
    private var _wake: (@Sendable () -> Void)?
    /// Where this inbox passes its actions on, changed by `wrap` (nil: it keeps them).
    private let forward: (target: Inbox, wrap: @Sendable (Action) -> Action)?

    init() { forward = nil }

    init(forwardingTo target: Inbox, wrap: @escaping @Sendable (Action) -> Action) { forward = (target, wrap) }

    var wake: (@Sendable () -> Void)? {
        get { condition.lock(); defer { condition.unlock() }; return _wake }
        set { condition.lock(); _wake = newValue; condition.unlock() }
    }

    func post(_ action: Action?) {
        guard let action else { return }
        if let forward { return forward.target.post(forward.wrap(action)) }
        condition.lock()
        actions.append(action)
        let wake = _wake
        condition.broadcast()
        condition.unlock()
        wake?()
    }

    var isEmpty: Bool {
        condition.lock()
        defer { condition.unlock() }
        return actions.isEmpty
    }

    func drain() -> [Action] {
        condition.lock()
        defer { condition.unlock() }
        let drained = actions
        actions = []
        return drained
    }

    func wait(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while actions.isEmpty {
            if !condition.wait(until: deadline) { return !actions.isEmpty }
        }
        return true
    }
}
