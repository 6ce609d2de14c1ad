@testable import Inference
import XCTest

/// Transpose sinking (Graph/TransposeSinking.swift) on small hand-built graphs: which transposes
/// go, and that every output keeps its numbers.
final class TransposeSinkingTests: XCTestCase {
    /// A graph of `nodes` reading float input "x" of `shape`, with the given outputs.
    static func graph(_ nodes: [Node], input shape: [Int], outputs: [String] = ["y"], constants: [String: Value] = [:]) -> Graph {
        Graph(inputs: [ValueInfo(name: "x", declaredType: "float", dimensions: shape.map { .fixed($0) })],
              outputs: outputs.map { ValueInfo(name: $0, declaredType: "float", dimensions: []) },
              initializers: constants, nodes: nodes, opset: 18)
    }

    static func node(_ opType: String, _ op: Op, _ inputs: [String], _ output: String) -> Node {
        Node(name: output + "_node", opType: opType, op: op, inputs: inputs, outputs: [output])
    }

    static func transpose(_ perm: [Int], _ input: String, _ output: String) -> Node {
        node("Transpose", .transpose(permutation: perm), [input], output)
    }

    static func ints(_ values: [Int]) -> Value {
        .int(Tensor(shape: [values.count], scalars: values.map(Int64.init)))
    }

