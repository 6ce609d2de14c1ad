/// The one place every op is dispatched: shape inference and forward computation.
/// Each `case` calls into the op family's file in Ops/.

/// What the planner knows about a value before running: its shape and type always,
/// its contents when it is constant (initializers, shape arithmetic).
struct AbstractValue {
    var shape: [Int]
    var type: ElementType
    var constant: Value?
}

/// Settings every kernel may read.
struct ExecutionContext: Sendable {
    /// Threads kernels may use for their own loops (BLAS threads are set separately).
    var threads: Int
    /// Where large outputs and scratch buffers come from.
    var buffers: BufferPool
}

extension Op {
    /// Output shapes and element types for the given inputs (nil for a missing optional input).
    /// Ops whose output shape depends on an input's values (Reshape's shape, Slice's starts...)
    /// require that input to be constant.
    func inferOutputs(_ inputs: [AbstractValue?], node: Node) throws -> [(shape: [Int], type: ElementType)] {
        let io = KernelIO(node: node, abstract: inputs)
        switch self {
        case .conv(let attributes):
            return [(try Conv.outputShape(attributes, input: io.shape(0), weights: io.shape(1), node: node), .float)]
        case .batchNormalization, .unary, .clip, .softmax, .logSoftmax, .identity:
            return [(try io.shape(0), try io.type(0))]
        case .layerNormalization(let axis, _):
            // Optional Mean and InvStdDev outputs keep the normalised axes as 1s.
            let shape = try io.shape(0)
            let first = try ShapeOps.normalizedAxis(axis, rank: shape.count, node: node)
            let statistics = shape.indices.map { $0 < first ? shape[$0] : 1 }
            return [(shape, .float), (statistics, .float), (statistics, .float)]
        case .binary:
            return [(try Broadcast.shape(try io.shape(0), try io.shape(1), node: node), try io.type(0))]
        case .maxPool(let attributes):
            let shape = try Pool.outputShape(attributes, input: io.shape(0), node: node)
            return [(shape, .float), (shape, .int)]
        case .averagePool(let attributes):
            return [(try Pool.outputShape(attributes, input: io.shape(0), node: node), .float)]
        case .globalAveragePool, .globalMaxPool:
            let shape = try io.shape(0)
            return [(Array(shape.prefix(2)) + Array(repeating: 1, count: max(0, shape.count - 2)), .float)]
        case .gemm(_, _, let transA, let transB):
            return [(try MatrixProduct.gemmShape(io.shape(0), io.shape(1), transA: transA, transB: transB, node: node), .float)]
        case .matMul:
            return [(try MatrixProduct.matMulShape(io.shape(0), io.shape(1), node: node), try io.type(0))]
        case .flatten(let axis):
            return [(try ShapeOps.flattenShape(io.shape(0), axis: axis, node: node), try io.type(0))]
        case .reshape(let allowZero):
            return [(try ShapeOps.reshapeShape(io.shape(0), target: io.ints(1), allowZero: allowZero, node: node), try io.type(0))]
        case .transpose(let permutation):
            return [(try ShapeOps.transposeShape(io.shape(0), permutation: permutation, node: node), try io.type(0))]
        case .squeeze:
            return [(try ShapeOps.squeezeShape(io.shape(0), axes: io.optionalInts(1), node: node), try io.type(0))]
        case .unsqueeze:
            return [(try ShapeOps.unsqueezeShape(io.shape(0), axes: io.ints(1), node: node), try io.type(0))]
        case .concat(let axis):
            return [(try ShapeOps.concatShape(io.allShapes(), axis: axis, node: node), try io.type(0))]
        case .split(let axis, let outputCount):
            let sizes = try ShapeOps.splitSizes(io.shape(0), axis: axis, sizes: io.optionalInts(1), outputCount: outputCount, node: node)
            let type = try io.type(0)
            return try sizes.map { (try ShapeOps.replacing(io.shape(0), axis: axis, with: $0, node: node), type) }
        case .slice:
            return [(try ShapeOps.SliceRegion(io.shape(0), io: io, node: node).outputShape, try io.type(0))]
        case .gather(let axis):
            return [(try ShapeOps.gatherShape(io.shape(0), indices: io.shape(1), axis: axis, node: node), try io.type(0))]
        case .expand:
            return [(try Broadcast.shape(io.shape(0), io.ints(1).map(Int.init), node: node), try io.type(0))]
        case .shape(let start, let end):
            return [([ShapeOps.shapeSlice(try io.shape(0), start: start, end: end).count], .int)]
        case .constantOfShape(let fill):
            return [(try io.ints(0).map(Int.init), fill.elementType)]
        case .pad:
            return [(try ShapeOps.padAmounts(io.shape(0), pads: io.ints(1), axes: io.optionalInts(3), node: node).outputShape, try io.type(0))]
        case .reduce(_, let keepDims, let noopWithEmptyAxes):
            return [(try Reduce.outputShape(io.shape(0), axes: io.optionalInts(1), keepDims: keepDims, noopWithEmptyAxes: noopWithEmptyAxes, node: node), try io.type(0))]
        case .cast(let type):
            return [(try io.shape(0), type)]
        }
    }

