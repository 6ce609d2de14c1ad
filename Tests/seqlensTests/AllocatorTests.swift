import Foundation
import TestSupport
import XCTest

/// The seqlens process allocates through mimalloc (Seqlens.keepFreedMemory): under glibc's one
/// arena, two workers took turns on its lock (bench/RESULTS.md, issue 18, fifteenth round).
final class AllocatorTests: XCTestCase {
    /// mimalloc prints its statistics at exit when asked; its `pages` row counts the pages it
    /// retired once their blocks were freed. The control: with glibc's malloc first in the symbol
    /// lookup (libc preloaded, as a changed link order would leave it), mimalloc still loads and
    /// prints, but no block passes through it.
    func testThePredictionsAreAllocatedByMimalloc() throws {
        #if os(Linux)
        let root = Fixtures.repositoryRoot
        func pagesRetired(preloading library: String?) throws -> Double {
            var environment = ProcessInfo.processInfo.environment
            environment["MIMALLOC_SHOW_STATS"] = "1"
            if let library { environment["LD_PRELOAD"] = library }
            let result = try runSeqlens(["predict", root.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path,
                                         root.appendingPathComponent("assets/sequences/multitask.fa").path, "--threads", "2"],
                                        environment: environment)
            XCTAssertEqual(result.status, 0, result.stderr)
            // "     pages:      0          0         38        -38      ok": peak, total, freed, current.
            let row = try XCTUnwrap(result.stderr.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("pages:") },
                                    result.stderr)
            return try XCTUnwrap(Double(row.split(separator: " ")[3]), String(row))
        }
        XCTAssertGreaterThan(try pagesRetired(preloading: nil), 0)
        XCTAssertEqual(try pagesRetired(preloading: "libc.so.6"), 0)
        #endif
    }
}
