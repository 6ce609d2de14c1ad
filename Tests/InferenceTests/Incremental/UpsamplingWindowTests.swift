import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// ISM through the incremental evaluator on U-Net / Borzoi-style graphs (Conv, downsample,
/// Conv, upsample by ConvTranspose or Resize, skip addition, Conv) equals naive full passes,
/// with the upsampling ops run on windows.
final class UpsamplingWindowTests: XCTestCase {
    enum Upsampling: CaseIterable {
        /// ConvTranspose k 2, stride 2 (a Borzoi-style upsampler).
        case convTranspose
        /// PyTorch's ConvTranspose1d(k 3, stride 2, padding 1, output_padding 1).
        case convTransposePadded
        /// tf2onnx's form: auto_pad SAME_UPPER; with groups and dilation.
        case convTransposeGroupedSame
        /// PyTorch's nearest export: asymmetric, floor.
        case resizeNearest
        /// Linear, half_pixel, by sizes of the last axis (opset 18's axes).
        case resizeLinear
        /// Linear, align_corners.
        case resizeAlignCorners
        /// ConvTranspose then InstanceNormalization, which mixes positions: a full pass there.
        case convTransposeNormalized
    }

    static let length = 40

    /// x → Conv 4→6 k5 → Relu (skip) → MaxPool 2 → Conv 6→6 k3 → Relu → upsample ×2 → + skip →
    /// Conv 6→3 k3: a (1, 3, length) profile. `unitHeight` builds the Keras-style 2-D form:
    /// x (1, 4, 1, length), kernels (1, k).
    static func model(_ upsampling: Upsampling, unitHeight: Bool) throws -> Graph {
        typealias B = ModelBuilder
        var seed: UInt64 = 11
        func values(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int(seed >> 40) % 2001 - 1000) / 1500
            }
        }
        /// A spatial attribute for the last axis (height 1, no padding, stride 1 on the other).
        func spatial(_ name: String, _ values: [Int64], fill: Int64) -> Onnx_AttributeProto {
            guard unitHeight else { return B.intsAttribute(name, values) }
            return B.intsAttribute(name, name == "pads" ? [fill, values[0], fill, values[1]] : [fill] + values)
        }
        func weights(_ name: String, _ dims: [Int64]) -> Onnx_TensorProto {
            B.floatTensor(name, dims: unitHeight ? Array(dims.prefix(2)) + [1] + dims.dropFirst(2) : dims, values: values(Int(dims.reduce(1, *))))
        }
        let rank = unitHeight ? 4 : 3
        var builder = ModelBuilder(opset: 18)
        builder.model.graph.input = [B.valueInfo("x", dims: unitHeight ? [nil, 4, 1, Int64(length)] : [nil, 4, Int64(length)])]
        builder.model.graph.output = [B.valueInfo("y", dims: unitHeight ? [nil, 3, 1, Int64(length)] : [nil, 3, Int64(length)])]
        builder.model.graph.initializer = [
            weights("w1", [6, 4, 5]), B.floatTensor("b1", dims: [6], values: values(6)),
            weights("w2", [6, 6, 3]), B.floatTensor("b2", dims: [6], values: values(6)),
            weights("w3", [3, 6, 3]), B.floatTensor("b3", dims: [3], values: values(3)),
            weights("wt2", [6, 6, 2]), weights("wt3", [6, 6, 3]), weights("wtg", [6, 3, 3]), B.floatTensor("bt", dims: [6], values: values(6)),
            B.floatTensor("scales", dims: [Int64(rank)], values: Array(repeating: 1, count: rank - 1) + [2]),
            B.int64Tensor("sizes", dims: [1], values: [Int64(length)]),
            B.floatTensor("gamma", dims: [6], values: values(6)), B.floatTensor("beta", dims: [6], values: values(6)),
        ]
        var nodes = [
            B.node("Conv", inputs: ["x", "w1", "b1"], outputs: ["c1"], attributes: [spatial("pads", [2, 2], fill: 0)]),
            B.node("Relu", inputs: ["c1"], outputs: ["skip"]),
            B.node("MaxPool", inputs: ["skip"], outputs: ["p"], attributes: [spatial("kernel_shape", [2], fill: 1), spatial("strides", [2], fill: 1)]),
            B.node("Conv", inputs: ["p", "w2", "b2"], outputs: ["c2"], attributes: [spatial("pads", [1, 1], fill: 0)]),
            B.node("Relu", inputs: ["c2"], outputs: ["r2"]),
        ]
        switch upsampling {
        case .convTranspose:
            nodes.append(B.node("ConvTranspose", inputs: ["r2", "wt2", "bt"], outputs: ["up"], attributes: [spatial("strides", [2], fill: 1)]))
        case .convTransposePadded:
            nodes.append(B.node("ConvTranspose", inputs: ["r2", "wt3", "bt"], outputs: ["up"], attributes: [
                spatial("strides", [2], fill: 1), spatial("pads", [1, 1], fill: 0), spatial("output_padding", [1], fill: 0)]))
        case .convTransposeGroupedSame:
            nodes.append(B.node("ConvTranspose", inputs: ["r2", "wtg", "bt"], outputs: ["up"], attributes: [
                spatial("strides", [2], fill: 1), spatial("dilations", [2], fill: 1), B.intAttribute("group", 2),
                B.stringAttribute("auto_pad", "SAME_UPPER")]))
        case .resizeNearest:
            nodes.append(B.node("Resize", inputs: ["r2", "", "scales"], outputs: ["up"], attributes: [
                B.stringAttribute("mode", "nearest"), B.stringAttribute("coordinate_transformation_mode", "asymmetric"),
                B.stringAttribute("nearest_mode", "floor")]))
        case .resizeLinear:
            nodes.append(B.node("Resize", inputs: ["r2", "", "", "sizes"], outputs: ["up"], attributes: [
                B.stringAttribute("mode", "linear"), B.intsAttribute("axes", [Int64(rank - 1)])]))
        case .resizeAlignCorners:
            nodes.append(B.node("Resize", inputs: ["r2", "", "scales"], outputs: ["up"], attributes: [
                B.stringAttribute("mode", "linear"), B.stringAttribute("coordinate_transformation_mode", "align_corners")]))
        case .convTransposeNormalized:
            nodes += [
                B.node("ConvTranspose", inputs: ["r2", "wt2"], outputs: ["t"], attributes: [spatial("strides", [2], fill: 1)]),
                B.node("InstanceNormalization", inputs: ["t", "gamma", "beta"], outputs: ["up"]),
            ]
        }
        nodes += [
            B.node("Add", inputs: ["up", "skip"], outputs: ["s"]),
            B.node("Conv", inputs: ["s", "w3", "b3"], outputs: ["y"], attributes: [spatial("pads", [1, 1], fill: 0)]),
        ]
        builder.model.graph.node = nodes
        return try ONNXImporter.load(data: builder.serialized(), modelDirectory: nil)
    }

    func testIsmEqualsFullPassesThroughUpsampling() throws {
        let length = Self.length
        for upsampling in Upsampling.allCases {
            for unitHeight in [false, true] {
                let graph = try Self.model(upsampling, unitHeight: unitHeight)
                let shape = unitHeight ? [1, 4, 1, length] : [1, 4, length]
                let axis = shape.count - 1
                var reference = Tensor<Float>(shape: shape, repeating: 0)
                for p in 0..<length { reference.scalars[((p * 5 + 1) % 4) * length + p] = 1 }
                let plan = try ExecutionPlan(graph: graph, inputShapes: ["x": shape])
                let batchShape = [3] + shape.dropFirst()
                let naivePlan = try ExecutionPlan(graph: graph, inputShapes: ["x": batchShape])
                let evaluator = try IncrementalEvaluator(plan: plan, input: "x", output: "y", positionalAxis: axis)
                try evaluator.setReference(reference)
                let context = "\(upsampling) unitHeight \(unitHeight)"
                // ISM: the three other bases at every position, then a few wider edits.
                let edits = (0..<length).map { ($0, 1) } + [(0, 4), (18, 6), (length - 5, 5)]
                for (start, width) in edits {
                    var patches: [Float] = [], fulls: [Float] = []
                    for variant in 1...3 {
                        var mutated = reference
                        for p in start..<(start + width) {
                            for base in 0..<4 { mutated.scalars[base * length + p] = (p * 5 + 1 + variant) % 4 == base ? 1 : 0 }
                        }
                        patches += mutated.slice(axis: axis, start, start + width).scalars
                        fulls += mutated.scalars
                    }
                    var patchShape = batchShape
                    patchShape[axis] = width
                    let incremental = try evaluator.evaluate(start: start, patch: Tensor(shape: patchShape, scalars: patches))
                    if upsampling == .convTransposeNormalized {
                        XCTAssertGreaterThan(evaluator.lastCounts.full, 0, context)
                    } else {
                        XCTAssertEqual(evaluator.lastCounts.full, 0, "\(context): every op runs on windows")
                    }
                    guard case .float(let naive)? = try naivePlan.run(["x": Tensor(shape: batchShape, scalars: fulls)])["y"] else { return XCTFail(context) }
                    let comparison = compare(incremental.scalars, naive.scalars, absolute: 1e-5, relative: 1e-5)
                    XCTAssertEqual(comparison.failures, 0, "\(context) edit \(start)+\(width): \(comparison)")
                }
            }
        }
    }
}
