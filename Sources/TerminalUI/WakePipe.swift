#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A self-pipe: any thread (or a signal handler) writes a byte, and the run loop's poll(2) returns.
/// The descriptors close when the last reference goes, so a wake function the app keeps after the
/// run never writes into a descriptor number that was reused.
final class WakePipe: Sendable {
    let readDescriptor: Int32
    let writeDescriptor: Int32

    init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw TerminalUIError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
        // Non-blocking both ways: a full pipe already means "wake up", and draining stops when empty.
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// A function that wakes the loop from any thread.
    var wake: @Sendable () -> Void {
        { [self] in
            var byte: UInt8 = 1
            _ = write(writeDescriptor, &byte, 1)
        }
    }

    /// Reads every pending byte.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }
}
