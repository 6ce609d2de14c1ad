import Genomics
import Rendering

extension ExplorerState {
    /// The current record's first annotation (by start), the region it opens on; without one the
    /// region waits for the first map (`placeOnLargestAttribution`).
    mutating func findInformativeRegion() {
        informativeRegion = annotations[record.id]?.min { $0.positions.lowerBound < $1.positions.lowerBound }?.positions
        placeOnInformativeRegion()
    }

    /// Without an annotation, the first map of the current sequence marks the position of the
    /// largest attribution (summed |value| over the letters) as the region.
    mutating func placeOnLargestAttribution(_ values: [Float]) {
        guard opensOnInformativeRegion, informativeRegion == nil, values.count == alphabet.size * length, length > 0 else { return }
        var totals = [Float](repeating: 0, count: length)
        for (index, value) in values.enumerated() { totals[index % length] += abs(value) }
        guard let peak = totals.indices.max(by: { totals[$0] < totals[$1] }), totals[peak] > 0 else { return }
        informativeRegion = peak ..< peak + 1
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

    /// The current task's (A, L) slice of an (A, L, T) array of the mutagenesis map.
    package func taskSlice(_ values: [Float]) -> [Float]? {
        let positions = alphabet.size * length, tasks = max(1, taskNames.count)
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
