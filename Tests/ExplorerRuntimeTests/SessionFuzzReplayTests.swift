import ExplorerRuntime
import Foundation
import Genomics
import TestSupport
import XCTest

/// Replays the session fuzz corpus and crash inputs (see FuzzCorpus) through what Fuzz/session.swift
/// runs: decoding, then the checks against the records that `explore --session` and `--recover` make.
final class SessionFuzzReplayTests: XCTestCase {
    /// The records and windows of Fuzz/session.swift.
    private let records = [
        SequenceRecord(id: "mt_test_04056", sequence: String(repeating: "ACGTTGCA", count: 25)),
        SequenceRecord(id: "second", sequence: "ACGTACGTAC"),
    ]
    private let windows = [ModelWindow.whole(200), ModelWindow(recordLength: 10, inputLength: 200, start: -95)]

    func testInputsDecodeAndCheckOrThrowOneLine() throws {
        try FuzzCorpus.replay("session") { data in
            let file = try SessionFile.decode(data, source: "fuzz.session.json")
            do { _ = try file.checkedView(records: records, windows: windows, taskCount: 3, source: "fuzz.session.json") } catch {
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
            _ = try file.histories(for: records, source: "fuzz.session.json")
        }
    }

    /// The seeds restore: their views and edits fit the harness's records.
    func testSeedsRestore() throws {
        for url in FuzzCorpus.inputs("session") where FuzzCorpus.isSeed(url) {
            let file = try SessionFile.decode(Data(contentsOf: url), source: url.lastPathComponent)
            XCTAssertNoThrow(try file.checkedView(records: records, windows: windows, taskCount: 3, source: url.lastPathComponent), url.lastPathComponent)
            XCTAssertNoThrow(try file.histories(for: records, source: url.lastPathComponent), url.lastPathComponent)
        }
    }
}
