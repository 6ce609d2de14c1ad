import Genomics
import Rendering

extension ExplorerState {
    /// The current record's first annotation (by start), the region it opens on; without one the
    /// region waits for the first map (`placeOnLargestAttribution`).
    mutating func findInformativeRegion() {
        // On the track (past the padding), and only where the model's window (--crop) reaches.
        let offset = trackOffset, input = inputRange
        informativeRegion = annotations[record.id]?.map { $0.positions.lowerBound + offset ..< $0.positions.upperBound + offset }
            .filter { input.lowerBound <= $0.lowerBound && $0.upperBound <= input.upperBound }
            .min { $0.lowerBound < $1.lowerBound }
        placeOnInformativeRegion()
    }

    /// Without an annotation, the first map of the current sequence marks the position of the
    /// largest attribution (summed |value| over the letters) as the region. The map is of the
    /// model's input: its columns lie at `inputRange` on the track.
    mutating func placeOnLargestAttribution(_ values: [Float]) {
        let columns = window.inputLength
        guard opensOnInformativeRegion, informativeRegion == nil, values.count == alphabet.size * columns, columns > 0 else { return }
        var totals = [Float](repeating: 0, count: columns)
        for (index, value) in values.enumerated() { totals[index % columns] += abs(value) }
        guard let peak = totals.indices.max(by: { totals[$0] < totals[$1] }), totals[peak] > 0 else { return }
        let position = peak + inputRange.lowerBound
        informativeRegion = position ..< position + 1
        placeOnInformativeRegion()
    }

    /// Until the user moves: the cursor on the region's first position, the view centred on it.
    mutating func placeOnInformativeRegion() {
        guard opensOnInformativeRegion, let region = informativeRegion?.clamped(to: 0 ..< length), !region.isEmpty else { return }
        let visible = visibleCount
        cursor = region.lowerBound
        viewStart = max(0, min(length - visible, (region.lowerBound + region.upperBound) / 2 - visible / 2))
        followCursor()
    }

    /// The current task's (A, L) slice of an (A, L, T) array of the mutagenesis map (L: the
    /// model's input columns).
    package func taskSlice(_ values: [Float]) -> [Float]? {
        let positions = alphabet.size * window.inputLength, tasks = max(1, taskNames.count)
        guard values.count == positions * tasks else { return nil }
        return (0 ..< positions).map { values[$0 * tasks + task] }
    }
}

extension Action {
    /// The user's own moves: after one, records no longer open on their informative region.
    var movesTheView: Bool {
        switch self {
        case .move, .page, .moveToStart, .moveToEnd, .moveTo, .click, .scroll, .promptSubmit, .nextHit, .previousHit, .mutate, .zoomIn, .zoomOut: return true
        default: return false
        }
    }
}
