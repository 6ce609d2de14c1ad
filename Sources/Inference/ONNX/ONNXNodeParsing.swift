import Foundation
import ONNXProto

/// Parses one ONNX node into an `Op`, applying the defaults of the model's opset and
/// turning legacy attributes into constant inputs (see `Op`).
struct ONNXNodeParser {
    let opset: Int
    let modelDirectory: URL?
    /// Constant inputs synthesised from legacy attributes, to be added to the initializers.
    private(set) var syntheticInitializers: [String: Value] = [:]

    init(opset: Int, modelDirectory: URL?) {
        self.opset = opset
        self.modelDirectory = modelDirectory
    }

    /// A parsed node, or a constant value for `Constant` nodes.
    enum Parsed {
        case node(Node)
        case constant(name: String, value: Value)
    }

    mutating func parse(_ proto: Onnx_NodeProto, index: Int) throws -> Parsed {
        let name = proto.name.isEmpty ? "\(proto.opType)_\(index)" : proto.name
        // Declaring another domain in opset_import is harmless (tf2onnx always adds ai.onnx.ml);
        // a node that uses one is refused.
        guard proto.domain.isEmpty || proto.domain == "ai.onnx" else {
            throw InferenceError("node '\(name)' uses op '\(proto.opType)' from domain '\(proto.domain)', which seqlens does not support: it runs standard ONNX ops only (domain ai.onnx); export the network without other domains' ops (no custom ops, no onnxruntime-optimised file)")
        }
        guard let opType = ONNXOpType(rawValue: proto.opType) else {
            throw InferenceError("node '\(name)' uses op '\(proto.opType)', which seqlens does not support; supported ops: \(ONNXOpType.supportedNames.joined(separator: ", "))")
        }
        let attributes = Attributes(proto.attribute, node: name, modelDirectory: modelDirectory)
        var inputs = proto.input
        let outputs = proto.output

        /// Makes an attribute-borne value an input at `position` (legacy opsets).
        func attributeAsInput(_ value: Value?, at position: Int, label: String) {
            guard let value else { return }
            let constantName = "\(name)::\(label)"
            syntheticInitializers[constantName] = value
            while inputs.count < position { inputs.append("") }
            if inputs.count == position { inputs.append(constantName) } else { inputs[position] = constantName }
        }
        func requireInputs(_ range: ClosedRange<Int>) throws {
            guard range.contains(inputs.count) else {
                throw InferenceError("node '\(name)' (\(proto.opType)) has \(inputs.count) inputs; expected \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)")")
            }
        }
        func onlyFirstOutput() throws {
            guard outputs.dropFirst().allSatisfy(\.isEmpty) else {
                throw InferenceError("node '\(name)' (\(proto.opType)) asks for optional outputs (\(outputs.dropFirst().joined(separator: ", "))) that only training graphs use; export the model in eval mode")
            }
        }
        /// An integer attribute's values, refused outside `range` before any arithmetic uses them.
        func bounded(_ attribute: String, _ values: [Int]?, in range: ClosedRange<Int>) throws -> [Int] {
            guard let values else { return [] }
            guard values.allSatisfy(range.contains) else {
                throw InferenceError("node '\(name)' (\(proto.opType)): \(attribute) \(values) must lie in \(range.lowerBound)...\(range.upperBound); the model is corrupt")
            }
            return values
        }
        func spatial() throws -> SpatialAttributes {
            let limit = Limits.maximumWindowAttribute
            return SpatialAttributes(
                kernelShape: try bounded("kernel_shape", attributes.ints("kernel_shape"), in: 1...limit),
                strides: try bounded("strides", attributes.ints("strides"), in: 1...limit),
                dilations: try bounded("dilations", attributes.ints("dilations"), in: 1...limit),
                pads: try bounded("pads", attributes.ints("pads"), in: 0...limit),
                autoPad: try attributes.autoPad()
            )
        }

        func axesAttributeAsInput(before inputOpset: Int) throws {
            if opset < inputOpset { attributeAsInput(try attributes.ints("axes").map(Self.intVector), at: 1, label: "axes") }
        }
        /// Two inputs, broadcast as numpy does.
        func requireTwoBroadcastInputs() throws {
            try requireInputs(2...2)
            // Opset 6 broadcast right-aligned like numpy unless an explicit axis was given.
            if opset < 7, try attributes.int("broadcast") == 1, try attributes.int("axis") != nil {
                throw InferenceError("node '\(name)' (\(proto.opType)) uses opset-6 broadcasting along an explicit axis, which seqlens does not support; re-export the model with opset_version=17")
            }
        }
        func binary(_ function: BinaryFunction) throws -> Op {
            try requireTwoBroadcastInputs()
            return .binary(function)
        }
        func compare(_ comparison: ComparisonFunction) throws -> Op {
            try requireTwoBroadcastInputs()
            return .compare(comparison)
        }
        func variadic(_ function: VariadicFunction) throws -> Op {
            guard !inputs.isEmpty else { throw InferenceError("node '\(name)' (\(proto.opType)) has no inputs; it needs at least one") }
            return .variadic(function)
        }
        /// Before opset 13 Softmax and LogSoftmax flattened the input to 2-D at `axis` (default 1).
        func softmaxAxis() throws -> (axis: Int, legacy: Bool) {
            let legacy = opset < 13
            return (try attributes.int("axis") ?? (legacy ? 1 : -1), legacy)
        }
        func pool() throws -> PoolAttributes {
            let pool = PoolAttributes(
                spatial: try spatial(),
                ceilMode: (try attributes.int("ceil_mode") ?? 0) != 0,
                countIncludePad: (try attributes.int("count_include_pad") ?? 0) != 0,
                columnMajorIndices: (try attributes.int("storage_order") ?? 0) != 0
            )
            guard !pool.spatial.kernelShape.isEmpty else {
                throw InferenceError("node '\(name)' (\(proto.opType)) has no kernel_shape")
            }
            return pool
        }
        func group() throws -> Int {
            try bounded("group", attributes.int("group").map { [$0] } ?? [1], in: 1...Limits.maximumWindowAttribute)[0]
        }
        /// Resize from opset 11 on, and Resize-10 and Upsample (asymmetric sampling, scales only),
        /// with inputs rewritten to the later layout: x, roi, scales, sizes.
        func resize() throws -> ResizeAttributes {
            let legacy = opType == .upsample || opset < 11
            let modeName = try attributes.string("mode") ?? "nearest"
            // Upsample-7 also spells linear "bilinear".
            guard let mode = ResizeAttributes.Mode(rawValue: legacy && modeName == "bilinear" ? "linear" : modeName) else {
                throw InferenceError("node '\(name)' (\(proto.opType)): mode '\(modeName)' is not supported (nearest and linear are); re-export the model with nearest or linear interpolation")
            }
            if legacy {
                if opType == .upsample && opset < 9 {
                    inputs = Array(inputs.prefix(1))
                    attributeAsInput(try attributes.floats("scales").map { .float(Tensor(shape: [$0.count], scalars: $0)) }, at: 2, label: "scales")
                } else {
                    try requireInputs(2...2)
                    inputs = [inputs[0], "", inputs[1]]
                }
                try requireInputs(3...3)
                return ResizeAttributes(mode: mode, coordinates: .asymmetric, rounding: .simple, axes: nil, aspectRatioPolicy: .stretch, antialias: false)
            }
            try requireInputs(1...4)
            let coordinateName = try attributes.string("coordinate_transformation_mode") ?? "half_pixel"
            guard let coordinates = ResizeAttributes.Coordinates(rawValue: coordinateName) else {
                throw InferenceError("node '\(name)' (Resize): coordinate_transformation_mode '\(coordinateName)' is not supported (half_pixel, half_pixel_symmetric, pytorch_half_pixel, align_corners, asymmetric and tf_half_pixel_for_nn are); re-export the model without crop-and-resize")
            }
            let roundingName = try attributes.string("nearest_mode") ?? "round_prefer_floor"
            guard let rounding = ResizeAttributes.Rounding(rawValue: roundingName), rounding != .simple else {
                throw InferenceError("node '\(name)' (Resize): nearest_mode '\(roundingName)' is not an ONNX value (round_prefer_floor, round_prefer_ceil, floor, ceil)")
            }
            let policyName = try attributes.string("keep_aspect_ratio_policy") ?? "stretch"
            guard let policy = ResizeAttributes.AspectRatioPolicy(rawValue: policyName) else {
                throw InferenceError("node '\(name)' (Resize): keep_aspect_ratio_policy '\(policyName)' is not an ONNX value (stretch, not_larger, not_smaller)")
            }
            return ResizeAttributes(mode: mode, coordinates: coordinates, rounding: rounding, axes: try attributes.ints("axes"),
                                    aspectRatioPolicy: policy, antialias: (try attributes.int("antialias") ?? 0) != 0)
        }
        func normalizationEpsilon() throws -> Float { try attributes.float("epsilon") ?? 1e-5 }
        func reduce(_ function: ReduceFunction) throws -> Op {
            .reduce(function, keepDims: (try attributes.int("keepdims") ?? 1) != 0,
                    noopWithEmptyAxes: (try attributes.int("noop_with_empty_axes") ?? 0) != 0)
        }

        let op: Op
        switch opType {
        case .constant:
            return .constant(name: outputs.first ?? name, value: try attributes.constantValue())
        case .conv:
            try requireInputs(2...3)
            op = .conv(ConvAttributes(spatial: try spatial(), group: try group()))
        case .convTranspose:
            try requireInputs(2...3)
            let limit = Limits.maximumWindowAttribute
            op = .convTranspose(ConvTransposeAttributes(
                spatial: try spatial(), group: try group(),
                outputPadding: try bounded("output_padding", attributes.ints("output_padding"), in: 0...limit),
                outputShape: try bounded("output_shape", attributes.ints("output_shape"), in: 0...limit)))
        case .resize, .upsample:
            op = .resize(try resize())
        case .instanceNormalization:
            try requireInputs(3...3)
            op = .groupNormalization(groups: .perChannel, epsilon: try normalizationEpsilon())
        case .groupNormalization:
            try requireInputs(3...3)
            guard let groups = try attributes.int("num_groups"), groups >= 1 else {
                throw InferenceError("node '\(name)' (GroupNormalization) needs a positive num_groups attribute")
            }
            op = .groupNormalization(groups: .count(groups), epsilon: try normalizationEpsilon())
        case .batchNormalization:
            try requireInputs(5...5)
            try onlyFirstOutput()
            if (try attributes.int("training_mode") ?? 0) != 0 {
                throw InferenceError("node '\(name)' runs BatchNormalization in training mode; export the model after model.eval()")
            }
            op = .batchNormalization(epsilon: try attributes.float("epsilon") ?? 1e-5)
        case .layerNormalization:
            try requireInputs(2...3)
            op = .layerNormalization(axis: try attributes.int("axis") ?? -1, epsilon: try attributes.float("epsilon") ?? 1e-5)
        case .relu: op = .unary(.relu)
        case .exp: op = .unary(.exp)
        case .log: op = .unary(.log)
        case .sigmoid: op = .unary(.sigmoid)
        case .tanh: op = .unary(.tanh)
        case .softplus: op = .unary(.softplus)
        case .erf: op = .unary(.erf)
        case .sqrt: op = .unary(.sqrt)
        case .neg: op = .unary(.neg)
        case .abs: op = .unary(.abs)
        case .leakyRelu: op = .unary(.leakyRelu(alpha: try attributes.float("alpha") ?? 0.01))
        case .elu: op = .unary(.elu(alpha: try attributes.float("alpha") ?? 1))
        case .selu:
            op = .unary(.selu(alpha: try attributes.float("alpha") ?? 1.67326319217681884765625,
                              gamma: try attributes.float("gamma") ?? 1.05070102214813232421875))
        case .gelu:
            let approximate = try attributes.string("approximate") ?? "none"
            guard approximate == "none" || approximate == "tanh" else {
                throw InferenceError("node '\(name)': Gelu approximate='\(approximate)' is not an ONNX value (none or tanh)")
            }
            op = .unary(.gelu(tanhApproximation: approximate == "tanh"))
        case .sign: op = .unary(.sign)
        case .reciprocal: op = .unary(.reciprocal)
        case .floor: op = .unary(.floor)
        case .ceil: op = .unary(.ceil)
        case .round: op = .unary(.round)
        case .sin: op = .unary(.sin)
        case .cos: op = .unary(.cos)
        case .softsign: op = .unary(.softsign)
        case .hardSwish: op = .unary(.hardSwish)
        case .mish: op = .unary(.mish)
        case .hardSigmoid: op = .unary(.hardSigmoid(alpha: try attributes.float("alpha") ?? 0.2, beta: try attributes.float("beta") ?? 0.5))
        case .prelu: op = try binary(.prelu)
        case .mod: op = try binary((try attributes.int("fmod") ?? 0) != 0 ? .fmod : .mod)
        case .greater: op = try compare(.greater)
        case .less: op = try compare(.less)
        case .equal: op = try compare(.equal)
        case .greaterOrEqual: op = try compare(.greaterOrEqual)
        case .lessOrEqual: op = try compare(.lessOrEqual)
        case .and: op = try compare(.and)
        case .or: op = try compare(.or)
        case .xor: op = try compare(.xor)
        case .not: op = .test(.not)
        case .isNaN: op = .test(.isNaN)
        case .isInf:
            op = .test(.isInf(positive: (try attributes.int("detect_positive") ?? 1) != 0, negative: (try attributes.int("detect_negative") ?? 1) != 0))
        case .where:
            try requireInputs(3...3)
            op = .select
        case .min: op = try variadic(.min)
        case .max: op = try variadic(.max)
        case .sum: op = try variadic(.sum)
        case .mean: op = try variadic(.mean)
        case .clip:
            if opset < 11 {
                attributeAsInput(.float(Tensor(shape: [], scalars: [try attributes.float("min") ?? -.greatestFiniteMagnitude])), at: 1, label: "min")
                attributeAsInput(.float(Tensor(shape: [], scalars: [try attributes.float("max") ?? .greatestFiniteMagnitude])), at: 2, label: "max")
            }
            try requireInputs(1...3)
            op = .clip
        case .add: op = try binary(.add)
        case .sub: op = try binary(.sub)
        case .mul: op = try binary(.mul)
        case .div: op = try binary(.div)
        case .pow: op = try binary(.pow)
        case .softmax:
            let (axis, legacy) = try softmaxAxis()
            op = .softmax(axis: axis, coercedTo2D: legacy)
        case .logSoftmax:
            let (axis, legacy) = try softmaxAxis()
            op = .logSoftmax(axis: axis, coercedTo2D: legacy)
        case .maxPool: op = .maxPool(try pool())
        case .averagePool:
            try onlyFirstOutput()
            op = .averagePool(try pool())
        case .globalAveragePool: op = .globalAveragePool
        case .globalMaxPool: op = .globalMaxPool
        case .gemm:
            try requireInputs(2...3)
            op = .gemm(alpha: try attributes.float("alpha") ?? 1, beta: try attributes.float("beta") ?? 1,
                       transA: (try attributes.int("transA") ?? 0) != 0, transB: (try attributes.int("transB") ?? 0) != 0)
        case .matMul:
            try requireInputs(2...2)
            op = .matMul
        case .flatten: op = .flatten(axis: try attributes.int("axis") ?? 1)
        case .reshape:
            if opset < 5 { attributeAsInput(try attributes.ints("shape").map(Self.intVector), at: 1, label: "shape") }
            try requireInputs(2...2)
            op = .reshape(allowZero: (try attributes.int("allowzero") ?? 0) != 0)
        case .transpose: op = .transpose(permutation: try attributes.ints("perm"))
        case .squeeze:
            try axesAttributeAsInput(before: 13)
            op = .squeeze
        case .unsqueeze:
            try axesAttributeAsInput(before: 13)
            try requireInputs(2...2)
            op = .unsqueeze
        case .concat:
            guard let axis = try attributes.int("axis") else { throw InferenceError("node '\(name)' (Concat) has no axis") }
            op = .concat(axis: axis)
        case .split:
            if opset < 13 { attributeAsInput(try attributes.ints("split").map(Self.intVector), at: 1, label: "split") }
            op = .split(axis: try attributes.int("axis") ?? 0, outputCount: try attributes.int("num_outputs") ?? outputs.count)
        case .slice:
            if opset < 10 {
                attributeAsInput(try attributes.ints("starts").map(Self.intVector), at: 1, label: "starts")
                attributeAsInput(try attributes.ints("ends").map(Self.intVector), at: 2, label: "ends")
                attributeAsInput(try attributes.ints("axes").map(Self.intVector), at: 3, label: "axes")
            }
            try requireInputs(3...5)
            op = .slice
        case .gather:
            try requireInputs(2...2)
            op = .gather(axis: try attributes.int("axis") ?? 0)
        case .gatherND:
            try requireInputs(2...2)
            op = .gatherND(batchDims: try attributes.int("batch_dims") ?? 0)
        case .expand:
            try requireInputs(2...2)
            op = .expand
        case .shape: op = .shape(start: try attributes.int("start") ?? 0, end: try attributes.int("end"))
        case .constantOfShape:
            op = .constantOfShape(fill: try attributes.tensor("value") ?? .float(Tensor(shape: [1], scalars: [0])))
        case .identity: op = .identity
        case .dropout:
            try onlyFirstOutput()
            inputs = Array(inputs.prefix(1))  // ratio and training_mode do not matter at inference
            op = .identity
        case .pad:
            let mode = try attributes.string("mode") ?? "constant"
            guard let padMode = PadMode(rawValue: mode) else {
                throw InferenceError("node '\(name)': Pad mode '\(mode)' is not supported (constant, reflect and edge are)")
            }
            if opset < 11 {
                attributeAsInput(try attributes.ints("pads").map(Self.intVector), at: 1, label: "pads")
                attributeAsInput(.float(Tensor(shape: [], scalars: [try attributes.float("value") ?? 0])), at: 2, label: "value")
            }
            try requireInputs(2...4)
            op = .pad(mode: padMode)
        // ReduceSum's axes became an input at opset 13, the others' at 18.
        case .reduceMean:
            try axesAttributeAsInput(before: 18)
            op = try reduce(.mean)
        case .reduceSum:
            try axesAttributeAsInput(before: 13)
            op = try reduce(.sum)
        case .reduceMax:
            try axesAttributeAsInput(before: 18)
            op = try reduce(.max)
        case .reduceMin:
            try axesAttributeAsInput(before: 18)
            op = try reduce(.min)
        case .reduceLogSumExp:
            try axesAttributeAsInput(before: 18)
            op = try reduce(.logSumExp)
        case .reduceL2:
            try axesAttributeAsInput(before: 18)
            op = try reduce(.l2)
        case .argMax:
            op = .argMax(axis: try attributes.int("axis") ?? 0, keepDims: (try attributes.int("keepdims") ?? 1) != 0,
                         selectLastIndex: (try attributes.int("select_last_index") ?? 0) != 0)
        case .einsum:
            guard let text = try attributes.string("equation") else { throw InferenceError("node '\(name)' (Einsum) has no equation") }
            do {
                op = .einsum(try EinsumEquation(parsing: text))
            } catch let error as InferenceError {
                throw InferenceError("node '\(name)' (Einsum): equation \(error.description)")
            }
        case .range:
            try requireInputs(3...3)
            op = .range
        case .cumSum:
            try requireInputs(2...2)
            op = .cumSum(exclusive: (try attributes.int("exclusive") ?? 0) != 0, reverse: (try attributes.int("reverse") ?? 0) != 0)
        case .tile:
            try requireInputs(2...2)
            op = .tile
        case .trilu:
            try requireInputs(1...2)
            op = .trilu(upper: (try attributes.int("upper") ?? 1) != 0)
        case .gatherElements:
            try requireInputs(2...2)
            op = .gatherElements(axis: try attributes.int("axis") ?? 0)
        case .scatterND:
            try requireInputs(3...3)
            let reduction = try attributes.string("reduction") ?? "none"
            guard let scatterReduction = ScatterReduction(rawValue: reduction) else {
                throw InferenceError("node '\(name)': ScatterND reduction '\(reduction)' is not an ONNX value (none, add, mul, max, min)")
            }
            op = .scatterND(reduction: scatterReduction)
        case .cast:
            guard let to = try attributes.int("to") else { throw InferenceError("node '\(name)' (Cast) has no 'to' type") }
            guard let type = Self.elementType(onnxDataType: Int(to)) else {
                throw InferenceError("node '\(name)' casts to ONNX data type \(to), which seqlens does not support (float and integer types are)")
            }
            // A bool is 0 or 1 here: casting to one tests for nonzero rather than truncating.
            op = Onnx_TensorProto.DataType(rawValue: Int(to)) == .bool ? .test(.isNonZero) : .cast(to: type)
        case .lstm:
            try requireInputs(3...8)
            op = .recurrent(try Self.recurrentAttributes(.lstm(inputForget: (try attributes.int("input_forget") ?? 0) != 0), attributes, node: name, opType: proto.opType))
        case .gru:
            try requireInputs(3...6)
            op = .recurrent(try Self.recurrentAttributes(.gru(linearBeforeReset: (try attributes.int("linear_before_reset") ?? 0) != 0), attributes, node: name, opType: proto.opType))
        }
        return .node(Node(name: name, opType: proto.opType, op: op, inputs: inputs, outputs: outputs))
    }

