/// How an op carries variants that differ from the reference only inside a window of
/// positions (`IncrementalEvaluator`). Every op states its rule in `Op.windowRule`, one
/// exhaustive `switch`, so a new op must say whether positions stay apart through it.
enum WindowRule {
    /// Each output element depends on the same element of the first input; other inputs
    /// (Clip's bounds) are unchanged values. Computed on the window as is.
    case pointwise
    /// Pointwise per channel (BatchNormalization): on the window when it lies on a spatial
    /// axis (2 or later), since the statistics are indexed by axis 1.
    case perChannel
    /// Broadcasting arithmetic (residual additions, scalings, Where, Min/Max/Sum/Mean): on the
    /// union of the changed ranges, every operand sliced to it.
    case broadcasting
    /// Conv along the last axis: the output positions whose kernels meet the window.
    case convolution(ConvAttributes)
    /// MaxPool or AveragePool along the last axis, like `convolution`.
    case pool(PoolAttributes, maximum: Bool)
    /// A permutation that keeps the batch axis first: the window moves to its new axis.
    case transpose(permutation: [Int]?)
    /// Reshapes that only add or drop unit axes keep the window. With `toDelta`, a reshape to
    /// (batch, features) turns it into a sparse delta for the dense layer after it.
    case reshape(toDelta: Bool)
    /// x · W with a constant 2-D W: position-wise on a window off the contracted axis; on a
    /// flattened delta, y = y_ref + Δ · W[changed features].
    case matMul
    /// Gemm on a flattened delta: y = y_ref + α · Δ · B[changed features].
    case gemm(alpha: Float, transB: Bool)
    /// ConvTranspose along the last axis: the variants' change (window minus reference), a
    /// linear map, spread by the kernel and added to the reference output.
    case transposedConvolution(ConvTransposeAttributes)
    /// Resize: on any axis but the batch's, the output positions that read the window.
    case resampling(ResizeAttributes)
    /// Slice with constant bounds (BPNet's crops): the window moves by the crop's start and is
    /// clipped to it (CropAndLengthMean.swift).
    case crop
    /// ReduceMean or ReduceSum: over the window's axis, the reference's plus the summed change.
    case lengthReduction(mean: Bool, noopWithEmptyAxes: Bool)
    /// GlobalAveragePool: the same, over every spatial axis.
    case globalAverage
    /// Positions mix here, or the op has no windowed form: full tensors for every variant
    /// (always correct, only slower).
    case fullPass
}

extension Op {
    var windowRule: WindowRule {
        switch self {
        case .unary, .identity, .clip, .cast(to: .float): .pointwise
        // Windows hold float data; an integer result is computed in full.
        case .cast(to: .int): .fullPass
        case .batchNormalization: .perChannel
        case .binary, .select, .variadic: .broadcasting
        // Integer results; windows hold float data.
        case .compare, .test: .fullPass
        case .conv(let attributes): .convolution(attributes)
        // ceil_mode's partial last window is left to full passes.
        case .maxPool(let attributes): attributes.ceilMode ? .fullPass : .pool(attributes, maximum: true)
        case .averagePool(let attributes): attributes.ceilMode ? .fullPass : .pool(attributes, maximum: false)
        case .transpose(let permutation): .transpose(permutation: permutation)
        case .flatten, .reshape: .reshape(toDelta: true)
        case .squeeze, .unsqueeze: .reshape(toDelta: false)
        case .matMul: .matMul
        // With transA the flattened input's rows are not the variants: no delta form.
        case .gemm(let alpha, _, let transA, let transB): transA ? .fullPass : .gemm(alpha: alpha, transB: transB)
        // Every output reads all positions of its axis (which may be the positional one).
        case .convTranspose(let attributes): .transposedConvolution(attributes)
        case .resize(let attributes): .resampling(attributes)
        case .reduce(.mean, _, let noopWithEmptyAxes): .lengthReduction(mean: true, noopWithEmptyAxes: noopWithEmptyAxes)
        case .reduce(.sum, _, let noopWithEmptyAxes): .lengthReduction(mean: false, noopWithEmptyAxes: noopWithEmptyAxes)
        case .globalAveragePool: .globalAverage
        case .slice: .crop
        case .layerNormalization, .groupNormalization, .softmax, .logSoftmax, .globalMaxPool, .reduce, .recurrent: .fullPass
        // Data movement without a windowed form yet.
        case .concat, .split, .gather, .expand, .pad: .fullPass
        // Index tuples may address any position (selene's reverse-complement flip reverses them).
        case .gatherND: .fullPass
        // Read only shapes: folded while planning, so no window ever reaches them.
        case .shape, .constantOfShape: .fullPass
        // Attention products, scans and indexing mix or move positions; ranges are constants.
        case .einsum, .cumSum, .tile, .trilu, .gatherElements, .scatterND, .argMax, .range: .fullPass
        }
    }
}
