import Foundation
import Inference
import ONNXProto
import TestSupport
import XCTest

/// Resize, Upsample, ConvTranspose, InstanceNormalization and GroupNormalization in the forms
/// that PyTorch's exporters and tf2onnx emit, at their opsets: each a one-node model on
/// x[i] = ((37 i) mod 23 − 11) / 8 against onnxruntime 1.32's output (`cases` is printed by
/// tools/print-upsampling-references.py), and the one-line refusals of what is not supported.
final class UpsamplingOpsTests: XCTestCase {
    enum Attribute {
        case int(Int64), float(Float), ints([Int64]), floats([Float]), string(String)
    }

    /// The node's inputs after x, as initializers; `absent` leaves an optional input out.
    enum Constant {
        case absent
        case floats([Int64], [Float])
        case ints([Int64], [Int64])
    }

    struct Case {
        var name: String
        var opset: Int64
        var op: String
        var shape: [Int]
        var attributes: [String: Attribute]
        var constants: [Constant]
        var expectedShape: [Int]
        var expected: [Float]

        init(_ name: String, opset: Int64, op: String, shape: [Int], attributes: [String: Attribute], constants: [Constant], expectedShape: [Int], expected: [Float]) {
            (self.name, self.opset, self.op, self.shape) = (name, opset, op, shape)
            (self.attributes, self.constants, self.expectedShape, self.expected) = (attributes, constants, expectedShape, expected)
        }
    }

