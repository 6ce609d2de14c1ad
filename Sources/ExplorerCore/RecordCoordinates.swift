import Genomics
import Rendering

/// The record's own coordinates. Inside the explorer a position indexes the *track*: the record
/// with the model's padding around it (a record shorter than a fixed-length model, `--pad`) —
/// padding is shown as padding and cannot be edited. A record longer than the model is its own
/// track, and the model's window slides along it, following the cursor. Everything the user
/// reads, types or saves (ruler, status line, `:` jumps, messages, sessions, mutation logs) is in
/// the record's positions: track index minus the padding on the left. Predictions and maps are
/// computed for the window's input; their columns lie at `inputRange` on the track.
extension ExplorerState {
    /// Where the current record lies in the model's input.
    public var window: ModelWindow { windows[recordIndex] }
    /// The current record's own length (without padding).
    public var recordLength: Int { window.recordLength }
    /// Track index of the record's position 0 (the padding on the left).
    public var trackOffset: Int { window.leftPadding }

    /// The record's position of a track index (negative, or past the end, in padding).
    public func recordPosition(_ index: Int) -> Int { index - trackOffset }

    /// A substitution at a track index, in the record's positions (for messages and files).
    public func recordSubstitution(_ substitution: Substitution) -> Substitution {
        Substitution(position: recordPosition(substitution.position), reference: substitution.reference, alternative: substitution.alternative)
    }

    /// The track positions the model sees (its input's columns).
    public var inputRange: Range<Int> {
        let first = window.start + trackOffset
        return first ..< first + window.inputLength
    }

    /// The track position is padding the model is given, not part of the record.
    public func isPadding(_ index: Int) -> Bool { !(trackOffset ..< trackOffset + recordLength).contains(index) }

    /// True, with a message, when the cursor is on padding (edits and pastes are refused there).
    mutating func refusesPaddingEdit() -> Bool {
        guard isPadding(cursor) else { return false }
        message = "position \(recordPosition(cursor)) is padding, not part of \(record.id) (0 to \(recordLength - 1)): it cannot be edited"
        return true
    }

    /// What the model is given for the current sequence.
    public var modelInput: [UInt8] { input(of: sequence) }
    /// What the model is given for the current record's reference.
    var referenceInput: [UInt8] { input(of: reference) }

    func input(of track: [UInt8]) -> [UInt8] { window.input(Array(track[trackOffset ..< trackOffset + recordLength])) }

    /// A record's track: its bases with `SequenceRow.padding` where the model is given padding.
    static func track(of bases: [UInt8], window: ModelWindow) -> [UInt8] {
        guard window.padding > 0 else { return bases }
        return Array(repeating: SequenceRow.padding, count: window.leftPadding) + bases + Array(repeating: SequenceRow.padding, count: window.rightPadding)
    }

    /// When the cursor has left the model's window, slides the window to centre on it (records
    /// longer than the model); everything computed for the old window is recomputed.
    mutating func slideWindowToCursor() -> [Effect] {
        // The locus view computes tiles, not the window: it moves when the normal panes open.
        guard !showsLocus, moveWindowToCursor() else { return [] }
        referencePredictions[recordIndex] = nil
        forgetResults()
        return [.setReference(record: recordIndex, sequence: referenceInput)] + sequenceChanged()
    }

    /// Centres the window on the cursor when the cursor is outside it; true when it moved.
    mutating func moveWindowToCursor() -> Bool {
        guard window.slides, !inputRange.contains(cursor) else { return false }
        windows[recordIndex] = window.centered(on: recordPosition(cursor))
        return true
    }

    /// Counts the reference predictions `effects` ask for (see `isLatestReference`).
    mutating func awaiting(_ effects: [Effect]) -> [Effect] {
        for case .setReference(let record, _) in effects { awaitedReferences[record, default: 0] += 1 }
        return effects
    }

    /// False for reference predictions that a newer request of the same record supersedes (they
    /// arrive in the order asked for). A failure resets the count: its request delivers nothing.
    mutating func isLatestReference(_ action: Action) -> Bool {
        switch action {
        case .referencePredicted(let record, _):
            guard let awaited = awaitedReferences[record], awaited > 0 else { return true }
            awaitedReferences[record] = awaited - 1
            return awaited == 1
        case .failed:
            awaitedReferences = [:]
            return true
        default:
            return true
        }
    }

    /// Drops the results of another record or window: they would mislead, even dimmed.
    mutating func forgetResults() {
        lastEdit = nil
        pendingEdit = nil
        predictions = nil
        attribution = nil
        mutagenesis = nil
        motifHits = nil
        seqlets = nil
        dependencies = nil
        recordVersion = version + 1
    }

    /// Annotations the model does not wholly see (outside the window it starts with), as one
    /// start-up warning; nil when every annotation is inside.
    public var annotationsOutsideWindowsWarning: String? {
        var outside = 0, total = 0
        for (record, window) in zip(records, fittedWindows) {
            for annotation in annotations[record.id] ?? [] {
                total += 1
                let seen = window.recordPositions
                if annotation.positions.lowerBound < seen.lowerBound || annotation.positions.upperBound > seen.upperBound { outside += 1 }
            }
        }
        guard outside > 0 else { return nil }
        let slides = fittedWindows.contains(where: \.slides) ? " (move the cursor there and the window follows)" : ""
        return "warning: \(outside) of \(total) annotation\(total == 1 ? "" : "s") \(outside == 1 ? "lies" : "lie") outside the model's input window\(slides)"
    }
}
