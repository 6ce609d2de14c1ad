import CVectorMath
import Foundation

/// Softmax and LogSoftmax, numerically stable (max subtracted).
enum Softmax {
    /// Before opset 13 the input is viewed as 2-D, [∏ dims before axis, ∏ dims from axis],
    /// and normalised along the second; from 13 on, along `axis` alone.
    static func forward(_ x: Tensor<Float>, axis: Int, coercedTo2D: Bool, logarithmic: Bool, threads: Int, node: Node) throws -> Tensor<Float> {
        var y = x
        try normalise(&y, axis: axis, coercedTo2D: coercedTo2D, logarithmic: logarithmic, threads: threads, node: node)
        return y
    }

    /// `forward` in place (a fused epilogue when no one else holds the buffer: ExecutionPlan).
    static func normalise(_ x: inout Tensor<Float>, axis: Int, coercedTo2D: Bool, logarithmic: Bool, threads: Int, node: Node) throws {
        let a = axis < 0 ? axis + x.rank : axis
        guard a >= 0, a < max(x.rank, 1) else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): axis \(axis) is outside rank \(x.rank)")
        }
        let outer = x.shape[..<a].reduce(1, *)
        let length = coercedTo2D ? x.shape[a...].reduce(1, *) : (x.rank == 0 ? 1 : x.shape[a])
        let inner = coercedTo2D ? 1 : x.shape[(a + 1)...].reduce(1, *)
        x.scalars.withUnsafeMutableBufferPointer { buffer in
            if inner == 1, length < 8, !logarithmic {
                // Rows shorter than a vector (Enformer's pooling weights, rows of two): in blocks.
                parallelChunks(outer, threads: threads, work: 4 * outer * length) { block in
                    seqlens_softmax_short_rows(buffer.baseAddress! + block.lowerBound * length, block.count, length)
                }
                return
            }
            if inner == 1 {
                // Contiguous rows (attention scores, class logits): the vectorised C kernel. A value's
                // exp costs about four elementwise operations, so one sequence's attention scores
                // (4 heads × 125 × 125 at batch 1) are worth sharing between threads.
                parallelFor(outer, threads: threads, work: 4 * outer * length) { o in
                    seqlens_softmax(buffer.baseAddress! + o * length, length, logarithmic ? 1 : 0)
                }
                return
            }
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * length * inner + i
                    var maximum = -Float.infinity
                    for j in 0..<length { maximum = max(maximum, buffer[base + j * inner]) }
                    var sum: Float = 0
                    if logarithmic {
                        for j in 0..<length { sum += exp(buffer[base + j * inner] - maximum) }
                        // (x − max) − log Σ keeps precision when |x| is large.
                        let logSum = log(sum)
                        for j in 0..<length { buffer[base + j * inner] = (buffer[base + j * inner] - maximum) - logSum }
                    } else {
                        for j in 0..<length {
                            buffer[base + j * inner] = exp(buffer[base + j * inner] - maximum)
                            sum += buffer[base + j * inner]
                        }
                        for j in 0..<length { buffer[base + j * inner] /= sum }
                    }
                }
            }
        }
    }
}

extension Softmax {
    /// Softmax: dX = y ⊙ (dY − Σ dY·y); LogSoftmax: dX = dY − softmax · Σ dY (sums along the axis).
    static func backward(_ dy: Tensor<Float>, y: Tensor<Float>, axis: Int, coercedTo2D: Bool, logarithmic: Bool) throws -> Tensor<Float> {
        let a = axis < 0 ? axis + y.rank : axis
        let outer = y.shape[..<a].reduce(1, *)
        let length = coercedTo2D ? y.shape[a...].reduce(1, *) : (y.rank == 0 ? 1 : y.shape[a])
        let inner = coercedTo2D ? 1 : y.shape[(a + 1)...].reduce(1, *)
        var dx = [Float](repeating: 0, count: y.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var sum: Float = 0
                for j in 0..<length {
                    let k = base + j * inner
                    sum += logarithmic ? dy.scalars[k] : dy.scalars[k] * y.scalars[k]
                }
                for j in 0..<length {
                    let k = base + j * inner
                    dx[k] = logarithmic ? dy.scalars[k] - exp(y.scalars[k]) * sum : y.scalars[k] * (dy.scalars[k] - sum)
                }
            }
        }
        return Tensor(shape: y.shape, scalars: dx)
    }
}
