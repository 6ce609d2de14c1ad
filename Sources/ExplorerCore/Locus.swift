import Genomics
import Rendering

/// `--locus`: the one record is a locus (up to a megabase) along which the fixed-length model is
/// tiled (`LocusTiling`); the view shows the whole locus in an overview line, and the visible span
/// as a prediction track (each tile's prediction around its centre) and an attribution track
/// (grad×input per base, averaged over the tiles that read it). Cursor, zoom (`z Z`, `+ -`),
/// `:` jumps and edits are the explorer's own; an edit recomputes only the tiles that read the
/// base. `O` opens the model's window at the cursor in the normal panes and back.
public struct LocusView: Sendable, Equatable {
    public let tiling: LocusTiling
    /// The locus view is on screen (false: the normal panes of the window at the cursor).
    public internal(set) var isShown = true
    public internal(set) var tracks: Computed<LocusTracks>?
    /// Tiles done and to do of the computation under way, for the header's progress.
    public internal(set) var progress: (done: Int, total: Int)?

    public init(tiling: LocusTiling) { self.tiling = tiling }

    public static func == (lhs: LocusView, rhs: LocusView) -> Bool {
        lhs.tiling == rhs.tiling && lhs.isShown == rhs.isShown && lhs.tracks == rhs.tracks
            && lhs.progress?.done == rhs.progress?.done && lhs.progress?.total == rhs.progress?.total
    }
}

/// The tiled model's results for one version of the locus.
public struct LocusTracks: Sendable, Equatable {
    /// The task the attribution is of.
    public var task: Int
    /// Every task's prediction per tile, tile-major (tiles, tasks).
    public var tilePredictions: [Float]
    /// grad×input of `task` per locus base, averaged over the tiles that read it.
    public var attribution: [Float]
    /// Tiles computed for this version (all of them at first; after an edit, those reading it).
    public var computedTiles: Int

    public init(task: Int, tilePredictions: [Float], attribution: [Float], computedTiles: Int) {
        self.task = task
        self.tilePredictions = tilePredictions
        self.attribution = attribution
        self.computedTiles = computedTiles
    }
}

extension ExplorerState {
    /// Turns the explorer into the locus view of its one record, tiled as `tiling` says.
    public mutating func showLocus(_ tiling: LocusTiling) {
        precondition(records.count == 1 && tiling.locusLength == length, "the locus view shows one record, tiled along its whole length")
        locus = LocusView(tiling: tiling)
        followsTopTask = false
        opensOnInformativeRegion = false
    }

    public var showsLocus: Bool { locus?.isShown == true }

    /// True while the tracks belong to another version of the locus or another task.
    public var isLocusStale: Bool {
        guard let tracks = locus?.tracks else { return true }
        return tracks.version != version || tracks.value.task != task
    }

    func requestLocusTracks() -> [Effect] {
        guard showsLocus, isLocusStale else { return [] }
        return [.computeLocus(version: version, sequence: sequence, task: task)]
    }

    /// `O`: between the locus view and the normal panes of the model's window at the cursor.
    mutating func toggleLocus() -> [Effect] {
        guard locus != nil else {
            message = "O switches to the locus view of a --locus run (seqlens explore MODEL LOCUS.fa --locus)"
            return []
        }
        locus?.isShown.toggle()
        guard !showsLocus else { return requestLocusTracks() }
        // The window moves to the cursor and everything for it is computed afresh.
        _ = moveWindowToCursor()
        referencePredictions[recordIndex] = nil
        forgetResults()
        return [.setReference(record: recordIndex, sequence: referenceInput)] + sequenceChanged()
    }

    mutating func receiveLocus(version: Int, tracks: LocusTracks, milliseconds: Double) {
        guard version >= (locus?.tracks?.version ?? -1) else { return }
        locus?.tracks = Computed(version: version, value: tracks, milliseconds: milliseconds)
        if version == self.version { locus?.progress = nil }
    }

    mutating func receiveLocusProgress(version: Int, done: Int, total: Int) {
        guard version == self.version else { return }
        locus?.progress = (done, total)
    }

