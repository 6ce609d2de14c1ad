import Foundation
@testable import Inference
import TestSupport
import XCTest

/// Per-channel affine ops fold into the Conv, Gemm or MatMul before them, and only where no
/// one else can tell (GraphRewrites' contract).
final class AffineFoldingTests: XCTestCase {
    private typealias T = RewriteTesting

    private func conv(_ input: String = "x", weights: String = "w", bias: String? = nil, output: String = "c") -> Node {
        T.node("Conv", .conv(ConvAttributes(spatial: SpatialAttributes(), group: 1)), [input, weights] + (bias.map { [$0] } ?? []), output)
    }

    private func axes(_ values: [Int64]) -> Value { .int(Tensor(shape: [values.count], scalars: values)) }

    /// tf2onnx's Keras Conv1D and BatchNormalization: Conv (2-D) → Squeeze → Mul → Add → Relu → Unsqueeze.
    private func kerasBlock(outputs: [String] = ["y"], mulConstant: [Int] = [1, 3, 1], weightsAsInput: Bool = false) -> Graph {
        var graph = T.graph([
            conv(), T.node("Squeeze", .squeeze, ["c", "axis2"], "s"), T.node("Mul", .binary(.mul), ["s", "k"], "m"),
            T.node("Add", .binary(.add), ["t", "m"], "a"), T.node("Relu", .unary(.relu), ["a"], "r"),
            T.node("Unsqueeze", .unsqueeze, ["r", "axis2"], "y"),
        ], input: [2, 4, 1, 9], outputs: outputs, initializers: [
            "w": T.constant([3, 4, 1, 3], seed: 1), "k": T.constant(mulConstant, seed: 2), "t": T.constant([1, 3, 1], seed: 3), "axis2": axes([2]),
        ])
        if weightsAsInput { graph.inputs.append(ValueInfo(name: "w", declaredType: "float", dimensions: [.fixed(3), .fixed(4), .fixed(1), .fixed(3)])) }
        return graph
    }

    func testKerasConvBatchNormFoldsAndReluBecomesTheConvEpilogue() throws {
        let graph = kerasBlock()
        let rewritten = GraphRewrites.apply(to: graph)
        XCTAssertEqual(rewritten.nodes.map(\.opType), ["Conv", "Relu", "Squeeze", "Unsqueeze"])
        XCTAssertEqual(rewritten.nodes[0].inputs.count, 3, "a bias was created")
        XCTAssertNil(rewritten.initializers["k"], "the folded constants are dropped")
        let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": [2, 4, 1, 9]])
        guard case .relu? = plan.steps[0].epilogue else { return XCTFail("the Relu is not the Conv's epilogue") }
        XCTAssertEqual(plan.steps.dropFirst().compactMap(\.epilogue).count, 0)
        try T.assertSameNumbers(graph, input: T.input([2, 4, 1, 9]))
    }

    /// PyTorch's Linear → BatchNorm1d → ReLU (zoo/deepstarr's head), Gemm with transB and a bias.
    func testGemmBatchNormalizationFolds() throws {
        let graph = T.graph([
            T.node("Gemm", .gemm(alpha: 0.5, beta: 2, transA: false, transB: true), ["x", "w", "b"], "g"),
            T.node("BatchNormalization", .batchNormalization(epsilon: 1e-5), ["g", "scale", "shift", "mean", "variance"], "n"),
            T.node("Relu", .unary(.relu), ["n"], "y"),
        ], input: [3, 5], initializers: [
            "w": T.constant([4, 5], seed: 1), "b": T.constant([1, 4], seed: 2), "scale": T.constant([4], seed: 3),
            "shift": T.constant([4], seed: 4), "mean": T.constant([4], seed: 5), "variance": .float(Tensor(shape: [4], scalars: [0.5, 1, 2, 0.1])),
        ])
        XCTAssertEqual(GraphRewrites.apply(to: graph).nodes.map(\.opType), ["Gemm", "Relu"])
        try T.assertSameNumbers(graph, input: T.input([3, 5]))
    }

    /// Keras Dense → BatchNormalization: MatMul has no bias, so the shift stays as one Add.
    func testMatMulKeepsOneAddForTheShift() throws {
        let graph = T.graph([
            T.node("MatMul", .matMul, ["x", "w"], "p"), T.node("Mul", .binary(.mul), ["p", "k"], "m"),
            T.node("Add", .binary(.add), ["m", "t"], "a"), T.node("Relu", .unary(.relu), ["a"], "y"),
        ], input: [3, 2, 5], initializers: ["w": T.constant([5, 4], seed: 1), "k": T.constant([4], seed: 2), "t": T.constant([4], seed: 3)])
        XCTAssertEqual(GraphRewrites.apply(to: graph).nodes.map(\.opType), ["MatMul", "Add", "Relu"])
        try T.assertSameNumbers(graph, input: T.input([3, 2, 5]))
        // A lone bias Add has nothing to fold into MatMul.
        let biasOnly = T.graph([T.node("MatMul", .matMul, ["x", "w"], "p"), T.node("Add", .binary(.add), ["p", "t"], "y")],
                               input: [3, 5], initializers: ["w": T.constant([5, 4], seed: 1), "t": T.constant([4], seed: 3)])
        XCTAssertEqual(GraphRewrites.apply(to: biasOnly).nodes.map(\.opType), ["MatMul", "Add"])
        // A [1, C] constant could broadcast a 1-D product to two axes: MatMul's rank is unknown.
        var wide = graph
        wide.initializers["k"] = T.constant([1, 4], seed: 2)
        XCTAssertEqual(GraphRewrites.apply(to: wide).nodes.count, 4)
    }

