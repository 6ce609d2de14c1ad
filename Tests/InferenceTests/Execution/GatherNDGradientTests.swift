import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Finite differences for GatherND: repeated tuples (whose gradients add up), negative
/// indices, batch_dims, and selene's reverse-complement flip inside a whole model.
extension GradientTests {
    private typealias B = ModelBuilder

    func testGatherNDAgainstFiniteDifferences() throws {
        let data = Tensor<Float>(shape: [2, 3, 4], scalars: (0..<24).map { Float(($0 * 37 + 11) % 83) / 83 * 8 - 4 })
        let cases: [(indices: [Int64], shape: [Int64], batchDims: Int64, output: [Int])] = [
            ([1, -1, 0, 0, 1, 2], [3, 2], 0, [3, 4]),  // data[1, 2] twice
            ([1, 0, 1], [3, 1], 0, [3, 3, 4]),
            ([2, 2, -3, 1], [2, 2, 1], 1, [2, 2, 4]),  // batch 0 takes row 2 twice
            ([1, 2, 3, 0, -3, 2], [2, 1, 3], 0, [2, 1]),  // single elements
        ]
        var failures: [String] = []
        for (indices, shape, batchDims, output) in cases {
            var builder = ModelBuilder()
            builder.model.graph.input = [B.valueInfo("data", dims: [2, 3, 4])]
            builder.model.graph.output = [B.valueInfo("y", dims: output.map(Int64.init))]
            builder.model.graph.initializer = [B.int64Tensor("indices", dims: shape, values: indices)]
            builder.model.graph.node = [B.node("GatherND", inputs: ["data", "indices"], outputs: ["y"], attributes: [B.intAttribute("batch_dims", batchDims)])]
            let plan = try ExecutionPlan(graph: ONNXImporter.load(data: builder.serialized(), modelDirectory: nil), inputShapes: ["data": data.shape])
            XCTAssertEqual(plan.shape(of: "y"), output, "indices \(shape), batch_dims \(batchDims)")
            if let failure = try check(plan: plan, inputs: ["data": data], input: "data", output: "y", samples: 24) {
                failures.append("indices \(shape), batch_dims \(batchDims): \(failure)")
            }
        }
        let flip = ReverseComplementFlipTests.self
        let x = flip.sequences(2)
        let plan = try ExecutionPlan(graph: ONNXImporter.load(data: flip.model().serialized(), modelDirectory: nil), inputShapes: ["x": x.shape])
        if let failure = try check(plan: plan, inputs: ["x": x], input: "x", output: "y", samples: 40) { failures.append("reverse-complement model: \(failure)") }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
