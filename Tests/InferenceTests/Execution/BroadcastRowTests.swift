import Foundation
import Inference
import TestSupport
import XCTest

/// A bias or scale over the last axes, a per-channel scale (1, C, 1), a scalar and a bias along
/// separated axes (2, 1, 5) take loops with the small operand hoisted or stepping along rows: both
/// operand orders, each arithmetic op, against values computed here element by element.
final class BroadcastRowTests: XCTestCase {
    private func run(_ opType: String, rowFirst: Bool, small smallShape: [Int64] = [1, 5]) throws -> (output: [Float], full: [Float], row: [Float]) {
        let full = (0..<(2 * 3 * 5)).map { Float($0) / 7 + 0.5 }
        let row = (0..<Int(smallShape.reduce(1, *))).map { Float($0) - 2.5 }
        var builder = ModelBuilder()
        builder.model.graph.input = [ModelBuilder.valueInfo("x", dims: [2, 3, 5])]
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [2, 3, 5])]
        builder.model.graph.initializer = [ModelBuilder.floatTensor("row", dims: smallShape, values: row)]
        builder.model.graph.node = [ModelBuilder.node(opType, inputs: rowFirst ? ["row", "x"] : ["x", "row"], outputs: ["y"], name: "op")]
        let graph = try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [2, 3, 5]])
        guard case .float(let y)? = try plan.run(["x": Tensor(shape: [2, 3, 5], scalars: full)])["y"] else { throw XCTSkip("no output") }
        return (y.scalars, full, row)
    }

    func testEveryOpInBothOrders() throws {
        let operations: [(String, (Float, Float) -> Float)] = [("Add", (+)), ("Sub", (-)), ("Mul", (*)), ("Div", (/))]
        for (opType, operation) in operations {
            for rowFirst in [false, true] {
                let (output, full, row) = try run(opType, rowFirst: rowFirst)
                let expected = full.indices.map { rowFirst ? operation(row[$0 % 5], full[$0]) : operation(full[$0], row[$0 % 5]) }
                XCTAssertEqual(output, expected, "\(opType), row \(rowFirst ? "first" : "second")")
            }
        }
    }

    /// Keras batch norms exported by tf2onnx: Mul and Add by (1, C, 1) over (N, C, L).
    func testPerChannelAndScalarOperands() throws {
        let operations: [(String, (Float, Float) -> Float)] = [("Add", (+)), ("Sub", (-)), ("Mul", (*)), ("Div", (/))]
        let cases: [([Int64], (Int) -> Int)] = [([1, 3, 1], { $0 / 5 % 3 }), ([3, 1], { $0 / 5 % 3 }), ([1], { _ in 0 }), ([2, 1, 1], { $0 / 15 }),
                                                // Varying along separated axes (a per-head bias over attention's (N, H, L, D)): row by row.
                                                ([2, 1, 5], { $0 / 15 * 5 + $0 % 5 })]
        for (shape, smallIndex) in cases {
            for (opType, operation) in operations {
                for smallFirst in [false, true] {
                    let (output, full, small) = try run(opType, rowFirst: smallFirst, small: shape)
                    let expected = full.indices.map { smallFirst ? operation(small[smallIndex($0)], full[$0]) : operation(full[$0], small[smallIndex($0)]) }
                    XCTAssertEqual(output, expected, "\(opType) by \(shape), small operand \(smallFirst ? "first" : "second")")
                }
            }
        }
    }
}
