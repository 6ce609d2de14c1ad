import Foundation
import Genomics
import ModiscoHDF5
import TestSupport
import XCTest

/// Patterns matched to JASPAR as modisco-lite's report matches them: TOMTOM (memelite's semantics)
/// of the trimmed sequence, the 3 nearest (Tests/Fixtures/modisco/tomtom.json).
final class ModiscoMatchTests: XCTestCase {
    struct Reference: Decodable {
        struct Match: Decodable { var target: String; var p_value: Double }
        var report: [String: [Match]]
        var normalised: [String: [Match]]
    }

    func testMatchesAreMemelitesOnTheTrimmedPatternAndModiscosBest() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.url("modisco/tomtom.json")))
        let database = try Tomtom(targets: MotifReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme")))
        let patterns = try ModiscoReader.read(path: Fixtures.url("modisco/results.h5").path).patterns
        XCTAssertEqual(Set(patterns.map(\.name)), Set(reference.normalised.keys))
        for pattern in patterns {
            let ours = try pattern.matches(in: database, count: 10)
            let theirs = try XCTUnwrap(reference.normalised[pattern.name])
            for (rank, match) in theirs.enumerated() {
                XCTAssertEqual(ours[rank].pValue, match.p_value, accuracy: match.p_value * 1e-9, "\(pattern.name) rank \(rank)")
                // Equal p-values (ties) may come in either order: the reference's motif has the same p-value here.
                let same = try XCTUnwrap(ours.first { $0.motif == match.target }, "\(pattern.name): \(match.target) not among the 10 nearest")
                XCTAssertEqual(same.pValue, match.p_value, accuracy: match.p_value * 1e-9, "\(pattern.name) \(match.target)")
            }
            // modisco-lite's own report (raw, unnormalised columns) names the same best match.
            XCTAssertEqual(ours[0].motif, reference.report[pattern.name]?.first?.target, pattern.name)
        }
    }
}
