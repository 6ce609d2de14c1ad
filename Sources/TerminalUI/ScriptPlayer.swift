import Interactive

/// Plays a key script into an app as time passes: inputs go through `handle` exactly as a
/// person's would, `<wait>` and `<pace>` follow the clock, and `<idle>` holds the script until the
/// app has no pending work. The run loop calls `play` each time round and sleeps until `nextCheck`.
final class ScriptPlayer {
    private let steps: [KeyScript.Step]
    private var index = 0
    private let clock = ContinuousClock()
    /// The end of the current pause.
    private var pausedUntil: ContinuousClock.Instant?
    private var pace: Duration = .zero
    /// When an `<idle>` that is still waiting gives up.
    private var idleDeadline: ContinuousClock.Instant?
    private let idleTimeout: Duration

    /// How often `<idle>` looks again: work that ends without a result (the fast lane's rebase)
    /// wakes no one.
    static let idleCheckInterval: Duration = .milliseconds(20)

    init(_ script: KeyScript, idleTimeout: Duration = .seconds(600)) {
        steps = script.steps
        self.idleTimeout = idleTimeout
    }

    /// Every step played and the last pause over.
    var isFinished: Bool { index == steps.count && pausedUntil == nil }

    /// When the loop must call `play` again at the latest; nil when nothing is pending.
    var nextCheck: ContinuousClock.Instant? {
        if let pausedUntil { return pausedUntil }
        if index < steps.count, steps[index] == .idle { return clock.now + Self.idleCheckInterval }
        return nil
    }

    /// Plays the steps that are due; stops at a pause not yet over, an `<idle>` the app has not
    /// reached, or when the app finishes. Throws when an `<idle>` waits longer than the timeout.
    func play(into app: some InteractiveApp) throws {
        while !app.isFinished {
            if let pausedUntil {
                guard clock.now >= pausedUntil else { return }
                self.pausedUntil = nil
            }
            guard index < steps.count else { return }
            switch steps[index] {
            case .input(let event):
                app.handle(event)
                if pace > .zero { pausedUntil = clock.now + pace }
            case .wait(let duration):
                pausedUntil = clock.now + duration
            case .pace(let duration):
                pace = duration
            case .idle:
                if app.hasPendingWork {
                    let deadline = idleDeadline ?? clock.now + idleTimeout
                    idleDeadline = deadline
                    if clock.now >= deadline {
                        throw TerminalUIError("key script: still computing \(idleTimeout) after <idle> (step \(index + 1)); is a result failing to arrive?")
                    }
                    return
                }
                idleDeadline = nil
            }
            index += 1
        }
    }
}
