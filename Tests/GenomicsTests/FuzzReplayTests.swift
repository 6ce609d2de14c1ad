import Foundation
import Genomics
import XCTest

/// Replays the fuzzers' seed corpora and saved crash inputs (Fuzz/corpus/<reader>, Fuzz/crashes/<reader>)
/// through the entry points the harnesses in Fuzz/ call: every input must parse or throw a one-line
/// error, never trap. This keeps crashes found by `make fuzz` fixed.
final class FuzzReplayTests: XCTestCase {
    private static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The corpus and crash files of one reader; the corpus must not be empty (or the replay checks nothing).
    private func inputs(_ reader: String) throws -> [URL] {
        func files(_ folder: String) -> [URL] {
            let url = Self.fuzzFolder.appendingPathComponent(folder).appendingPathComponent(reader)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.sorted().map { url.appendingPathComponent($0) }
        }
        let corpus = files("corpus")
        XCTAssertFalse(corpus.isEmpty, "no seed corpus in Fuzz/corpus/\(reader)")
        return corpus + files("crashes")
    }

    /// Runs `parse` on each input; a thrown error must be one non-empty line.
    private func replay(_ reader: String, parse: (Data) throws -> Void) throws {
        for url in try inputs(reader) {
            let data = try Data(contentsOf: url)
            do {
                try parse(data)
            } catch {
                let message = "\(error)"
                XCTAssertFalse(message.isEmpty, "\(url.lastPathComponent): empty error")
                XCTAssertFalse(message.contains("\n"), "\(url.lastPathComponent): error spans lines: \(message)")
            }
        }
    }

    private func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    func testFASTAInputsParseOrThrowOneLine() throws {
        try replay("fasta") { _ = try FASTAReader.parse(Array($0), source: "fuzz.fa") }
    }

    func testMEMEInputsParseOrThrowOneLine() throws {
        try replay("meme") { _ = try MotifReader.parseMEME(text($0), source: "fuzz.meme") }
    }

    func testJASPARInputsParseOrThrowOneLine() throws {
        try replay("jaspar") { _ = try MotifReader.parseJASPAR(text($0), source: "fuzz.jaspar") }
    }

    func testIntervalInputsParseOrThrowOneLine() throws {
        try replay("intervals") { data in
            for (format, source) in [(IntervalFile.Format.bed, "fuzz.bed"), (.tsv, "fuzz.tsv")] {
                do { _ = try IntervalFile.parse(text(data), format: format, source: source) } catch {
                    XCTAssertFalse("\(error)".contains("\n"), "\(source): error spans lines: \(error)")
                }
            }
        }
    }

    /// The seeds are valid files, so each parses to at least one item: a broken seed would fuzz nothing useful.
    func testSeedsAreValid() throws {
        for url in try inputs("meme") where url.path.contains("/corpus/") {
            XCTAssertFalse(try MotifReader.parseMEME(text(Data(contentsOf: url)), source: url.path).isEmpty, url.path)
        }
        for url in try inputs("jaspar") where url.path.contains("/corpus/") {
            XCTAssertFalse(try MotifReader.parseJASPAR(text(Data(contentsOf: url)), source: url.path).isEmpty, url.path)
        }
    }
}