    static func input(_ shape: [Int]) -> Tensor<Float> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float((37 * $0) % 23 - 11) / 8 })
    }

    static func model(_ testCase: Case) -> ModelBuilder {
        typealias B = ModelBuilder
        var builder = ModelBuilder(opset: testCase.opset)
        builder.model.graph.input = [B.valueInfo("x", dims: testCase.shape.map { Int64($0) })]
        builder.model.graph.output = [B.valueInfo("y", dims: testCase.expectedShape.map { Int64($0) })]
        var inputs = ["x"]
        for (index, constant) in testCase.constants.enumerated() {
            switch constant {
            case .absent:
                inputs.append("")
            case .floats(let dims, let values):
                builder.model.graph.initializer.append(B.floatTensor("c\(index)", dims: dims, values: values))
                inputs.append("c\(index)")
            case .ints(let dims, let values):
                builder.model.graph.initializer.append(B.int64Tensor("c\(index)", dims: dims, values: values))
                inputs.append("c\(index)")
            }
        }
        let attributes = testCase.attributes.sorted { $0.key < $1.key }.map { name, value -> Onnx_AttributeProto in
            switch value {
            case .int(let v): B.intAttribute(name, v)
            case .float(let v): B.floatAttribute(name, v)
            case .ints(let v): B.intsAttribute(name, v)
            case .floats(let v): B.floatsAttribute(name, v)
            case .string(let v): B.stringAttribute(name, v)
            }
        }
        builder.model.graph.node = [B.node(testCase.op, inputs: inputs, outputs: ["y"], name: testCase.name, attributes: attributes)]
        return builder
    }

    static func plan(_ testCase: Case) throws -> ExecutionPlan {
        let graph = try ONNXImporter.load(data: model(testCase).serialized(), modelDirectory: nil)
        return try ExecutionPlan(graph: graph, inputShapes: ["x": testCase.shape])
    }

    func testEveryCaseMatchesOnnxruntime() throws {
        XCTAssertEqual(Self.cases.count, 27)
        for testCase in Self.cases {
            guard case .float(let y)? = try Self.plan(testCase).run(["x": Self.input(testCase.shape)])["y"] else {
                XCTFail("\(testCase.name): no float output")
                continue
            }
            XCTAssertEqual(y.shape, testCase.expectedShape, testCase.name)
            let comparison = compare(y.scalars, testCase.expected, absolute: 1e-5, relative: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "\(testCase.name): \(comparison)")
        }
    }

    // MARK: Refusals

    private func refusal(_ op: String, opset: Int64 = 19, shape: [Int] = [1, 2, 5], _ attributes: [String: Attribute], _ constants: [Constant]) throws -> String {
        let testCase = Case("node", opset: opset, op: op, shape: shape, attributes: attributes, constants: constants, expectedShape: [], expected: [])
        do {
            _ = try Self.plan(testCase)
        } catch {
            return "\(error)"
        }
        XCTFail("\(op) \(attributes) was accepted")
        return ""
    }

    func testWhatIsNotSupportedIsRefusedInOneLine() throws {
        let scales = Constant.floats([3], [1, 1, 2])
        XCTAssertEqual(try refusal("Resize", ["mode": .string("cubic")], [.absent, scales]),
                       "node 'node' (Resize): mode 'cubic' is not supported (nearest and linear are); re-export the model with nearest or linear interpolation")
        XCTAssertEqual(try refusal("Resize", ["coordinate_transformation_mode": .string("tf_crop_and_resize")], [.floats([6], [0, 0, 0, 1, 1, 1]), scales]),
                       "node 'node' (Resize): coordinate_transformation_mode 'tf_crop_and_resize' is not supported (half_pixel, half_pixel_symmetric, pytorch_half_pixel, align_corners, asymmetric and tf_half_pixel_for_nn are); re-export the model without crop-and-resize")
        XCTAssertEqual(try refusal("Resize", ["mode": .string("linear"), "antialias": .int(1)], [.absent, .floats([3], [1, 1, 0.5])]),
                       "node 'node' (Resize): antialiased downsampling is not supported; re-export the model with antialias=0 or without downsampling")
        XCTAssertEqual(try refusal("Resize", [:], [.absent]),
                       "node 'node' (Resize): needs scales or sizes")
        XCTAssertEqual(try refusal("Upsample", opset: 9, ["mode": .string("cubic")], [scales]),
                       "node 'node' (Upsample): mode 'cubic' is not supported (nearest and linear are); re-export the model with nearest or linear interpolation")
        XCTAssertEqual(try refusal("ConvTranspose", opset: 17, shape: [1, 2, 1, 1, 5], [:], [.floats([2, 1, 1, 1, 2], [1, 1, 1, 1])]),
                       "node 'node' (ConvTranspose): input [1, 2, 1, 1, 5] and weights [2, 1, 1, 1, 2] must both be 3-D (1-D) or 4-D (2-D); 3-D ConvTranspose is not supported")
        XCTAssertEqual(try refusal("GroupNormalization", opset: 18, shape: [1, 6, 5], ["num_groups": .int(4)], [.floats([4], [1, 1, 1, 1]), .floats([4], [0, 0, 0, 0])]),
                       "node 'node' (GroupNormalization): 6 channels do not split into 4 groups")
    }

    // MARK: Reference table (tools/print-upsampling-references.py)

    static let cases: [Case] = [
        Case("resize10NearestUp", opset: 10, op: "Resize", shape: [1, 2, 5],
             attributes: ["mode": .string("nearest")],
             constants: [.floats([3], [1.0, 1.0, 2.5])],
             expectedShape: [1, 2, 12], expected: [-1.375, -1.375, -1.375, 0.375, 0.375, -0.75, -0.75, -0.75, 1.0, 1.0, -0.125, -0.125, -1.25, -1.25, -1.25, 0.5, 0.5, -0.625, -0.625, -0.625, 1.125, 1.125, 0.0, 0.0]),
        Case("resize10NearestDown", opset: 10, op: "Resize", shape: [1, 2, 5],
             attributes: ["mode": .string("nearest")],
             constants: [.floats([3], [1.0, 1.0, 0.6000000238418579])],
             expectedShape: [1, 2, 3], expected: [-1.375, -0.75, -0.125, -1.25, -0.625, 0.0]),
        Case("resize10LinearUp", opset: 10, op: "Resize", shape: [1, 2, 1, 5],
             attributes: ["mode": .string("linear")],
             constants: [.floats([4], [1.0, 1.0, 1.0, 2.0])],
             expectedShape: [1, 2, 1, 10], expected: [-1.375, -0.5, 0.375, -0.1875, -0.75, 0.125, 1.0, 0.4375, -0.125, -0.125, -1.25, -0.375, 0.5, -0.0625, -0.625, 0.25, 1.125, 0.5625, 0.0, 0.0]),
        Case("upsample7Nearest", opset: 7, op: "Upsample", shape: [1, 2, 5],
             attributes: ["mode": .string("nearest"), "scales": .floats([1.0, 1.0, 3.0])],
             constants: [],
             expectedShape: [1, 2, 15], expected: [-1.375, -1.375, -1.375, 0.375, 0.375, 0.375, -0.75, -0.75, -0.75, 1.0, 1.0, 1.0, -0.125, -0.125, -0.125, -1.25, -1.25, -1.25, 0.5, 0.5, 0.5, -0.625, -0.625, -0.625, 1.125, 1.125, 1.125, 0.0, 0.0, 0.0]),
        Case("upsample9Linear", opset: 9, op: "Upsample", shape: [1, 2, 1, 5],
             attributes: ["mode": .string("linear")],
             constants: [.floats([4], [1.0, 1.0, 1.0, 2.0])],
             expectedShape: [1, 2, 1, 10], expected: [-1.375, -0.5, 0.375, -0.1875, -0.75, 0.125, 1.0, 0.4375, -0.125, -0.125, -1.25, -0.375, 0.5, -0.0625, -0.625, 0.25, 1.125, 0.5625, 0.0, 0.0]),
        Case("resize11AsymmetricFloor", opset: 11, op: "Resize", shape: [1, 2, 5],
             attributes: ["coordinate_transformation_mode": .string("asymmetric"), "mode": .string("nearest"), "nearest_mode": .string("floor")],
             constants: [.floats([0], []), .floats([3], [1.0, 1.0, 2.0])],
             expectedShape: [1, 2, 10], expected: [-1.375, -1.375, 0.375, 0.375, -0.75, -0.75, 1.0, 1.0, -0.125, -0.125, -1.25, -1.25, 0.5, 0.5, -0.625, -0.625, 1.125, 1.125, 0.0, 0.0]),
        Case("resize11HalfPixelLinearSizes", opset: 11, op: "Resize", shape: [1, 2, 1, 5],
             attributes: ["mode": .string("linear")],
             constants: [.floats([0], []), .floats([0], []), .ints([4], [1, 2, 1, 13])],
             expectedShape: [1, 2, 1, 13], expected: [-1.375, -1.240384578704834, -0.567307710647583, 0.10576926171779633, 0.1153845489025116, -0.31730765104293823, -0.75, -0.07692301273345947, 0.596153974533081, 0.8269228935241699, 0.39423060417175293, -0.03846174478530884, -0.125, -1.25, -1.1153846979141235, -0.44230759143829346, 0.23076924681663513, 0.24038457870483398, -0.19230765104293823, -0.625, 0.04807698726654053, 0.721153974533081, 0.9519229531288147, 0.5192306041717529, 0.08653825521469116, 0.0]),
        Case("resize11AlignCornersLinear", opset: 11, op: "Resize", shape: [1, 2, 1, 5],
             attributes: ["coordinate_transformation_mode": .string("align_corners"), "mode": .string("linear")],
             constants: [.floats([0], []), .floats([4], [1.0, 1.0, 1.0, 2.0])],
             expectedShape: [1, 2, 1, 10], expected: [-1.375, -0.5972222685813904, 0.1805555820465088, -4.470348358154297e-08, -0.5000000596046448, -0.3611109256744385, 0.41666680574417114, 0.875, 0.375, -0.125, -1.25, -0.4722222685813904, 0.3055555820465088, 0.12499994784593582, -0.375, -0.23611092567443848, 0.5416668653488159, 0.9999999403953552, 0.4999999701976776, 0.0]),
        Case("resize13PyTorchHalfPixelLinear", opset: 13, op: "Resize", shape: [1, 2, 5],
             attributes: ["coordinate_transformation_mode": .string("pytorch_half_pixel"), "mode": .string("linear")],
             constants: [.floats([0], []), .floats([3], [1.0, 1.0, 1.5])],
             expectedShape: [1, 2, 7], expected: [-1.375, -0.5, 0.1875000149011612, -0.5624998807907104, 0.125, 0.8124998807907104, 0.062499821186065674, -1.25, -0.375, 0.3125000298023224, -0.43749988079071045, 0.25, 0.9374998807907104, 0.18749982118606567]),
        Case("resize13RoundPreferCeilSizes", opset: 13, op: "Resize", shape: [1, 2, 5],
             attributes: ["mode": .string("nearest"), "nearest_mode": .string("round_prefer_ceil")],
             constants: [.absent, .absent, .ints([3], [1, 2, 8])],
             expectedShape: [1, 2, 8], expected: [-1.375, -1.375, 0.375, -0.75, -0.75, 1.0, -0.125, -0.125, -1.25, -1.25, 0.5, -0.625, -0.625, 1.125, 0.0, 0.0]),
        Case("resize13CeilDown", opset: 13, op: "Resize", shape: [1, 2, 5],
             attributes: ["coordinate_transformation_mode": .string("asymmetric"), "mode": .string("nearest"), "nearest_mode": .string("ceil")],
             constants: [.absent, .floats([3], [1.0, 1.0, 0.5])],
             expectedShape: [1, 2, 2], expected: [-1.375, -0.75, -1.25, -0.625]),
        Case("resize13TfHalfPixelForNN", opset: 13, op: "Resize", shape: [1, 2, 5],
             attributes: ["coordinate_transformation_mode": .string("tf_half_pixel_for_nn"), "mode": .string("nearest")],
             constants: [.absent, .floats([3], [1.0, 1.0, 2.0])],
             expectedShape: [1, 2, 10], expected: [-1.375, 0.375, 0.375, -0.75, -0.75, 1.0, 1.0, -0.125, -0.125, -0.125, -1.25, 0.5, 0.5, -0.625, -0.625, 1.125, 1.125, 0.0, 0.0, 0.0]),
        Case("resize13RoundPreferFloorDown", opset: 13, op: "Resize", shape: [1, 2, 1, 5],
             attributes: ["mode": .string("nearest")],
             constants: [.absent, .floats([4], [1.0, 1.0, 1.0, 0.699999988079071])],
             expectedShape: [1, 2, 1, 3], expected: [-1.375, -0.75, 1.0, -1.25, -0.625, 1.125]),
        Case("resize18Axes", opset: 18, op: "Resize", shape: [1, 2, 5],
             attributes: ["axes": .ints([2]), "mode": .string("linear")],
             constants: [.absent, .floats([1], [3.0])],
             expectedShape: [1, 2, 15], expected: [-1.375, -1.375, -0.7916666865348816, -0.20833337306976318, 0.375, -4.470348358154297e-08, -0.37500008940696716, -0.75, -0.16666680574417114, 0.41666680574417114, 1.0, 0.6250001192092896, 0.2500001788139343, -0.125, -0.125, -1.25, -1.25, -0.6666666865348816, -0.08333338797092438, 0.5, 0.12499994039535522, -0.25000008940696716, -0.625, -0.04166681319475174, 0.5416668653488159, 1.125, 0.7500001192092896, 0.3750001788139343, 0.0, 0.0]),
        Case("resize18NotLarger", opset: 18, op: "Resize", shape: [1, 2, 1, 5],
             attributes: ["axes": .ints([2, 3]), "keep_aspect_ratio_policy": .string("not_larger"), "mode": .string("nearest")],
             constants: [.absent, .absent, .ints([2], [3, 12])],
             expectedShape: [1, 2, 2, 12], expected: [-1.375, -1.375, 0.375, 0.375, 0.375, -0.75, -0.75, 1.0, 1.0, 1.0, -0.125, -0.125, -1.375, -1.375, 0.375, 0.375, 0.375, -0.75, -0.75, 1.0, 1.0, 1.0, -0.125, -0.125, -1.25, -1.25, 0.5, 0.5, 0.5, -0.625, -0.625, 1.125, 1.125, 1.125, 0.0, 0.0, -1.25, -1.25, 0.5, 0.5, 0.5, -0.625, -0.625, 1.125, 1.125, 1.125, 0.0, 0.0]),
        Case("resize18AntialiasUp", opset: 18, op: "Resize", shape: [1, 2, 5],
             attributes: ["antialias": .int(1), "mode": .string("linear")],
             constants: [.absent, .floats([3], [1.0, 1.0, 2.0])],
             expectedShape: [1, 2, 10], expected: [-1.375, -0.9375, -0.0625, 0.09375, -0.46875, -0.3125, 0.5625, 0.71875, 0.15625, -0.125, -1.25, -0.8125, 0.0625, 0.21875, -0.34375, -0.1875, 0.6875, 0.84375, 0.28125, 0.0]),
        Case("resize19HalfPixelSymmetric", opset: 19, op: "Resize", shape: [1, 2, 5],
             attributes: ["coordinate_transformation_mode": .string("half_pixel_symmetric"), "mode": .string("linear")],
             constants: [.absent, .floats([3], [1.0, 1.0, 1.7000000476837158])],
             expectedShape: [1, 2, 8], expected: [-1.375, -0.4485294818878174, 0.24264709651470184, -0.41911759972572327, -0.23529446125030518, 0.7941174507141113, 0.47058823704719543, -0.125, -1.25, -0.3235294222831726, 0.36764708161354065, -0.29411759972572327, -0.11029446125030518, 0.9191174507141113, 0.5955882668495178, 0.0]),
        Case("resize19AsymmetricLinearDown", opset: 19, op: "Resize", shape: [1, 2, 5],
             attributes: ["coordinate_transformation_mode": .string("asymmetric"), "mode": .string("linear")],
             constants: [.absent, .floats([3], [1.0, 1.0, 0.4000000059604645])],
             expectedShape: [1, 2, 2], expected: [-1.375, 0.125, -1.25, 0.25]),
        Case("convTransposePadsOutputPadding", opset: 17, op: "ConvTranspose", shape: [1, 2, 5],
             attributes: ["output_padding": .ints([1]), "pads": .ints([1, 1]), "strides": .ints([2])],
             constants: [.floats([2, 3, 3], [0.3125, -0.3125, 0.125, -0.5, -0.0625, 0.375, -0.25, 0.1875, -0.4375, 0.0, 0.4375, -0.1875, 0.25, -0.375, 0.0625, 0.5, -0.125, 0.3125]), .floats([3], [0.0625, 0.5, -0.125])],
             expectedShape: [1, 3, 10], expected: [-0.0546875, 0.2421875, 0.1640625, -0.21875, 0.0234375, 0.3984375, 0.2421875, -0.0625, 0.1015625, 0.046875, 1.0546875, -0.15625, 0.2890625, 0.890625, 0.78125, -0.0390625, 0.015625, 1.0078125, 0.5078125, 0.453125, -0.2265625, 0.2421875, -0.1171875, -0.2578125, -0.1875, 0.3203125, -0.078125, -0.1796875, -0.1484375, -0.0703125]),
        Case("convTransposeGroupDilation", opset: 17, op: "ConvTranspose", shape: [1, 4, 5],
             attributes: ["dilations": .ints([2]), "group": .int(2)],
             constants: [.floats([4, 1, 3], [-0.1875, 0.25, -0.375, 0.0625, 0.5, -0.125, 0.3125, -0.3125, 0.125, -0.5, -0.0625, 0.375])],
             expectedShape: [1, 2, 9], expected: [0.1796875, -0.0390625, -0.8671875, 0.2265625, 0.1953125, 0.609375, 0.328125, -0.515625, 0.046875, 0.1484375, -0.1796875, 0.4453125, -0.5390625, -0.421875, -0.1171875, -0.2578125, 0.671875, 0.109375]),
        Case("convTransposeSameUpper", opset: 17, op: "ConvTranspose", shape: [1, 2, 5],
             attributes: ["auto_pad": .string("SAME_UPPER"), "strides": .ints([2])],
             constants: [.floats([2, 2, 3], [-0.4375, 0.0, 0.4375, -0.1875, 0.25, -0.375, 0.0625, 0.5, -0.125, 0.3125, -0.3125, 0.125]), .floats([2], [0.375, -0.25])],
             expectedShape: [1, 2, 10], expected: [0.8984375, -0.25, -0.203125, 0.625, 0.765625, 0.0625, -0.2421875, 0.9375, 0.7265625, 0.375, -0.3828125, -0.203125, 0.1953125, -0.3125, -0.3828125, -0.2421875, 0.1171875, -0.3515625, -0.4609375, -0.28125]),
        Case("convTransposeSameLower", opset: 17, op: "ConvTranspose", shape: [1, 2, 5],
             attributes: ["auto_pad": .string("SAME_LOWER"), "strides": .ints([3])],
             constants: [.floats([2, 1, 4], [0.125, -0.5, -0.0625, 0.375, -0.25, 0.1875, -0.4375, 0.0])],
             expectedShape: [1, 1, 15], expected: [0.453125, 0.6328125, -0.59375, -0.09375, -0.2421875, 0.203125, 0.2578125, 0.3203125, -0.4375, -0.2890625, -0.5546875, 0.359375, 0.0625, 0.0078125, -0.046875]),
        Case("convTransposeOutputShape", opset: 17, op: "ConvTranspose", shape: [1, 2, 5],
             attributes: ["output_shape": .ints([12]), "strides": .ints([2])],
             constants: [.floats([2, 2, 3], [-0.125, 0.3125, -0.3125, 0.125, -0.5, -0.0625, 0.375, -0.25, 0.1875, -0.4375, 0.0, 0.4375])],
             expectedShape: [1, 2, 12], expected: [-0.296875, -0.1171875, 0.3359375, -0.0078125, -0.1640625, -0.078125, 0.4140625, 0.03125, -0.0859375, -0.0390625, 0.0390625, 0.0, 0.375, 0.6875, -0.6328125, -0.1875, 0.375, 0.375, -0.59375, -0.5, 0.4140625, 0.0625, 0.0078125, 0.0]),
        Case("convTransposeUnitHeight", opset: 17, op: "ConvTranspose", shape: [1, 2, 1, 5],
             attributes: ["pads": .ints([0, 1, 0, 1]), "strides": .ints([1, 2])],
             constants: [.floats([2, 3, 1, 4], [-0.375, 0.0625, 0.5, -0.125, 0.3125, -0.3125, 0.125, -0.5, -0.0625, 0.375, -0.25, 0.1875, -0.4375, 0.0, 0.4375, -0.1875, 0.25, -0.375, 0.0625, 0.5, -0.125, 0.3125, -0.3125, 0.125]), .floats([3], [0.4375, -0.1875, 0.25])],
             expectedShape: [1, 3, 1, 10], expected: [0.3515625, -1.15625, 0.8671875, 1.3984375, 0.25, -1.078125, 0.7109375, 1.4765625, 0.09375, 0.375, 0.7109375, -0.1953125, -0.4296875, -0.5, 0.34375, 0.2734375, -0.859375, -0.03125, -0.0859375, -0.203125, -0.65625, 0.8984375, 0.1328125, 0.125, -0.09375, 0.4296875, 0.7578125, -0.34375, 0.53125, 0.28125]),
        Case("instanceNormalization", opset: 17, op: "InstanceNormalization", shape: [2, 3, 6],
             attributes: ["epsilon": .float(0.001)],
             constants: [.floats([3], [0.5, -1.25, 2.0]), .floats([3], [0.10000000149011612, 0.20000000298023224, -0.30000001192092896])],
             expectedShape: [2, 3, 6], expected: [-0.494333952665329, 0.5245242714881897, -0.13045603036880493, 0.8884022235870361, 0.2334219068288803, -0.4215584099292755, -0.47933176159858704, 1.3548640012741089, -1.4983294010162354, 0.33586636185646057, 2.1700620651245117, -0.6831313371658325, -1.7130100727081299, 2.8520994186401367, -0.08261385560035706, -3.017327070236206, 1.5477824211120605, -1.3869308233261108, 0.8217872977256775, 0.23123404383659363, -0.35931918025016785, 0.5593191981315613, -0.031234048306941986, -0.6217872500419617, -0.47933176159858704, 1.3548640012741089, -1.4983294010162354, 0.3358663320541382, 2.1700620651245117, -0.6831313371658325, -1.7130100727081299, 2.8520994186401367, -0.08261384069919586, -3.017327308654785, 1.5477824211120605, -1.3869308233261108]),
        Case("groupNormalization18", opset: 18, op: "GroupNormalization", shape: [2, 4, 1, 3],
             attributes: ["num_groups": .int(2)],
             constants: [.floats([2], [1.5, -0.5]), .floats([2], [0.25, 1.0])],
             expectedShape: [2, 4, 1, 3], expected: [-1.5341997146606445, 1.5244282484054565, -0.4418325424194336, 2.616795539855957, 0.6505346298217773, -1.3157262802124023, 0.7280381917953491, 1.4623351097106934, 0.3200954794883728, 1.0543923377990723, 1.788689374923706, 0.646449625492096, -0.8106510639190674, 2.616067886352539, 0.4131770730018616, -1.7897136211395264, 1.6370052099227905, -0.5658854246139526, 0.27781862020492554, 0.8686943054199219, 1.4595699310302734, 0.5404300093650818, 1.1313056945800781, 1.7221813201904297]),
        Case("groupNormalization21", opset: 21, op: "GroupNormalization", shape: [2, 4, 3],
             attributes: ["epsilon": .float(0.01), "num_groups": .int(2)],
             constants: [.floats([4], [1.5, -0.5, 0.75, 2.0]), .floats([4], [0.25, 1.0, -1.0, 0.0])],
             expectedShape: [2, 4, 3], expected: [-1.5222218036651611, 1.515872597694397, -0.4371880292892456, 0.2163645625114441, 0.8673847913742065, 1.5184049606323242, -0.5954859852790833, -1.687673807144165, 0.011285066604614258, -0.21574081480503082, -3.128242015838623, 1.402315378189087, -0.80173659324646, 2.5961813926696777, 0.4118055999279022, 1.6741900444030762, 0.5415507555007935, 1.2696759700775146, 0.07735037803649902, -0.8041181564331055, -1.68558669090271, 1.8282309770584106, -0.5223516821861267, -2.872934341430664]),
    ]
}

extension GradientTests {
    /// Every `UpsamplingOpsTests` case: Resize in each mode, rounding and coordinate form,
    /// ConvTranspose in each padding form, and the normalizations.
    func testUpsamplingOpsAgainstFiniteDifferences() throws {
        for testCase in UpsamplingOpsTests.cases {
            let plan = try UpsamplingOpsTests.plan(testCase)
            let failure = try check(plan: plan, inputs: ["x": UpsamplingOpsTests.input(testCase.shape)], input: "x", output: "y", samples: 24)
            XCTAssertNil(failure, testCase.name)
        }
    }
}
