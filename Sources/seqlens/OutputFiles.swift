import Foundation
import Genomics

/// Writes `text` to `path` atomically (no half-written file on failure), refusing with the path
/// and the reason when it cannot.
func writeTextFile(_ text: String, to path: String) throws {
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw CommandFailure("\(path): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
    }
}

/// Text written piece by piece to a hidden file beside `path`, which `commit` renames into
/// place: output too large to hold in memory is still never seen half-written. Without
/// `commit` (an error on the way) the hidden file is removed.
final class StreamedTextFile {
    private let path: String
    private let partial: String
    private let handle: FileHandle
    private var committed = false

    init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        self.path = path
        partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw CommandFailure("\(path): cannot write (cannot create a file in its folder); check the folder exists and is writable")
        }
        self.handle = handle
    }

    deinit {
        try? handle.close()
        if !committed { try? FileManager.default.removeItem(atPath: partial) }
    }

    func write(_ text: String) throws {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch {
            throw CommandFailure("\(path): cannot write (\(fileErrorReason(error))); check the disk has room")
        }
    }

    func commit() throws {
        try handle.close()
        guard rename(partial, path) == 0 else {
            throw CommandFailure("\(path): cannot write (\(String(cString: strerror(errno)))); check the folder is writable")
        }
        committed = true
    }
}
