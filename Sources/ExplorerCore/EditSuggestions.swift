import Genomics
import Interactive

/// The `b` pane: the best next edits by predicted effect on the current task, read from the ISM
/// of the current sequence (every single edit's effect), those that raise it first, then those
/// that lower it; Enter applies the selected one as an ordinary edit (`u` undoes it).
public struct EditSuggestions: Sendable, Equatable {
    /// Index into `ExplorerState.editSuggestions`.
    public internal(set) var selection = 0

    public init(selection: Int = 0) {
        self.selection = selection
    }

    /// Edits listed each way.
    public static let perDirection = 5
}

/// A substitution at a track index and its predicted effect on the current task.
public struct SuggestedEdit: Sendable, Equatable {
    public var substitution: Substitution
    public var delta: Float
}

/// What the pane's keys do.
public enum EditSuggestionsAction: Sendable, Equatable {
    case open
    case select(by: Int)
    case apply

    /// The pane's meaning of a key (Esc and Ctrl-C cancel, as in every mode).
    static func action(for key: Key) -> Action? {
        switch key {
        case .enter: return .editSuggestions(.apply)
        case .escape, .control("c"), .character("b"): return .cancel
        case .up, .character("k"): return .editSuggestions(.select(by: -1))
        case .down, .character("j"), .tab: return .editSuggestions(.select(by: 1))
        default: return nil
        }
    }
}

extension ExplorerState {
    /// The best edits of the record's own bases by the current ISM's effect on the current task:
    /// up to `EditSuggestions.perDirection` that raise it (largest first), then as many that
    /// lower it (most negative first); ties go to the leftmost position, then the alphabet's
    /// order. Empty until the ISM of every position of the current sequence is in.
    public var editSuggestions: [SuggestedEdit] {
        guard !isMutagenesisStale, let deltas = mutagenesis.flatMap({ taskSlice($0.value.deltas) }) else { return [] }
        let columns = window.inputLength, first = inputRange.lowerBound
        var edits: [SuggestedEdit] = []
        for column in 0 ..< columns where !isPadding(first + column) {
            let position = first + column
            for (letter, base) in alphabet.letters.enumerated() where base != sequence[position] {
                edits.append(SuggestedEdit(substitution: Substitution(position: position, reference: sequence[position], alternative: base),
                                           delta: deltas[letter * columns + column]))
            }
        }
        func earlier(_ a: SuggestedEdit, _ b: SuggestedEdit) -> Bool {
            (a.substitution.position, a.substitution.alternative) < (b.substitution.position, b.substitution.alternative)
        }
        let raising = edits.filter { $0.delta > 0 }.sorted { $0.delta > $1.delta || ($0.delta == $1.delta && earlier($0, $1)) }
        let lowering = edits.filter { $0.delta < 0 }.sorted { $0.delta < $1.delta || ($0.delta == $1.delta && earlier($0, $1)) }
        return Array(raising.prefix(EditSuggestions.perDirection)) + Array(lowering.prefix(EditSuggestions.perDirection))
    }

    mutating func updateEditSuggestions(_ action: EditSuggestionsAction) -> [Effect] {
        switch action {
        case .open:
            mode = .suggestEdits(EditSuggestions())
        case .select(let offset):
            guard case .suggestEdits(var pane) = mode else { return [] }
            pane.selection = max(0, min(editSuggestions.count - 1, pane.selection + offset))
            mode = .suggestEdits(pane)
        case .apply:
            guard case .suggestEdits(let pane) = mode else { return [] }
            let suggestions = editSuggestions
            guard suggestions.indices.contains(pane.selection) else {
                message = "no edit to apply yet: the ISM of this sequence is still being computed"
                return []
            }
            mode = .normal
            let edit = suggestions[pane.selection].substitution
            moveCursor(to: edit.position)
            return mutate(edit.alternative)
        }
        return []
    }
}