    static func floats(_ shape: [Int], seed: Int) -> Tensor<Float> {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { Float(($0 * 7 + seed * 13) % 23) / 11 - 1 })
    }

    static func transposeCount(_ graph: Graph) -> Int {
        graph.nodes.filter { if case .transpose = $0.op { true } else { false } }.count
    }

    /// Runs `graph` rewritten and as written; each output must agree within 1e-6.
    func assertSameOutputs(_ graph: Graph, _ x: Tensor<Float>, file: StaticString = #filePath, line: UInt = #line) throws {
        let rewritten = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape]).run(["x": x])
        let written = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape], rewriting: false).run(["x": x])
        for output in graph.outputs.map(\.name) {
            guard case .float(let a)? = rewritten[output], case .float(let b)? = written[output] else {
                return XCTFail("output \(output) missing", file: file, line: line)
            }
            XCTAssertEqual(a.shape, b.shape, output, file: file, line: line)
            for (u, v) in zip(a.scalars, b.scalars) { XCTAssertEqual(u, v, accuracy: 1e-6, output, file: file, line: line) }
        }
    }

    /// A tf2onnx Keras residual block: each 1-D convolution wrapped in Unsqueeze → Transpose to
    /// channels-first and Squeeze → Transpose back, a crop and a residual Add between them.
    static func kerasResidualBlocks() -> Graph {
        let conv = Op.conv(ConvAttributes(spatial: SpatialAttributes(kernelShape: [1, 3]), group: 1))
        let nodes = [
            node("Unsqueeze", .unsqueeze, ["x", "at1"], "u1"),
            transpose([0, 3, 1, 2], "u1", "t1"),
            node("Conv", conv, ["t1", "w1"], "c1"),
            node("Squeeze", .squeeze, ["c1", "at2"], "s1"),
            node("Relu", .unary(.relu), ["s1"], "r1"),
            transpose([0, 2, 1], "r1", "b1"),
            node("Slice", .slice, ["b1", "starts", "ends", "axes"], "crop"),
            node("Unsqueeze", .unsqueeze, ["b1", "at1"], "u2"),
            transpose([0, 3, 1, 2], "u2", "t2"),
            node("Conv", conv, ["t2", "w2"], "c2"),
            node("Squeeze", .squeeze, ["c2", "at2"], "s2"),
            node("Relu", .unary(.relu), ["s2"], "r2"),
            transpose([0, 2, 1], "r2", "b2"),
            node("Add", .binary(.add), ["b2", "crop"], "sum"),
            node("Mul", .binary(.mul), ["sum", "scale"], "scaled"),
            node("ReduceMean", .reduce(.mean, keepDims: false, noopWithEmptyAxes: false), ["scaled", "length"], "y"),
            node("Softmax", .softmax(axis: 1, coercedTo2D: false), ["scaled"], "z"),
        ]
        return graph(nodes, input: [2, 12, 4], outputs: ["y", "z"], constants: [
            "at1": ints([-3]), "at2": ints([2]), "starts": ints([0, 1, 0]), "ends": ints([Int.max, -1, Int.max]), "axes": ints([0, 1, 2]),
            "w1": .float(floats([3, 4, 1, 3], seed: 1)), "w2": .float(floats([3, 3, 1, 3], seed: 2)),
            "scale": .float(floats([3], seed: 3)), "length": ints([1]),
        ])
    }

    func testKerasConvolutionsStayChannelsFirst() throws {
        let graph = Self.kerasResidualBlocks()
        let rewritten = GraphRewrites.apply(to: graph)
        // The transposes between the convolutions cancel. One stays at the input (a Conv reads it)
        // and one ahead of the channels-last output z.
        XCTAssertEqual(Self.transposeCount(graph), 4)
        XCTAssertEqual(Self.transposeCount(rewritten), 2)
        let secondConv = rewritten.nodes.first { $0.outputs == ["c2"] }
        let secondConvInput = rewritten.nodes.first { $0.outputs == secondConv?.inputs.prefix(1).map { $0 } }
        XCTAssertEqual(secondConvInput?.opType, "Unsqueeze")
        try assertSameOutputs(graph, Self.floats([2, 12, 4], seed: 4))
    }

    /// Each op a transpose passes through, between a transpose and its inverse: both go.
    func testTransposeAndItsInverseCancelAcrossEachOp() throws {
        let p = [0, 2, 1], q = [0, 2, 1]
        let constants: [String: Value] = [
            "bias": .float(Self.floats([5, 1], seed: 5)), "starts": Self.ints([1]), "ends": Self.ints([3]), "axes": Self.ints([1]),
            "pads": Self.ints([0, 1, 0, 0, 2, 1]), "sizes": Self.ints([2, 3]), "axis1": Self.ints([1]), "indices": Self.ints([2, 0]),
        ]
        let cases: [(String, [Node])] = [
            ("Sigmoid", [Self.node("Sigmoid", .unary(.sigmoid), ["t"], "m")]),
            ("Sub constant", [Self.node("Sub", .binary(.sub), ["bias", "t"], "m")]),
            ("Softmax", [Self.node("Softmax", .softmax(axis: -1, coercedTo2D: false), ["t"], "m")]),
            ("Slice", [Self.node("Slice", .slice, ["t", "starts", "ends", "axes"], "m")]),
            ("Pad", [Self.node("Pad", .pad(mode: .reflect), ["t", "pads"], "m")]),
            ("ReduceMax keepdims", [Self.node("ReduceMax", .reduce(.max, keepDims: true, noopWithEmptyAxes: false), ["t", "axis1"], "m")]),
            ("Gather", [Self.node("Gather", .gather(axis: 1), ["t", "indices"], "m")]),
            ("Concat", [Self.transpose(p, "x", "t2"), Self.node("Concat", .concat(axis: 1), ["t", "t2"], "m")]),
            ("Mul of two", [Self.node("Exp", .unary(.exp), ["x"], "e"), Self.transpose(p, "e", "t2"), Self.node("Mul", .binary(.mul), ["t", "t2"], "m")]),
        ]
        for (label, middle) in cases {
            let graph = Self.graph([Self.transpose(p, "x", "t")] + middle + [Self.transpose(q, "m", "y")], input: [2, 4, 5], constants: constants)
            XCTAssertEqual(Self.transposeCount(GraphRewrites.apply(to: graph)), 0, label)
            try assertSameOutputs(graph, Self.floats([2, 4, 5], seed: 6))
        }
        // Split: each part gets its own inverse.
        let split = Node(name: "split", opType: "Split", op: .split(axis: 2, outputCount: 2), inputs: ["t", "sizes"], outputs: ["a", "b"])
        let graph = Self.graph([Self.transpose(p, "x", "t"), split, Self.transpose(q, "a", "y"), Self.transpose(q, "b", "z")],
                               input: [2, 5, 4], outputs: ["y", "z"], constants: constants)
        XCTAssertEqual(Self.transposeCount(GraphRewrites.apply(to: graph)), 0)
        try assertSameOutputs(graph, Self.floats([2, 5, 4], seed: 7))
    }

    /// Squeeze and Unsqueeze compose into the permutation; a transpose of an Unsqueeze that
    /// only moves the new unit axis becomes an Unsqueeze.
    func testSqueezeAndUnsqueezeComposeIntoThePermutation() throws {
        let graph = Self.graph([
            Self.transpose([2, 0, 1, 3], "x", "t"),
            Self.node("Squeeze", .squeeze, ["t", "two"], "s"),
            Self.node("Relu", .unary(.relu), ["s"], "r"),
            Self.node("Unsqueeze", .unsqueeze, ["r", "zero"], "u"),
            Self.transpose([0, 2, 1, 3], "u", "y"),
        ], input: [3, 1, 4, 2], constants: ["two": Self.ints([2]), "zero": Self.ints([0])])
        XCTAssertEqual(GraphRewrites.apply(to: graph).nodes.map(\.opType), ["Squeeze", "Relu", "Unsqueeze"])
        try assertSameOutputs(graph, Self.floats([3, 1, 4, 2], seed: 8))
    }

    /// selene's reverse complement: Transpose, GatherND along the first axis, the same Transpose.
    func testGatherNDBetweenTransposesBecomesAGather() throws {
        let graph = Self.graph([
            Self.transpose([1, 0, 2], "x", "t"),
            Self.node("GatherND", .gatherND(batchDims: 0), ["t", "reverse"], "g"),
            Self.transpose([1, 0, 2], "g", "y"),
        ], input: [2, 4, 6], constants: ["reverse": .int(Tensor(shape: [4, 1], scalars: [3, 2, 1, 0]))])
        let rewritten = GraphRewrites.apply(to: graph)
        XCTAssertEqual(Self.transposeCount(rewritten), 0)
        XCTAssertEqual(rewritten.nodes.map(\.opType), ["Gather"])
        try assertSameOutputs(graph, Self.floats([2, 4, 6], seed: 9))
    }

    /// A Shape of the transposed value does not keep the transpose alive.
    func testShapeOfATransposedValueReadsTheSource() throws {
        let graph = Self.graph([
            Self.transpose([0, 2, 1], "x", "t"),
            Self.node("Relu", .unary(.relu), ["t"], "r"),
            Self.transpose([0, 2, 1], "r", "y0"),
            Self.node("Shape", .shape(start: 0, end: nil), ["t"], "dims"),
            Self.node("Reshape", .reshape(allowZero: false), ["y0", "dims"], "y"),
        ],
            input: [2, 3, 5])
        XCTAssertEqual(Self.transposeCount(GraphRewrites.apply(to: graph)), 0)
        try assertSameOutputs(graph, Self.floats([2, 3, 5], seed: 10))
    }

    /// Pushing would add transposes (the other operand is computed, not a transpose), or stop at
    /// a graph output: the graph stays as written.
    func testNoRewriteThatAddsTransposesOrHidesAGraphOutput() throws {
        let addsTransposes = Self.graph([
            Self.transpose([0, 2, 1], "x", "t"),
            Self.node("Exp", .unary(.exp), ["x"], "e"),
            Self.node("Add", .binary(.add), ["t", "e"], "a"),
            Self.transpose([0, 2, 1], "a", "y"),
        ], input: [2, 3, 3])
        let intermediateOutput = Self.graph([
            Self.transpose([0, 2, 1], "x", "t"),
            Self.node("Relu", .unary(.relu), ["t"], "r"),
            Self.transpose([0, 2, 1], "r", "y"),
        ], input: [2, 3, 4], outputs: ["y", "t"])
        let nowhereToGo = Self.graph([Self.transpose([0, 2, 1], "x", "t"), Self.node("Relu", .unary(.relu), ["t"], "y")], input: [2, 3, 4])
        for (graph, x) in [(addsTransposes, Self.floats([2, 3, 3], seed: 11)), (intermediateOutput, Self.floats([2, 3, 4], seed: 12)), (nowhereToGo, Self.floats([2, 3, 4], seed: 13))] {
            let rewritten = GraphRewrites.apply(to: graph)
            XCTAssertEqual(rewritten.nodes.map(\.opType), graph.nodes.map(\.opType))
            XCTAssertEqual(rewritten.nodes.map(\.inputs), graph.nodes.map(\.inputs))
            try assertSameOutputs(graph, x)
        }
    }
}