    static func intVector(_ values: [Int]) -> Value {
        .int(Tensor(shape: [values.count], scalars: values.map(Int64.init)))
    }

    /// The engine type an ONNX data type computes in, nil when unsupported.
    static func elementType(onnxDataType: Int) -> ElementType? {
        switch Onnx_TensorProto.DataType(rawValue: onnxDataType) {
        case .float, .double, .float16, .bfloat16: .float
        case .int64, .int32, .int16, .int8, .uint8, .uint16, .uint32, .uint64, .bool: .int
        default: nil
        }
    }
}

/// Typed access to a node's attributes, with errors naming the node.
struct Attributes {
    let byName: [String: Onnx_AttributeProto]
    let node: String
    let modelDirectory: URL?

    init(_ list: [Onnx_AttributeProto], node: String, modelDirectory: URL?) {
        var byName: [String: Onnx_AttributeProto] = [:]
        for attribute in list { byName[attribute.name] = attribute }
        self.byName = byName
        self.node = node
        self.modelDirectory = modelDirectory
    }

    private func attribute(_ name: String, _ type: Onnx_AttributeProto.AttributeType) throws -> Onnx_AttributeProto? {
        guard let attribute = byName[name] else { return nil }
        guard !attribute.refAttrName.isEmpty || attribute.type == type || attribute.type == .undefined else {
            throw InferenceError("node '\(node)': attribute '\(name)' should be \(type) but is \(attribute.type)")
        }
        return attribute
    }

