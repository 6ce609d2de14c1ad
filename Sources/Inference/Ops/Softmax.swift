import Foundation

/// Softmax and LogSoftmax, numerically stable (max subtracted).
enum Softmax {
    /// Before opset 13 the input is viewed as 2-D, [∏ dims before axis, ∏ dims from axis],
    /// and normalised along the second; from 13 on, along `axis` alone.
    static func forward(_ x: Tensor<Float>, axis: Int, coercedTo2D: Bool, logarithmic: Bool, node: Node) throws -> Tensor<Float> {
        let a = axis < 0 ? axis + x.rank : axis
        guard a >= 0, a < max(x.rank, 1) else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): axis \(axis) is outside rank \(x.rank)")
        }
        let outer = x.shape[..<a].reduce(1, *)
        let length = coercedTo2D ? x.shape[a...].reduce(1, *) : (x.rank == 0 ? 1 : x.shape[a])
        let inner = coercedTo2D ? 1 : x.shape[(a + 1)...].reduce(1, *)
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { buffer in
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * length * inner + i
                    var maximum = -Float.infinity
                    for j in 0..<length { maximum = max(maximum, buffer[base + j * inner]) }
                    var sum: Float = 0
                    for j in 0..<length { sum += exp(buffer[base + j * inner] - maximum) }
                    if logarithmic {
                        // (x − max) − log Σ keeps precision when |x| is large.
                        let logSum = log(sum)
                        for j in 0..<length { buffer[base + j * inner] = (buffer[base + j * inner] - maximum) - logSum }
                    } else {
                        for j in 0..<length { buffer[base + j * inner] = exp(buffer[base + j * inner] - maximum) / sum }
                    }
                }
            }
        }
        return y
    }
}
