import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// The two sample models trained on real ChIP-seq peaks (janggu's Oct4 vs MafK): their cards
/// say what they are, and the test AUROC a card reports is what seqlens measures on the
/// committed test split. (Their predictions on the demo FASTA are checked against onnxruntime by
/// SampleModelTests, from Tests/Fixtures/sample-models/oct4-mafk-*.)
final class RealDataSampleModelTests: XCTestCase {
    struct Card: Decodable {
        struct Metrics: Decodable { var auroc: Double; var auprc: Double }
        struct External: Decodable { var data: String; var metrics: Metrics }
        struct Bar: Decodable { var bar: String; var met: Bool }
        var name: String
        var tasks: [String]
        var alphabet: String
        var input_length: Int
        var output_activation: String
        var dataset_files: String
        var demo_sequences: String
        var architecture: String
        var parameters: Int
        var test_metrics: Metrics
        var external_test: External
        var quality_bar: Bar
        var dataset_license: String
    }

    private func card(_ name: String) throws -> Card {
        try JSONDecoder().decode(Card.self, from: Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/\(name).json")))
    }

    func testCardsDescribeTwinModelsThatDifferOnlyInTheFirstActivation() throws {
        let relu = try card("oct4-mafk-relu"), exp = try card("oct4-mafk-exp")
        for c in [relu, exp] {
            XCTAssertEqual(c.tasks, ["Oct4"], c.name)
            XCTAssertEqual(c.alphabet, "DNA", c.name)
            XCTAssertEqual(c.input_length, 200, c.name)
            XCTAssertEqual(c.output_activation, "sigmoid", c.name)
            XCTAssertEqual(c.dataset_files, "assets/datasets/oct4-mafk", c.name)
            XCTAssertEqual(c.demo_sequences, "assets/sequences/oct4-mafk.fa", c.name)
            XCTAssertTrue(c.dataset_license.hasPrefix("GPL-3.0"), c.dataset_license)
            XCTAssertEqual(c.quality_bar.bar, "AUROC >= 0.90", c.name)
            XCTAssertTrue(c.quality_bar.met, c.name)
            XCTAssertTrue(c.external_test.data.hasPrefix("janggu's own test files"), c.external_test.data)
        }
        XCTAssertEqual(relu.parameters, exp.parameters)
        XCTAssertEqual(relu.architecture.replacingOccurrences(of: "BN + ReLU, maxpool 50", with: "BN + exp, maxpool 50"), exp.architecture)
        XCTAssertNotEqual(relu.architecture, exp.architecture)
    }

    /// seqlens' predictions on assets/datasets/oct4-mafk/test.fa (779 peaks) give the AUROC and
    /// AUPRC the cards report (4 decimals; the cards' numbers come from onnxruntime).
    func testCardsTestMetricsAreReproducedFromTheCommittedSplit() throws {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("assets/datasets/oct4-mafk")
        let records = try FASTAReader.read(contentsOf: folder.appendingPathComponent("test.fa"))
        let labelRows = try String(contentsOf: folder.appendingPathComponent("test-labels.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(records.count, 779)
        XCTAssertEqual(records.map(\.id), labelRows.map { $0[0] })
        let labels = labelRows.map { $0[1] == "1" }
        XCTAssertEqual(labels.filter { $0 }.count, 389)
        for name in ["oct4-mafk-relu", "oct4-mafk-exp"] {
            let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/\(name).onnx"))
            let table = try PredictionTable.predict(model: model, records: records, batchSize: 64, threads: 2)
            let scores = table.values.scalars.map(Double.init)
            let c = try card(name)
            XCTAssertEqual(try XCTUnwrap(CurveArea.roc(labels: labels, scores: scores)), c.test_metrics.auroc, accuracy: 1e-4, name)
            // CurveArea's AUPRC is the trapezoidal area, the card's average precision: 1e-5 apart here.
            XCTAssertEqual(try XCTUnwrap(CurveArea.precisionRecall(labels: labels, scores: scores)), c.test_metrics.auprc, accuracy: 1e-4, name)
            XCTAssertGreaterThan(c.test_metrics.auroc, 0.99, name)
        }
    }
}
