import Interactive
import Rendering

/// A stand-in app for the run loop's tests: it shows the keys it was sent on its first row, and
/// reports pending work while `pendingPolls` is above zero (each poll takes one away).
final class ScriptedAppDouble: InteractiveApp {
    private(set) var events: [InputEvent] = []
    private(set) var eventTimes: [ContinuousClock.Instant] = []
    var pendingPolls = 0
    var quitKey: Key = .character("q")
    private(set) var isFinished = false

    var hasPendingWork: Bool { pendingPolls > 0 }
    /// How often the app asks to be polled while work is pending (a spinner's tick).
    var tick: Duration = .milliseconds(5)
    var pollInterval: Duration? { pendingPolls > 0 ? tick : nil }

    func render(width: Int, height: Int, depth: ColorDepth) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        canvas.write("typed " + typed, x: 0, y: 0, style: Style(foreground: .rgb(200, 30, 30)))
        canvas.write(pendingPolls > 0 ? "busy" : "done", x: 0, y: 1)
        return canvas
    }

    /// The characters of the keys sent, arrows as ←→.
    var typed: String {
        events.compactMap { event -> String? in
            switch event {
            case .key(.character(let character)): return String(character)
            case .key(.left): return "←"
            case .key(.right): return "→"
            case .key(.enter): return "⏎"
            default: return nil
            }
        }.joined()
    }

    func handle(_ event: InputEvent) {
        if case .resize = event { return }
        events.append(event)
        eventTimes.append(ContinuousClock().now)
        if event == .key(quitKey) { isFinished = true }
    }

    func poll() { if pendingPolls > 0 { pendingPolls -= 1 } }

    func setWakeHandler(_ wake: @escaping @Sendable () -> Void) {}
}
