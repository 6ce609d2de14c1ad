import Foundation
import XCTest
@testable import Genomics

/// TOMTOM against memelite 0.5 (tools/make-tomtom-fixtures.py): every p-value, score, offset,
/// overlap and strand of six queries against a 40-motif JASPAR database.
final class TomtomTests: XCTestCase {
    struct Expected: Decodable {
        struct Query: Decodable { var name: String; var p: [Double]; var score: [Int]; var offset: [Int]; var overlap: [Int]; var strand: [Int] }
        var queries: [Query]
    }

    static let folder = FixturePaths.fasta.deletingLastPathComponent().appendingPathComponent("tomtom")

    func load() throws -> (Tomtom, [Motif], Expected) {
        let targets = try MotifReader.read(contentsOf: Self.folder.appendingPathComponent("targets.meme"))
        let queries = try MotifReader.read(contentsOf: Self.folder.appendingPathComponent("queries.meme"))
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.folder.appendingPathComponent("memelite-tomtom.json")))
        return (try Tomtom(targets: targets), queries, expected)
    }

    func testEveryPairMatchesMemelite() throws {
        let (tomtom, queries, expected) = try load()
        XCTAssertEqual(queries.count, expected.queries.count)
        for (query, reference) in zip(queries, expected.queries) {
            let matches = try tomtom.compare(query)
            XCTAssertEqual(matches.count, reference.p.count)
            for (index, match) in matches.enumerated() {
                let context = "\(reference.name) vs target \(index)"
                XCTAssertEqual(match.score, reference.score[index], context)
                XCTAssertEqual(match.offset, reference.offset[index], context)
                XCTAssertEqual(match.overlap, reference.overlap[index], context)
                XCTAssertEqual(match.reverseStrand, reference.strand[index] == 1, context)
                let p = reference.p[index]
                XCTAssertLessThanOrEqual(abs(match.pValue - p), max(1e-12, 1e-9 * p), "\(context): p \(match.pValue) vs \(p)")
            }
        }
    }

    func testBestMatchesAreTheObviousOnes() throws {
        let (tomtom, queries, _) = try load()
        // An exact copy of target 3 finds it on the forward strand, fully aligned.
        let copy = try tomtom.nearest(queries[0], count: 1)[0]
        XCTAssertEqual(copy.target, 3)
        XCTAssertFalse(copy.reverseStrand)
        XCTAssertEqual(copy.offset, 0)
        XCTAssertEqual(copy.overlap, queries[0].width)
        XCTAssertLessThan(copy.qValue, 0.05)
        // A trimmed reverse complement of target 10 finds it on the reverse strand, one column in.
        let reverse = try tomtom.nearest(queries[1], count: 1)[0]
        XCTAssertEqual(reverse.target, 10)
        XCTAssertTrue(reverse.reverseStrand)
        XCTAssertEqual(reverse.offset, 1)
        XCTAssertEqual(copy.eValue, copy.pValue * 40)
    }

    func testBenjaminiHochbergMatchesTheTextbookExample() {
        // p = (0.01, 0.04, 0.03, 0.20): p·m/rank = 0.04, 0.0533, 0.06, 0.2, then the running minimum from the top.
        let q = benjaminiHochberg([0.01, 0.04, 0.03, 0.20])
        XCTAssertEqual(q[0], 0.04, accuracy: 1e-15)
        XCTAssertEqual(q[1], 0.04 * 4 / 3, accuracy: 1e-15)
        XCTAssertEqual(q[2], 0.04 * 4 / 3, accuracy: 1e-15)
        XCTAssertEqual(q[3], 0.2, accuracy: 1e-15)
    }

    func testRefusesAnEmptyDatabase() {
        XCTAssertThrowsError(try Tomtom(targets: [])) { error in
            XCTAssertEqual("\(error)", "tomtom: the motif database is empty; give a file with motifs")
        }
    }
}
