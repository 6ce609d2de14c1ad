import Genomics
import Rendering

extension ExplorerState {
    /// The work to start with: reference, predictions and maps of the first record.
    public mutating func start() -> [Effect] {
        followCursor()
        findInformativeRegion()
        _ = moveWindowToCursor()
        // Without an informative region, a padded or cropped record opens on the first base the
        // model sees (the first resize keeps a margin before it), not on padding or outside the window.
        if informativeRegion == nil, window.padding > 0 || window.slides { viewStart = cursor }
        return mirrored(awaiting([.setReference(record: recordIndex, sequence: referenceInput)] + requestResults())) + scoreVariants(from: 0)
    }

    /// Applies one action and returns the work it calls for (the Elm architecture's update).
    public mutating func update(_ action: Action) -> [Effect] {
        guard isLatestReference(action) else { return [] }
        let effects = apply(action) + slideWindowToCursor()
        let dependencies = requestDependencies() + requestWildType()
        followTour()
        return mirrored(awaiting(effects + dependencies + exportWhenComplete()))
    }

    private mutating func apply(_ action: Action) -> [Effect] {
        if action.isUserInput { nextMessage() }
        if action.movesTheView { opensOnInformativeRegion = false }
        switch action {
        case .move(let offset): moveCursor(to: cursor + offset)
        case .page(let pages): page(by: pages)
        case .moveToStart: moveCursor(to: 0)
        case .moveToEnd: moveCursor(to: length - 1)
        case .moveTo(let position): moveCursor(to: position)
        case .click(let x, let y): click(x: x, y: y)
        case .scroll(let notches): scrollView(by: notches)
        case .resize(let width, let height):
            screenWidth = width
            screenHeight = height
            followCursor()
            placeOnInformativeRegion()

        case .mutate(let base): return mutate(base)
        case .enterReplaceMode:
            mode = .replace
            histories[recordIndex].applied.append([])
            runBefore = currentPredictions
        case .paste(let text): return paste(text)
        case .replaceBackspace: return replaceBackspace()
        case .undo: return undo()
        case .redo: return redo()
        case .resetRecord: return resetRecord()

        case .nextRecord: return showRecord(recordIndex + 1)
        case .previousRecord: return showRecord(recordIndex - 1)
        case .nextTask: return selectTask(task + 1)
        case .previousTask: return selectTask(task - 1)
        case .followTopTask: return followTopTask()
        case .cycleMethod: return cycleMethod()
        case .toggleLogits: return toggleLogits()
        case .zoomIn: stepZoom(inwards: true)
        case .zoomOut: stepZoom(inwards: false)
        case .toggleSort: sortsPredictions.toggle()
        case .toggleHelp:
            mode = mode == .help ? .normal : .help
            helpScroll = 0
        case .scrollHelp(let lines): helpScroll = max(0, min(helpLines.count - 1, helpScroll + lines))

        case .openPrompt(let kind): mode = .prompt(kind, text: "")
        case .promptInput(let character):
            if case .prompt(let kind, let text) = mode { mode = .prompt(kind, text: text + String(character)) }
        case .promptBackspace:
            if case .prompt(let kind, let text) = mode {
                mode = text.isEmpty ? .normal : .prompt(kind, text: String(text.dropLast()))
            }
        case .promptSubmit: return submitPrompt()
        case .cancel: cancel()
        case .nextHit: jumpToHit(forward: true)
        case .previousHit: jumpToHit(forward: false)
        case .recordPicker(let action): return updateRecordPicker(action)
        case .filterBrowser(let action): return updateFilterBrowser(action)
        case .editSuggestions(let action): return updateEditSuggestions(action)
        case .globalImportance: return requestImportance()
        case .importanceMeasured(let version, let importance, let milliseconds):
            receiveImportance(version: version, importance: importance, milliseconds: milliseconds)
        case .modiscoBrowser(let action): return updateModiscoBrowser(action)
        case .tour(let action): updateTour(action)
        case .variantBrowser(let action): return updateVariantBrowser(action)
        case .toggleVariantAllele: return toggleVariantAllele()
        case .toggleEpistasis: return toggleEpistasis()
        case .wildTypeMutagenized(let record, let input, let deltas): receiveWildType(record: record, input: input, deltas: deltas)

        case .save: return [.save(snapshot)]
        case .exportView: return requestExport()
        case .exported(let summary): message = summary
        case .quit:
            if mode == .confirmQuit || unsavedRecords == 0 { isFinished = true } else { mode = .confirmQuit }
        case .discardAndQuit: isFinished = true
        case .saved(let summary, let saved):
            savedHistories = Self.shifted(saved, windows: windows, by: 1)  // saved in record positions
            message = summary
            if mode == .confirmQuit { isFinished = true }

        case .referencePredicted(let record, let values):
            referencePredictions[record] = values
            if followsTopTask, record == recordIndex, let top = values.indices.max(by: { values[$0] < values[$1] }), top != task,
               taskNames.indices.contains(top) {
                task = top
                return requestAttribution()
            }
        case .predicted(let version, let values, let milliseconds):
            guard version >= max(recordVersion, predictions?.version ?? -1) else { break }
            predictions = Computed(version: version, value: values, milliseconds: milliseconds)
            if version == self.version, let pending = pendingEdit, pending.before.indices.contains(task), values.indices.contains(task) {
                lastEdit = EditEffect(substitution: pending.substitution, task: task, before: pending.before[task], after: values[task])
                pendingEdit = nil
            }
            if version == self.version { settleRun(predictions: values) }
        case .referenceProfiled(let record, let values): receiveReferenceProfile(record: record, values: values)
        case .profiled(let version, let values): receiveProfile(version: version, values: values)
        case .attributed(let version, let map, let milliseconds):
            guard version >= max(recordVersion, attribution?.version ?? -1) else { break }
            attribution = Computed(version: version, value: map, milliseconds: milliseconds)
            if method == map.method { placeOnLargestAttribution(map.values) }
            return seqletRequest()
        case .mutagenized(let version, let map, let milliseconds):
            guard version >= max(recordVersion, mutagenesis?.version ?? -1) else { break }
            let whole = 0 ..< window.inputLength
            if let current = mutagenesis, current.version == version, current.value.positions == whole, map.positions != whole { break }
            // Outside a first window the previous version's effects stay, dimmed, until the rest arrives.
            var merged = map
            if map.positions != whole, let previous = mutagenesis?.value, previous.deltas.count == map.deltas.count {
                merged.deltas = previous.deltas
                merged.centered = previous.centered
                let columns = window.inputLength, perPosition = map.deltas.count / max(1, alphabet.size * columns)
                for letter in 0 ..< alphabet.size {
                    let start = (letter * columns + map.positions.lowerBound) * perPosition
                    let end = (letter * columns + map.positions.upperBound) * perPosition
                    merged.deltas.replaceSubrange(start ..< end, with: map.deltas[start ..< end])
                    merged.centered.replaceSubrange(start ..< end, with: map.centered[start ..< end])
                }
            }
            mutagenesis = Computed(version: version, value: merged, milliseconds: milliseconds)
            captureWildType(merged, version: version)
            if method == .ismDerived, map.positions == whole, let centered = taskSlice(merged.centered) { placeOnLargestAttribution(centered) }
        case .toggleDependencies: return toggleDependencies()
        case .toggleLocus: return toggleLocus()
        case .locusComputed(let version, let tracks, let milliseconds): receiveLocus(version: version, tracks: tracks, milliseconds: milliseconds)
        case .locusProgress(let version, let done, let total): receiveLocusProgress(version: version, done: done, total: total)
        case .dependenciesMapped(let version, let pane, let milliseconds): receiveDependencies(version: version, pane: pane, milliseconds: milliseconds)
        case .motifsFound(let version, let hits, let milliseconds):
            guard version >= max(recordVersion, motifHits?.version ?? -1) else { break }
            motifHits = Computed(version: version, value: MotifSite.betterStrandPerWindow(hits), milliseconds: milliseconds)
        case .toggleSeqlets: return toggleSeqlets()
        case .seqletsFound(let version, let spans, let milliseconds): receiveSeqlets(version: version, spans: spans, milliseconds: milliseconds)
        case .comparison(let result): receiveComparison(result)
        case .swapModels: return swapModels()
        case .failed(let text):
            message = text
            if mode == .confirmQuit { mode = .normal }
        case .tick:
            tick += 1
        }
        return []
    }

