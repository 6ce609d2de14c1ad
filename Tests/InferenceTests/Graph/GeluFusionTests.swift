import Foundation
@testable import Inference
import TestSupport
import XCTest

/// GELU written out in elementwise ops becomes one Gelu node, in the orders exporters write it,
/// and nowhere else.
final class GeluFusionTests: XCTestCase {
    private typealias T = RewriteTesting

    private func scalar(_ v: Float) -> Value { .float(Tensor(shape: [], scalars: [v])) }

    /// PyTorch's nn.GELU at opset 17: Div(x, √2) → Erf → Add 1 → Mul x → Mul 0.5.
    private func erfForm(divisor: Float = 1.4142135, outputs: [String] = ["y"]) -> Graph {
        T.graph([
            T.node("Div", .binary(.div), ["x", "root2"], "d"), T.node("Erf", .unary(.erf), ["d"], "e"),
            T.node("Add", .binary(.add), ["e", "one"], "a"), T.node("Mul", .binary(.mul), ["x", "a"], "m"),
            T.node("Mul", .binary(.mul), ["m", "half"], "y"),
        ], input: [2, 3, 7], outputs: outputs, initializers: ["root2": scalar(divisor), "one": scalar(1), "half": scalar(0.5)])
    }

    /// grelu's Borzoi: x·x, ·x, ·0.044715, + x, ·√(2/π), Tanh, + 1, ·x, ·0.5, constants first.
    private func tanhForm(cubeByPow: Bool = false) -> Graph {
        let cube: [Node] = cubeByPow
            ? [T.node("Pow", .binary(.pow), ["x", "three"], "c")]
            : [T.node("Mul", .binary(.mul), ["x", "x"], "s"), T.node("Mul", .binary(.mul), ["x", "s"], "c")]
        return T.graph(cube + [
            T.node("Mul", .binary(.mul), ["k", "c"], "kc"), T.node("Add", .binary(.add), ["x", "kc"], "i"),
            T.node("Mul", .binary(.mul), ["r", "i"], "z"), T.node("Tanh", .unary(.tanh), ["z"], "t"),
            T.node("Add", .binary(.add), ["one", "t"], "o"), T.node("Mul", .binary(.mul), ["x", "o"], "m"),
            T.node("Mul", .binary(.mul), ["half", "m"], "y"),
        ], input: [2, 3, 7], initializers: ["k": scalar(0.044715), "r": scalar(0.7978845608), "one": scalar(1), "half": scalar(0.5),
                                            "three": .float(Tensor(shape: [1], scalars: [3]))])
    }

    private func assertFused(_ graph: Graph, tanh: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let rewritten = GraphRewrites.apply(to: graph)
        XCTAssertEqual(rewritten.nodes.count, 1, file: file, line: line)
        guard case .unary(.gelu(let tanhApproximation)) = rewritten.nodes[0].op else { return XCTFail("not fused", file: file, line: line) }
        XCTAssertEqual(tanhApproximation, tanh, file: file, line: line)
        XCTAssertEqual(rewritten.nodes[0].inputs, ["x"], file: file, line: line)
        XCTAssertEqual(rewritten.nodes[0].outputs, ["y"], file: file, line: line)
        try T.assertSameNumbers(graph, input: T.input([2, 3, 7], scale: 5), file: file, line: line)
    }

    func testErfFormFusesInTheExportersOrders() throws {
        try assertFused(erfForm(), tanh: false)
        // x · (1/√2), and 0.5 · (1 + erf) before the product with x.
        var other = erfForm()
        other.nodes[0] = T.node("Mul", .binary(.mul), ["inverse", "x"], "d")
        other.nodes[3] = T.node("Mul", .binary(.mul), ["half", "a"], "m")
        other.nodes[4] = T.node("Mul", .binary(.mul), ["m", "x"], "y")
        other.initializers["inverse"] = scalar(0.70710677)
        try assertFused(other, tanh: false)
        // (0.5 · x) · (1 + erf).
        var halved = erfForm()
        halved.nodes[3] = T.node("Mul", .binary(.mul), ["x", "half"], "m")
        halved.nodes[4] = T.node("Mul", .binary(.mul), ["a", "m"], "y")
        try assertFused(halved, tanh: false)
    }

    func testTanhFormFusesWithProductsOrPow() throws {
        try assertFused(tanhForm(), tanh: true)
        try assertFused(tanhForm(cubeByPow: true), tanh: true)
    }

    func testNotFusedWhereTheNumbersOrTheValuesDiffer() throws {
        // A different constant: not GELU.
        XCTAssertEqual(GraphRewrites.apply(to: erfForm(divisor: 1.5)).nodes.count, 5)
        // The Erf's output is a graph output.
        XCTAssertEqual(GraphRewrites.apply(to: erfForm(outputs: ["y", "e"])).nodes.count, 5)
        // 1 + erf has a second reader.
        var shared = erfForm()
        shared.nodes.append(T.node("Neg", .unary(.neg), ["a"], "n"))
        shared.outputs.append(ValueInfo(name: "n", declaredType: "float", dimensions: []))
        XCTAssertEqual(GraphRewrites.apply(to: shared).nodes.count, 6)
        // The cube of another value than the one added.
        var mixed = tanhForm()
        mixed.nodes[1] = T.node("Mul", .binary(.mul), ["s", "s"], "c")
        XCTAssertEqual(GraphRewrites.apply(to: mixed).nodes.count, 9)
    }

    /// The kernel against libm's erf and tanh (in double), across saturation, with NaN kept. For
    /// x ≪ 0, 1 + erf cancels: a few float ulps of erf near −1, times x/2, as in onnxruntime's and
    /// PyTorch's formula and in the written-out form. The tanh form, computed as x / (1 + e^{-2u}),
    /// keeps relative accuracy there too (to float's rounding of u, up to 87 in e^{-2u}).
    func testKernelMatchesTheDefinitions() throws {
        let xs: [Float] = (-800...800).map { Float($0) / 80 } + [.nan]
        for tanhApproximation in [false, true] {
            let gelu = T.graph([T.node("Gelu", .unary(.gelu(tanhApproximation: tanhApproximation)), ["x"], "y")], input: [xs.count], initializers: [:])
            let plan = try ExecutionPlan(graph: gelu, inputShapes: ["x": [xs.count]])
            guard case .float(let y)? = try plan.run(["x": Tensor(shape: [xs.count], scalars: xs)])["y"] else { return XCTFail() }
            let ys = y.scalars
            for (x, y) in zip(xs.dropLast(), ys) {
                let v = Double(x)
                let expected = tanhApproximation ? 0.5 * v * (1 + Foundation.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
                                                 : 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
                let cancellation = tanhApproximation ? 0 : 2e-7 * max(0, -v)
                XCTAssertEqual(Double(y), expected, accuracy: 2e-7 * max(1, abs(expected)) + cancellation, "gelu(\(x)), tanh: \(tanhApproximation)")
                if tanhApproximation && v < 0 {
                    let u = 0.7978845608028654 * (v + 0.044715 * v * v * v)
                    let exact = v / (1 + Foundation.exp(-2 * u))
                    XCTAssertEqual(Double(y), exact, accuracy: 2e-5 * abs(exact), "gelu(\(x)) relative, tanh: true")
                }
            }
            XCTAssert(ys.last!.isNaN)
        }
    }
}
