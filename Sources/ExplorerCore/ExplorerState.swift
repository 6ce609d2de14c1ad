import Genomics
import Rendering

/// The attribution maps the explorer cycles through with `m`.
public enum ExplorerMethod: String, CaseIterable, Codable, Sendable {
    case saliency
    case correctedSaliency = "corrected-saliency"
    case gradientTimesInput = "grad-input"
    case smoothGrad = "smoothgrad"
    case integratedGradients = "ig"
    /// tangermeme's ISM attribution: the effects mean-centred over the alphabet, at the present base.
    case ismDerived = "ism"
    /// DeepLIFT's rescale rule averaged over dinucleotide-shuffled references, with its convergence check.
    case deepshap

    /// As the header shows it.
    public var title: String {
        switch self {
        case .saliency: return "saliency"
        case .correctedSaliency: return "corrected saliency"
        case .gradientTimesInput: return "grad×input"
        case .smoothGrad: return "SmoothGrad"
        case .integratedGradients: return "integrated gradients"
        case .ismDerived: return "ISM-derived"
        case .deepshap: return "DeepSHAP"
        }
    }

    /// Slow methods run on the background lane with ISM so they never delay predictions.
    public var isSlow: Bool { self == .integratedGradients || self == .smoothGrad || self == .deepshap }
}

/// A value computed in the background for one version of the sequence.
public struct Computed<Value: Sendable & Equatable>: Sendable, Equatable {
    public var version: Int
    public var value: Value
    /// Wall time from the request to the result.
    public var milliseconds: Double

    public init(version: Int, value: Value, milliseconds: Double) {
        self.version = version
        self.value = value
        self.milliseconds = milliseconds
    }
}

/// Saturation mutagenesis of the model's input (the window of the track it sees; see
/// RecordCoordinates.swift): deltas (A, L, T), f(mutant) − f(sequence), and the
/// ISM-derived attribution computed from them with the effects (tangermeme's mean-centred ISM at
/// the present base, same layout), of which `positions` belong to the version the map is stamped
/// with; the rest, while the visible window is computed first, still show the previous version's.
public struct MutagenesisMap: Sendable, Equatable {
    public var deltas: [Float]
    public var centered: [Float]
    public var positions: Range<Int>

    public init(deltas: [Float], centered: [Float], positions: Range<Int>) {
        self.deltas = deltas
        self.centered = centered
        self.positions = positions
    }
}

/// An attribution map of the model's input, (A, L) letter-major, and what it was computed for.
public struct AttributionMap: Sendable, Equatable {
    public var method: ExplorerMethod
    public var task: Int
    public var values: [Float]
    /// DeepSHAP's convergence check (nil for other methods).
    public var convergence: Convergence?

    public init(method: ExplorerMethod, task: Int, values: [Float], convergence: Convergence? = nil) {
        self.method = method
        self.task = task
        self.values = values
        self.convergence = convergence
    }
}

/// One record's edits: undo groups in the order applied, and the groups undone since (for redo).
/// A group is one key press, or one whole replace-mode run (undone at once, as in vim).
public struct EditHistory: Sendable, Equatable {
    public var applied: [[Substitution]] = []
    public var undone: [[Substitution]] = []

    public init(applied: [[Substitution]] = [], undone: [[Substitution]] = []) {
        self.applied = applied
        self.undone = undone
    }

    /// The reference with every applied substitution, in order.
    public func apply(to reference: [UInt8]) -> [UInt8] {
        var sequence = reference
        for substitution in applied.joined() { sequence[substitution.position] = substitution.alternative }
        return sequence
    }
}

/// What the keyboard currently means.
public enum Mode: Sendable, Equatable {
    case normal
    /// vim's `R`: bases overwrite successive positions until Esc.
    case replace
    /// A one-line prompt at the bottom: `:` position or `/` pattern.
    case prompt(PromptKind, text: String)
    case help
    /// `q` with unsaved edits: save, discard or stay.
    case confirmQuit
    /// `g`: a filtered list of the records to open one.
    case pickRecord(RecordPicker)
    /// `F`: the first-layer filters, listed from filter `first`.
    case browseFilters(first: Int)
    /// `b`: the best next edits by their ISM effect, one of them selected.
    case suggestEdits(EditSuggestions)
    /// `P`: the TF-MoDISco patterns given with --modisco.
    case browsePatterns(ModiscoBrowser)
    /// `V`: the variants of --vcf (VariantBrowser.swift).
    case browseVariants(VariantBrowser)
}

public enum PromptKind: String, Sendable, Equatable {
    case jump = ":"
    case search = "/"
    /// `I`: a motif's id or name, whose consensus is written at the cursor (MotifInsertion.swift).
    case insertMotif = "motif "
    /// `=`: residues (or bases) written from the cursor, for letters that are keys in normal mode (Epistasis.swift).
    case change = "change to "
}

/// The effect of the last edit on the selected task, shown in the status line.
public struct EditEffect: Sendable, Equatable {
    public var substitution: Substitution
    public var task: Int
    public var before: Float
    public var after: Float
}

