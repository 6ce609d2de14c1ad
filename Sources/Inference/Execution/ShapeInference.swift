/// Shape inference for every op, in one exhaustive `switch`: what the planner runs before
/// anything is computed. Each `case` calls into the op family's file in Ops/.
extension Op {
    /// Output shapes and element types for the given inputs (nil for a missing optional input).
    /// Ops whose output shape depends on an input's values (Reshape's shape, Slice's starts...)
    /// require that input to be constant.
    func inferOutputs(_ inputs: [AbstractValue?], node: Node) throws -> [(shape: [Int], type: ElementType)] {
        let io = KernelIO(node: node, abstract: inputs)
        switch self {
        case .conv(let attributes):
            let weights = try io.shape(1)
            if let bias = io.optionalShape(2), bias != [weights.first ?? 0] {
                throw InferenceError("node '\(node.name)' (Conv): bias of shape \(bias) needs one value per filter, \(weights.first ?? 0)")
            }
            return [(try Conv.outputShape(attributes, input: io.shape(0), weights: weights, node: node), .float)]
        case .batchNormalization:
            try Normalization.checkBatchNormParameters(input: io.shape(0), parameters: try (1...4).map { try io.shape($0) }, node: node)
            return [(try io.shape(0), try io.type(0))]
        case .softmax(let axis, _), .logSoftmax(let axis, _):
            let shape = try io.shape(0)
            _ = try ShapeOps.normalizedAxis(axis, rank: max(shape.count, 1), node: node)
            return [(shape, try io.type(0))]
        case .unary, .clip, .identity:
            return [(try io.shape(0), try io.type(0))]
        case .layerNormalization(let axis, _):
            // Optional Mean and InvStdDev outputs keep the normalised axes as 1s.
            let shape = try io.shape(0)
            let first = try ShapeOps.normalizedAxis(axis, rank: shape.count, node: node)
            try Normalization.checkLayerNormParameters(scale: io.shape(1), bias: io.optionalShape(2), normalizedShape: Array(shape[first...]), node: node)
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
        case .gemm(_, let beta, let transA, let transB):
            let shape = try MatrixProduct.gemmShape(io.shape(0), io.shape(1), transA: transA, transB: transB, node: node)
            if let c = io.optionalShape(2), beta != 0 { try Broadcast.checkFits(c, shape, label: "C", node: node) }
            return [(shape, .float)]
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
        case .gatherND(let batchDims):
            return [(try ShapeOps.GatherNDLayout(data: io.shape(0), indices: io.shape(1), batchDims: batchDims, node: node).outputShape, try io.type(0))]
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
        case .compare:
            return [(try Broadcast.shape(io.shape(0), io.shape(1), node: node), .int)]
        case .test:
            return [(try io.shape(0), .int)]
        case .select:
            return [(try Broadcast.shape(io.allShapes(), node: node), try io.type(1))]
        case .variadic:
            return [(try Broadcast.shape(io.allShapes(), node: node), try io.type(0))]
        case .einsum(let equation):
            return [(try Einsum.outputShape(equation, shapes: io.allShapes(), node: node), .float)]
        case .range:
            let (shape, type) = try ShapeOps.rangeShape(io, node: node)
            return [(shape, type)]
        case .cumSum:
            _ = try CumulativeSum.axis(io, rank: io.shape(0).count, node: node)
            return [(try io.shape(0), try io.type(0))]
        case .tile:
            return [(try ShapeOps.tileShape(io.shape(0), repeats: io.ints(1), node: node), try io.type(0))]
        case .trilu:
            return [(try io.shape(0), try io.type(0))]
        case .gatherElements(let axis):
            return [(try ShapeOps.gatherElementsShape(io.shape(0), indices: io.shape(1), axis: axis, node: node), try io.type(0))]
        case .scatterND:
            return [(try ShapeOps.scatterNDShape(io.shape(0), indices: io.shape(1), updates: io.shape(2), node: node), try io.type(0))]
        case .argMax(let axis, let keepDims, _):
            return [(try Reduce.argMaxShape(io.shape(0), axis: axis, keepDims: keepDims, node: node), .int)]
        case .convTranspose(let attributes):
            let weights = try io.shape(1)
            let shape = try ConvTranspose.outputShape(attributes, input: io.shape(0), weights: weights, node: node)
            if let bias = io.optionalShape(2), bias != [shape[1]] {
                throw InferenceError("node '\(node.name)' (ConvTranspose): bias of shape \(bias) needs one value per output channel, \(shape[1])")
            }
            return [(shape, .float)]
        case .resize(let attributes):
            return [(try Resize.layout(attributes, input: io.shape(0), scales: io.optionalFloats(2), sizes: io.optionalInts(3), node: node).outputShape, .float)]
        case .groupNormalization(let groups, _):
            try Normalization.checkGroupNormParameters(input: io.shape(0), scale: io.shape(1), bias: io.shape(2), groups: groups, node: node)
            return [(try io.shape(0), .float)]
        case .recurrent(let attributes):
            return try Recurrent.outputShapes(attributes, io: io, node: node).map { ($0, .float) }
        }
    }
}
