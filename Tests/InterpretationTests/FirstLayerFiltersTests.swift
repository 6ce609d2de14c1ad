import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// First-layer filter matrices against numpy on onnxruntime activations
/// (tools/make-filter-fixtures.py), and the graph analysis that finds the layer.
final class FirstLayerFiltersTests: XCTestCase {
    struct Fixture: Decodable {
        struct Filter: Decodable { var windows: Int; var max_activation: Double; var ppm: [[Double]] }
        var records: Int
        var filters: [Filter]
    }

    func model(_ name: String) throws -> SequenceModel {
        try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/\(name).onnx"))
    }

    func testMatricesMatchNumpyOnOnnxruntimeActivations() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.url("filters/code-shallow-relu.json")))
        let records = try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa"))
        let filters = try FirstLayerFilters(model: model("code-shallow-relu"))
        let found = try filters.motifs(records.prefix(fixture.records).map(\.sequence))
        XCTAssertEqual(found.count, fixture.filters.count)
        for (filter, expected) in zip(found, fixture.filters) {
            XCTAssertEqual(filter.windows, expected.windows, "filter \(filter.index)")
            XCTAssertEqual(Double(filter.maxActivation), expected.max_activation, accuracy: 1e-4 * max(1, expected.max_activation), "filter \(filter.index)")
            XCTAssertEqual(filter.width, 19)
            for (letter, row) in expected.ppm.enumerated() {
                for (position, value) in row.enumerated() {
                    XCTAssertEqual(filter.probabilities[letter * 19 + position], value, accuracy: 1e-12, "filter \(filter.index) letter \(letter) position \(position)")
                }
            }
        }
    }

    func testFindsTheFirstConvolutionAndItsActivation() throws {
        let relu = try model("multitask-deep-relu").graph
        guard case .success(let layer) = FirstConvolution.find(in: relu) else { return XCTFail("no first layer found") }
        XCTAssertEqual(layer.activation, "/features/features.2/Relu_output_0")
        XCTAssertEqual(layer.activationOp, "Relu")
        XCTAssertEqual([layer.width, layer.stride], [19, 1])
        XCTAssertEqual(layer.window(of: 0, inputLength: 200), -9 ..< 10)
        // Exp, then batch normalisation: the activation is the Exp's output.
        guard case .success(let exp) = FirstConvolution.find(in: try model("multitask-deep-exp").graph) else { return XCTFail("no first layer found") }
        XCTAssertEqual(exp.activation, "/features/features.1/Exp_output_0")
        XCTAssertEqual(exp.activationOp, "Exp")
    }

    func testAChannelsLastInputIsFollowedThroughItsTransposeAndAReshapeIsRefused() throws {
        let channelsLast = try SequenceModel(contentsOf: Fixtures.url("attribution/channels_last/model.onnx"))
        guard case .success(let layer) = FirstConvolution.find(in: channelsLast.graph) else { return XCTFail("no first layer found") }
        XCTAssertEqual(layer.activation, "/body/Relu_output_0")
        let conv2d = try SequenceModel(contentsOf: Fixtures.url("attribution/keras_conv2d/model.onnx"))
        XCTAssertThrowsError(try FirstLayerFilters(model: conv2d)) { error in
            XCTAssertEqual("\(error)", "model.onnx: the input reaches a Reshape node ('/body/Reshape') before any convolution; filters are read from a Conv applied to the one-hot input")
        }
    }
}
