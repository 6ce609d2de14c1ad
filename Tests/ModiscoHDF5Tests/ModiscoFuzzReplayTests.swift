import Foundation
import ModiscoHDF5
import TestSupport
import XCTest

/// Replays the modisco harness's corpus and crash inputs (see FuzzCorpus) through the same entry
/// point: each is read or refused in one line.
final class ModiscoFuzzReplayTests: XCTestCase {
    func testInputsReadOrThrowOneLine() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("modisco-replay-\(UUID()).h5")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FuzzCorpus.replay("modisco") { data in
            try data.write(to: scratch)
            _ = try ModiscoReader.read(path: scratch.path)
        }
    }

    /// The valid seed reads as written (tools/make-fuzz-seeds.py): a broken seed would fuzz nothing useful.
    func testTheSeedIsAPattern() throws {
        let results = try ModiscoReader.read(path: FuzzCorpus.inputs("modisco").first { $0.lastPathComponent == "pattern.h5" }!.path)
        XCTAssertEqual(results.patterns.map(\.name), ["pos_patterns.pattern_0"])
        XCTAssertEqual(results.patterns[0].width, 3)
        XCTAssertEqual(results.patterns[0].seqlets.map(\.isReverseComplement), [false, true])
        XCTAssertEqual(results.windowSize, 20)
    }
}
