import Foundation

/// Unary activations and Clip.
enum Elementwise {
    static func apply(_ function: UnaryFunction, to x: Tensor<Float>) -> Tensor<Float> {
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { buffer in
            switch function {
            case .relu: for i in buffer.indices { buffer[i] = max(buffer[i], 0) }
            case .exp: for i in buffer.indices { buffer[i] = Foundation.exp(buffer[i]) }
            case .log: for i in buffer.indices { buffer[i] = Foundation.log(buffer[i]) }
            case .sigmoid: for i in buffer.indices { buffer[i] = sigmoid(buffer[i]) }
            case .tanh: for i in buffer.indices { buffer[i] = Foundation.tanh(buffer[i]) }
            case .softplus: for i in buffer.indices { buffer[i] = softplus(buffer[i]) }
            case .erf: for i in buffer.indices { buffer[i] = Foundation.erf(buffer[i]) }
            case .sqrt: for i in buffer.indices { buffer[i] = buffer[i].squareRoot() }
            case .neg: for i in buffer.indices { buffer[i] = -buffer[i] }
            case .abs: for i in buffer.indices { buffer[i] = Swift.abs(buffer[i]) }
            case .leakyRelu(let alpha): for i in buffer.indices where buffer[i] < 0 { buffer[i] *= alpha }
            case .elu(let alpha):
                for i in buffer.indices where buffer[i] < 0 { buffer[i] = alpha * (Foundation.exp(buffer[i]) - 1) }
            case .selu(let alpha, let gamma):
                for i in buffer.indices {
                    let v = buffer[i]
                    buffer[i] = v > 0 ? gamma * v : gamma * alpha * (Foundation.exp(v) - 1)
                }
            case .gelu(let tanhApproximation):
                for i in buffer.indices { buffer[i] = gelu(buffer[i], tanhApproximation: tanhApproximation) }
            }
        }
        return y
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

    @inline(__always)
    static func gelu(_ v: Float, tanhApproximation: Bool) -> Float {
        if tanhApproximation {
            return 0.5 * v * (1 + Foundation.tanh(sqrtTwoOverPi * (v + 0.044715 * v * v * v)))
        }
        return 0.5 * v * (1 + Foundation.erf(v / Float(2).squareRoot()))
    }

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

    private static func scalar<T>(_ value: Value?, as type: T.Type) throws -> T? {
        switch value {
        case nil: return nil
        case .float(let t)? where t.count == 1 && T.self == Float.self: return t.scalars[0] as? T
        case .int(let t)? where t.count == 1 && T.self == Int64.self: return t.scalars[0] as? T
        default: throw InferenceError("Clip bounds must be one-element tensors of the input's type")
        }
    }
}