    /// Computes the outputs. `outputShapes` are those `inferOutputs` gave for these inputs.
    func forward(_ inputs: [Value?], outputShapes: [[Int]], node: Node, context: ExecutionContext) throws -> [Value] {
        let io = KernelIO(node: node, values: inputs)
        switch self {
        case .conv(let attributes):
            return [.float(try Conv.forward(attributes, input: io.float(0), weights: io.float(1), bias: io.optionalFloat(2), outputShape: outputShapes[0], node: node, context: context))]
        case .batchNormalization(let epsilon):
            return [.float(try Normalization.batchNorm(io.float(0), scale: io.float(1), bias: io.float(2), mean: io.float(3), variance: io.float(4), epsilon: epsilon, node: node, context: context))]
        case .layerNormalization(let axis, let epsilon):
            let (y, mean, inverseDeviation) = try Normalization.layerNorm(io.float(0), scale: io.float(1), bias: io.optionalFloat(2), axis: axis, epsilon: epsilon, statisticsShape: outputShapes[1], node: node)
            return [.float(y), .float(mean), .float(inverseDeviation)]
        case .unary(let function):
            return [.float(Elementwise.apply(function, to: try io.float(0), context: context))]
        case .clip:
            return [try Elementwise.clip(io.value(0), min: io.optionalValue(1), max: io.optionalValue(2))]
        case .binary(let function):
            return [try Broadcast.apply(function, io.value(0), io.value(1), outputShape: outputShapes[0], node: node, context: context)]
        case .softmax(let axis, let coercedTo2D):
            return [.float(try Softmax.forward(io.float(0), axis: axis, coercedTo2D: coercedTo2D, logarithmic: false, node: node))]
        case .logSoftmax(let axis, let coercedTo2D):
            return [.float(try Softmax.forward(io.float(0), axis: axis, coercedTo2D: coercedTo2D, logarithmic: true, node: node))]
        case .maxPool(let attributes):
            let (y, indices) = try Pool.maxPool(attributes, input: io.float(0), outputShape: outputShapes[0], wantsIndices: node.outputs.count > 1 && !node.outputs[1].isEmpty, node: node, context: context)
            return [.float(y), .int(indices)]
        case .averagePool(let attributes):
            return [.float(try Pool.averagePool(attributes, input: io.float(0), outputShape: outputShapes[0], node: node, context: context))]
        case .globalAveragePool:
            return [.float(Pool.global(try io.float(0), maximum: false))]
        case .globalMaxPool:
            return [.float(Pool.global(try io.float(0), maximum: true))]
        case .gemm(let alpha, let beta, let transA, let transB):
            return [.float(try MatrixProduct.gemm(io.float(0), io.float(1), io.optionalFloat(2), alpha: alpha, beta: beta, transA: transA, transB: transB, outputShape: outputShapes[0], node: node))]
        case .matMul:
            return [try MatrixProduct.matMul(io.value(0), io.value(1), outputShape: outputShapes[0], node: node)]
        case .flatten, .reshape, .squeeze, .unsqueeze, .identity:
            return [try io.value(0).reshaped(to: outputShapes[0])]
        case .transpose(let permutation):
            return [try ShapeOps.transpose(io.value(0), permutation: permutation, outputShape: outputShapes[0])]
        case .concat(let axis):
            return [try ShapeOps.concat(io.allValues(), axis: axis, outputShape: outputShapes[0], node: node)]
        case .split(let axis, _):
            return try ShapeOps.split(io.value(0), axis: axis, outputShapes: outputShapes)
        case .slice:
            return [try ShapeOps.slice(io.value(0), region: ShapeOps.SliceRegion(io.value(0).shape, io: io, node: node))]
        case .gather(let axis):
            return [try ShapeOps.gather(io.value(0), indices: io.int(1), axis: axis, outputShape: outputShapes[0], node: node)]
        case .expand:
            return [try Broadcast.expand(io.value(0), to: outputShapes[0])]
        case .shape(let start, let end):
            let dims = ShapeOps.shapeSlice(try io.value(0).shape, start: start, end: end)
            return [.int(Tensor(shape: [dims.count], scalars: dims.map(Int64.init)))]
        case .constantOfShape(let fill):
            return [ShapeOps.filled(fill, shape: outputShapes[0])]
        case .pad(let mode):
            let data = try io.value(0)
            let amounts = try ShapeOps.padAmounts(data.shape, pads: io.ints(1), axes: io.optionalInts(3), node: node)
            return [try ShapeOps.pad(data, amounts: amounts, mode: mode, constant: io.optionalValue(2), node: node)]
        case .reduce(let function, let keepDims, let noopWithEmptyAxes):
            return [try Reduce.apply(function, io.value(0), axes: io.optionalInts(1), keepDims: keepDims, noopWithEmptyAxes: noopWithEmptyAxes, outputShape: outputShapes[0], node: node)]
        case .cast(let type):
            return [ShapeOps.cast(try io.value(0), to: type)]
        }
    }
}

