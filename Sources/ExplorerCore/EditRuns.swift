import Genomics

/// A run of edits made at once — a replace-mode run ended with Esc, or a paste — as the status
/// line sums it up: where, how many, and (once its predictions arrive) the task it changed most.
public struct EditRun: Sendable, Equatable {
    /// First and last position the run changed.
    public var positions: ClosedRange<Int>
    public var edits: Int
    /// The version of the sequence the run produced; the summary is shown until the next change.
    public var version: Int
    /// The task whose prediction moved most, |after − before| over all tasks, and by how much;
    /// nil until the predictions of `version` arrive.
    public var largestTask: Int?
    public var largestDelta: Float?
    /// The predictions before the run.
    var before: [Float]
}

extension ExplorerState {
    /// The predictions on screen: the current sequence's, or the record's reference ones.
    var currentPredictions: [Float]? { predictions?.value ?? referencePredictions[recordIndex] }

    /// Overwrites from the cursor, left to right, with the pasted bases (case-insensitive; spaces
    /// and line breaks skipped) as one undo group; in replace mode they join the open run. Text
    /// with anything else is refused whole, with one message. In a prompt the text is typed.
    mutating func paste(_ text: String) -> [Effect] {
        if case .prompt(let kind, let typed) = mode {
            mode = .prompt(kind, text: typed + text.filter { !$0.isNewline })
            return []
        }
        // Pasted into the record picker: its filter, as if typed.
        if case .pickRecord = mode {
            return text.filter { !$0.isNewline }.flatMap { update(.recordPicker(.type($0))) }
        }
        let characters = text.filter { !$0.isWhitespace }
        if let bad = characters.first(where: { $0.asciiValue.map { !mutationLetters.contains(BaseCase.uppercased($0)) } ?? true }) {
            message = "paste refused: '\(bad)' is not a \(letterNoun) of this \(alphabet.displayName) model (paste \(editableLetters); spaces and line breaks are skipped)"
            return []
        }
        guard !characters.isEmpty, !refusesPaddingEdit() else { return [] }
        let bases = characters.compactMap(\.asciiValue).map(BaseCase.uppercased)
        // The record's end: padding after it is not editable.
        let start = cursor, end = min(trackOffset + recordLength, start + bases.count)
        let group = zip(start ..< end, bases).map { Substitution(position: $0, reference: sequence[$0], alternative: $1) }
            .filter { $0.reference != $0.alternative }
        let dropped = bases.count - (end - start)
        let note = dropped > 0 ? " (\(dropped) beyond the end dropped)" : ""
        let isReplacing = mode == .replace
        moveCursor(to: isReplacing ? end : end - 1)
        guard !group.isEmpty else {
            message = "the pasted bases are there already" + note
            return []
        }
        let before = currentPredictions
        if isReplacing {
            histories[recordIndex].applied[histories[recordIndex].applied.count - 1] += group
        } else {
            histories[recordIndex].applied.append(group)
        }
        histories[recordIndex].undone = []
        for substitution in group { sequence[substitution.position] = substitution.alternative }
        lastEdit = nil
        pendingEdit = nil
        if dropped > 0 { message = "pasted \(end - start) bases" + note }
        let effects = sequenceChanged()
        // In replace mode the run goes on; Esc sums it up.
        if !isReplacing { finishRun(group, before: before) }
        return effects
    }

    /// Records a finished run for the status line (nothing for a run that changed nothing).
    mutating func finishRun(_ group: [Substitution], before: [Float]?) {
        let changed = group.filter { $0.reference != $0.alternative }.map(\.position)
        guard let first = changed.min(), let last = changed.max(), let before else { return }
        lastRun = EditRun(positions: first ... last, edits: changed.count, version: version, before: before)
        if let predictions, predictions.version == version { settleRun(predictions: predictions.value) }
    }

    /// Finds the task the last run changed most, once the predictions of its version are in.
    mutating func settleRun(predictions values: [Float]) {
        guard var run = lastRun, run.version == version, run.largestTask == nil else { return }
        let tasks = taskNames.indices.filter { values.indices.contains($0) && run.before.indices.contains($0) }
        guard let top = tasks.max(by: { abs(values[$0] - run.before[$0]) < abs(values[$1] - run.before[$1]) }) else { return }
        run.largestTask = top
        run.largestDelta = values[top] - run.before[top]
        lastRun = run
    }

    /// `a`: the task follows each record's top-scoring task again (as before any task was picked).
    mutating func followTopTask() -> [Effect] {
        followsTopTask = true
        message = "task: auto (each record opens on its top-scoring task)"
        guard let values = referencePredictions[recordIndex],
              let top = taskNames.indices.filter(values.indices.contains).max(by: { values[$0] < values[$1] }), top != task else { return [] }
        task = top
        lastEdit = nil
        return requestAttribution()
    }
}
