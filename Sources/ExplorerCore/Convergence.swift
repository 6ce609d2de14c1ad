import Rendering

/// DeepSHAP's convergence check on the map shown: Σ attributions − (f(x) − mean f(references)).
public struct Convergence: Sendable, Equatable {
    public var delta: Float
    /// f(x) − mean f(references), what the attributions should add up to.
    public var difference: Float
    /// Beyond the tolerance (see `DeepSHAP.isFlagged`).
    public var flagged: Bool

    public init(delta: Float, difference: Float, flagged: Bool) {
        self.delta = delta
        self.difference = difference
        self.flagged = flagged
    }

    /// Next to the map's title: "✓" when the attributions add up, "! Δ 0.012 of 0.1" when not.
    public var trustMark: String {
        flagged ? "! Δ \(NumberFormat.short(delta)) of \(NumberFormat.short(difference))" : "✓"
    }
}
