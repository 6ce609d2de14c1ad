import Foundation
import Genomics
import ModiscoHDF5
import TestSupport
import XCTest

/// The reader against h5py on modisco-lite's own output (tools/make-modisco-fixture.py), and its
/// refusals of broken files.
final class ModiscoReaderTests: XCTestCase {
    static let results = Fixtures.url("modisco/results.h5").path

    /// expected.json: what h5py reads from results.h5.
    struct Expected: Decodable {
        struct Matrix: Decodable { var shape: [Int]; var values: [Double] }
        struct Pattern: Decodable {
            var sequence: Matrix
            var contrib_scores: Matrix
            var hypothetical_contribs: Matrix
            var n_seqlets: Int
            var start: [Int]
            var end: [Int]
            var example_idx: [Int]
            var is_revcomp: [Bool]
            var trimmed: [Int]
            var consensus: String
            var subpatterns: [String: Pattern]
        }
        var window_size: Int
        var groups: [String: [String: Pattern]]
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Fixtures.url("modisco/expected.json")))
    }

    /// (width, 4) row-major, as h5py gives it, to the reader's letter-major (4, width).
    func letterMajor(_ matrix: Expected.Matrix) -> [Double] {
        let width = matrix.shape[0]
        return (0 ..< 4).flatMap { letter in (0 ..< width).map { matrix.values[$0 * 4 + letter] } }
    }

    func assertMatches(_ pattern: ModiscoPattern, _ expected: Expected.Pattern, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(pattern.width, expected.sequence.shape[0], pattern.name, file: file, line: line)
        XCTAssertEqual(pattern.sequence, letterMajor(expected.sequence), "\(pattern.name) sequence", file: file, line: line)
        XCTAssertEqual(pattern.contributions, letterMajor(expected.contrib_scores), "\(pattern.name) contrib_scores", file: file, line: line)
        XCTAssertEqual(pattern.hypotheticalContributions, letterMajor(expected.hypothetical_contribs), "\(pattern.name) hypothetical_contribs", file: file, line: line)
        XCTAssertEqual(pattern.seqlets.count, expected.n_seqlets, pattern.name, file: file, line: line)
        XCTAssertEqual(pattern.seqlets.map(\.start), expected.start, pattern.name, file: file, line: line)
        XCTAssertEqual(pattern.seqlets.map(\.end), expected.end, pattern.name, file: file, line: line)
        XCTAssertEqual(pattern.seqlets.map(\.example), expected.example_idx, pattern.name, file: file, line: line)
        XCTAssertEqual(pattern.seqlets.map(\.isReverseComplement), expected.is_revcomp, pattern.name, file: file, line: line)
        let trimmed = pattern.trimmedRange()
        XCTAssertEqual([trimmed.lowerBound, trimmed.upperBound], expected.trimmed, "\(pattern.name) trimmed as modiscolite.report does", file: file, line: line)
        XCTAssertEqual(pattern.slice(trimmed).motif.consensus, expected.consensus, pattern.name, file: file, line: line)
    }

    func testEveryArrayMatchesWhatH5pyReads() throws {
        let results = try ModiscoReader.read(path: Self.results)
        let expected = try Self.expected()
        XCTAssertEqual(results.windowSize, expected.window_size)
        let number = { (name: String) in Int(name.split(separator: "_").last!)! }
        let names = ["pos_patterns", "neg_patterns"].flatMap { group in
            (expected.groups[group] ?? [:]).keys.sorted { number($0) < number($1) }.map { "\(group).\($0)" }
        }
        XCTAssertEqual(results.patterns.map(\.name), names)
        XCTAssertGreaterThanOrEqual(names.count, 5, "the fixture should hold several patterns")
        for pattern in results.patterns {
            let parts = pattern.name.split(separator: ".").map(String.init)
            let reference = try XCTUnwrap(expected.groups[parts[0]]?[parts[1]])
            assertMatches(pattern, reference)
            XCTAssertEqual(pattern.subpatterns.map(\.name), reference.subpatterns.keys.sorted { number($0) < number($1) }.map { "\(pattern.name).\($0)" })
            for subpattern in pattern.subpatterns {
                assertMatches(subpattern, try XCTUnwrap(reference.subpatterns[String(subpattern.name.split(separator: ".").last!)]))
            }
        }
    }

    func testPatternsAreFoundByFullOrShortName() throws {
        let results = try ModiscoReader.read(path: Self.results)
        XCTAssertEqual(try results.pattern(named: "pos_patterns.pattern_1", source: "r.h5").name, "pos_patterns.pattern_1")
        XCTAssertEqual(try results.pattern(named: "pattern_2", source: "r.h5").name, "pos_patterns.pattern_2")
        XCTAssertEqual(try results.pattern(named: "pos_patterns.pattern_0.subpattern_0", source: "r.h5").name, "pos_patterns.pattern_0.subpattern_0")
        XCTAssertThrowsError(try results.pattern(named: "pattern_99", source: "r.h5")) { error in
            XCTAssertTrue("\(error)".hasPrefix("r.h5: no pattern 'pattern_99'; give one of pos_patterns.pattern_0, pos_patterns.pattern_1"), "\(error)")
        }
    }

    func assertRefuses(_ path: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModiscoReader.read(path: path), file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
            XCTAssertFalse("\(error)".contains("\n"), file: file, line: line)
        }
    }

    func hostile(_ name: String) -> String { Fixtures.url("modisco/hostile/\(name).h5").path }

    func testRefusesBrokenLayoutsInOneLine() {
        let cases: [(String, String)] = [
            ("missing-contrib-scores", "pos_patterns/pattern_0/contrib_scores is missing"),
            ("wide-contrib-scores", "pos_patterns/pattern_0/contrib_scores has shape [8, 5], expected (width, 4) with width 1 to 100000 (A, C, G, T per position)"),
            ("short-hypothetical", "pos_patterns/pattern_0/hypothetical_contribs has 7 positions but pos_patterns/pattern_0/sequence has 8"),
            ("three-axes-sequence", "pos_patterns/pattern_0/sequence has shape [8, 4, 1], expected (width, 4) with width 1 to 100000 (A, C, G, T per position)"),
            ("text-sequence", "pos_patterns/pattern_0/sequence holds text, expected numbers"),
            ("nan-contrib-scores", "pos_patterns/pattern_0/contrib_scores holds NaN or infinity"),
            ("seqlet-count-mismatch", "pos_patterns/pattern_0/seqlets/start has shape [3], expected (5) as n_seqlets says"),
            ("start-after-end", "pos_patterns/pattern_0/seqlets seqlet 1 is example 1, 30 to 18; expected 0 <= start < end and a row of 0 or more"),
            ("missing-seqlet-starts", "pos_patterns/pattern_0/seqlets/start is missing"),
            ("no-patterns", "holds neither pos_patterns nor neg_patterns; give modisco-lite's results (modisco motifs -o RESULTS.h5)"),
            ("pattern-is-dataset", "pos_patterns/pattern_0 is a dataset, expected a group"),
            // Each of these would read results.h5 beside it (a valid file) or loop if followed.
            ("external-link", "cannot open pos_patterns (HDF5: traversal operator failed)"),
            ("soft-link-loop", "cannot open pos_patterns/pattern_0 (HDF5: too many links)"),
            ("external-storage", "pos_patterns/pattern_0/contrib_scores keeps its values outside this file (external or virtual storage); seqlens reads self-contained files"),
        ]
        for (name, message) in cases { assertRefuses(hostile(name), "\(hostile(name)): \(message)") }
    }

    func testRefusesTruncatedAndForeignFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modisco-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.results))
        let truncated = directory.appendingPathComponent("truncated.h5").path
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: truncated))
        assertRefuses(truncated, "\(truncated): is not a readable HDF5 file (HDF5: truncated file: eof = \(whole.count / 2), sblock->base_addr = 0, stored_eof = \(whole.count)); is it complete (not truncated)?")

        let text = directory.appendingPathComponent("notes.h5").path
        try Data("not hdf5\n".utf8).write(to: URL(fileURLWithPath: text))
        assertRefuses(text, "\(text): is not an HDF5 file; give modisco-lite's results (modisco motifs -o RESULTS.h5)")
        assertRefuses(directory.appendingPathComponent("absent.h5").path, "\(directory.appendingPathComponent("absent.h5").path): no such file; check the path")
        // Every prefix of a small file is refused in one line, never a trap.
        let small = try Data(contentsOf: URL(fileURLWithPath: hostile("start-after-end")))
        for length in stride(from: 0, to: small.count, by: max(1, small.count / 64)) {
            let path = directory.appendingPathComponent("prefix-\(length).h5").path
            try small.prefix(length).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try ModiscoReader.read(path: path)) { XCTAssertFalse("\($0)".contains("\n")) }
        }
    }
}