/// Everything the explorer shows and remembers; changed only by `update` (see Update.swift).
public struct ExplorerState: Sendable {
    // What was loaded.
    public let modelName: String
    public let alphabet: Alphabet
    public let taskNames: [String]
    /// The records as read: their own positions are what the user sees (RecordCoordinates.swift).
    public let records: [SequenceRecord]
    /// Each record's track in upper case (its bases with the model's padding around them), kept
    /// so no keypress maps a whole sequence again.
    let references: [[UInt8]]
    /// Where each record lies in the model's input as fitted at start (`--pad`, `--crop`).
    public let fittedWindows: [ModelWindow]
    /// Where each record lies in the model's input now: a record longer than the model has its
    /// window slid along it to follow the cursor.
    public internal(set) var windows: [ModelWindow]
    /// Intervals per record id, drawn on the annotation row.
    public let annotations: [String: [Annotation]]
    /// Whether motif hits are scanned on every version of the sequence (`--motifs`).
    public let scansMotifs: Bool
    /// The scanned motifs (`MotifSite.motifIndex` indexes them): their logos beside the map, and
    /// their consensus for `I`. `ExplorerApp` sets them from its scanner.
    public var motifs: [Motif] = []
    /// Letter and heatmap colours and the terminal's background (`--scheme`, `--background`).
    public let theme: Theme

    // Sequence and edits.
    public internal(set) var histories: [EditHistory]
    public internal(set) var recordIndex = 0
    /// The current record with its edits applied.
    public internal(set) var sequence: [UInt8]
    /// Increases with every change of `sequence` (edit, undo, redo, reset, another record);
    /// background results carry the version they were computed for.
    public internal(set) var version = 0
    /// The version the current record was shown at: older results belong to another record.
    var recordVersion = 0
    /// Reference predictions asked for and not yet delivered, per record: after the window
    /// slides twice, the first window's reference must not pass for the second's.
    var awaitedReferences: [Int: Int] = [:]
    /// The histories as last saved (or loaded): what "unsaved" is measured against.
    var savedHistories: [EditHistory]

    // View.
    public internal(set) var cursor = 0
    /// First position on screen.
    public internal(set) var viewStart = 0
    public internal(set) var zoom = Zoom()
    public internal(set) var task = 0
    /// Until the user picks a task, each record opens on the task it scores highest.
    public var followsTopTask = true
    /// Until the user moves, each record opens centred on its most informative region.
    public var opensOnInformativeRegion = true
    /// That region of the current record: its first annotation, else, once a map arrives, the
    /// position of the largest attribution; nil until known.
    var informativeRegion: Range<Int>?
    public internal(set) var method = ExplorerMethod.saliency
    /// The model's output is a probability (a final Sigmoid or Softmax): saturated values are
    /// marked, and `x` switches to the logits before it.
    public var outputsProbabilities = false
    /// Predictions, maps and ISM are of the logits (`--logits`, `x`).
    public var showsLogits = false
    /// Predictions sorted by |Δ| (largest first) instead of the model's order.
    public internal(set) var sortsPredictions = false
    public internal(set) var mode = Mode.normal
    /// TF-MoDISco results to browse (`--modisco`); see ModiscoBrowser.swift.
    public internal(set) var modisco: ModiscoCatalog?
    /// The variants of `--genome G.fa --vcf calls.vcf`, one per record (VariantBrowser.swift).
    public internal(set) var variants: VariantList?
    /// The first line of the help overlay on screen.
    public internal(set) var helpScroll = 0
    public internal(set) var screenWidth = 80
    public internal(set) var screenHeight = 24

