/// Every operation the engine runs, with its attributes parsed and opset defaults applied.
/// Every `switch` over it is exhaustive, so adding a case makes the compiler point at each
/// place that must handle it: shape inference, forward and backward (Execution/), the
/// incremental window rule (Incremental/WindowRule.swift), the receptive-field walk
/// (Graph/GraphAnalysis.swift) and `ExecutionPlan.logitsName`.
///
/// Attributes that later opsets turned into inputs (Squeeze axes, Clip bounds, Pad pads,
/// Split sizes, Reduce axes, Slice starts...) are always inputs here: the importer turns
/// legacy attributes into constant initializers, so each kernel has one code path.
public enum Op: Sendable {
    case conv(ConvAttributes)
    case batchNormalization(epsilon: Float)
    case layerNormalization(axis: Int, epsilon: Float)
    case unary(UnaryFunction)
    /// Inputs: x, min (optional), max (optional).
    case clip
    case binary(BinaryFunction)
    case softmax(axis: Int, coercedTo2D: Bool)
    case logSoftmax(axis: Int, coercedTo2D: Bool)
    case maxPool(PoolAttributes)
    case averagePool(PoolAttributes)
    case globalAveragePool
    case globalMaxPool
    case gemm(alpha: Float, beta: Float, transA: Bool, transB: Bool)
    case matMul
    case flatten(axis: Int)
    /// Inputs: data, shape.
    case reshape(allowZero: Bool)
    case transpose(permutation: [Int]?)
    /// Inputs: data, axes (optional).
    case squeeze
    /// Inputs: data, axes.
    case unsqueeze
    case concat(axis: Int)
    /// Inputs: data, split sizes (optional). Without sizes, `outputCount` equal parts.
    case split(axis: Int, outputCount: Int)
    /// Inputs: data, starts, ends, axes (optional), steps (optional).
    case slice
    case gather(axis: Int)
    /// Inputs: data, indices (index tuples along the last axis, after `batchDims` shared axes).
    case gatherND(batchDims: Int)
    /// Inputs: data, shape.
    case expand
    case shape(start: Int, end: Int?)
    /// Input: shape. The fill value is a one-element tensor.
    case constantOfShape(fill: Value)
    /// Identity, and Dropout in inference mode.
    case identity
    /// Inputs: data, pads, constant value (optional), axes (optional).
    case pad(mode: PadMode)
    /// Inputs: data, axes (optional).
    case reduce(ReduceFunction, keepDims: Bool, noopWithEmptyAxes: Bool)
    case cast(to: ElementType)
    /// Greater, Less, Equal, GreaterOrEqual, LessOrEqual, And, Or, Xor: broadcasting, 0/1 integer results.
    case compare(ComparisonFunction)
    /// Not, IsNaN, IsInf, Cast to bool: 0/1 integer results.
    case test(ElementTest)
    /// Where. Inputs: condition, x, y, broadcast together.
    case select
    /// Min, Max, Sum, Mean over one or more inputs, broadcast together.
    case variadic(VariadicFunction)
    /// Inputs: the operands.
    case einsum(EinsumEquation)
    /// Inputs: start, limit, delta (known while planning).
    case range
    /// Inputs: x, axis.
    case cumSum(exclusive: Bool, reverse: Bool)
    /// Inputs: x, repeats.
    case tile
    /// Inputs: x, k (optional).
    case trilu(upper: Bool)
    /// Inputs: data, indices.
    case gatherElements(axis: Int)
    /// Inputs: data, indices, updates.
    case scatterND(reduction: ScatterReduction)
    case argMax(axis: Int, keepDims: Bool, selectLastIndex: Bool)
    /// Inputs: x, weights (C, M/group, k...), bias (optional).
    case convTranspose(ConvTransposeAttributes)
    /// Inputs: x, roi (ignored), scales (optional), sizes (optional); Resize-10 and Upsample
    /// are parsed into this layout.
    case resize(ResizeAttributes)
    /// Inputs: x, scale, bias: one value per channel (InstanceNormalization, or
    /// GroupNormalization from opset 21) or per group (GroupNormalization 18).
    case groupNormalization(groups: GroupCount, epsilon: Float)
    /// LSTM and GRU (Ops/Recurrent.swift).
    case recurrent(RecurrentAttributes)
}

/// How many groups GroupNormalization's statistics are taken over.
public enum GroupCount: Sendable, Equatable {
    /// One group per channel: InstanceNormalization.
    case perChannel
    case count(Int)
}

