import Foundation
import Inference
import TestSupport
import XCTest

final class ExecutionPlanTests: XCTestCase {
    func testShapesFollowBatchAndLength() throws {
        let graph = try ONNXImporter.load(data: ModelBuilder.tinyConvModel().serialized(), modelDirectory: nil)
        for (batch, length) in [(1, 3), (5, 41), (2, 1000)] {
            let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [batch, 4, length]])
            XCTAssertEqual(plan.outputShapes["y"], [batch, 2])
        }
    }

    func testFixedDeclaredLengthIsEnforced() throws {
        let graph = try ONNXImporter.load(data: ModelBuilder.tinyConvModel(length: 200).serialized(), modelDirectory: nil)
        XCTAssertThrowsError(try ExecutionPlan(graph: graph, inputShapes: ["x": [1, 4, 150]])) { error in
            XCTAssert("\(error)".contains("(batch, 4, 200) but was given [1, 4, 150]"), "\(error)")
        }
    }

    func testInputShorterThanKernelIsAClearError() throws {
        let graph = try ONNXImporter.load(data: ModelBuilder.tinyConvModel().serialized(), modelDirectory: nil)
        XCTAssertThrowsError(try ExecutionPlan(graph: graph, inputShapes: ["x": [1, 4, 2]])) { error in
            XCTAssert("\(error)".contains("shorter than the model's receptive field"), "\(error)")
        }
    }

    /// The conv is checked against a direct evaluation of its definition.
    func testConvMatchesDefinition() throws {
        let graph = try ONNXImporter.load(data: ModelBuilder.tinyConvModel().serialized(), modelDirectory: nil)
        let length = 7
        let x = Tensor(shape: [1, 4, length], scalars: (0..<(4 * length)).map { Float(($0 * 5) % 11) / 11 })
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape])
        guard case .float(let y)? = try plan.run(["x": x])["y"], case .float(let w)? = graph.initializers["w"] else { return XCTFail() }
        for filter in 0..<2 {
            var total: Float = 0
            for position in 0..<(length - 2) {
                var sum: Float = filter == 0 ? 0.1 : -0.2
                for channel in 0..<4 { for tap in 0..<3 { sum += w.scalars[(filter * 4 + channel) * 3 + tap] * x.scalars[channel * length + position + tap] } }
                total += sum
            }
            let expected = 1 / (1 + exp(-total / Float(length - 2)))
            XCTAssertEqual(y.scalars[filter], expected, accuracy: 1e-6)
        }
    }

    func testWrongRunShapeIsRefused() throws {
        let graph = try ONNXImporter.load(data: ModelBuilder.tinyConvModel().serialized(), modelDirectory: nil)
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [1, 4, 10]])
        XCTAssertThrowsError(try plan.run(["x": Tensor(shape: [1, 4, 11], repeating: 0)]))
    }
}

/// Buffers are recycled between runs: a plan run many times must give what a fresh plan gives.
final class BufferReuseTests: XCTestCase {
    func testRepeatedRunsOfOnePlanMatchFreshPlans() throws {
        for name in ["residual_dilated_b16_L200", "basset_bn_unfolded_b16_L200", "transformer_b16_L41"] {
            let folder = Fixtures.url("parity/\(name)")
            let graph = try ONNXImporter.load(contentsOf: folder.appendingPathComponent("model.onnx"))
            guard case .float(let input) = try NPY.read(contentsOf: folder.appendingPathComponent("input.npy")) else { return XCTFail() }
            let inputName = graph.inputs[0].name, outputName = graph.outputs[0].name
            let shuffled = Tensor(shape: input.shape, scalars: input.scalars.reversed())
            let plan = try ExecutionPlan(graph: graph, inputShapes: [inputName: input.shape])
            func run(_ plan: ExecutionPlan, _ x: Tensor<Float>) throws -> [Float] {
                guard case .float(let y)? = try plan.run([inputName: x], threads: 2)[outputName] else { throw InferenceError("no output") }
                return y.scalars
            }
            let first = try run(plan, input)
            let other = try run(plan, shuffled)
            let again = try run(plan, input)
            XCTAssertEqual(first, again, name)
            XCTAssertNotEqual(first, other, name)
            XCTAssertEqual(other, try run(ExecutionPlan(graph: graph, inputShapes: [inputName: input.shape]), shuffled), name)
        }
    }
}
