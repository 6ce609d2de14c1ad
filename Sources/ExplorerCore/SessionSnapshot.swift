import Genomics
import Rendering

/// What `s` saves, taken from the state; the runtime adds file paths and predictions.
public struct SessionSnapshot: Sendable, Equatable {
    public var records: [SequenceRecord]
    public var histories: [EditHistory]
    public var view: SavedView

    public init(records: [SequenceRecord], histories: [EditHistory], view: SavedView) {
        self.records = records
        self.histories = histories
        self.view = view
    }
}

/// The view a session file keeps: record, cursor, task, method, zoom and sorting.
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
        SessionSnapshot(records: records, histories: histories, view: SavedView(
            record: recordIndex, cursor: cursor, task: task, method: method,
            zoomLevel: zoom.level, columnsPerPosition: zoom.columnsPerPosition, sortsPredictions: sortsPredictions))
    }

    /// Puts back the edits and view of a session (after `init`, before `start`).
    public mutating func restore(histories: [EditHistory], view: SavedView) {
        self.histories = histories
        savedHistories = histories
        recordIndex = max(0, min(records.count - 1, view.record))
        sequence = histories[recordIndex].apply(to: reference)
        cursor = view.cursor
        task = taskNames.isEmpty ? 0 : max(0, min(taskNames.count - 1, view.task))
        method = view.method
        zoom = Zoom(level: view.zoomLevel, columnsPerPosition: view.columnsPerPosition)
        sortsPredictions = view.sortsPredictions
        followCursor()
    }

    /// Changes the view before `start` (command-line choices of record, task, method).
    public mutating func adjustView(_ change: (inout SavedView) throws -> Void) rethrows {
        var view = snapshot.view
        try change(&view)
        restore(histories: histories, view: view)
    }
}