/// The Transpose kernel (Ops/Transpose.swift), tiled when it moves the contiguous axis, against
/// its definition element by element: sizes around and across the tile edge.
final class TransposeKernelTests: XCTestCase {
    func testEveryPermutationMatchesTheDefinition() {
        let shapes = [[3, 17, 33], [2, 40, 5], [1, 33, 16], [2, 3, 19, 21], [4, 1, 1]]
        for shape in shapes {
            let x = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map(Float.init))
            for perm in Self.permutations(of: Array(shape.indices)) {
                let outputShape = perm.map { shape[$0] }
                let y = ShapeOps.transposed(x, perm, outputShape)
                let inputStrides = strides(of: shape), outputStrides = strides(of: outputShape)
                var mismatches = 0
                for flat in 0..<x.count {
                    // Output index from the flat position, then the input element it must hold.
                    var source = 0
                    for axis in outputShape.indices { source += (flat / outputStrides[axis] % outputShape[axis]) * inputStrides[perm[axis]] }
                    if y.scalars[flat] != x.scalars[source] { mismatches += 1 }
                }
                XCTAssertEqual(mismatches, 0, "shape \(shape) perm \(perm)")
            }
        }
    }

    /// After sinking, channels-first models gather and reduce along the last axis: those
    /// kernels' contiguous paths against the definition.
    func testGatherAndReduceAlongTheLastAxis() throws {
        let x = Tensor(shape: [3, 2, 5], scalars: (0..<30).map { Float($0 * $0 % 17) })
        let node = Node(name: "n", opType: "Test", op: .identity, inputs: [], outputs: [])
        guard case .float(let gathered) = try ShapeOps.gather(.float(x), indices: Tensor(shape: [4], scalars: [4, 0, -1, 2]), axis: 2, outputShape: [3, 2, 4], node: node) else { return XCTFail() }
        XCTAssertEqual(gathered.scalars, (0..<6).flatMap { row in [4, 0, 4, 2].map { x.scalars[row * 5 + $0] } })
        for (function, keepDims) in [(ReduceFunction.mean, false), (.sum, true)] {
            guard case .float(let reduced) = try Reduce.apply(function, .float(x), axes: [1, -1], keepDims: keepDims, noopWithEmptyAxes: false,
                                                              outputShape: keepDims ? [3, 1, 1] : [3], node: node) else { return XCTFail() }
            let sums = (0..<3).map { x.scalars[($0 * 10)..<($0 * 10 + 10)].reduce(0, +) }
            for (value, expected) in zip(reduced.scalars, function == .mean ? sums.map { $0 / 10 } : sums) {
                XCTAssertEqual(value, expected, accuracy: 1e-5, "\(function)")
            }
            XCTAssertEqual(reduced.count, 3)
        }
    }

    static func permutations(of axes: [Int]) -> [[Int]] {
        guard axes.count > 1 else { return [axes] }
        return axes.flatMap { first in permutations(of: axes.filter { $0 != first }).map { [first] + $0 } }
    }
}

extension GradientTests {
    /// Reverse mode through the rewritten Keras blocks (transposes gone, axes remapped) against
    /// finite differences.
    func testRewrittenTransposeSinkingGraphAgainstFiniteDifferences() throws {
        let graph = TransposeSinkingTests.kerasResidualBlocks()
        let x = TransposeSinkingTests.floats([2, 12, 4], seed: 14)
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": x.shape])
        XCTAssertEqual(TransposeSinkingTests.transposeCount(plan.graph), 2)
        for output in ["y", "z"] {
            XCTAssertNil(try check(plan: plan, inputs: ["x": x], input: "x", output: output, samples: 24), output)
        }
    }
}
