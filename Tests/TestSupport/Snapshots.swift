import Foundation
import XCTest

/// Compares output with Tests/Fixtures/rendering/snapshots/NAME; SEQLENS_UPDATE_SNAPSHOTS=1 rewrites it.
public func assertSnapshot(_ output: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let url = Fixtures.url("rendering/snapshots/\(name)")
    if ProcessInfo.processInfo.environment["SEQLENS_UPDATE_SNAPSHOTS"] == "1" {
        try Data(output.utf8).write(to: url, options: .atomic)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    XCTAssertEqual(output, expected, "output differs from snapshots/\(name); if intended, rewrite with SEQLENS_UPDATE_SNAPSHOTS=1 and review the diff", file: file, line: line)
}
