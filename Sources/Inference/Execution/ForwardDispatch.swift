/// The forward computation of every op, in one exhaustive `switch`: the one place kernels
/// are dispatched while running. Each `case` calls into the op family's file in Ops/.
extension Op {
    /// Computes the outputs. `outputShapes` are those `inferOutputs` gave for these inputs.
    func forward(_ inputs: [Value?], outputShapes: [[Int]], node: Node, context: ExecutionContext) throws -> [Value] {
        // Kernels read through their buffers' base addresses, which empty buffers lack; an op
        // whose every output is empty (an axis of size 0) needs no kernel, only the right types.
        if !outputShapes.isEmpty, outputShapes.allSatisfy({ $0.contains(0) }) {
            let abstract = inputs.map { $0.map { AbstractValue(shape: $0.shape, type: $0.elementType, constant: $0) } }
            return try zip(outputShapes, inferOutputs(abstract, node: node)).map { shape, inferred in
                inferred.type == .float ? .float(Tensor(shape: shape, scalars: [])) : .int(Tensor(shape: shape, scalars: []))
            }
        }
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
            if case .int(let x) = try io.value(0) { return [.int(try Elementwise.apply(function, toIntegers: x, node: node))] }
            return [.float(Elementwise.apply(function, to: try io.float(0), context: context))]
        case .clip:
            return [try Elementwise.clip(io.value(0), min: io.optionalValue(1), max: io.optionalValue(2))]
        case .binary(let function):
            return [try Broadcast.apply(function, io.value(0), io.value(1), outputShape: outputShapes[0], node: node, context: context)]
        case .softmax(let axis, let coercedTo2D):
            return [.float(try Softmax.forward(io.float(0), axis: axis, coercedTo2D: coercedTo2D, logarithmic: false, threads: context.threads, node: node))]
        case .logSoftmax(let axis, let coercedTo2D):
            return [.float(try Softmax.forward(io.float(0), axis: axis, coercedTo2D: coercedTo2D, logarithmic: true, threads: context.threads, node: node))]
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
            return [try MatrixProduct.matMul(io.value(0), io.value(1), outputShape: outputShapes[0], node: node, context: context)]
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
        case .gatherND(let batchDims):
            return [try ShapeOps.gatherND(io.value(0), indices: io.int(1), batchDims: batchDims, node: node)]
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
        case .compare(let comparison):
            return [.int(try Comparisons.apply(comparison, io.value(0), io.value(1), outputShape: outputShapes[0], node: node))]
        case .test(let test):
            return [.int(Comparisons.apply(test, try io.value(0)))]
        case .select:
            return [try Comparisons.select(io.int(0), io.value(1), io.value(2), outputShape: outputShapes[0], node: node)]
        case .variadic(let function):
            return [try Variadic.apply(function, io.allValues(), outputShape: outputShapes[0], node: node)]
        case .einsum(let equation):
            return [.float(try Einsum.forward(equation, io.allValues().indices.map { try io.float($0) }, node: node, context: context))]
        case .range:
            return [try ShapeOps.range(io, outputShape: outputShapes[0], node: node)]
        case .cumSum(let exclusive, let reverse):
            let x = try io.value(0)
            return [CumulativeSum.apply(x, axis: try CumulativeSum.axis(io, rank: x.shape.count, node: node), exclusive: exclusive, reverse: reverse)]
        case .tile:
            return [ShapeOps.tile(try io.value(0), outputShape: outputShapes[0])]
        case .trilu(let upper):
            return [try ShapeOps.triangle(io.value(0), upper: upper, diagonal: ShapeOps.triangleDiagonal(io, node: node), node: node)]
        case .gatherElements(let axis):
            return [try ShapeOps.gatherElements(io.value(0), indices: io.int(1), axis: axis, node: node)]
        case .scatterND(let reduction):
            return [try ShapeOps.scatterND(io.value(0), indices: io.int(1), updates: io.value(2), reduction: reduction, node: node)]
        case .argMax(let axis, _, let selectLastIndex):
            return [.int(try Reduce.argMax(io.value(0), axis: axis, selectLastIndex: selectLastIndex, outputShape: outputShapes[0], node: node))]
        case .convTranspose(let attributes):
            return [.float(try ConvTranspose.forward(attributes, input: io.float(0), weights: io.float(1), bias: io.optionalFloat(2), outputShape: outputShapes[0], node: node, context: context))]
        case .resize(let attributes):
            let x = try io.float(0)
            return [.float(Resize.forward(x, taps: try Resize.layout(attributes, input: x.shape, scales: io.optionalFloats(2), sizes: io.optionalInts(3), node: node).taps))]
        case .groupNormalization(let groups, let epsilon):
            return [.float(try Normalization.groupNorm(io.float(0), scale: io.float(1), bias: io.float(2), groups: groups, epsilon: epsilon, node: node, context: context))]
        case .recurrent(let attributes):
            return try Recurrent.forward(attributes, io: io, outputShapes: outputShapes, node: node, context: context)
        }
    }
}
