import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// The filter browser's contents on a real model: the windows of the numpy reference
/// (Tests/Fixtures/filters) and each filter's best match among the scanned motifs.
final class FilterSummariesTests: XCTestCase {
    struct Fixture: Decodable { struct Filter: Decodable { var windows: Int }; var records: Int; var filters: [Filter] }

    func testFiltersOfTheShallowModelWithTheirMatches() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.url("filters/code-shallow-relu.json")))
        let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx"))
        let records = try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa"))
        let motifs = try MotifReader.read(contentsOf: Fixtures.url("tomtom/targets.meme"))
        let summaries = try FilterSummaries.compute(model: model, sequences: records.prefix(fixture.records).map(\.sequence), finder: SeqletFinder(motifs: motifs))
        XCTAssertEqual(summaries.map(\.windows), fixture.filters.map(\.windows))
        XCTAssertEqual(summaries.map(\.probabilities.length), [Int](repeating: 19, count: 24))
        for summary in summaries {
            XCTAssertNotNil(summary.match.wholeMatch(of: /MA\d{4}\.\d+ \S.* q \S+/), summary.match)
        }
        XCTAssertEqual(try FilterSummaries.compute(model: model, sequences: [records[0].sequence], finder: SeqletFinder(motifs: [])).first?.match, "")
    }
}
