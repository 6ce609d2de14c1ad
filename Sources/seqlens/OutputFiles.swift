import Foundation
import Genomics

/// Writes `text` to `path` atomically (no half-written file on failure), refusing with the path
/// and the reason when it cannot.
func writeTextFile(_ text: String, to path: String) throws {
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw CommandFailure("\(path): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
    }
}
