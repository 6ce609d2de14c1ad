import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// Every bundled sample model loads with its card, predicts its demo FASTA through the
/// whole seqlens path (FASTA → one-hot → engine), and matches onnxruntime within 1e-4.
final class SampleModelTests: XCTestCase {
    struct Meta: Decodable {
        var model: String
        var fasta: String
        var tasks: [String]
        var alphabet: String
        var input_length: Int
        var record_ids: [String]
        var tolerance: Float
    }

    func testEverySampleModelMatchesOnnxruntime() throws {
        let root = Fixtures.url("sample-models")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/meta.json").path)
        }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 7, "sample-model fixtures: \(names)")
        for name in names {
            let folder = root.appendingPathComponent(name)
            let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: folder.appendingPathComponent("meta.json")))
            let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(meta.model))
            XCTAssertEqual(try model.taskNames(length: meta.input_length), meta.tasks, name)
            XCTAssertEqual(model.alphabet.displayName, meta.alphabet, name)
            XCTAssertEqual(model.fixedLength, meta.input_length, name)
            let records = try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(meta.fasta))
            XCTAssertEqual(records.map(\.id), meta.record_ids, name)
            let table = try PredictionTable.predict(model: model, records: records, batchSize: 16, threads: 2)
            guard case .float(let expected) = try NPY.read(contentsOf: folder.appendingPathComponent("expected.npy")) else { return XCTFail() }
            XCTAssertEqual(table.values.shape, expected.shape, name)
            let comparison = compare(table.values.scalars, expected.scalars, absolute: meta.tolerance, relative: 0)
            XCTAssertEqual(comparison.failures, 0, "\(name): \(comparison)")
        }
    }
}
