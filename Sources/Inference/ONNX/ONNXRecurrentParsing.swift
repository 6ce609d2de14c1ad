import Foundation

/// LSTM and GRU attributes, with ONNX's defaults; what seqlens does not run is refused here.
extension ONNXNodeParser {
    static func recurrentAttributes(_ cell: RecurrentAttributes.Cell, _ attributes: Attributes, node: String, opType: String) throws -> RecurrentAttributes {
        func fail(_ what: String) -> InferenceError { InferenceError("node '\(node)' (\(opType)): \(what)") }
        let directionName = try attributes.string("direction") ?? "forward"
        guard let direction = RecurrentAttributes.Direction(rawValue: directionName) else {
            throw fail("direction '\(directionName)' is not an ONNX value (forward, reverse or bidirectional)")
        }
        let layout = try attributes.int("layout") ?? 0
        guard layout == 0 || layout == 1 else { throw fail("layout \(layout) is not an ONNX value (0 or 1)") }
        let hiddenSize = try attributes.int("hidden_size")
        if let hiddenSize, !(1...Limits.maximumWindowAttribute).contains(hiddenSize) {
            throw fail("hidden_size \(hiddenSize) must lie in 1...\(Limits.maximumWindowAttribute); the model is corrupt")
        }
        let clip = try attributes.float("clip")
        if let clip, !(clip > 0) { throw fail("clip \(clip) must be positive") }

        let directions = direction == .bidirectional ? 2 : 1
        let perDirection = RecurrentAttributes.activationsPerDirection(cell)
        let names = try attributes.strings("activations") ?? []
        var alphas = ArraySlice(try attributes.floats("activation_alpha") ?? [])
        var betas = ArraySlice(try attributes.floats("activation_beta") ?? [])
        var activations: [[RecurrentActivation]] = []
        if names.isEmpty {
            activations = Array(repeating: RecurrentAttributes.defaultActivations(cell), count: directions)
        } else {
            guard names.count == perDirection * directions else {
                throw fail("activations lists \(names.count) functions (\(names.joined(separator: ", "))); \(direction.rawValue) needs \(perDirection * directions)")
            }
            for direction in 0..<directions {
                activations.append(try names[(direction * perDirection)..<((direction + 1) * perDirection)].map { name in
                    guard let activation = RecurrentActivation.named(name, alphas: &alphas, betas: &betas) else {
                        throw fail("activation '\(name)' is not supported (Sigmoid, Tanh, Relu, HardSigmoid, LeakyRelu, ThresholdedRelu, Elu, Affine, ScaledTanh, Softsign and Softplus are)")
                    }
                    return activation
                })
            }
        }
        return RecurrentAttributes(cell: cell, direction: direction, hiddenSize: hiddenSize, batchFirst: layout == 1, clip: clip, activations: activations)
    }
}
