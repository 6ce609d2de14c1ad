import Interactive
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Rendering

/// Where the run loop's frames go and a person's input comes from.
protocol Display {
    var width: Int { get }
    var height: Int { get }
    var depth: ColorDepth { get }
    /// The descriptor to wait on for input; nil when there is no person.
    var inputDescriptor: Int32? { get }
    func draw(_ canvas: Canvas)
    /// Everything typed, clicked or resized since the last call, without waiting.
    func readEvents() -> [InputEvent]
}

extension Screen: Display {
    var depth: ColorDepth { colors.depth }
    var inputDescriptor: Int32? { STDIN_FILENO }
}

/// No screen and no person (a scripted run without a terminal): frames go only to the recording.
struct HeadlessDisplay: Display {
    let width: Int
    let height: Int
    let depth: ColorDepth
    var inputDescriptor: Int32? { nil }
    func draw(_ canvas: Canvas) {}
    func readEvents() -> [InputEvent] { [] }
}
