import Foundation

/// Refuses an input path that names a directory, a named pipe, a device or a socket, before any
/// reader opens it: opening a FIFO blocks until something writes to it, and Foundation's
/// complaint about a directory does not say which file. Missing files are left to the readers,
/// whose messages say so. `kind` is what the path should be, e.g. "a .npy/.npz file".
func refuseIfNotRegularFile(_ path: String, kind: String) throws {
    var info = stat()
    guard stat(path, &info) == 0 else { return }
    let what: String
    switch info.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: what = "a directory"
    case S_IFIFO: what = "a named pipe (FIFO)"
    case S_IFCHR, S_IFBLK: what = "a device"
    case S_IFSOCK: what = "a socket"
    default: what = "not a regular file"
    }
    throw CommandFailure("\(path): is \(what); give the path of \(kind)")
}