    // MARK: - Cursor and view

    package var layout: ExplorerLayout? {
        ExplorerLayout(width: screenWidth, height: screenHeight, tasks: taskNames.count, annotationRows: annotationRows, profileRows: profileRows, comparing: comparison != nil,
                       letters: alphabet.size)
    }

    /// Rows the annotation track needs for the current record: the lanes of overlapping
    /// intervals, as the track packs them (the layout draws at most a few); with motif scanning
    /// at least two, so the layout does not jump as hits come and go.
    var annotationRows: Int {
        let intervals = shownAnnotations
        let lanes = intervals.isEmpty ? 0 : AnnotationTrack(annotations: intervals, spans: .identity(length)).height
        return max(scansMotifs ? 2 : 0, lanes)
    }

    /// The record's annotations (on the track) and the motif hits on its current sequence.
    package var shownAnnotations: [Annotation] {
        let offset = trackOffset
        let given = (annotations[record.id] ?? []).map {
            Annotation(positions: $0.positions.lowerBound + offset ..< $0.positions.upperBound + offset, label: $0.label, color: $0.color)
        }
        return given + (motifHits?.value ?? []).map { annotation(of: $0) } + (seqlets?.value ?? []).map(\.annotation)
    }

    /// Positions on screen at the current zoom (the whole sequence before the first resize).
    package var visibleCount: Int { max(1, layout?.visiblePositions(zoom: zoom) ?? length) }

