import Inference
import XCTest

/// Thread counts stay within the cores and within what an address-space limit leaves room for
/// (a thread whose arena or stack the limit refuses can crash or hang the process).
final class ThreadBudgetTests: XCTestCase {
    private let megabyte = 1 << 20

    func testThreadsStayWithinTheCores() {
        XCTAssertEqual(ThreadBudget.threads(requested: nil, cores: 8, addressSpace: nil), 8)
        XCTAssertEqual(ThreadBudget.threads(requested: 256, cores: 2, addressSpace: nil), 2)
        XCTAssertEqual(ThreadBudget.threads(requested: 3, cores: 16, addressSpace: nil), 3)
        XCTAssertEqual(ThreadBudget.threads(requested: 0, cores: 0, addressSpace: nil), 1)
    }

    func testThreadsStayWithinTheAddressSpaceLimit() {
        // 256 MB for the process, 80 MB per thread.
        XCTAssertEqual(ThreadBudget.threads(requested: 64, cores: 64, addressSpace: 3000 * megabyte), 34)
        XCTAssertEqual(ThreadBudget.threads(requested: 2, cores: 2, addressSpace: 415 * megabyte), 1)
        XCTAssertEqual(ThreadBudget.threads(requested: 2, cores: 2, addressSpace: 416 * megabyte), 2)
        XCTAssertEqual(ThreadBudget.threads(requested: 4, cores: 4, addressSpace: 100 * megabyte), 1)
    }

    func testALimitTooSmallForOneThreadIsRefusedInOneLine() {
        XCTAssertNoThrow(try ThreadBudget.checkAddressSpace(nil))
        XCTAssertNoThrow(try ThreadBudget.checkAddressSpace(336 * megabyte))
        XCTAssertThrowsError(try ThreadBudget.checkAddressSpace(335 * megabyte)) { error in
            XCTAssertEqual("\(error)", "the address-space limit (ulimit -v) is 335 MB, but seqlens needs at least 336 MB; raise the limit")
        }
    }
}
