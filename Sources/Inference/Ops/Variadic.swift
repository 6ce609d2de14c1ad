/// Min, Max, Sum and Mean over one or more inputs, broadcast together.
enum Variadic {
    static func apply(_ function: VariadicFunction, _ inputs: [Value], outputShape: [Int], node: Node) throws -> Value {
        if inputs.allSatisfy({ $0.elementType == .float }) {
            let tensors = try inputs.map { try $0.floatTensor() }
            let folded = fold(tensors, outputShape: outputShape, floatOperation(function))
            guard function == .mean else { return .float(folded) }
            let scale = 1 / Float(inputs.count)
            return .float(Tensor(shape: outputShape, scalars: folded.scalars.map { $0 * scale }))
        }
        let tensors = inputs.compactMap { value -> Tensor<Int64>? in if case .int(let t) = value { t } else { nil } }
        guard tensors.count == inputs.count else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): inputs have different element types")
        }
        guard function != .mean else {
            throw InferenceError("node '\(node.name)' (Mean): integer inputs; ONNX defines Mean for floating-point tensors only")
        }
        return .int(fold(tensors, outputShape: outputShape, intOperation(function)))
    }

    private static func floatOperation(_ function: VariadicFunction) -> (Float, Float) -> Float {
        // NaN propagates, as numpy's minimum and maximum (ONNX's reference) and PyTorch's do.
        switch function {
        case .min: { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
        case .max: { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        case .sum, .mean: { $0 + $1 }
        }
    }

    private static func intOperation(_ function: VariadicFunction) -> (Int64, Int64) -> Int64 {
        switch function {
        case .min: { Swift.min($0, $1) }
        case .max: { Swift.max($0, $1) }
        case .sum, .mean: { $0 &+ $1 }
        }
    }

    private static func fold<S>(_ tensors: [Tensor<S>], outputShape: [Int], _ operation: (S, S) -> S) -> Tensor<S> {
        var result = tensors[0].broadcastIfNeeded(to: outputShape)
        for tensor in tensors.dropFirst() {
            result = Broadcast.combine(result, tensor, outputShape: outputShape, operation)
        }
        return result
    }

    /// Sum: dy to every input; Mean: dy / count. Min and Max: dy to the inputs equal to the
    /// result, split evenly among ties (PyTorch's minimum/maximum split a two-way tie in
    /// halves). Each gradient is summed back over the axes its input was broadcast along.
    static func backward(
        _ function: VariadicFunction, outputGradient dy: Tensor<Float>, inputs: [Tensor<Float>], output: Tensor<Float>, wanted: [Bool]
    ) -> [Tensor<Float>?] {
        switch function {
        case .sum:
            return inputs.indices.map { wanted[$0] ? Broadcast.reduceToShape(dy, inputs[$0].shape) : nil }
        case .mean:
            let share = dy.scaled(by: 1 / Float(inputs.count))
            return inputs.indices.map { wanted[$0] ? Broadcast.reduceToShape(share, inputs[$0].shape) : nil }
        case .min, .max:
            let wide = inputs.map { $0.broadcastIfNeeded(to: dy.shape).scalars }
            var ties = [Float](repeating: 0, count: dy.count)
            for values in wide {
                for i in ties.indices where values[i] == output.scalars[i] { ties[i] += 1 }
            }
            return inputs.indices.map { index in
                guard wanted[index] else { return nil }
                let values = wide[index]
                let share = Tensor(shape: dy.shape, scalars: ties.indices.map { values[$0] == output.scalars[$0] ? dy.scalars[$0] / ties[$0] : 0 })
                return Broadcast.reduceToShape(share, inputs[index].shape)
            }
        }
    }
}
