/// `e` (and `seqlens explore --snapshot`): the view written as SVG, once every result it shows
/// has arrived, so a figure never holds a dimmed, outdated map.
extension ExplorerState {
    /// Predictions, reference, map, ISM (and motif hits, when scanned) all belong to the current
    /// sequence, method and task.
    public var isViewComplete: Bool {
        !isBusy && referencePredictions[recordIndex] != nil && (!scansMotifs || motifHits?.version == version)
    }

    mutating func requestExport() -> [Effect] {
        guard !isViewComplete else { return [.exportView] }
        exportPending = true
        message = "the view is written as SVG as soon as its maps are computed…"
        return []
    }

    /// The export asked for while results were outstanding, once they are in.
    mutating func exportWhenComplete() -> [Effect] {
        guard exportPending, isViewComplete else { return [] }
        exportPending = false
        return [.exportView]
    }
}
