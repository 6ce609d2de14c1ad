import ExplorerCore
import Foundation
import Genomics

/// PREFIX.recovery.json: the edits not yet saved, in the session file's format, rewritten
/// (atomically) on every change of the edit histories so that a killed explorer or a closed
/// terminal loses nothing; removed when everything is saved or the explorer quits cleanly.
public struct RecoveryFile: Sendable {
    public let url: URL

    public init(prefix: String) { url = URL(fileURLWithPath: prefix + ".recovery.json") }

    public var exists: Bool { FileManager.default.fileExists(atPath: url.path) }

    public func write(_ snapshot: SessionSnapshot, files: ExplorerApp.SessionFiles) throws {
        try replace(with: SessionFile(files: files, relativeTo: url, snapshot: snapshot).encoded())
    }

    /// Atomic like `Data.write(options: .atomic)` (a reader sees the old file or the new one),
    /// without its fsync: that costs ~7 ms on every edit here (0.3 ms without), and a killed
    /// process loses nothing the kernel already holds.
    private func replace(with data: Data) throws {
        let temporary = url.path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ExplorerError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = writeBytes(data, to: descriptor)
        let writeError = errno
        close(descriptor)
        guard written == data.count, rename(temporary, url.path) == 0 else {
            let reason = String(cString: strerror(written == data.count ? errno : writeError))
            unlink(temporary)
            throw ExplorerError("cannot write \(url.path): \(reason)")
        }
    }

    public func remove() { try? FileManager.default.removeItem(at: url) }

    /// The recovered session, refused (one line, pointing to `--discard-recovery`) when it is
    /// unreadable or was written for another model or FASTA file.
    public func read(modelPath: String, sequencesPath: String) throws -> SessionFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ExplorerError("cannot read recovery file \(url.path): \(error.localizedDescription); start with --discard-recovery to drop it")
        }
        let file: SessionFile
        do { file = try SessionFile.decode(data, source: url.path) } catch let error as ExplorerError {
            throw ExplorerError("\(error.description) (to drop it, start with --discard-recovery)")
        }
        let folder = url.deletingLastPathComponent()
        func resolved(_ path: String) -> String {
            (path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)).standardizedFileURL.path
        }
        func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        guard resolved(file.model) == standardized(modelPath), resolved(file.sequences) == standardized(sequencesPath) else {
            throw ExplorerError("\(url.path) holds unsaved edits of \(resolved(file.model)) on \(resolved(file.sequences)), not of this model and FASTA; open those, pick another --save-as prefix, or start with --discard-recovery to drop them")
        }
        return file
    }

    /// The histories and view of `file` for `records`, refused in one line when they no longer
    /// match the FASTA file.
    public func restorable(_ file: SessionFile, records: [SequenceRecord], windows: [ModelWindow], taskCount: Int) throws -> (histories: [EditHistory], view: SavedView) {
        do {
            return (try file.histories(for: records, source: url.path), try file.checkedView(records: records, windows: windows, taskCount: taskCount, source: url.path))
        } catch let error as ExplorerError {
            throw ExplorerError("\(error.description) (to drop the unsaved edits, start with --discard-recovery)")
        }
    }
}

/// write(2) of `data` (outside the type, whose own `write` would shadow it): the bytes written, or -1.
private func writeBytes(_ data: Data, to descriptor: Int32) -> Int {
    data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
}