    // MARK: - Jumps

    /// `:` in the locus view: a position, `ID:position` or `ID:start-end` (the locus's own
    /// 0-based positions; commas allowed; a span is zoomed to fit). False, with a message, when
    /// the text is none of these.
    mutating func jumpInLocus(_ text: String) -> Bool {
        var target = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            guard text[..<colon] == record.id else {
                message = "':\(text)': this locus is \(record.id); give a position, \(record.id):position or \(record.id):start-end"
                return false
            }
            target = text[text.index(after: colon)...]
        }
        let bounds = target.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.filter { $0 != "," }) }
        guard (1 ... 2).contains(bounds.count), bounds.allSatisfy({ $0 != nil && (0 ..< recordLength).contains($0!) }),
              bounds.count == 1 || bounds[0]! < bounds[1]! else {
            message = "':\(text)': give a position from 0 to \(recordLength - 1), or \(record.id):start-end"
            return false
        }
        if bounds.count == 2 {
            let span = bounds[0]! ..< bounds[1]!
            zoom = zoomLadder.first { (layout?.visiblePositions(zoom: $0) ?? length) >= span.count } ?? zoomLadder.last!
            cursor = (span.lowerBound + span.upperBound) / 2
            viewStart = cursor - visibleCount / 2
            viewStart = max(0, min(viewStart, length - visibleCount))
            return true
        }
        moveCursor(to: bounds[0]!)
        return true
    }

    // MARK: - What the view draws

    /// The task's prediction per column of `spans` (positions from `origin`): the largest of the
    /// tiles drawn over the column's bases (each base shows the tile whose centre is nearest).
    public func locusPredictions(spans: [ColumnSpan], origin: Int) -> [Float]? {
        guard let locus, let tracks = locus.tracks?.value else { return nil }
        let tasks = tracks.tilePredictions.count / max(1, locus.tiling.count)
        guard task < tasks else { return nil }
        return spans.map { span in
            let first = locus.tiling.nearestTile(to: origin + span.positions.lowerBound)
            let last = locus.tiling.nearestTile(to: origin + span.positions.upperBound - 1)
            return (first ... last).map { tracks.tilePredictions[$0 * tasks + task] }.max()!
        }
    }

    /// The attribution per column of `spans`: the value of largest magnitude among its bases.
    public func locusAttribution(spans: [ColumnSpan], origin: Int) -> [Float]? {
        guard let values = locus?.tracks?.value.attribution, values.count == length else { return nil }
        return spans.map { span in
            values[origin + span.positions.lowerBound ..< origin + span.positions.upperBound].max { abs($0) < abs($1) }!
        }
    }

    /// The scales of the two tracks: from min(0, smallest) to the largest value of the whole
    /// locus (the task's predictions, the attribution), so scrolling and zooming do not rescale.
    public var locusScales: (prediction: ClosedRange<Float>, attribution: ClosedRange<Float>)? {
        guard let locus, let tracks = locus.tracks?.value else { return nil }
        let tasks = tracks.tilePredictions.count / max(1, locus.tiling.count)
        guard task < tasks else { return nil }
        func scale(_ values: some Sequence<Float>) -> ClosedRange<Float> {
            let (low, high) = values.reduce((Float(0), -Float.infinity)) { (min($0.0, $1), max($0.1, $1)) }
            return low ... max(high, low + .leastNormalMagnitude)
        }
        return (scale(Swift.stride(from: task, to: tracks.tilePredictions.count, by: tasks).map { tracks.tilePredictions[$0] }), scale(tracks.attribution))
    }

    /// Every task's prediction of the tile nearest the cursor, and that tile.
    public var locusCursorTile: (tile: Int, predictions: [Float])? {
        guard let locus, let tracks = locus.tracks?.value else { return nil }
        let tasks = tracks.tilePredictions.count / max(1, locus.tiling.count)
        let tile = locus.tiling.nearestTile(to: cursor)
        return (tile, Array(tracks.tilePredictions[tile * tasks ..< (tile + 1) * tasks]))
    }
}
