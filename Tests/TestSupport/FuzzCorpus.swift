import Foundation
import XCTest

/// The fuzzers' seed corpora and saved crash inputs (Fuzz/corpus/<reader>, Fuzz/crashes/<reader>),
/// replayed by each reader's tests through the entry points the harnesses in Fuzz/ call: every
/// input must parse or throw a one-line error, never trap. This keeps crashes found by
/// `make fuzz` fixed.
public enum FuzzCorpus {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Fuzz")

    /// The corpus and crash files of one reader; the corpus must not be empty (or the replay checks nothing).
    public static func inputs(_ reader: String, file: StaticString = #filePath, line: UInt = #line) -> [URL] {
        func files(_ kind: String) -> [URL] {
            let url = folder.appendingPathComponent(kind).appendingPathComponent(reader)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.sorted().map { url.appendingPathComponent($0) }
        }
        let corpus = files("corpus")
        XCTAssertFalse(corpus.isEmpty, "no seed corpus in Fuzz/corpus/\(reader)", file: file, line: line)
        return corpus + files("crashes")
    }

    /// Runs `parse` on each input of `reader`; a thrown error must be one non-empty line.
    public static func replay(_ reader: String, file: StaticString = #filePath, line: UInt = #line, parse: (Data) throws -> Void) throws {
        for url in inputs(reader, file: file, line: line) {
            let data = try Data(contentsOf: url)
            do {
                try parse(data)
            } catch {
                assertOneLine(error, input: url, file: file, line: line)
            }
        }
    }

    /// A refusal is one non-empty line.
    public static func assertOneLine(_ error: Error, input: URL, file: StaticString = #filePath, line: UInt = #line) {
        let message = "\(error)"
        XCTAssertFalse(message.isEmpty, "\(input.lastPathComponent): empty error", file: file, line: line)
        XCTAssertFalse(message.contains("\n"), "\(input.lastPathComponent): error spans lines: \(message)", file: file, line: line)
    }

    /// Whether `url` is a seed (a valid file) rather than a saved crash input.
    public static func isSeed(_ url: URL) -> Bool { url.path.contains("/Fuzz/corpus/") }
}
