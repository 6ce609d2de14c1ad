import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Finite differences for Einsum (every operand of every equation in `EinsumTests`), the
/// scans, tilings, masks, element indexing and the added reductions.
extension GradientTests {
    private func checkEveryInput(_ plan: ExecutionPlan, _ inputs: [String: Tensor<Float>], label: String) throws {
        for input in inputs.keys.sorted() {
            XCTAssertNil(try check(plan: plan, inputs: inputs, input: input, output: "y", samples: 24), "\(label), input \(input)")
        }
    }

    func testEinsumGradientsForEveryOperand() throws {
        for (equation, _, shapes) in EinsumTests.equations {
            let (plan, inputs) = try EinsumTests.plan(equation, shapes)
            try checkEveryInput(plan, inputs, label: equation)
        }
    }

    func testScanTileTriluGradients() throws {
        let x = SingleNodeGraph.values([3, 4], seed: 1)
        let cases: [(String, ExecutionPlan)] = [
            ("CumSum exclusive reverse", try SingleNodeGraph.plan("CumSum", floats: [("x", x)], integers: ["axis": SingleNodeGraph.ints([1])], inputs: ["x", "axis"],
                attributes: [ModelBuilder.intAttribute("exclusive", 1), ModelBuilder.intAttribute("reverse", 1)])),
            ("CumSum axis 0", try SingleNodeGraph.plan("CumSum", floats: [("x", x)], integers: ["axis": SingleNodeGraph.ints([0])], inputs: ["x", "axis"])),
            ("Tile", try SingleNodeGraph.plan("Tile", floats: [("x", x)], integers: ["repeats": SingleNodeGraph.ints([2, 3])], inputs: ["x", "repeats"])),
            ("Trilu lower k=1", try SingleNodeGraph.plan("Trilu", floats: [("x", x)], integers: ["k": SingleNodeGraph.ints([1])], inputs: ["x", "k"],
                attributes: [ModelBuilder.intAttribute("upper", 0)])),
            ("Trilu upper", try SingleNodeGraph.plan("Trilu", floats: [("x", x)], inputs: ["x"])),
        ]
        for (label, plan) in cases { try checkEveryInput(plan, ["x": x], label: label) }
    }

    func testIndexingGradients() throws {
        let data = SingleNodeGraph.values([4, 3], seed: 2), updates = SingleNodeGraph.values([2, 3], seed: 3)
        // Repeated and negative indices: their gradients add up.
        let gather = try SingleNodeGraph.plan("GatherElements", floats: [("x", data)], integers: ["i": SingleNodeGraph.ints([0, 0, 2, 1, -1, 1, 2, 2], shape: [2, 4])], inputs: ["x", "i"],
                                              attributes: [ModelBuilder.intAttribute("axis", 1)])
        try checkEveryInput(gather, ["x": data], label: "GatherElements")
        for reduction in ["none", "add"] {
            let scatter = try SingleNodeGraph.plan("ScatterND", floats: [("x", data), ("u", updates)], integers: ["i": SingleNodeGraph.ints([3, 1], shape: [2, 1])], inputs: ["x", "i", "u"],
                                                   attributes: [ModelBuilder.stringAttribute("reduction", reduction)])
            try checkEveryInput(scatter, ["x": data, "u": updates], label: "ScatterND \(reduction)")
        }
    }

    func testAddedReductionGradients() throws {
        // Distinct values, so ReduceMin has no ties; L2 and LogSumExp are smooth.
        let x = SingleNodeGraph.values([3, 4], seed: 4)
        for opType in ["ReduceMin", "ReduceLogSumExp", "ReduceL2"] {
            let opset18 = try SingleNodeGraph.plan(opType, floats: [("x", x)], integers: ["axes": SingleNodeGraph.ints([1])], inputs: ["x", "axes"],
                                                   attributes: [ModelBuilder.intAttribute("keepdims", 0)])
            try checkEveryInput(opset18, ["x": x], label: "\(opType) axes input")
            let opset13 = try SingleNodeGraph.plan(opType, floats: [("x", x)], inputs: ["x"], attributes: [ModelBuilder.intsAttribute("axes", [0])], opset: 13)
            XCTAssertEqual(opset13.outputShapes["y"], [1, 4], opType)
            try checkEveryInput(opset13, ["x": x], label: "\(opType) axes attribute")
            let all = try SingleNodeGraph.plan(opType, floats: [("x", x)], inputs: ["x"])
            XCTAssertEqual(all.outputShapes["y"], [1, 1], opType)
            try checkEveryInput(all, ["x": x], label: "\(opType) all axes")
        }
    }
}
