import ExplorerCore
import Foundation
import Interactive
import XCTest

/// The key table is the one source of the key map, the help and the README's table.
final class KeyMapTests: XCTestCase {
    func testNoKeyIsBoundTwice() {
        var seen: [Key: String] = [:]
        for binding in KeyMap.bindings {
            for key in binding.actions.map(\.key) {
                XCTAssertNil(seen[key], "\(key) is bound by '\(seen[key] ?? "")' and by '\(binding.keys)'")
                seen[key] = binding.keys
            }
        }
    }

    func testTheREADMEKeyTableIsTheKeyMap() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex(of: "| keys | what they do |"), "README.md has no key table")
        let table = lines[start...].prefix { $0.hasPrefix("|") }.joined(separator: "\n")
        XCTAssertEqual(table, KeyMap.markdownTable, "README.md's key table differs from KeyMap.bindings; paste this:\n\(KeyMap.markdownTable)")
    }
}
