import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Integer tensors through Range, CumSum, Tile and ArgMax, as exports compute shapes and
/// indices, and Range's refusals.
final class IntegerFlowTests: XCTestCase {
    private func load(_ nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto], inputDims: [Int64]) throws -> Graph {
        var builder = ModelBuilder(opset: 17)
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: inputDims)]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [])]
        builder.model.graph.initializer = initializers
        builder.model.graph.node = nodes
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }

    private func scalarInt(_ name: String, _ value: Int64) -> Onnx_TensorProto {
        ModelBuilder.int64Tensor(name, dims: [], values: [value])
    }

    /// Shape → Gather → Range → CumSum → Tile, all from the input's shape (folded while
    /// planning), then ArgMax → Tile → CumSum on the data (run for each input).
    func testShapeArithmeticAndIndicesStayIntegers() throws {
        let graph = try load([
            ModelBuilder.node("Shape", inputs: ["x"], outputs: ["shape"]),
            ModelBuilder.node("Gather", inputs: ["shape", "two"], outputs: ["length"]),
            ModelBuilder.node("Range", inputs: ["zero", "length", "one"], outputs: ["positions"]),
            ModelBuilder.node("CumSum", inputs: ["positions", "zero"], outputs: ["sums"]),
            ModelBuilder.node("Tile", inputs: ["sums", "twice"], outputs: ["tiled"]),
            ModelBuilder.node("ArgMax", inputs: ["x"], outputs: ["best"], attributes: [ModelBuilder.intAttribute("axis", 1), ModelBuilder.intAttribute("keepdims", 0)]),
            ModelBuilder.node("Tile", inputs: ["best", "once_twice"], outputs: ["best_tiled"]),
            ModelBuilder.node("CumSum", inputs: ["best_tiled", "one"], outputs: ["best_sums"], attributes: [ModelBuilder.intAttribute("reverse", 1)]),
            ModelBuilder.node("Reshape", inputs: ["best_sums", "flat"], outputs: ["best_flat"]),
            ModelBuilder.node("Concat", inputs: ["tiled", "best_flat"], outputs: ["y"], attributes: [ModelBuilder.intAttribute("axis", 0)]),
        ], initializers: [
            scalarInt("zero", 0), scalarInt("one", 1), scalarInt("two", 2),
            ModelBuilder.int64Tensor("twice", dims: [1], values: [2]),
            ModelBuilder.int64Tensor("once_twice", dims: [2], values: [1, 2]),
            ModelBuilder.int64Tensor("flat", dims: [1], values: [-1]),
        ], inputDims: [1, 4, 5])
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [1, 4, 5]])
        // The best channel per position: 2, 0, 3, 1, 1.
        var x = Tensor<Float>(shape: [1, 4, 5], repeating: 0)
        for (position, channel) in [2, 0, 3, 1, 1].enumerated() { x.scalars[channel * 5 + position] = 1 }
        guard case .int(let y)? = try plan.run(["x": x])["y"] else { return XCTFail("y should be an integer tensor") }
        let positionSums: [Int64] = [0, 1, 3, 6, 10]
        // best tiled twice: 2 0 3 1 1 2 0 3 1 1, summed from the right.
        let bestSums: [Int64] = [14, 12, 12, 9, 8, 7, 5, 5, 2, 1]
        XCTAssertEqual(y.scalars, positionSums + positionSums + bestSums)
    }

    func testFloatRangeOfConstantsIsFoldedAndDataDependentRangeIsRefused() throws {
        let constants = [ModelBuilder.floatTensor("start", dims: [], values: [0]), ModelBuilder.floatTensor("limit", dims: [], values: [1]),
                         ModelBuilder.floatTensor("delta", dims: [], values: [0.25])]
        let folded = try load([
            ModelBuilder.node("Range", inputs: ["start", "limit", "delta"], outputs: ["r"]),
            ModelBuilder.node("Add", inputs: ["x", "r"], outputs: ["y"]),
        ], initializers: constants, inputDims: [4])
        let plan = try ExecutionPlan(graph: folded, inputShapes: ["x": [4]])
        guard case .float(let y)? = try plan.run(["x": Tensor(shape: [4], scalars: [10, 20, 30, 40])])["y"] else { return XCTFail() }
        XCTAssertEqual(y.scalars, [10, 20.25, 30.5, 40.75])

        // A span too wide for Float's division gives −∞ steps: empty, not a trap.
        let backwards = try load([ModelBuilder.node("Range", inputs: ["zero", "far", "tiny"], outputs: ["y"])], initializers: [
            ModelBuilder.floatTensor("zero", dims: [], values: [0]), ModelBuilder.floatTensor("far", dims: [], values: [-3e38]),
            ModelBuilder.floatTensor("tiny", dims: [], values: [1e-30]),
        ], inputDims: [1])
        XCTAssertEqual(try ExecutionPlan(graph: backwards, inputShapes: ["x": [1]]).outputShapes["y"], [0])

        let dynamic = try load([ModelBuilder.node("Range", inputs: ["start", "x", "delta"], outputs: ["y"], name: "positions")],
                               initializers: constants, inputDims: [])
        XCTAssertThrowsError(try ExecutionPlan(graph: dynamic, inputShapes: ["x": []])) { error in
            XCTAssertEqual("\(error)", "node 'positions' (Range): input 2 must be known before running (a constant or shape computation), but it depends on the data; this dynamic-shape graph is not supported")
        }
        let endless = try load([
            ModelBuilder.node("Range", inputs: ["start", "limit", "zero"], outputs: ["r"], name: "positions"),
            ModelBuilder.node("Add", inputs: ["x", "r"], outputs: ["y"]),
        ], initializers: constants + [ModelBuilder.floatTensor("zero", dims: [], values: [0])], inputDims: [4])
        XCTAssertThrowsError(try ExecutionPlan(graph: endless, inputShapes: ["x": [4]])) { error in
            XCTAssertEqual("\(error)", "node 'positions' (Range): delta is 0, so the range never ends")
        }
    }
}
