import Genomics
import Interactive
import Rendering

/// Everything that can change the explorer's state: what the user asked for (from the key map)
/// and what background work delivered.
public enum Action: Sendable, Equatable {
    // Moving.
    case move(by: Int)
    case page(by: Int)
    case moveToStart, moveToEnd
    case moveTo(position: Int)
    /// A click at a screen cell; it moves the cursor when it lands on a track.
    case click(x: Int, y: Int)
    /// The mouse wheel: scrolls the view by a few positions per notch (negative: towards the start).
    case scroll(by: Int)
    case resize(width: Int, height: Int)

    // Editing.
    /// Puts a base (ASCII, any case) at the cursor; in replace mode, also moves right.
    case mutate(base: UInt8)
    case enterReplaceMode
    /// Backspace in replace mode: restores the base before the cursor.
    case replaceBackspace
    case undo, redo, resetRecord
    /// Text pasted (or a burst of typed bases): overwrites from the cursor as one undo group; in a
    /// prompt, typed into it.
    case paste(String)

    // Browsing.
    case nextRecord, previousRecord
    case nextTask, previousTask
    /// Back to following each record's top-scoring task.
    case followTopTask
    case cycleMethod
    /// Predictions, maps and ISM of the pre-activation output (logits) or of the model's output.
    case toggleLogits
    case zoomIn, zoomOut
    case toggleSort
    case toggleHelp
    /// Scrolls the help overlay by lines (it lists more keys than a small screen shows).
    case scrollHelp(by: Int)

    // Prompts and search.
    case openPrompt(PromptKind)
    case promptInput(Character)
    case promptBackspace
    case promptSubmit
    /// Esc: leaves replace mode, a prompt, the help or the quit question.
    case cancel
    case nextHit, previousHit
    /// `i`: the global importance of the motif hit under the cursor (MotifImportance.swift).
    case globalImportance
    /// The `g` record picker: open, filter, select, open the selected record.
    case recordPicker(RecordPickerAction)
    case filterBrowser(FilterBrowserAction)
    /// The `b` pane of the best next edits: open, select, apply (see EditSuggestions.swift).
    case editSuggestions(EditSuggestionsAction)
    /// The `P` browser of TF-MoDISco patterns.
    case modiscoBrowser(ModiscoBrowserAction)
    /// A guided tour's next, back and leave (TourProgress.swift).
    case tour(TourAction)
    /// The `V` list of variants (--vcf) and their scores; `v` switches the record between REF and ALT.
    case variantBrowser(VariantBrowserAction)
    case toggleVariantAllele
    /// `w`: the ISM heatmap now, or now minus the wild type's (the edits' epistasis; Epistasis.swift).
    case toggleEpistasis

    // Saving and quitting.
    case save
    case quit
    /// In the quit question: leave without saving.
    case discardAndQuit
    /// The files are written; `histories` are the edits they hold.
    case saved(summary: String, histories: [EditHistory])
    /// Write the view as SVG once all its results are in (see ViewExport.swift).
    case exportView
    /// The view's SVG is written.
    case exported(summary: String)

    // Background results.
    case referencePredicted(record: Int, values: [Float])
    case predicted(version: Int, values: [Float], milliseconds: Double)
    /// A target's bins (`ProfileTrack`): of a record's reference, and of the current sequence.
    case referenceProfiled(record: Int, values: [Float])
    case profiled(version: Int, values: [Float])
    case attributed(version: Int, map: AttributionMap, milliseconds: Double)
    /// ISM effects (A, L, T) and the ISM-derived map from them, of which `positions` are new
    /// (the visible window comes first).
    case mutagenized(version: Int, map: MutagenesisMap, milliseconds: Double)
    /// `FIMOScanner`'s sites on that version of the sequence, both strands (the state keeps the
    /// better strand per window).
    case motifsFound(version: Int, hits: [MotifSite], milliseconds: Double)
    /// ISM effects (A, L, T) of a record's unedited model input `input`.
    case wildTypeMutagenized(record: Int, input: [UInt8], deltas: [Float])
    case toggleSeqlets
    case seqletsFound(version: Int, spans: [SeqletSpan], milliseconds: Double)
    case importanceMeasured(version: Int, importance: MotifImportance, milliseconds: Double)
    /// The dependency map of the positions on screen, whole or as far as it is computed.
    case dependenciesMapped(version: Int, pane: DependencyPane, milliseconds: Double)
    case toggleDependencies
    /// The second model's result (`seqlens explore M1 M2 FASTA`; see Comparison.swift).
    indirect case comparison(Action)
    /// `M`: the second model becomes the primary and the first the second.
    case swapModels
    /// `O`: the locus view or the normal panes of the model's window at the cursor (Locus.swift).
    case toggleLocus
    /// The tiled model's tracks of that version of the locus, and the progress of computing them.
    case locusComputed(version: Int, tracks: LocusTracks, milliseconds: Double)
    case locusProgress(version: Int, done: Int, total: Int)
    case failed(String)
    /// Time passes while work is outstanding (animates the progress indicator).
    case tick
}

/// Work `update` asks the runtime to do; results come back as actions.
public enum Effect: Sendable, Equatable {
    /// Make `sequence` the reference of incremental prediction and report its predictions.
    case setReference(record: Int, sequence: [UInt8])
    case predict(version: Int, sequence: [UInt8])
    case attribute(version: Int, sequence: [UInt8], method: ExplorerMethod, task: Int)
    /// Every substitution's effect; `first` (the positions on screen) is computed and reported first.
    case mutagenize(version: Int, sequence: [UInt8], first: Range<Int>)
    /// Every substitution's effect on a record's unedited input, reported as `.wildTypeMutagenized`.
    case mutagenizeWildType(record: Int, sequence: [UInt8])
    case scanMotifs(version: Int, sequence: [UInt8])
    /// Seqlets of an attribution map (`values`, (A, L) letter-major) of `sequence`.
    case findSeqlets(version: Int, sequence: [UInt8], values: [Float])
    /// The first-layer filters on the loaded records, for the filter browser.
    case findFilters
    /// The GI of the bases at `site` (input columns) in dinucleotide shuffles of `sequence`;
    /// `label` and `positions` (track) name the hit in the result.
    case measureImportance(version: Int, sequence: [UInt8], site: Range<Int>, label: String, positions: Range<Int>)
    /// The dependency map of `positions` (input columns) for `task`, those nearest `cursor` first.
    case mapDependencies(version: Int, sequence: [UInt8], positions: Range<Int>, task: Int, cursor: Int)
    /// From now on compute everything from the logits (true) or the model's output (false).
    case useLogits(Bool)
    /// The locus tracks of `sequence` (the whole locus): the tiles it changes, for `task`.
    case computeLocus(version: Int, sequence: [UInt8], task: Int)
    case save(SessionSnapshot)
    /// Write the view as it is now as SVG.
    case exportView
    /// The same work for the second model (Comparison.swift); its results come back as `Action.comparison`.
    indirect case comparison(Effect)
    /// The models trade places: the runtime swaps their engines before the work that follows.
    case swapModels
    /// Score these variants (GenomicVariantScorer); results come back as `.variantBrowser(.scored)`.
    case scoreVariants(Range<Int>)
}
