import CVectorMath
import Foundation

/// Unary functions and activations, and Clip.
enum Elementwise {
    static func apply(_ function: UnaryFunction, to x: Tensor<Float>, context: ExecutionContext) -> Tensor<Float> {
        var y = context.buffers.take(count: x.count)
        switch function {
        // Eight lanes wide in C: libm's scalar erf dominated GELU, its tanh Borzoi's towers.
        // (Tanh goes through exp: a rational tanh's 4e-7 near saturation made 1 − y², the
        // gradient, miss the zoo's saliency parity on grelu's Borzoi.)
        case .tanh: inPlace(x, into: &y, threads: context.threads) { seqlens_tanh($0, $1) }
        case .erf: inPlace(x, into: &y, threads: context.threads) { seqlens_erf($0, $1) }
        case .sigmoid: inPlace(x, into: &y, threads: context.threads) { seqlens_sigmoid($0, $1) }
        case .relu: relu(x, into: &y, threads: context.threads)
        case .exp: inPlace(x, into: &y, threads: context.threads) { seqlens_exp($0, $1) }
        case .log: map(x, into: &y) { Foundation.log($0) }
        case .softplus: map(x, into: &y, softplus)
        case .sqrt: map(x, into: &y) { $0.squareRoot() }
        case .neg: map(x, into: &y) { -$0 }
        case .abs: map(x, into: &y) { Swift.abs($0) }
        case .leakyRelu(let alpha): map(x, into: &y) { $0 < 0 ? $0 * alpha : $0 }
        case .elu(let alpha): map(x, into: &y) { $0 < 0 ? alpha * (Foundation.exp($0) - 1) : $0 }
        case .selu(let alpha, let gamma): map(x, into: &y) { $0 > 0 ? gamma * $0 : gamma * alpha * (Foundation.exp($0) - 1) }
        case .gelu(let tanhApproximation): inPlace(x, into: &y, threads: context.threads) { seqlens_gelu($0, $1, tanhApproximation ? 1 : 0) }
        case .sign: map(x, into: &y) { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) }
        case .reciprocal: map(x, into: &y) { 1 / $0 }
        case .floor: map(x, into: &y) { $0.rounded(.down) }
        case .ceil: map(x, into: &y) { $0.rounded(.up) }
        case .round: map(x, into: &y) { $0.rounded(.toNearestOrEven) }
        case .sin: map(x, into: &y) { Foundation.sin($0) }
        case .cos: map(x, into: &y) { Foundation.cos($0) }
        case .softsign: map(x, into: &y) { $0 / (1 + Swift.abs($0)) }
        case .hardSigmoid(let alpha, let beta): map(x, into: &y) { Swift.min(1, Swift.max(0, alpha * $0 + beta)) }
        case .hardSwish: map(x, into: &y) { $0 * Swift.min(1, Swift.max(0, $0 / 6 + 0.5)) }
        case .mish: map(x, into: &y) { $0 * Foundation.tanh(softplus($0)) }
        }
        return Tensor(shape: x.shape, scalars: y)
    }

    /// y = x, then a C kernel over y in place, a block of y per thread.
    @inline(__always)
    private static func inPlace(_ x: Tensor<Float>, into y: inout [Float], threads: Int, _ kernel: (UnsafeMutablePointer<Float>, Int) -> Void) {
        x.scalars.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { target in
                guard let base = target.baseAddress, let from = source.baseAddress else { return }
                parallelRanges(source.count, threads: threads) { range in
                    (base + range.lowerBound).update(from: from + range.lowerBound, count: range.count)
                    kernel(base + range.lowerBound, range.count)
                }
            }
        }
    }

    /// Relu over a buffer no one else holds (a fused epilogue: ExecutionPlan.runWhole).
    static func reluInPlace(_ values: inout [Float], threads: Int) {
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            nonisolated(unsafe) let values = base
            parallelRanges(buffer.count, threads: threads) { range in
                for i in range { values[i] = values[i] > 0 ? values[i] : 0 }
            }
        }
    }

    /// y[i] = f(x[i]) in one pass (read once, write once), on one thread: on a worker, the loop
    /// would call the closure per element instead of inlining it.
    @inline(__always)
    private static func map(_ x: Tensor<Float>, into y: inout [Float], _ f: (Float) -> Float) {
        x.scalars.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { target in
                for i in source.indices { target[i] = f(source[i]) }
            }
        }
    }

    /// y = max(x, 0) (NaN to 0, as the fused Relu), a block per thread.
    private static func relu(_ x: Tensor<Float>, into y: inout [Float], threads: Int) {
        x.scalars.withUnsafeBufferPointer { source in
            y.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                parallelRanges(source.count, threads: threads) { range in
                    for i in range { to[i] = from[i] > 0 ? from[i] : 0 }
                }
            }
        }
    }

    @inline(__always)
    static func sigmoid(_ v: Float) -> Float {
        // Both branches avoid overflow of exp for large |v|.
        if v >= 0 { return 1 / (1 + Foundation.exp(-v)) }
        let e = Foundation.exp(v)
        return e / (1 + e)
    }

    @inline(__always)
    static func softplus(_ v: Float) -> Float {
        v > 0 ? v + Foundation.log1p(Foundation.exp(-v)) : Foundation.log1p(Foundation.exp(v))
    }

    static let sqrtTwoOverPi: Float = 0.7978845608028654

    /// Clip with optional scalar bounds (float or integer tensors).
    static func clip(_ x: Value, min lower: Value?, max upper: Value?) throws -> Value {
        switch x {
        case .float(var t):
            let lo = try scalar(lower, as: Float.self) ?? -.infinity
            let hi = try scalar(upper, as: Float.self) ?? .infinity
            for i in t.scalars.indices { t.scalars[i] = Swift.min(Swift.max(t.scalars[i], lo), hi) }
            return .float(t)
        case .int(var t):
            let lo = try scalar(lower, as: Int64.self) ?? .min
            let hi = try scalar(upper, as: Int64.self) ?? .max
            for i in t.scalars.indices { t.scalars[i] = Swift.min(Swift.max(t.scalars[i], lo), hi) }
            return .int(t)
        }
    }

    static func scalar<T>(_ value: Value?, as type: T.Type) throws -> T? {
        switch value {
        case nil: return nil
        case .float(let t)? where t.count == 1 && T.self == Float.self: return t.scalars[0] as? T
        case .int(let t)? where t.count == 1 && T.self == Int64.self: return t.scalars[0] as? T
        default: throw InferenceError("Clip bounds must be one-element tensors of the input's type")
        }
    }
}

