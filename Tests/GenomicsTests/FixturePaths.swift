import Foundation

/// Fixtures live in Tests/Fixtures, found relative to this file so tests run from any directory.
enum FixturePaths {
    static let fasta = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fasta")

    static func fasta(_ name: String) -> URL { fasta.appendingPathComponent(name) }
}
