import Genomics
import Interactive
import Rendering

/// One first-layer filter as the `F` browser lists it (computed by the runtime from the loaded
/// records, see FirstLayerFilters): its probability matrix, how many windows it was built from,
/// and its best motif match ("MA0466.4 CEBPB q 7.2e-08"; "" without motifs).
public struct FilterSummary: Sendable, Equatable {
    public var index: Int
    /// (A, W) probabilities.
    public var probabilities: PositionMatrix
    public var windows: Int
    public var match: String

    public init(index: Int, probabilities: PositionMatrix, windows: Int, match: String) {
        self.index = index
        self.probabilities = probabilities
        self.windows = windows
        self.match = match
    }
}

/// What the filter browser's keys and results do.
public enum FilterBrowserAction: Sendable, Equatable {
    case open
    case scroll(by: Int)
    case found([FilterSummary])
    /// The filters cannot be computed (no convolution on the input, records of another length).
    case unavailable(String)

    /// The browser's meaning of a key: arrows and pages scroll, anything else closes it.
    static func action(for key: Key) -> Action {
        switch key {
        case .down, .character("j"): return .filterBrowser(.scroll(by: 1))
        case .up, .character("k"): return .filterBrowser(.scroll(by: -1))
        case .pageDown, .character(" "): return .filterBrowser(.scroll(by: 5))
        case .pageUp: return .filterBrowser(.scroll(by: -5))
        default: return .cancel
        }
    }
}

extension ExplorerState {
    mutating func updateFilterBrowser(_ action: FilterBrowserAction) -> [Effect] {
        switch action {
        case .open:
            mode = .browseFilters(first: 0)
            if filters == nil && !filtersRequested {
                filtersRequested = true
                return [.findFilters]
            }
        case .scroll(let rows):
            guard case .browseFilters(let first) = mode else { return [] }
            mode = .browseFilters(first: max(0, min((filters?.count ?? 1) - 1, first + rows)))
        case .found(let summaries):
            filters = summaries
        case .unavailable(let reason):
            filters = []
            message = "filters: \(reason)"
            if case .browseFilters = mode { mode = .normal }
        }
        return []
    }
}
