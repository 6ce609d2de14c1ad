import ExplorerCore

extension Screen {
    /// DeepSHAP's trust mark after the map's title: " ✓" or " ! Δ … of …" (empty for other methods
    /// and while the map is being recomputed).
    static func trustMark(_ state: ExplorerState) -> String {
        guard state.method == .deepshap, !state.isAttributionStale, let convergence = state.attribution?.value.convergence else { return "" }
        return " " + convergence.trustMark
    }
}
