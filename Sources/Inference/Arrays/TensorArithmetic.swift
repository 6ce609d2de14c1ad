/// Element-wise arithmetic on whole tensors, for accumulating and scaling gradients.
extension Tensor where Scalar == Float {
    static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    func scaled(by factor: Float) -> Tensor {
        factor == 1 ? self : Tensor(shape: shape, scalars: scalars.map { $0 * factor })
    }

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
