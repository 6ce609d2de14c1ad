/// Edits recovered from an earlier session that did not end cleanly (see the runtime's
/// RecoveryFile): unlike a saved session they are put back as unsaved.
extension ExplorerState {
    /// Edits (or undo history) that `s` has not saved: what the recovery file must hold.
    public var hasUnsavedHistory: Bool { histories != savedHistories }

    /// Puts back recovered edits and view (records' own positions) while keeping what counts as
    /// saved, so quitting still asks and saving writes them.
    public mutating func recover(histories: [EditHistory], view: SavedView) {
        let saved = savedHistories
        restore(histories: histories, view: view)
        savedHistories = saved
    }
}
