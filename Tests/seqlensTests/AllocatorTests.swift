import Foundation
import TestSupport
import XCTest

/// The seqlens process allocates through mimalloc (Seqlens.keepFreedMemory): under glibc's one
/// arena, two workers took turns on its lock (bench/RESULTS.md, issue 18, fifteenth round).
final class AllocatorTests: XCTestCase {
    /// mimalloc prints its statistics at exit when asked. Were glibc's malloc to win the symbol
    /// lookup (a link order change), mimalloc would still load and print them, having committed
    /// next to nothing; the predictions of 50 sequences commit tens of MiB.
    func testThePredictionsAreAllocatedByMimalloc() throws {
        #if os(Linux)
        let root = Fixtures.repositoryRoot
        var environment = ProcessInfo.processInfo.environment
        environment["MIMALLOC_SHOW_STATS"] = "1"
        let result = try runSeqlens(["predict", root.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path,
                                     root.appendingPathComponent("assets/sequences/multitask.fa").path, "--threads", "2"],
                                    environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        // "committed:   41.0 MiB   46.0 MiB ...": the peak, then the total.
        let fields = try XCTUnwrap(result.stderr.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("committed:") },
                                   result.stderr).split(separator: " ")
        let units: [Substring: Double] = ["B": 1, "KiB": 1024, "MiB": 1024 * 1024, "GiB": 1024 * 1024 * 1024]
        let peak = try XCTUnwrap(Double(fields[1])) * XCTUnwrap(units[fields[2]], "unit \(fields[2])")
        XCTAssertGreaterThan(peak, 8 * 1024 * 1024, result.stderr)
        #endif
    }
}
