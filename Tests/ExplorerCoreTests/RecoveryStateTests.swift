import ExplorerCore
import Genomics
import XCTest

/// What the recovery file keys on: whether anything is left unsaved, in the records' own
/// positions also on a padded record.
final class RecoveryStateTests: XCTestCase {
    func testSavingAPaddedRecordLeavesNothingUnsaved() {
        // 10 nt padded to 16: the track is 3 positions right of the record's own.
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "short", sequence: "ACGTACGTAC")],
                                  windows: [ModelWindow(recordLength: 10, inputLength: 16, start: -3)])
        _ = state.start()
        _ = state.update(.moveTo(position: 5))
        _ = state.update(.mutate(base: UInt8(ascii: state.sequence[5] == UInt8(ascii: "A") ? "C" : "A")))
        XCTAssertTrue(state.hasUnsavedHistory)
        XCTAssertEqual(state.unsavedRecords, 1)
        // `s` saves the snapshot (record positions) and reports back its histories.
        _ = state.update(.saved(summary: "saved 1 edit", histories: state.snapshot.histories))
        XCTAssertFalse(state.hasUnsavedHistory, "saved: the recovery file goes")
        XCTAssertEqual(state.unsavedRecords, 0)
    }
}