    var visiblePositions: Range<Int> { viewStart ..< min(length, viewStart + visibleCount) }

    mutating func moveCursor(to position: Int) {
        cursor = max(0, min(length - 1, position))
        followCursor()
    }

    /// Scrolls so the cursor is on screen, keeping a margin of a tenth of the view where possible.
    mutating func followCursor() {
        cursor = max(0, min(length - 1, cursor))
        let visible = visibleCount
        let margin = visible >= 20 ? visible / 10 : 0
        if cursor < viewStart + margin { viewStart = cursor - margin }
        if cursor >= viewStart + visible - margin { viewStart = cursor - visible + 1 + margin }
        viewStart = max(0, min(viewStart, length - visible))
    }

    /// The next or previous screen exactly, the cursor moving along.
    mutating func page(by pages: Int) {
        let visible = visibleCount
        viewStart = max(0, min(length - visible, viewStart + pages * visible))
        cursor = max(0, min(length - 1, cursor + pages * visible))
        if !(viewStart ..< viewStart + visible).contains(cursor) { followCursor() }
    }

    mutating func click(x: Int, y: Int) {
        guard mode == .normal || mode == .replace, let layout, layout.clickableRows.contains(y) else { return }
        let column = x - layout.plotX
        let spans = zoom.spans(length: min(visibleCount, length - viewStart))
        guard column >= 0, column < spans.count else { return }
        moveCursor(to: viewStart + spans[column].positions.lowerBound)
    }

    /// Zoom levels from 3 columns per position to whole-sequence overview.
    var zoomLadder: [Zoom] {
        let plot = layout?.plotWidth ?? length
        let widest = Zoom.level(fitting: length, in: plot)
        var levels = [1]
        while levels.last! < widest { levels.append(min(widest, levels.last! * 2)) }
        return [Zoom(columnsPerPosition: 3), Zoom(columnsPerPosition: 2)] + levels.map { Zoom(level: $0) }
    }

    mutating func stepZoom(inwards: Bool) {
        let ladder = zoomLadder
        let index = ladder.firstIndex(of: zoom) ?? 2
        zoom = ladder[max(0, min(ladder.count - 1, index + (inwards ? -1 : 1)))]
        followCursor()
    }

    // MARK: - Editing

    /// The letters that mutate in normal mode: the model's alphabet and N.
    var mutationLetters: Set<UInt8> { Set(alphabet.letters + [UInt8(ascii: "N")]) }