/// Typed, checked access to a node's inputs for kernels, with errors naming the node.
struct KernelIO {
    let node: Node
    /// True while planning (shapes known, values only for constants), false while running.
    let planning: Bool
    var abstract: [AbstractValue?] = []
    var values: [Value?] = []

    init(node: Node, abstract: [AbstractValue?]) {
        self.node = node
        self.planning = true
        self.abstract = abstract
    }

    init(node: Node, values: [Value?]) {
        self.node = node
        self.planning = false
        self.values = values
    }

    private func missing(_ index: Int) -> InferenceError {
        InferenceError("node '\(node.name)' (\(node.opType)) needs input \(index + 1)")
    }

    // Planning-time access.
    func shape(_ index: Int) throws -> [Int] {
        guard index < abstract.count, let value = abstract[index] else { throw missing(index) }
        return value.shape
    }
    func type(_ index: Int) throws -> ElementType {
        guard index < abstract.count, let value = abstract[index] else { throw missing(index) }
        return value.type
    }
    func allShapes() throws -> [[Int]] {
        try abstract.indices.map { try shape($0) }
    }
    /// An integer input needed to know shapes (Reshape's shape, Slice's starts...): its
    /// value while running, its constant value while planning.
    func ints(_ index: Int) throws -> [Int64] {
        guard let values = try optionalInts(index) else { throw missing(index) }
        return values
    }
    func optionalInts(_ index: Int) throws -> [Int64]? {
        if !planning {
            guard index < values.count, values[index] != nil else { return nil }
            return try int(index).scalars
        }
        guard index < abstract.count, let value = abstract[index] else { return nil }
        guard let constant = value.constant else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): input \(index + 1) must be known before running (a constant or shape computation), but it depends on the data; this dynamic-shape graph is not supported")
        }
        guard case .int(let tensor) = constant else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): input \(index + 1) must be an integer tensor")
        }
        return tensor.scalars
    }

    // Run-time access.
    func value(_ index: Int) throws -> Value {
        guard index < values.count, let value = values[index] else { throw missing(index) }
        return value
    }
    func optionalValue(_ index: Int) -> Value? {
        index < values.count ? values[index] : nil
    }
    func allValues() throws -> [Value] {
        try values.indices.map { try value($0) }
    }
    func float(_ index: Int) throws -> Tensor<Float> {
        guard case .float(let tensor) = try value(index) else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): input \(index + 1) must be a float tensor")
        }
        return tensor
    }
    func optionalFloat(_ index: Int) throws -> Tensor<Float>? {
        index < values.count && values[index] != nil ? try float(index) : nil
    }
    func floatConverted(_ index: Int) throws -> Tensor<Float> {
        switch try value(index) {
        case .float(let tensor): tensor
        case .int(let tensor): Tensor(shape: tensor.shape, scalars: tensor.scalars.map { Float($0) })
        }
    }
    func int(_ index: Int) throws -> Tensor<Int64> {
        guard case .int(let tensor) = try value(index) else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): input \(index + 1) must be an integer tensor")
        }
        return tensor
    }
}

