import Rendering

/// What a terminal run loop drives: the explorer's runtime implements it, TerminalUI runs it.
/// All calls come from the loop's thread; background work reports through `setWakeHandler`.
public protocol InteractiveApp: AnyObject {
    /// The whole screen for the current state.
    func render(width: Int, height: Int, depth: ColorDepth) -> Canvas
    /// One input event.
    func handle(_ event: InputEvent)
    /// Takes in whatever background work has finished since the last call.
    func poll()
    /// True once the user has quit.
    var isFinished: Bool { get }
    /// True while background work is under way or its results wait for `poll`: a key script's
    /// `<idle>` waits until it is false, so what follows sees the finished screen.
    var hasPendingWork: Bool { get }
    /// How long the loop may wait for input before calling `poll` and redrawing anyway
    /// (a spinner needs ticks); nil waits for input or a wake-up.
    var pollInterval: Duration? { get }
    /// Called once before the loop starts with a function that wakes it from any thread.
    func setWakeHandler(_ wake: @escaping @Sendable () -> Void)
}
