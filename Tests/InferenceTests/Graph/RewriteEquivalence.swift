import Foundation
@testable import Inference
import XCTest

/// Builds small graphs by hand and checks a rewritten plan against the graph as written.
enum RewriteTesting {
    static func node(_ opType: String, _ op: Op, _ inputs: [String], _ output: String) -> Node {
        Node(name: output, opType: opType, op: op, inputs: inputs, outputs: [output])
    }

    static func graph(_ nodes: [Node], input: [Int], outputs: [String] = ["y"], initializers: [String: Value]) -> Graph {
        Graph(inputs: [ValueInfo(name: "x", declaredType: "float", dimensions: input.map { .fixed($0) })],
              outputs: outputs.map { ValueInfo(name: $0, declaredType: "float", dimensions: []) },
              initializers: initializers, nodes: nodes, opset: 17)
    }

    /// A float constant with values spread over [−1, 1) (away from 0: safe to divide by).
    static func constant(_ shape: [Int], seed: Int) -> Value {
        let count = shape.reduce(1, *)
        return .float(Tensor(shape: shape, scalars: (0..<count).map { i in
            let v = Float((i * 7919 + seed * 104_729) % 997) / 997 * 2 - 1
            return abs(v) < 0.1 ? v + 0.3 : v
        }))
    }

    /// Inputs in [−`scale`, `scale`).
    static func input(_ shape: [Int], scale: Float = 1) -> Tensor<Float> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float(($0 * 7919 + 13) % 1009) / 1009 * 2 * scale - scale })
    }

    /// Every graph output, and the gradient of the first with respect to x, agree within
    /// `tolerance` between the rewritten plan and the graph as written (whose gradients the
    /// finite-difference tests check).
    static func assertSameNumbers(_ graph: Graph, input x: Tensor<Float>, tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) throws {
        let rewritten = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape])
        let written = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape], rewriting: false)
        let (a, b) = (try rewritten.run(["x": x]), try written.run(["x": x]))
        for output in graph.outputs.map(\.name) {
            guard case .float(let got)? = a[output], case .float(let expected)? = b[output] else { return XCTFail("no output \(output)", file: file, line: line) }
            XCTAssertEqual(got.shape, expected.shape, output, file: file, line: line)
            assertClose(got.scalars, expected.scalars, tolerance, output, file: file, line: line)
        }
        let output = graph.outputs[0].name
        let seed = Tensor(shape: written.outputShapes[output]!, scalars: (0..<written.outputShapes[output]!.reduce(1, *)).map { Float($0 % 7) - 3 })
        let gradient = try rewritten.gradient(of: output, outputGradient: seed, inputs: ["x": x], respectTo: "x").gradient
        let expected = try written.gradient(of: output, outputGradient: seed, inputs: ["x": x], respectTo: "x").gradient
        assertClose(gradient.scalars, expected.scalars, tolerance, "gradient", file: file, line: line)
    }

    static func assertClose(_ a: [Float], _ b: [Float], _ tolerance: Float, _ what: String, file: StaticString, line: UInt) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, what, file: file, line: line)
    }
}