extension Op {
    /// Inputs whose gradient `backward` computes: the data inputs. Weights, statistics,
    /// bounds and fill values are constants of the model and get none.
    func isDifferentiable(input index: Int) -> Bool {
        switch self {
        case .conv, .batchNormalization, .layerNormalization, .unary, .clip, .softmax, .logSoftmax,
             .maxPool, .averagePool, .globalAveragePool, .globalMaxPool, .flatten, .reshape, .squeeze,
             .unsqueeze, .identity, .transpose, .split, .slice, .gather, .expand, .pad, .reduce, .cast:
            index == 0
        case .binary, .matMul: index < 2
        case .gemm: index < 3
        case .concat: true
        case .shape, .constantOfShape: false
        }
    }

    /// Reverse mode: given the gradients of the outputs (nil where no gradient flows), the
    /// gradients of the inputs listed in `wanted` (nil elsewhere). Inputs and outputs are the
    /// values of the forward pass. Integer-valued ops pass no gradient.
    func backward(
        _ inputs: [Value?], outputs: [Value?], outputGradients: [Tensor<Float>?], wanted: [Bool], node: Node, context: ExecutionContext
    ) throws -> [Tensor<Float>?] {
        let io = KernelIO(node: node, values: inputs)
        var result = [Tensor<Float>?](repeating: nil, count: inputs.count)
        func want(_ index: Int) -> Bool { index < wanted.count && wanted[index] }
        if case .split(let axis, _) = self {
            // The one op whose several outputs all carry gradients.
            if want(0) { result[0] = try ShapeOps.splitBackward(outputGradients, outputs: outputs, input: io.float(0), axis: axis) }
            return result
        }
        // Other ops' extra outputs (MaxPool indices, LayerNorm statistics) carry no gradient.
        guard let dy = outputGradients.first ?? nil else { return result }
        switch self {
        case .conv(let attributes):
            if want(0) { result[0] = try Conv.backward(attributes, outputGradient: dy, input: io.float(0), weights: io.float(1), node: node, context: context) }
        case .batchNormalization(let epsilon):
            if want(0) { result[0] = try Normalization.batchNormBackward(dy, scale: io.float(1), variance: io.float(4), epsilon: epsilon) }
        case .layerNormalization(let axis, let epsilon):
            if want(0) { result[0] = try Normalization.layerNormBackward(dy, x: io.float(0), scale: io.float(1), axis: axis, epsilon: epsilon) }
        case .unary(let function):
            if want(0) { result[0] = try Elementwise.backward(function, outputGradient: dy, x: io.float(0), y: outputFloat(outputs, 0)) }
        case .clip:
            if want(0) { result[0] = try Elementwise.clipBackward(dy, x: io.float(0), min: io.optionalValue(1), max: io.optionalValue(2)) }
        case .binary(let function):
            // Pow may take an integer exponent: differentiate as float, no gradient flows to it.
            let gradients = try Broadcast.backward(function, outputGradient: dy, io.floatConverted(0), io.floatConverted(1), wanted: (want(0), want(1)))
            result[0] = gradients.0
            result[1] = gradients.1
        case .softmax(let axis, let coercedTo2D):
            if want(0) { result[0] = try Softmax.backward(dy, y: outputFloat(outputs, 0), axis: axis, coercedTo2D: coercedTo2D, logarithmic: false) }
        case .logSoftmax(let axis, let coercedTo2D):
            if want(0) { result[0] = try Softmax.backward(dy, y: outputFloat(outputs, 0), axis: axis, coercedTo2D: coercedTo2D, logarithmic: true) }
        case .maxPool(let attributes):
            if want(0) { result[0] = try Pool.backward(attributes, maximum: true, outputGradient: dy, input: io.float(0), node: node) }
        case .averagePool(let attributes):
            if want(0) { result[0] = try Pool.backward(attributes, maximum: false, outputGradient: dy, input: io.float(0), node: node) }
        case .globalAveragePool:
            if want(0) { result[0] = Pool.globalBackward(dy, input: try io.float(0), maximum: false) }
        case .globalMaxPool:
            if want(0) { result[0] = Pool.globalBackward(dy, input: try io.float(0), maximum: true) }
        case .gemm(let alpha, let beta, let transA, let transB):
            let gradients = try MatrixProduct.gemmBackward(dy, io.float(0), io.float(1), alpha: alpha, transA: transA, transB: transB, wanted: (want(0), want(1)))
            result[0] = gradients.0
            result[1] = gradients.1
            if want(2), let c = try io.optionalFloat(2) {
                result[2] = Broadcast.reduceToShape(dy, c.shape).scaled(by: beta)
            }
        case .matMul:
            let gradients = try MatrixProduct.matMulBackward(dy, io.float(0), io.float(1), wanted: (want(0), want(1)), node: node)
            result[0] = gradients.0
            result[1] = gradients.1
        case .flatten, .reshape, .squeeze, .unsqueeze, .identity:
            if want(0) { result[0] = Tensor(shape: try io.value(0).shape, scalars: dy.scalars) }
        case .transpose(let permutation):
            if want(0) { result[0] = ShapeOps.transposeBackward(dy, permutation: permutation) }
        case .concat(let axis):
            let shapes = try io.allValues().map(\.shape)
            let parts = try ShapeOps.concatBackward(dy, inputShapes: shapes, axis: axis, node: node)
            for index in parts.indices where want(index) { result[index] = parts[index] }
        case .split:
            break  // handled above
        case .slice:
            if want(0) {
                let x = try io.float(0)
                result[0] = ShapeOps.sliceBackward(dy, inputShape: x.shape, region: try ShapeOps.SliceRegion(x.shape, io: io, node: node))
            }
        case .gather(let axis):
            if want(0) { result[0] = try ShapeOps.gatherBackward(dy, inputShape: io.value(0).shape, indices: io.int(1), axis: axis, node: node) }
        case .expand:
            if want(0) { result[0] = Broadcast.reduceToShape(dy, try io.value(0).shape) }
        case .pad(let mode):
            if want(0) {
                let x = try io.float(0)
                let amounts = try ShapeOps.padAmounts(x.shape, pads: io.ints(1), axes: io.optionalInts(3), node: node)
                result[0] = ShapeOps.padBackward(dy, inputShape: x.shape, amounts: amounts, mode: mode)
            }
        case .reduce(let function, _, let noopWithEmptyAxes):
            if want(0) {
                let x = try io.float(0)
                let axes = try Reduce.axes(io.optionalInts(1), rank: x.rank, noopWithEmptyAxes: noopWithEmptyAxes, node: node)
                result[0] = Reduce.backward(function, outputGradient: dy, x: x, y: try outputFloat(outputs, 0), axes: axes)
            }
        case .cast(let type):
            if want(0), type == .float, case .float = try io.value(0) { result[0] = dy }
        case .shape, .constantOfShape:
            break
        }
        return result
    }

    private func outputFloat(_ outputs: [Value?], _ index: Int) throws -> Tensor<Float> {
        guard index < outputs.count, case .float(let tensor)? = outputs[index] else {
            throw InferenceError("internal: missing forward output \(index) for a backward pass")
        }
        return tensor
    }
}

extension Tensor where Scalar == Float {
    static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    func scaled(by factor: Float) -> Tensor {
        factor == 1 ? self : Tensor(shape: shape, scalars: scalars.map { $0 * factor })
    }
}

extension Tensor where Scalar == Float {
    func adding(_ other: Tensor) -> Tensor {
        var result = self
        result.scalars.withUnsafeMutableBufferPointer { target in
            other.scalars.withUnsafeBufferPointer { source in
                for i in target.indices { target[i] += source[i] }
            }
        }
        return result
    }
}