    func int(_ name: String) throws -> Int? { try attribute(name, .int).map { Int($0.i) } }
    func float(_ name: String) throws -> Float? { try attribute(name, .float).map(\.f) }
    func ints(_ name: String) throws -> [Int]? { try attribute(name, .ints).map { $0.ints.map(Int.init) } }
    func floats(_ name: String) throws -> [Float]? { try attribute(name, .floats).map(\.floats) }
    func string(_ name: String) throws -> String? {
        try attribute(name, .string).map { String(decoding: $0.s, as: UTF8.self) }
    }
    func strings(_ name: String) throws -> [String]? {
        try attribute(name, .strings).map { $0.strings.map { String(decoding: $0, as: UTF8.self) } }
    }
    func tensor(_ name: String) throws -> Value? {
        try attribute(name, .tensor).map { try ONNXTensorDecoding.value(from: $0.t, modelDirectory: modelDirectory) }
    }
    func autoPad() throws -> AutoPad {
        let text = try string("auto_pad") ?? "NOTSET"
        guard let value = AutoPad(rawValue: text) else {
            throw InferenceError("node '\(node)': auto_pad '\(text)' is not an ONNX value (NOTSET, SAME_UPPER, SAME_LOWER, VALID)")
        }
        return value
    }

    /// The value of a Constant node, in whichever attribute it is given.
    func constantValue() throws -> Value {
        if let tensor = try tensor("value") { return tensor }
        if let f = try float("value_float") { return .float(Tensor(shape: [], scalars: [f])) }
        if let fs = try floats("value_floats") { return .float(Tensor(shape: [fs.count], scalars: fs)) }
        if let i = try attribute("value_int", .int)?.i { return .int(Tensor(shape: [], scalars: [i])) }
        if let ints = try attribute("value_ints", .ints)?.ints { return .int(Tensor(shape: [ints.count], scalars: ints)) }
        throw InferenceError("node '\(node)' (Constant) has no value seqlens can read (sparse and string constants are not supported)")
    }
}