    mutating func mutate(_ base: UInt8) -> [Effect] {
        let base = BaseCase.uppercased(base)
        guard !refusesPaddingEdit() else { return [] }
        guard mutationLetters.contains(base) else {
            message = "\(Character(Unicode.Scalar(base))) is not a \(letterNoun) of this \(alphabet.displayName) model (use \(editableLetters))"
            return []
        }
        let substitution = Substitution(position: cursor, reference: sequence[cursor], alternative: base)
        if mode == .replace {
            histories[recordIndex].applied[histories[recordIndex].applied.count - 1].append(substitution)
            histories[recordIndex].undone = []
            defer { moveCursor(to: cursor + 1) }
            return applyEdit(substitution)
        }
        guard substitution.reference != base else {
            message = "position \(recordPosition(cursor)) is already \(Character(Unicode.Scalar(base)))"
            return []
        }
        histories[recordIndex].applied.append([substitution])
        histories[recordIndex].undone = []
        return applyEdit(substitution)
    }

    private mutating func applyEdit(_ substitution: Substitution) -> [Effect] {
        pendingEdit = (substitution, predictions.map(\.value) ?? referencePredictions[recordIndex] ?? [])
        sequence[substitution.position] = substitution.alternative
        return sequenceChanged()
    }

    mutating func replaceBackspace() -> [Effect] {
        guard mode == .replace, let last = histories[recordIndex].applied.last?.last else {
            moveCursor(to: cursor - 1)
            return []
        }
        histories[recordIndex].applied[histories[recordIndex].applied.count - 1].removeLast()
        sequence[last.position] = last.reference
        moveCursor(to: last.position)
        return sequenceChanged()
    }

    mutating func undo() -> [Effect] {
        guard let group = histories[recordIndex].applied.popLast() else {
            message = "nothing to undo"
            return []
        }
        histories[recordIndex].undone.append(group)
        guard !group.isEmpty else { return undo() }
        for substitution in group.reversed() { sequence[substitution.position] = substitution.reference }
        moveCursor(to: group[0].position)
        lastEdit = nil
        message = "undid \(describe(group))"
        return sequenceChanged()
    }

    mutating func redo() -> [Effect] {
        guard let group = histories[recordIndex].undone.popLast() else {
            message = "nothing to redo"
            return []
        }
        histories[recordIndex].applied.append(group)
        guard !group.isEmpty else { return redo() }
        for substitution in group { sequence[substitution.position] = substitution.alternative }
        moveCursor(to: group[group.count - 1].position)
        lastEdit = nil
        message = "redid \(describe(group))"
        return sequenceChanged()
    }

    /// Back to the reference; the reset is one undo group, so `u` brings the edits back.
    mutating func resetRecord() -> [Effect] {
        let reference = self.reference
        let group = sequence.indices.filter { sequence[$0] != reference[$0] }
            .map { Substitution(position: $0, reference: sequence[$0], alternative: reference[$0]) }
        guard !group.isEmpty else {
            message = "\(record.id) has no edits"
            return []
        }
        histories[recordIndex].applied.append(group)
        histories[recordIndex].undone = []
        sequence = reference
        lastEdit = nil
        message = "reset \(record.id) to its reference (u brings the \(group.count) edits back)"
        return sequenceChanged()
    }

    func describe(_ group: [Substitution]) -> String {
        group.count == 1 ? recordSubstitution(group[0]).description : "\(group.count) edits"
    }

    // MARK: - Records, tasks, methods

    mutating func showRecord(_ index: Int) -> [Effect] {
        guard records.indices.contains(index) else {
            message = index < 0 ? "this is the first record" : "this is the last record"
            return []
        }
        // The cursor keeps its position in the record's own coordinates.
        let position = recordPosition(cursor)
        recordIndex = index
        sequence = histories[index].apply(to: reference)
        forgetResults()
        moveCursor(to: min(position + trackOffset, length - 1))
        zoom = zoomLadder.contains(zoom) ? zoom : Zoom()
        findInformativeRegion()
        refreshSearchHits()
        return [.setReference(record: index, sequence: referenceInput)] + sequenceChanged()
    }

    mutating func selectTask(_ index: Int) -> [Effect] {
        guard !taskNames.isEmpty else { return [] }
        followsTopTask = false
        task = (index + taskNames.count) % taskNames.count
        lastEdit = nil
        return requestAttribution()
    }

