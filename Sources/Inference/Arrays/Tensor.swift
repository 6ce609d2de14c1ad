/// A dense, row-major tensor. The engine computes in `Float`; `Int64` tensors carry
/// shapes, indices and axes, as ONNX graphs use them.
public struct Tensor<Scalar: Sendable>: Sendable {
    public var shape: [Int]
    public var scalars: [Scalar]

    public init(shape: [Int], scalars: [Scalar]) {
        precondition(shape.reduce(1, *) == scalars.count, "shape \(shape) does not match \(scalars.count) scalars")
        self.shape = shape
        self.scalars = scalars
    }

    public init(shape: [Int], repeating value: Scalar) {
        self.shape = shape
        self.scalars = Array(repeating: value, count: shape.reduce(1, *))
    }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }
}

extension Tensor: Equatable where Scalar: Equatable {}

/// A value flowing along a graph edge.
public enum Value: Sendable {
    case float(Tensor<Float>)
    case int(Tensor<Int64>)

    public var shape: [Int] {
        switch self {
        case .float(let t): t.shape
        case .int(let t): t.shape
        }
    }

    public var elementType: ElementType {
        switch self {
        case .float: .float
        case .int: .int
        }
    }

    func floatTensor() throws -> Tensor<Float> {
        guard case .float(let tensor) = self else { throw InferenceError("expected a float tensor") }
        return tensor
    }
}

/// The element types the engine computes in. ONNX float/double/float16 load as `.float`;
/// int32/int64 (and bool constants) as `.int`.
public enum ElementType: String, Sendable {
    case float, int
}

/// Steps a multi-index over axes 0...`lastAxis` of `shape` as an odometer (the last of them
/// fastest), moving `offset` by `strides` as it goes: strided copies advance without a division
/// per element.
@inline(__always)
func advanceOdometer(_ index: inout [Int], offset: inout Int, strides: [Int], shape: [Int], lastAxis: Int) {
    var axis = lastAxis
    while axis >= 0 {
        index[axis] += 1
        offset += strides[axis]
        if index[axis] < shape[axis] { return }
        offset -= strides[axis] * index[axis]
        index[axis] = 0
        axis -= 1
    }
}

/// Row-major strides of a shape.
@inlinable
func strides(of shape: [Int]) -> [Int] {
    var result = Array(repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        result[axis] = running
        running *= shape[axis]
    }
    return result
}

extension Value {
    /// Same element type, shape and elements (a NaN differs from itself).
    func isIdentical(to other: Value) -> Bool {
        switch (self, other) {
        case (.float(let a), .float(let b)): a.shape == b.shape && a.scalars == b.scalars
        case (.int(let a), .int(let b)): a.shape == b.shape && a.scalars == b.scalars
        default: false
        }
    }
}
