import Foundation
import Genomics
import TestSupport
import XCTest

/// Replays the text readers' fuzz corpora and crash inputs (see FuzzCorpus).
final class FuzzReplayTests: XCTestCase {
    private func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    func testFASTAInputsParseOrThrowOneLine() throws {
        try FuzzCorpus.replay("fasta") { _ = try FASTAReader.parse(Array($0), source: "fuzz.fa") }
    }

    func testMEMEInputsParseOrThrowOneLine() throws {
        try FuzzCorpus.replay("meme") { _ = try MotifReader.parseMEME(text($0), source: "fuzz.meme") }
    }

    func testJASPARInputsParseOrThrowOneLine() throws {
        try FuzzCorpus.replay("jaspar") { _ = try MotifReader.parseJASPAR(text($0), source: "fuzz.jaspar") }
    }

    func testHOMERInputsParseOrThrowOneLine() throws {
        try FuzzCorpus.replay("homer") { _ = try MotifReader.parseHOMER(text($0), source: "fuzz.motif") }
    }

    func testTRANSFACInputsParseOrThrowOneLine() throws {
        try FuzzCorpus.replay("transfac") { _ = try MotifReader.parseTRANSFAC(text($0), source: "fuzz.transfac") }
    }

    func testIntervalInputsParseOrThrowOneLine() throws {
        for url in FuzzCorpus.inputs("intervals") {
            let data = try Data(contentsOf: url)
            for (format, source) in [(IntervalFile.Format.bed, "fuzz.bed"), (.tsv, "fuzz.tsv")] {
                do { _ = try IntervalFile.parse(text(data), format: format, source: source) } catch {
                    FuzzCorpus.assertOneLine(error, input: url)
                }
            }
        }
    }

    /// The seeds are valid files, so each parses to at least one item: a broken seed would fuzz nothing useful.
    func testSeedsAreValid() throws {
        for url in FuzzCorpus.inputs("meme") where FuzzCorpus.isSeed(url) {
            XCTAssertFalse(try MotifReader.parseMEME(text(Data(contentsOf: url)), source: url.path).isEmpty, url.path)
        }
        for url in FuzzCorpus.inputs("jaspar") where FuzzCorpus.isSeed(url) {
            XCTAssertFalse(try MotifReader.parseJASPAR(text(Data(contentsOf: url)), source: url.path).isEmpty, url.path)
        }
        for url in FuzzCorpus.inputs("homer") where FuzzCorpus.isSeed(url) {
            XCTAssertFalse(try MotifReader.parseHOMER(text(Data(contentsOf: url)), source: url.path).isEmpty, url.path)
        }
        for url in FuzzCorpus.inputs("transfac") where FuzzCorpus.isSeed(url) {
            XCTAssertFalse(try MotifReader.parseTRANSFAC(text(Data(contentsOf: url)), source: url.path).isEmpty, url.path)
        }
    }
}