    // Results.
    /// Reference predictions per record index.
    public internal(set) var referencePredictions: [Int: [Float]] = [:]
    public internal(set) var predictions: Computed<[Float]>?
    public internal(set) var attribution: Computed<AttributionMap>?
    /// Saturation mutagenesis of the current sequence (see `MutagenesisMap`).
    public internal(set) var mutagenesis: Computed<MutagenesisMap>?
    /// Motif hits on the current sequence, one per window and motif (`MotifSite.betterStrandPerWindow`),
    /// drawn with the annotations: an edit that breaks a site removes its hit.
    public internal(set) var motifHits: Computed<[MotifSite]>?
    /// Seqlets of the attribution map, drawn with the annotations while `showsSeqlets` (see Seqlets.swift).
    public internal(set) var seqlets: Computed<[SeqletSpan]>?
    public internal(set) var showsSeqlets = false
    /// First-layer filters of the model on the loaded records (see FilterBrowser.swift); nil until computed.
    public internal(set) var filters: [FilterSummary]?
    var filtersRequested = false
    /// The global importance of a hit, when asked for (`i`, MotifImportance.swift).
    public internal(set) var motifImportance: Computed<MotifImportance>?
    /// `D`: the dependency map of the positions on screen in place of the logo (DependencyPane.swift).
    public internal(set) var showsDependencies = false
    public internal(set) var dependencies: Computed<DependencyPane>?
    var requestedDependencies: DependencyRequest?
    public internal(set) var lastEdit: EditEffect?
    /// A second model drawn under this one (Comparison.swift); nil with one model.
    public internal(set) var comparison: ComparisonModel?
    /// The guided tour being given (`seqlens demo`), nil outside one (TourProgress.swift).
    public internal(set) var tour: TourProgress?
    /// A target's bins as a track (a BPNet profile); set before the explorer starts, nil for
    /// models whose target is one value.
    public var profileTrack: ProfileTrack?
    /// `--locus`: the record is a locus the model is tiled along (Locus.swift); nil otherwise.
    public internal(set) var locus: LocusView?
    /// A protein family's logo (a Potts model or PSSM), in place of the attribution map while
    /// `showsFamilyLogo` (FamilyLogo.swift).
    public internal(set) var familyLogo: FamilyLogo?
    public internal(set) var showsFamilyLogo = false
    /// ISM of each record's unedited input, what the edits' epistasis is measured against, and
    /// the inputs asked for (Epistasis.swift).
    public internal(set) var wildTypeMutagenesis: [Int: WildTypeMutagenesis] = [:]
    var requestedWildTypes: [Int: [UInt8]] = [:]
    /// `w`: the heatmap shows the ISM map now minus the wild type's.
    public internal(set) var showsEpistasis = false
    /// The last replace-mode run or paste, summed up in the status line (see EditRuns.swift).
    public internal(set) var lastRun: EditRun?
    /// The predictions a replace-mode run started from, while it is open.
    var runBefore: [Float]?
    /// The predictions an edit started from, until the new ones arrive.
    var pendingEdit: (substitution: Substitution, before: [Float])?

    // Search.
    public internal(set) var searchPattern: IUPACPattern?
    public internal(set) var searchHits: [Int] = []

    /// A one-line note in the status area (saved files, errors, hints, start-up warnings);
    /// cleared by the next key.
    public var message: String?
    /// Messages waiting for the line, one per key (see `showMessages`).
    var queuedMessages: [String] = []
    public internal(set) var isFinished = false
    /// `e` was pressed while results were outstanding: the view is written once they are in.
    public internal(set) var exportPending = false
    /// Advances while background work is outstanding, to animate the progress indicator.
    public internal(set) var tick = 0

    /// - Parameter windows: where each record lies in a fixed-length model's input; nil: each
    ///   record is the input as it is.
    public init(modelName: String, alphabet: Alphabet, taskNames: [String], records: [SequenceRecord],
                windows: [ModelWindow]? = nil, annotations: [String: [Annotation]] = [:], scansMotifs: Bool = false, theme: Theme = .terminal) {
        precondition(!records.isEmpty, "the explorer needs at least one record")
        let windows = windows ?? records.map { .whole($0.length) }
        precondition(windows.map(\.recordLength) == records.map(\.length), "one window per record, of its length")
        fittedWindows = windows
        self.windows = windows
        self.modelName = modelName
        self.alphabet = alphabet
        self.taskNames = taskNames
        self.records = records
        self.annotations = annotations
        self.scansMotifs = scansMotifs
        self.theme = theme
        histories = Array(repeating: EditHistory(), count: records.count)
        savedHistories = histories
        references = zip(records, windows).map { Self.track(of: $0.sequence.map(BaseCase.uppercased), window: $1) }
        sequence = references[0]
        // On the first base the model sees (past the padding, at the start of a cropped window).
        cursor = windows[0].recordPositions.lowerBound + windows[0].leftPadding
    }

    public var record: SequenceRecord { records[recordIndex] }
    /// Positions on the track: the record and the model's padding around it.
    public var length: Int { sequence.count }
    /// The current record's reference bases, upper case.
    public var reference: [UInt8] { references[recordIndex] }

    /// Records whose edits differ from the last save; undoing back to it leaves nothing unsaved.
    public var unsavedRecords: Int {
        histories.indices.filter { histories[$0].applied != savedHistories[$0].applied }.count
    }

    /// Positions whose base differs from the reference.
    public var mutatedPositions: Set<Int> {
        let reference = self.reference
        return Set(sequence.indices.filter { sequence[$0] != reference[$0] })
    }

    /// True when the shown map or heatmap belongs to an older sequence, method or task.
    public var isAttributionStale: Bool {
        if showsFamilyLogo { return false }
        if method == .ismDerived { return isMutagenesisStale }
        guard let attribution else { return true }
        return attribution.version != version || attribution.value.method != method || attribution.value.task != task
    }

    /// True until every position's effects belong to the current sequence.
    public var isMutagenesisStale: Bool { mutagenesis?.version != version || mutagenesis?.value.positions != 0 ..< window.inputLength }
    public var arePredictionsStale: Bool { predictions?.version != version }
    public var isBusy: Bool { showsLocus ? isLocusStale : arePredictionsStale || isAttributionStale || isMutagenesisStale || isComparisonBusy }


}
