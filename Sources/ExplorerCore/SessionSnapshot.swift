import Genomics
import Rendering

/// What `s` saves, taken from the state, in the records' own positions; the runtime adds file
/// paths and predictions.
public struct SessionSnapshot: Sendable, Equatable {
    public var records: [SequenceRecord]
    public var histories: [EditHistory]
    public var view: SavedView
    /// Where each record lies in the model's input as fitted at start: the mutation log's
    /// predictions are computed for it (see `SessionExport.window(for:in:)`).
    public var windows: [ModelWindow]

    public init(records: [SequenceRecord], histories: [EditHistory], view: SavedView, windows: [ModelWindow]? = nil) {
        self.records = records
        self.histories = histories
        self.view = view
        self.windows = windows ?? records.map { .whole($0.length) }
    }
}

/// The view a session file keeps: record, cursor (the record's own position), task, method, zoom and sorting.
public struct SavedView: Codable, Sendable, Equatable {
    public var record: Int
    public var cursor: Int
    public var task: Int
    public var method: ExplorerMethod
    public var zoomLevel: Int
    public var columnsPerPosition: Int
    public var sortsPredictions: Bool

    public init(record: Int, cursor: Int, task: Int, method: ExplorerMethod, zoomLevel: Int, columnsPerPosition: Int, sortsPredictions: Bool) {
        self.record = record
        self.cursor = cursor
        self.task = task
        self.method = method
        self.zoomLevel = zoomLevel
        self.columnsPerPosition = columnsPerPosition
        self.sortsPredictions = sortsPredictions
    }
}

extension ExplorerState {
    package var snapshot: SessionSnapshot {
        SessionSnapshot(records: records, histories: Self.shifted(histories, windows: windows, by: -1), view: SavedView(
            record: recordIndex, cursor: recordPosition(cursor), task: task, method: method,
            zoomLevel: zoom.level, columnsPerPosition: zoom.columnsPerPosition, sortsPredictions: sortsPredictions),
            windows: fittedWindows)
    }

    /// Histories moved between track indices and record positions: `direction` +1 onto the
    /// track (past the padding on the left), -1 back.
    static func shifted(_ histories: [EditHistory], windows: [ModelWindow], by direction: Int) -> [EditHistory] {
        zip(histories, windows).map { history, window in
            let offset = direction * window.leftPadding
            guard offset != 0 else { return history }
            let move = { (groups: [[Substitution]]) in
                groups.map { $0.map { Substitution(position: $0.position + offset, reference: $0.reference, alternative: $0.alternative) } }
            }
            return EditHistory(applied: move(history.applied), undone: move(history.undone))
        }
    }

    /// Puts back the edits and view of a session (after `init`, before `start`), both in the
    /// records' own positions.
    public mutating func restore(histories: [EditHistory], view: SavedView) {
        self.histories = Self.shifted(histories, windows: windows, by: 1)
        savedHistories = self.histories
        recordIndex = max(0, min(records.count - 1, view.record))
        sequence = self.histories[recordIndex].apply(to: reference)
        cursor = view.cursor + trackOffset
        task = taskNames.isEmpty ? 0 : max(0, min(taskNames.count - 1, view.task))
        method = view.method
        zoom = Zoom(level: view.zoomLevel, columnsPerPosition: view.columnsPerPosition)
        sortsPredictions = view.sortsPredictions
        followCursor()
    }

    /// Changes the view before `start` (command-line choices of record, task, method).
    public mutating func adjustView(_ change: (inout SavedView) throws -> Void) rethrows {
        let saved = snapshot, lastSaved = savedHistories
        var view = saved.view
        try change(&view)
        // Another record opens on the first base the model sees, as the first one does.
        if view.record != saved.view.record, fittedWindows.indices.contains(view.record) {
            view.cursor = fittedWindows[view.record].recordPositions.lowerBound
        }
        restore(histories: saved.histories, view: view)
        // A view change saves nothing: recovered edits stay unsaved.
        savedHistories = lastSaved
    }
}
