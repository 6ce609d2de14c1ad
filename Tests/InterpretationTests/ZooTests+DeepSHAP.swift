import Foundation
import Inference
import Interpretation
import TestSupport
import XCTest

extension ZooTests {
    /// Zoo models whose every op on the way to the target has a DeepLIFT rule.
    static let fullyRuled: Set<String> = [
        "basset", "basset-dynamo", "bpnetlite-bpnet", "bpnetlite-bpnet-control", "bpnetlite-bpnet-dynamo", "bpnetlite-chrombpnet",
        "chrombpnet-pytorch", "chrombpnet-pytorch-dynamo", "deepstarr", "deepstarr-dynamo", "keras-bpnet", "keras-chrombpnet",
        "keras-deepstarr", "selene-nonstrandspecific", "enformer-pytorch", "grelu-borzoi", "grelu-conv-transformer",
        "transformer-learned", "transformer-learned-dynamo", "transformer-sinusoidal", "transformer-sinusoidal-dynamo",
    ]
    /// as_strided exported as a Gather whose indices are computed from the batch size.
    static let refusedByDeepSHAP = [
        "borzoi-pytorch-dynamo": "model.onnx: node 'node_as_strided' (Gather): its input 2 is computed from the batch size (it indexes or bounds the batch axis); DeepLIFT pairs examples with references along that axis and cannot split it here",
    ]

    /// DeepSHAP on every zoo model (3 shuffles): where every node has a rule the attributions
    /// add up to f(x) − mean f(references); where some do not, they are named, and only then
    /// may a sequence be flagged. LSTM and GRU have no rule.
    func testDeepSHAPAddsUpOrNamesTheNodesWithoutARule() throws {
        try forEveryModel("deepshap") { entry in
            let (model, task) = try entry.targeted()
            let settings = AttributionSettings(method: .deepshap, target: task, references: .shuffled(count: 3, seed: 1))
            let attributor = Attributor(model: model, batchSize: 6, threads: 2)
            if let refusal = Self.refusedByDeepSHAP[entry.name] {
                XCTAssertThrowsError(try attributor.deepSHAP(entry.sequences, settings: settings)) { XCTAssertEqual("\($0)", refusal) }
                return
            }
            let result = try attributor.deepSHAP(entry.sequences, settings: settings, tolerance: 1e-3)
            if result.nodesWithoutRule.isEmpty {
                XCTAssertEqual(result.flagged, [false, false], "\(entry.name): \(result.convergence) for \(result.outputDifferences)")
            }
            XCTAssertEqual(result.nodesWithoutRule.isEmpty, Self.fullyRuled.contains(entry.name), "\(entry.name): \(result.nodesWithoutRule)")
        }
    }
}
