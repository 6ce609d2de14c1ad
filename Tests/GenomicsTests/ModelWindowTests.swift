import Genomics
import XCTest

final class ModelWindowTests: XCTestCase {
    func testPaddedWindowMapsRecordPositionsToInputColumns() throws {
        // 10 nt padded to 16, centre: 3 Ns on the left, 3 on the right.
        let record = SequenceRecord(id: "r", sequence: "ACGTACGTAC")
        let window = try LengthFit(pad: .center).window(for: record, inputLength: 16)
        XCTAssertEqual(window.start, -3)
        XCTAssertEqual(window.recordPositions, 0 ..< 10)
        XCTAssertEqual([window.leftPadding, window.rightPadding, window.padding], [3, 3, 6])
        XCTAssertFalse(window.slides)
        XCTAssertEqual(String(decoding: window.input(record.sequence), as: UTF8.self), "NNNACGTACGTACNNN")
        XCTAssertEqual(window.centered(on: 9), window, "a padded window cannot slide")
        // The fitted record is the window's input, with the offset LengthFit always had.
        let fitted = try LengthFit(pad: .center).fit(record, to: 16)
        XCTAssertEqual(fitted.record.sequence, window.input(record.sequence))
        XCTAssertEqual(fitted.offset, 3)
    }

    func testCroppedWindowSlidesWithinTheRecord() throws {
        let record = SequenceRecord(id: "r", sequence: String(repeating: "ACGTT", count: 20))  // 100 nt
        let window = try LengthFit(crop: .center).window(for: record, inputLength: 40)
        XCTAssertEqual(window.start, 30)
        XCTAssertTrue(window.slides)
        XCTAssertEqual(window.input(record.sequence), Array(record.sequence[30 ..< 70]))
        XCTAssertEqual(window.centered(on: 75).start, 55)
        XCTAssertEqual(window.centered(on: 99).start, 60, "kept within the record")
        XCTAssertEqual(window.centered(on: 3).start, 0)
        XCTAssertEqual(ModelWindow.whole(7).input(Array("ACGTACG".utf8)), Array("ACGTACG".utf8))
    }

    func testHeavyPaddingWarningNamesTheFirstAndCountsTheRest() {
        let windows = [ModelWindow(recordLength: 50, inputLength: 200, start: -75),   // 75 % padding
                       ModelWindow(recordLength: 150, inputLength: 200, start: -25),  // 25 %: fine
                       ModelWindow(recordLength: 80, inputLength: 200, start: 0),     // 60 %
                       ModelWindow(recordLength: 99, inputLength: 200, start: -50)]   // 50.5 %
        XCTAssertEqual(ModelWindow.heavyPaddingWarning(ids: ["a", "b", "c", "d"], windows: windows),
                       "warning: 'a' is 50 nt, padded to the model's 200 (75% padding) (and 2 more records); the model sees mostly padding there")
        XCTAssertNil(ModelWindow.heavyPaddingWarning(ids: ["b"], windows: [windows[1]]))
        XCTAssertNil(ModelWindow.heavyPaddingWarning(ids: ["e"], windows: [ModelWindow(recordLength: 100, inputLength: 200, start: 0)]),
                     "exactly half is not more than half")
    }
}
