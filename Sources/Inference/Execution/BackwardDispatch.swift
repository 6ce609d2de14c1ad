/// Reverse mode for every op, in one exhaustive `switch`: which inputs take a gradient and
/// how it is computed. Each `case` calls into the op family's file in Ops/.
extension Op {
    /// Inputs whose gradient `backward` computes: the data inputs. Weights, statistics,
    /// bounds and fill values are constants of the model and get none.
    func isDifferentiable(input index: Int) -> Bool {
        switch self {
        case .conv, .batchNormalization, .layerNormalization, .unary, .clip, .softmax, .logSoftmax,
             .maxPool, .averagePool, .globalAveragePool, .globalMaxPool, .flatten, .reshape, .squeeze,
             .unsqueeze, .identity, .transpose, .split, .slice, .gather, .gatherND, .expand, .pad, .reduce, .cast,
             .cumSum, .tile, .trilu, .gatherElements,
             .convTranspose, .resize, .groupNormalization:
            index == 0
        case .binary, .matMul: index < 2
        case .einsum: true
        // Multiplying, max and min scatters would need the overwritten values: no gradient.
        case .scatterND(let reduction): (reduction == .none || reduction == .add) && index != 1
        case .gemm: index < 3
        case .concat, .variadic: true
        // X, initial_h and (LSTM) initial_c: states may come from an earlier layer.
        case .recurrent: index == 0 || index == 5 || index == 6
        // The condition is an integer tensor: no gradient.
        case .select: index > 0
        case .shape, .constantOfShape, .compare, .test, .range, .argMax: false
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
        if case .recurrent(let attributes) = self {
            // Y, Y_h and Y_c all carry gradients.
            let gradients = try Recurrent.backward(attributes, io: io, outputGradients: outputGradients, context: context, node: node)
            if want(0) { result[0] = gradients.x }
            if want(5) { result[5] = gradients.initialH }
            if want(6) { result[6] = gradients.initialC }
            return result
        }
        // Other ops' extra outputs (MaxPool indices, LayerNorm statistics) carry no gradient.
        guard let dy = outputGradients.first ?? nil else { return result }
        switch self {
        case .conv(let attributes):
            if want(0) { result[0] = try Conv.backward(attributes, outputGradient: dy, inputShape: io.float(0).shape, weights: io.float(1), node: node, context: context) }
        case .batchNormalization(let epsilon):
            if want(0) { result[0] = try Normalization.batchNormBackward(dy, scale: io.float(1), variance: io.float(4), epsilon: epsilon) }
        case .layerNormalization(let axis, let epsilon):
            if want(0) { result[0] = try Normalization.layerNormBackward(dy, x: io.float(0), scale: io.float(1), axis: axis, epsilon: epsilon) }
        case .unary(let function):
            if want(0) { result[0] = try Elementwise.backward(function, outputGradient: dy, x: io.float(0), y: outputFloat(outputs, 0), buffers: context.buffers) }
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
            if want(0) { result[0] = try Pool.backward(attributes, maximum: true, outputGradient: dy, input: io.float(0), node: node, buffers: context.buffers) }
        case .averagePool(let attributes):
            if want(0) { result[0] = try Pool.backward(attributes, maximum: false, outputGradient: dy, input: io.float(0), node: node, buffers: context.buffers) }
        case .globalAveragePool:
            if want(0) { result[0] = Pool.globalBackward(dy, input: try io.float(0), maximum: false) }
        case .globalMaxPool:
            if want(0) { result[0] = Pool.globalBackward(dy, input: try io.float(0), maximum: true) }
        case .gemm(let alpha, let beta, let transA, let transB):
            let gradients = try MatrixProduct.gemmBackward(dy, io.float(0), io.float(1), alpha: alpha, transA: transA, transB: transB, wanted: (want(0), want(1)), buffers: context.buffers)
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
        case .split, .recurrent:
            break  // handled above
        case .slice:
            if want(0) {
                let x = try io.float(0)
                result[0] = ShapeOps.sliceBackward(dy, inputShape: x.shape, region: try ShapeOps.SliceRegion(x.shape, io: io, node: node))
            }
        case .gather(let axis):
            if want(0) { result[0] = try ShapeOps.gatherBackward(dy, inputShape: io.value(0).shape, indices: io.int(1), axis: axis, node: node) }
        case .gatherND(let batchDims):
            if want(0) { result[0] = try ShapeOps.gatherNDBackward(dy, inputShape: io.value(0).shape, indices: io.int(1), batchDims: batchDims, node: node) }
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
        case .select:
            let gradients = try Comparisons.selectBackward(dy, condition: io.int(0), shapes: (io.value(1).shape, io.value(2).shape), wanted: (want(1), want(2)))
            result[1] = gradients.0
            result[2] = gradients.1
        case .variadic(let function):
            let parts = try Variadic.backward(function, outputGradient: dy, inputs: io.allValues().map { try $0.floatTensor() }, output: outputFloat(outputs, 0), wanted: inputs.indices.map(want))
            for index in parts.indices { result[index] = parts[index] }
        case .einsum(let equation):
            let operands = try io.allValues().indices.map { try io.float($0) }
            let gradients = try Einsum.backward(equation, outputGradient: dy, operands, wanted: operands.indices.map(want), node: node, context: context)
            for (index, gradient) in gradients.enumerated() { result[index] = gradient }
        case .cumSum(let exclusive, let reverse):
            if want(0) {
                let axis = try CumulativeSum.axis(io, rank: dy.rank, node: node)
                result[0] = CumulativeSum.scan(dy, axis: axis, exclusive: exclusive, reverse: !reverse)
            }
        case .tile:
            if want(0) { result[0] = ShapeOps.tileBackward(dy, inputShape: try io.value(0).shape) }
        case .trilu(let upper):
            if want(0) { result[0] = ShapeOps.masked(dy, upper: upper, k: try ShapeOps.triangleDiagonal(io, node: node)) }
        case .gatherElements(let axis):
            if want(0) { result[0] = try ShapeOps.gatherElementsBackward(dy, dataShape: io.value(0).shape, indices: io.int(1), axis: axis, node: node) }
        case .scatterND(let reduction):
            let gradients = try ShapeOps.scatterNDBackward(dy, indices: io.int(1), updatesShape: io.value(2).shape, reduction: reduction, wanted: (want(0), want(2)), node: node)
            result[0] = gradients.0
            result[2] = gradients.1
        case .convTranspose(let attributes):
            if want(0) { result[0] = try ConvTranspose.backward(attributes, outputGradient: dy, input: io.float(0), weights: io.float(1), node: node, context: context) }
        case .resize(let attributes):
            if want(0) {
                let x = try io.float(0)
                let layout = try Resize.layout(attributes, input: x.shape, scales: io.optionalFloats(2), sizes: io.optionalInts(3), node: node)
                result[0] = Resize.backward(dy, inputShape: x.shape, taps: layout.taps)
            }
        case .groupNormalization(let groups, let epsilon):
            if want(0) { result[0] = try Normalization.groupNormBackward(dy, x: io.float(0), scale: io.float(1), groups: groups, epsilon: epsilon, node: node) }
        case .shape, .constantOfShape, .compare, .test, .range, .argMax:
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
