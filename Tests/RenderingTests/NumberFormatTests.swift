import Rendering
import XCTest

final class NumberFormatTests: XCTestCase {
    func testAxisLabelsFitTheGutter() {
        XCTAssertEqual(NumberFormat.axisLabel(0.91), "0.91")
        XCTAssertEqual(NumberFormat.axisLabel(-0.72), "-0.72")
        XCTAssertEqual(NumberFormat.axisLabel(0.031), "0.031")
        XCTAssertEqual(NumberFormat.axisLabel(0.00028), "2.8e-4")
        XCTAssertEqual(NumberFormat.axisLabel(-0.000158), "-1.6e-4")
        XCTAssertEqual(NumberFormat.axisLabel(12345), "1.2e4")
        XCTAssertEqual(NumberFormat.axisLabel(0), "0")
        for value: Float in [-0.000123, 1e-12, -98765, 0.5] {
            XCTAssertLessThanOrEqual(NumberFormat.axisLabel(value).count, 7, "\(value): the explorer's 8-column gutter less its tick")
        }
    }

    func testMillisecondsKeepOneDecimalUnderTen() {
        XCTAssertEqual(NumberFormat.milliseconds(3.74), "3.7 ms")
        XCTAssertEqual(NumberFormat.milliseconds(71.4), "71 ms")
    }
}