extension Elementwise {
    /// dX = dY · f′(x), using the forward output y where that is cheaper.
    static func backward(_ function: UnaryFunction, outputGradient dy: Tensor<Float>, x: Tensor<Float>, y: Tensor<Float>, buffers: BufferPool) throws -> Tensor<Float> {
        // Each case a closure literal, so the loop specialises and inlines it.
        switch function {
        case .relu: return chain(dy, x, y, buffers) { x, _ in x > 0 ? 1 : 0 }
        case .exp: return chain(dy, x, y, buffers) { _, y in y }
        case .log: return chain(dy, x, y, buffers) { x, _ in 1 / x }
        case .sigmoid: return chain(dy, x, y, buffers) { _, y in y * (1 - y) }
        case .tanh: return chain(dy, x, y, buffers) { _, y in 1 - y * y }
        case .softplus: return chain(dy, x, y, buffers) { x, _ in sigmoid(x) }
        case .erf: return chain(dy, x, y, buffers) { x, _ in 2 / Float.pi.squareRoot() * Foundation.exp(-x * x) }
        case .sqrt: return chain(dy, x, y, buffers) { _, y in 0.5 / y }
        case .neg: return chain(dy, x, y, buffers) { _, _ in -1 }
        case .abs: return chain(dy, x, y, buffers) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }
        case .leakyRelu(let alpha): return chain(dy, x, y, buffers) { x, _ in x < 0 ? alpha : 1 }
        case .elu(let alpha): return chain(dy, x, y, buffers) { x, y in x < 0 ? y + alpha : 1 }
        case .selu(let alpha, let gamma): return chain(dy, x, y, buffers) { x, y in x > 0 ? gamma : y + gamma * alpha }
        case .gelu(let tanhApproximation):
            return chain(dy, x, y, buffers) { x, _ in
                if tanhApproximation {
                    let inner = sqrtTwoOverPi * (x + 0.044715 * x * x * x)
                    let t = Foundation.tanh(inner)
                    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * sqrtTwoOverPi * (1 + 3 * 0.044715 * x * x)
                }
                return 0.5 * (1 + Foundation.erf(x / Float(2).squareRoot())) + x * Foundation.exp(-0.5 * x * x) / (2 * Float.pi).squareRoot()
            }
        // Piecewise constant: zero almost everywhere, as PyTorch.
        case .sign, .floor, .ceil, .round: return chain(dy, x, y, buffers) { _, _ in 0 }
        case .reciprocal: return chain(dy, x, y, buffers) { _, y in -y * y }
        case .sin: return chain(dy, x, y, buffers) { x, _ in Foundation.cos(x) }
        case .cos: return chain(dy, x, y, buffers) { x, _ in -Foundation.sin(x) }
        case .softsign:
            return chain(dy, x, y, buffers) { x, _ in
                let d = 1 + Swift.abs(x)
                return 1 / (d * d)
            }
        // The slope inside the open linear range, as PyTorch's hardsigmoid and hardswish.
        case .hardSigmoid(let alpha, let beta):
            return chain(dy, x, y, buffers) { x, _ in
                let v = alpha * x + beta
                return v > 0 && v < 1 ? alpha : 0
            }
        case .hardSwish: return chain(dy, x, y, buffers) { x, _ in x < -3 ? 0 : (x <= 3 ? x / 3 + 0.5 : 1) }
        case .mish:
            return chain(dy, x, y, buffers) { x, _ in
                let t = Foundation.tanh(softplus(x))
                return t + x * sigmoid(x) * (1 - t * t)
            }
        }
    }

    /// dX = dY · f′(x, y), one pass.
    @inline(__always)
    private static func chain(_ dy: Tensor<Float>, _ x: Tensor<Float>, _ y: Tensor<Float>, _ buffers: BufferPool, _ derivative: (Float, Float) -> Float) -> Tensor<Float> {
        var dx = buffers.take(count: x.count)
        dx.withUnsafeMutableBufferPointer { out in
        dy.scalars.withUnsafeBufferPointer { g in
        x.scalars.withUnsafeBufferPointer { xs in
        y.scalars.withUnsafeBufferPointer { ys in
            for i in out.indices { out[i] = g[i] * derivative(xs[i], ys[i]) }
        }}}}
        return Tensor(shape: x.shape, scalars: dx)
    }

    /// Gradient passes where the input lies within the bounds (inclusive, as PyTorch's clamp).
    static func clipBackward(_ dy: Tensor<Float>, x: Tensor<Float>, min lower: Value?, max upper: Value?) throws -> Tensor<Float> {
        let lo = try scalar(lower, as: Float.self) ?? -.infinity
        let hi = try scalar(upper, as: Float.self) ?? .infinity
        return Tensor(shape: x.shape, scalars: zip(dy.scalars, x.scalars).map { g, v in v >= lo && v <= hi ? g : 0 })
    }
}

extension Elementwise {
    /// The unary functions defined on integers (shape arithmetic); others are refused.
    static func apply(_ function: UnaryFunction, toIntegers x: Tensor<Int64>, node: Node) throws -> Tensor<Int64> {
        let f: (Int64) -> Int64
        switch function {
        // Wrapping, as two's complement hardware (and onnxruntime) does for Int64.min.
        case .neg: f = { 0 &- $0 }
        case .abs: f = { $0 < 0 ? 0 &- $0 : $0 }
        case .sign: f = { $0.signum() }
        case .relu: f = { Swift.max($0, 0) }
        case .floor, .ceil, .round: f = { $0 }
        default:
            throw InferenceError("node '\(node.name)' (\(node.opType)) is applied to an integer tensor, which seqlens computes only for Neg, Abs, Sign, Relu, Floor, Ceil and Round")
        }
        return Tensor(shape: x.shape, scalars: x.scalars.map(f))
    }
}
