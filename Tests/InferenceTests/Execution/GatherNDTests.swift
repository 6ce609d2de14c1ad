import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// What ONNX's three GatherND cases leave out: negative and repeated index tuples, tuples
/// that address every axis, batch_dims with tuples longer than one, integer data, and
/// one-line refusals of indices that do not fit the data.
final class GatherNDTests: XCTestCase {
    private typealias B = ModelBuilder

    /// data = 0..<24 as (2, 3, 4), GatherND(data, indices) with indices an initializer.
    private func gatherND(_ indices: [Int64], shape: [Int64], batchDims: Int64?, integerData: Bool = false, opset: Int64 = 13) throws -> Value? {
        var builder = ModelBuilder(opset: opset)
        builder.model.graph.input = [B.valueInfo("data", type: integerData ? .int64 : .float, dims: [2, 3, 4])]
        builder.model.graph.output = [B.valueInfo("y", type: integerData ? .int64 : .float, dims: [])]
        builder.model.graph.initializer = [B.int64Tensor("indices", dims: shape, values: indices)]
        builder.model.graph.node = [B.node("GatherND", inputs: ["data", "indices"], outputs: ["y"], name: "flip",
                                           attributes: batchDims.map { [B.intAttribute("batch_dims", $0)] } ?? [])]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        if integerData {
            let data = Tensor<Int64>(shape: [2, 3, 4], scalars: (0..<24).map(Int64.init))
            return try ExecutionPlan(graph: graph, inputShapes: [:], integerInputs: ["data": data]).run([:])["y"]
        }
        let data = Tensor<Float>(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        return try ExecutionPlan(graph: graph, inputShapes: ["data": data.shape]).run(["data": data])["y"]
    }

    private func floats(_ value: Value?) -> (shape: [Int], scalars: [Float])? {
        if case .float(let t)? = value { (t.shape, t.scalars) } else { nil }
    }

    func testTuplesAddressLeadingAxesWithNegativeAndRepeatedIndices() throws {
        // (3, 2) tuples over (axis 0, axis 1): rows data[1, 2], data[0, 0], data[1, 2] again.
        let rows = try floats(gatherND([1, -1, 0, 0, 1, 2], shape: [3, 2], batchDims: 0))
        XCTAssertEqual(rows?.shape, [3, 4])
        XCTAssertEqual(rows?.scalars, [20, 21, 22, 23, 0, 1, 2, 3, 20, 21, 22, 23])
        // Full tuples pick single elements: data[1, 0, 3], data[0, 2, -1]; opset 11 has no batch_dims.
        let elements = try floats(gatherND([1, 0, 3, 0, 2, -1], shape: [2, 3], batchDims: nil, opset: 11))
        XCTAssertEqual(elements?.shape, [2])
        XCTAssertEqual(elements?.scalars, [15, 11])
        // selene's reverse-complement flip: a reversed arange of (2, 1) tuples reverses axis 0.
        let flipped = try floats(gatherND([1, 0], shape: [2, 1], batchDims: 0))
        XCTAssertEqual(flipped?.shape, [2, 3, 4])
        XCTAssertEqual(flipped?.scalars, (12..<24).map(Float.init) + (0..<12).map(Float.init))
    }

    func testBatchDimsIndexWithinEachBatch() throws {
        // batch 0 takes its rows 2 and 0, batch 1 its rows −3 (= 0) and 1.
        let rows = try floats(gatherND([2, 0, -3, 1], shape: [2, 2, 1], batchDims: 1))
        XCTAssertEqual(rows?.shape, [2, 2, 4])
        XCTAssertEqual(rows?.scalars, [8, 9, 10, 11, 0, 1, 2, 3, 12, 13, 14, 15, 16, 17, 18, 19])
        // Two coordinates per batch: data[0, 2, 3] and data[1, 0, −4 = 0].
        let elements = try floats(gatherND([2, 3, 0, -4], shape: [2, 1, 2], batchDims: 1))
        XCTAssertEqual(elements?.shape, [2, 1])
        XCTAssertEqual(elements?.scalars, [11, 12])
        // batch_dims 2: one coordinate along the last axis within each (batch, row).
        let last = try floats(gatherND([3, 0, 1, 2, 2, 2], shape: [2, 3, 1], batchDims: 2))
        XCTAssertEqual(last?.shape, [2, 3])
        XCTAssertEqual(last?.scalars, [3, 4, 9, 14, 18, 22])
    }

    func testIntegerDataStaysInteger() throws {
        guard case .int(let y)? = try gatherND([1, 2, 0, 0], shape: [2, 2], batchDims: 0, integerData: true) else {
            return XCTFail("GatherND of int64 data should give int64")
        }
        XCTAssertEqual(y.shape, [2, 4])
        XCTAssertEqual(y.scalars, [20, 21, 22, 23, 0, 1, 2, 3])
    }

    func testIndicesThatDoNotFitAreRefusedInOneLine() throws {
        let cases: [([Int64], [Int64], Int64, String)] = [
            ([0, 3], [1, 2], 0, "node 'flip' (GatherND): index 3 is out of range for axis 1 of size 3"),
            ([0, 0, -5], [1, 3], 0, "node 'flip' (GatherND): index -5 is out of range for axis 2 of size 4"),
            ([0, 0, 0, 0], [1, 4], 0, "node 'flip' (GatherND): the last axis of indices must hold 1 to 3 coordinates (data [2, 3, 4], indices [1, 4], batch_dims 0)"),
            ([0, 0, 0], [3, 1], 1, "node 'flip' (GatherND): the first 1 axes of data and indices must be equal (data [2, 3, 4], indices [3, 1], batch_dims 1)"),
            ([0, 0], [2, 1], 2, "node 'flip' (GatherND): batch_dims must lie in 0..<2 (data [2, 3, 4], indices [2, 1], batch_dims 2)"),
        ]
        for (indices, shape, batchDims, message) in cases {
            XCTAssertThrowsError(try gatherND(indices, shape: shape, batchDims: batchDims)) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }
}
