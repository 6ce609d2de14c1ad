import Inference
import XCTest

/// Thread counts stay within the cores and within what an address-space limit leaves room for
/// (OpenBLAS hangs when the limit refuses a thread's buffer).
final class ThreadBudgetTests: XCTestCase {
    private let megabyte = 1 << 20

    func testThreadsStayWithinTheCores() {
        XCTAssertEqual(ThreadBudget.threads(requested: nil, cores: 8, addressSpace: nil), 8)
        XCTAssertEqual(ThreadBudget.threads(requested: 256, cores: 2, addressSpace: nil), 2)
        XCTAssertEqual(ThreadBudget.threads(requested: 3, cores: 16, addressSpace: nil), 3)
        XCTAssertEqual(ThreadBudget.threads(requested: 0, cores: 0, addressSpace: nil), 1)
    }

    func testThreadsStayWithinTheAddressSpaceLimit() {
        // 320 MB for the process, 160 MB per thread.
        XCTAssertEqual(ThreadBudget.threads(requested: 64, cores: 64, addressSpace: 3000 * megabyte), 16)
        XCTAssertEqual(ThreadBudget.threads(requested: 2, cores: 2, addressSpace: 600 * megabyte), 1)
        XCTAssertEqual(ThreadBudget.threads(requested: 2, cores: 2, addressSpace: 640 * megabyte), 2)
        XCTAssertEqual(ThreadBudget.threads(requested: 4, cores: 4, addressSpace: 100 * megabyte), 1)
    }

    func testALimitTooSmallForOneThreadIsRefusedInOneLine() {
        XCTAssertNoThrow(try ThreadBudget.checkAddressSpace(nil))
        XCTAssertNoThrow(try ThreadBudget.checkAddressSpace(480 * megabyte))
        XCTAssertThrowsError(try ThreadBudget.checkAddressSpace(479 * megabyte)) { error in
            XCTAssertEqual("\(error)", "the address-space limit (ulimit -v) is 479 MB, but seqlens needs at least 480 MB (OpenBLAS reserves 128 MB per thread); raise the limit")
        }
    }
}
