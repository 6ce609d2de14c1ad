import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

final class SequenceModelTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Sequences encoded by seqlens from letters give onnxruntime's numbers: decode the
    /// fixture's one-hot input to letters (zero columns → N), predict, compare.
    func testPredictFromLettersMatchesOnnxruntime() throws {
        for (name, layout) in [("channels_last_b16_L100", SequenceLayout.channelsLast), ("basset_folded_b16_L200", .channelsFirst), ("rna_short_b1_L41", .channelsFirst)] {
            let folder = Fixtures.url("parity/\(name)")
            let model = try SequenceModel(contentsOf: folder.appendingPathComponent("model.onnx"))
            XCTAssertEqual(model.layout, layout, name)
            guard case .float(let input) = try NPY.read(contentsOf: folder.appendingPathComponent("input.npy")),
                  case .float(let expected) = try NPY.read(contentsOf: folder.appendingPathComponent("expected.npy")) else { return XCTFail() }
            let perSequence = input.count / input.shape[0]
            let sequences = (0..<input.shape[0]).map { row in
                OneHot.decode(Array(input.scalars[row * perSequence ..< (row + 1) * perSequence]), alphabet: .dna, layout: layout)
            }
            XCTAssert(sequences.allSatisfy { $0.contains(UInt8(ascii: "N")) }, "fixtures carry N columns")
            let predicted = try model.predict(sequences, batchSize: 5, threads: 2)
            XCTAssertEqual(predicted.shape, [expected.shape[0], expected.count / expected.shape[0]])
            let comparison = compare(predicted.scalars, expected.scalars)
            XCTAssertEqual(comparison.failures, 0, "\(name): \(comparison)")
        }
    }

    func testTaskNamesComeFromMetadataAndTheSidecarWins() throws {
        let url = try ModelBuilder.tinyConvModel(metadata: ["tasks": "enhancer, promoter", "alphabet": "RNA"]).write(to: directory)
        var model = try SequenceModel(contentsOf: url)
        XCTAssertEqual(try model.taskNames(length: 20), ["enhancer", "promoter"])
        XCTAssertEqual(model.alphabet, .rna)

        try Data(#"{"tasks": ["A549", "HepG2"], "description": "from the sidecar"}"#.utf8).write(to: directory.appendingPathComponent("model.json"))
        model = try SequenceModel(contentsOf: url)
        XCTAssertEqual(try model.taskNames(length: 20), ["A549", "HepG2"])
        XCTAssertEqual(model.card.description, "from the sidecar")
        XCTAssertEqual(model.alphabet, .rna, "keys the sidecar lacks keep the metadata's value")
    }

    func testTasksDefaultToIndexedNamesWhenCountDiffers() throws {
        let url = try ModelBuilder.tinyConvModel(metadata: ["tasks": "only-one"]).write(to: directory)
        XCTAssertEqual(try SequenceModel(contentsOf: url).taskNames(length: 10), ["task_0", "task_1"])
    }

    func testBrokenSidecarIsAClearError() throws {
        let url = try ModelBuilder.tinyConvModel().write(to: directory)
        try Data("{not json".utf8).write(to: directory.appendingPathComponent("model.json"))
        XCTAssertThrowsError(try SequenceModel(contentsOf: url)) { XCTAssert("\($0)".contains("model.json: not valid JSON"), "\($0)") }
    }

    func testNonFloatInputIsRefused() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", type: .int64, dims: [nil, 4, nil])]
        let url = try builder.write(to: directory)
        XCTAssertThrowsError(try SequenceModel(contentsOf: url)) { error in
            XCTAssert("\(error)".contains("input 'x' is int64, but seqlens feeds one-hot float32 sequences"), "\(error)")
        }
    }

    func testLayoutNeedsAnAxisOfFour() throws {
        var builder = ModelBuilder.tinyConvModel()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [nil, 5, nil])]
        let url = try builder.write(to: directory)
        XCTAssertThrowsError(try SequenceModel(contentsOf: url)) { XCTAssert("\($0)".contains("cannot tell the layout"), "\($0)") }
    }

    func testFixedLengthModelRefusesOtherLengths() throws {
        let model = try SequenceModel(contentsOf: ModelBuilder.tinyConvModel(length: 20).write(to: directory))
        XCTAssertEqual(model.fixedLength, 20)
        XCTAssertThrowsError(try model.predict([Array(repeating: UInt8(ascii: "A"), count: 19)])) { error in
            XCTAssert("\(error)".contains("takes sequences of exactly 20 nt, not 19; use --pad or --crop"), "\(error)")
        }
    }
}

extension SequenceModelTests {
    /// Splitting a batch across threads must not change a single value.
    func testThreadsSplitTheBatchWithoutChangingResults() throws {
        let url = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx")
        let model = try SequenceModel(contentsOf: url)
        let records = try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa"))
        let sequences = records.map(\.sequence)
        let one = try model.predict(sequences, batchSize: 50, threads: 1)
        let two = try model.predict(sequences, batchSize: 50, threads: 2)
        let three = try model.predict(sequences, batchSize: 50, threads: 3)
        XCTAssertEqual(one.shape, [50, 12])
        XCTAssertEqual(compare(two.scalars, one.scalars, absolute: 1e-6, relative: 1e-6).failures, 0)
        XCTAssertEqual(compare(three.scalars, one.scalars, absolute: 1e-6, relative: 1e-6).failures, 0)
    }

    /// --logits: the model cut before its final Sigmoid predicts values whose sigmoid is the model's output.
    func testLogitsModelPredictsThePreActivationValue() throws {
        let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx"))
        XCTAssertTrue(model.outputsProbabilities)
        let logits = try model.logits(length: 200)
        XCTAssertFalse(logits.outputsProbabilities)
        XCTAssertEqual(try logits.taskNames(length: 200), ["GATA", "Ebox"])
        let sequences = [Array(String(repeating: "ACGTTGCA", count: 25).utf8), Array(String(repeating: "AGATAACG", count: 25).utf8)]
        let probabilities = try model.predict(sequences), values = try logits.predict(sequences)
        XCTAssertEqual(values.shape, [2, 2])
        for (p, z) in zip(probabilities.scalars, values.scalars) { XCTAssertEqual(p, 1 / (1 + exp(-z)), accuracy: 1e-6) }
        XCTAssertThrowsError(try logits.logits(length: 200)) { error in
            XCTAssertEqual((error as? InterpretationError)?.description,
                           "--logits: output '\(logits.outputName)' does not come from a final Sigmoid or Softmax, so it already is the pre-activation value")
        }
    }
}