public enum UnaryFunction: Sendable, Equatable {
    case relu, exp, log, sigmoid, tanh, softplus, erf, sqrt, neg, abs
    case leakyRelu(alpha: Float)
    case elu(alpha: Float)
    case selu(alpha: Float, gamma: Float)
    case gelu(tanhApproximation: Bool)
    case sign, reciprocal, floor, ceil, sin, cos, softsign, hardSwish, mish
    /// Half to even, as ONNX.
    case round
    case hardSigmoid(alpha: Float, beta: Float)
}

public enum BinaryFunction: String, Sendable {
    case add, sub, mul, div, pow
    /// Mod with fmod = 0: the remainder takes the divisor's sign (Python's %).
    case mod
    /// Mod with fmod = 1: the remainder takes the dividend's sign (C's fmod).
    case fmod
    /// PRelu: x, or slope · x where x < 0; the slope broadcasts to x.
    case prelu
}

public enum ReduceFunction: String, Sendable {
    case mean, sum, max, min, logSumExp, l2
}

public enum ScatterReduction: String, Sendable {
    case none, add, mul, max, min
}

public enum PadMode: String, Sendable {
    case constant, reflect, edge
}

public enum AutoPad: String, Sendable {
    case notSet = "NOTSET", sameUpper = "SAME_UPPER", sameLower = "SAME_LOWER", valid = "VALID"
}

/// Spatial attributes shared by Conv and the pools. Empty arrays mean "ONNX default"
/// (ones for strides/dilations, zeros for pads); the kernel shape may come from the weights.
public struct SpatialAttributes: Sendable, Equatable {
    public var kernelShape: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    /// ONNX order: all begins, then all ends.
    public var pads: [Int]
    public var autoPad: AutoPad

    public init(kernelShape: [Int] = [], strides: [Int] = [], dilations: [Int] = [], pads: [Int] = [], autoPad: AutoPad = .notSet) {
        self.kernelShape = kernelShape
        self.strides = strides
        self.dilations = dilations
        self.pads = pads
        self.autoPad = autoPad
    }
}

public struct ConvAttributes: Sendable, Equatable {
    public var spatial: SpatialAttributes
    public var group: Int
}

public struct PoolAttributes: Sendable, Equatable {
    public var spatial: SpatialAttributes
    public var ceilMode: Bool
    /// AveragePool only.
    public var countIncludePad: Bool
    /// MaxPool's optional Indices output: flatten (h, w) column-major (storage_order = 1).
    public var columnMajorIndices: Bool
}

public enum ComparisonFunction: String, Sendable {
    case greater, less, equal, greaterOrEqual, lessOrEqual
    /// Logical ops read nonzero as true.
    case and, or, xor
}

public enum ElementTest: Sendable, Equatable {
    case not, isNaN
    case isInf(positive: Bool, negative: Bool)
    /// Cast to bool.
    case isNonZero
}

public enum VariadicFunction: String, Sendable {
    case min, max, sum, mean
}

public struct ConvTransposeAttributes: Sendable, Equatable {
    public var spatial: SpatialAttributes
    public var group: Int
    /// Extra positions at the end of each spatial axis (empty: none).
    public var outputPadding: [Int]
    /// The spatial output size, when the model fixes it (empty: computed).
    public var outputShape: [Int]
}

public struct ResizeAttributes: Sendable, Equatable {
    public enum Mode: String, Sendable { case nearest, linear }
    /// Where output position o samples the input (ONNX coordinate_transformation_mode).
    public enum Coordinates: String, Sendable {
        case halfPixel = "half_pixel", halfPixelSymmetric = "half_pixel_symmetric"
        case pytorchHalfPixel = "pytorch_half_pixel", alignCorners = "align_corners"
        case asymmetric, tfHalfPixelForNN = "tf_half_pixel_for_nn"
    }
    /// How nearest mode rounds a fractional source position. `simple` is Upsample's and
    /// Resize-10's: floor when upsampling, ceil when downsampling (as onnxruntime does).
    public enum Rounding: String, Sendable {
        case roundPreferFloor = "round_prefer_floor", roundPreferCeil = "round_prefer_ceil", floor, ceil, simple
    }
    /// How `sizes` is met when it would change the aspect ratio (opset 18).
    public enum AspectRatioPolicy: String, Sendable {
        case stretch, notLarger = "not_larger", notSmaller = "not_smaller"
    }

    public var mode: Mode
    public var coordinates: Coordinates
    public var rounding: Rounding
    /// The axes `scales` and `sizes` list (opset 18); nil: every axis.
    public var axes: [Int]?
    public var aspectRatioPolicy: AspectRatioPolicy
    /// Antialiasing changes only downsampling, which is then refused.
    public var antialias: Bool
}