    /// Div by a per-channel constant and a constant minus the value (a negative scale), after a
    /// Conv with its own bias, into a BatchNormalization.
    func testDivSubAndBatchNormalizationFoldIntoAConvWithBias() throws {
        let graph = T.graph([
            conv(bias: "b"), T.node("Div", .binary(.div), ["c", "k"], "d"), T.node("Sub", .binary(.sub), ["t", "d"], "e"),
            T.node("BatchNormalization", .batchNormalization(epsilon: 1e-3), ["e", "scale", "shift", "mean", "variance"], "y"),
        ], input: [2, 4, 9], initializers: [
            "w": T.constant([3, 4, 3], seed: 1), "b": T.constant([3], seed: 2), "k": T.constant([3, 1], seed: 3), "t": T.constant([1], seed: 4),
            "scale": T.constant([3], seed: 5), "shift": T.constant([3], seed: 6), "mean": T.constant([3], seed: 7), "variance": .float(Tensor(shape: [3], repeating: 0.7)),
        ])
        XCTAssertEqual(GraphRewrites.apply(to: graph).nodes.map(\.opType), ["Conv"])
        try T.assertSameNumbers(graph, input: T.input([2, 4, 9]))
    }

    func testValuesOthersCanSeeAreNotFolded() throws {
        // The Conv's output is a graph output: nothing folds.
        XCTAssertEqual(GraphRewrites.apply(to: kerasBlock(outputs: ["y", "c"])).nodes.count, 6)
        // The Mul's is: the Mul folds (the Conv now computes it), the Add stays.
        let mulOutput = kerasBlock(outputs: ["y", "m"])
        XCTAssertEqual(GraphRewrites.apply(to: mulOutput).nodes.map(\.opType), ["Conv", "Squeeze", "Add", "Relu", "Unsqueeze"])
        try T.assertSameNumbers(mulOutput, input: T.input([2, 4, 1, 9]))
        // The Conv's output has a second reader (a residual).
        var residual = kerasBlock()
        residual.nodes.append(T.node("Add", .binary(.add), ["c", "c"], "z"))
        residual.outputs.append(ValueInfo(name: "z", declaredType: "float", dimensions: []))
        XCTAssertEqual(GraphRewrites.apply(to: residual).nodes.count, 7)
        // Weights fed as a graph input are not constants.
        XCTAssertEqual(GraphRewrites.apply(to: kerasBlock(weightsAsInput: true)).nodes.count, 6)
    }

    func testConstantsThatDoNotBroadcastPerChannelAreNotFolded() throws {
        // Along the length, along the batch, and one axis more than the value has.
        for shape in [[1, 1, 9], [2, 3, 1], [1, 1, 3, 1]] {
            XCTAssertEqual(GraphRewrites.apply(to: kerasBlock(mulConstant: shape)).nodes.count, 6, "\(shape)")
        }
        // A BatchNormalization reading a Squeeze that moved the channels off axis 1.
        let moved = T.graph([
            conv(), T.node("Squeeze", .squeeze, ["c", "axis0"], "s"),
            T.node("BatchNormalization", .batchNormalization(epsilon: 1e-5), ["s", "p", "p", "p", "one"], "y"),
        ], input: [1, 4, 1, 9], initializers: ["w": T.constant([3, 4, 1, 3], seed: 1), "axis0": axes([0]), "p": T.constant([3], seed: 2),
                                                 "one": .float(Tensor(shape: [3], repeating: 1))])
        XCTAssertEqual(GraphRewrites.apply(to: moved).nodes.count, 3)
    }

    /// Two Convs sharing weights each fold their own copy.
    func testSharedWeightsAreCopiedNotChanged() throws {
        let graph = T.graph([
            conv(output: "c1"), T.node("Mul", .binary(.mul), ["c1", "k"], "m1"),
            conv(output: "c2"), T.node("Mul", .binary(.mul), ["c2", "k2"], "m2"), T.node("Add", .binary(.add), ["m1", "m2"], "y"),
        ], input: [2, 4, 9], initializers: ["w": T.constant([3, 4, 3], seed: 1), "k": T.constant([3, 1], seed: 2), "k2": T.constant([3, 1], seed: 3)])
        let rewritten = GraphRewrites.apply(to: graph)
        XCTAssertEqual(rewritten.nodes.map(\.opType), ["Conv", "Conv", "Add"])
        XCTAssertNotEqual(rewritten.nodes[0].inputs[1], rewritten.nodes[1].inputs[1])
        try T.assertSameNumbers(graph, input: T.input([2, 4, 9]))
    }

    /// The zoo's Keras DeepSTARR loses all its Mul and Add nodes; PyTorch's its BatchNormalizations.
    func testZooModelsFold() throws {
        let keras = GraphRewrites.apply(to: try ONNXImporter.load(contentsOf: Fixtures.url("zoo/keras-deepstarr/model.onnx")))
        XCTAssertEqual(keras.nodes.filter { ["Mul", "Add"].contains($0.opType) }.count, 2, "the two dense layers keep their shift Add")
        let torch = GraphRewrites.apply(to: try ONNXImporter.load(contentsOf: Fixtures.url("zoo/deepstarr/model.onnx")))
        XCTAssertEqual(torch.nodes.filter { $0.opType == "BatchNormalization" }.count, 0)
    }
}