    /// A new version of the sequence: everything shown must be recomputed.
    mutating func sequenceChanged() -> [Effect] {
        version += 1
        refreshSearchHits()
        return requestResults()
    }

    func requestResults() -> [Effect] {
        if showsLocus { return requestLocusTracks() }
        let input = inputRange, visible = visiblePositions.clamped(to: input)
        return [.predict(version: version, sequence: modelInput)] + requestAttribution()
            + (scansMotifs ? [.scanMotifs(version: version, sequence: sequence)] : [])
            + [.mutagenize(version: version, sequence: modelInput, first: visible.lowerBound - input.lowerBound ..< visible.upperBound - input.lowerBound)]
    }

    /// The map for the current method and task, unless it is derived from ISM (asked for anyway).
    func requestAttribution() -> [Effect] {
        if showsLocus { return requestLocusTracks() }
        guard method != .ismDerived, isAttributionStale else { return [] }
        return [.attribute(version: version, sequence: modelInput, method: method, task: task)]
    }

    // MARK: - Prompts and search

    mutating func submitPrompt() -> [Effect] {
        guard case .prompt(let kind, let text) = mode else { return [] }
        mode = .normal
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        // An empty motif prompt inserts the motif under the cursor.
        guard !trimmed.isEmpty || kind == .insertMotif else { return [] }
        switch kind {
        case .jump:
            if showsLocus {
                _ = jumpInLocus(trimmed)
                return []
            }
            guard let position = Int(trimmed), (0 ..< recordLength).contains(position) else {
                message = "':\(trimmed)': give a position from 0 to \(recordLength - 1)"
                return []
            }
            moveCursor(to: position + trackOffset)
        case .search:
            do {
                searchPattern = try IUPACPattern(trimmed)
            } catch {
                message = "/\(trimmed): \(error)"
                return []
            }
            refreshSearchHits()
            jumpToHit(forward: true, includingCursor: true)
        case .insertMotif: return insertMotif(trimmed)
        case .change: return paste(trimmed)
        }
        return []
    }

    mutating func refreshSearchHits() {
        searchHits = searchPattern.map { pattern in Array(Set(pattern.matchesBothStrands(in: sequence).map(\.start))).sorted() } ?? []
    }

    mutating func jumpToHit(forward: Bool, includingCursor: Bool = false) {
        guard let pattern = searchPattern else {
            message = "no search yet: / then a pattern (IUPAC letters allowed)"
            return
        }
        guard !searchHits.isEmpty else {
            message = "\(pattern.text) not found in \(record.id) (either strand)"
            return
        }
        let next: Int
        if forward {
            next = searchHits.first { includingCursor ? $0 >= cursor : $0 > cursor } ?? searchHits[0]
        } else {
            next = searchHits.last { $0 < cursor } ?? searchHits[searchHits.count - 1]
        }
        moveCursor(to: next)
        let index = searchHits.firstIndex(of: next)! + 1
        message = "\(pattern.text): hit \(index) of \(searchHits.count) at \(recordPosition(next)) (\(searchStrands(at: next)))"
    }

    mutating func cancel() {
        switch mode {
        case .replace:
            finishRun(histories[recordIndex].applied.last ?? [], before: runBefore)
            runBefore = nil
            // An empty replace run leaves no undo step behind.
            if histories[recordIndex].applied.last?.isEmpty == true { histories[recordIndex].applied.removeLast() }
            mode = .normal
        case .prompt, .help, .confirmQuit, .pickRecord, .browseFilters, .suggestEdits, .browsePatterns, .browseVariants: mode = .normal
        case .normal: searchPattern = nil; searchHits = []
        }
    }
}

extension Action {
    /// Actions from the user (they clear the last message); results and ticks do not.
    var isUserInput: Bool {
        switch self {
        case .referencePredicted, .predicted, .referenceProfiled, .profiled, .attributed, .mutagenized, .motifsFound, .seqletsFound, .importanceMeasured, .dependenciesMapped, .comparison, .locusComputed, .locusProgress, .wildTypeMutagenized, .failed, .saved, .exported, .tick, .resize, .variantBrowser(.scored): return false
        default: return true
        }
    }
}
