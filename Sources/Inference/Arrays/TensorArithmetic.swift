/// Element-wise arithmetic on whole tensors, for accumulating and scaling gradients.
extension Tensor where Scalar == Float {
    static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    func scaled(by factor: Float) -> Tensor {
        factor == 1 ? self : Tensor(shape: shape, scalars: scalars.map { $0 * factor })
    }

    func adding(_ other: Tensor) -> Tensor {
        var result = self
        result.add(other)
        return result
    }

    /// Adds in place: accumulating into a gradient the pass owns copies nothing.
    mutating func add(_ other: Tensor) {
        scalars.withUnsafeMutableBufferPointer { target in
            other.scalars.withUnsafeBufferPointer { source in
                for i in target.indices { target[i] += source[i] }
            }
        }
    }

    /// Where the scalars live: tensors with the same storage are one buffer (a reshaped view).
    var storage: UnsafeRawPointer? {
        scalars.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
}
