/// Reverse-mode differentiation through a plan: a forward pass keeping every value, then
/// each op's `backward` (BackwardDispatch.swift) from the target back to the input.
extension ExecutionPlan {
    /// Reverse mode: the gradient of Σ outputGradient ⊙ value(`of`) with respect to the float
    /// input `respectTo`, and the value itself. Batched: with one seed per sample, each
    /// sample's gradient is its own (no supported op mixes the batch axis).
    public func gradient(
        of name: String, outputGradient: Tensor<Float>, inputs: [String: Tensor<Float>], respectTo inputName: String, threads: Int = 1
    ) throws -> (value: Tensor<Float>, gradient: Tensor<Float>) {
        try gradient(of: name, seed: { _ in outputGradient }, inputs: inputs, respectTo: inputName, threads: threads)
    }

    /// Reverse mode with a seed computed from the forward value of `of` (one forward pass):
    /// the gradient of Σ seed ⊙ value with the seed held constant, e.g. BPNet's profile target,
    /// whose weights are the softmax of the very logits it differentiates.
    public func gradient(
        of name: String, seed: (Tensor<Float>) throws -> Tensor<Float>, inputs: [String: Tensor<Float>], respectTo inputName: String, threads: Int = 1
    ) throws -> (value: Tensor<Float>, gradient: Tensor<Float>) {
        guard let target = slotOf[name], let source = inputSlots[inputName] else {
            throw InferenceError("no value named '\(name)' or input named '\(inputName)' in the graph")
        }
        let (slots, lastStep) = try forwardKeepingValues(inputs, threads: threads, stopAt: target)
        return try backpropagate(slots: slots, lastStep: lastStep, target: target, source: source, name: name, seed: seed, threads: threads)
    }

    /// Reverse mode from the values of a forward pass already made (e.g. by an incremental
    /// evaluator after an edit): every value up to `name`, by slot, as `forwardKeepingValues` keeps them.
    public func gradient(
        of name: String, seed: (Tensor<Float>) throws -> Tensor<Float>, values slots: [Value?], respectTo inputName: String, threads: Int = 1
    ) throws -> (value: Tensor<Float>, gradient: Tensor<Float>) {
        guard let target = slotOf[name], let source = inputSlots[inputName], slots.count == slotShapes.count else {
            throw InferenceError("no value named '\(name)' or input named '\(inputName)' in the graph")
        }
        let lastStep = inputSlots.values.contains(target) || constants[target] != nil
            ? -1 : (steps.firstIndex { $0.outputSlots.contains(target) } ?? -1)
        BLAS.setThreads(threads)
        return try backpropagate(slots: slots, lastStep: lastStep, target: target, source: source, name: name, seed: seed, threads: threads)
    }

    private func backpropagate(
        slots: [Value?], lastStep: Int, target: Int, source: Int, name: String, seed: (Tensor<Float>) throws -> Tensor<Float>, threads: Int
    ) throws -> (value: Tensor<Float>, gradient: Tensor<Float>) {
        let context = ExecutionContext(threads: threads, buffers: buffers)
        // Which values depend on the input: only those carry gradients.
        var dependsOnInput = Array(repeating: false, count: slots.count)
        dependsOnInput[source] = true
        for step in steps[...max(lastStep, 0)] where lastStep >= 0 {
            let flows = step.inputSlots.contains { $0.map { dependsOnInput[$0] } ?? false }
            for case let slot? in step.outputSlots where flows {
                if case .float? = slots[slot] { dependsOnInput[slot] = true }
            }
        }
        guard case .float(let value)? = slots[target] else {
            throw InferenceError("'\(name)' is not a float value computed from the input")
        }
        let outputGradient = try seed(value)
        guard outputGradient.shape == slotShapes[target] else {
            throw InferenceError("gradient seed has shape \(outputGradient.shape) but '\(name)' has \(slotShapes[target])")
        }
        // Backward from `target`, accumulating gradients per slot.
        var gradients: [Int: Tensor<Float>] = [target: outputGradient]
        for step in steps[...max(lastStep, 0)].reversed() where lastStep >= 0 {
            let outputGradients = step.outputSlots.map { $0.flatMap { gradients[$0] } }
            let wanted = step.inputSlots.map { $0.map { dependsOnInput[$0] } ?? false }
            guard outputGradients.contains(where: { $0 != nil }), wanted.contains(true) else { continue }
            if let index = wanted.indices.first(where: { wanted[$0] && !step.node.op.isDifferentiable(input: $0) }) {
                throw InferenceError("node '\(step.node.name)' (\(step.node.opType)): its input \(index + 1) depends on the sequence, and seqlens has no gradient for that input; gradient methods cannot run on this model (ISM can)")
            }
            let arguments = step.inputSlots.map { $0.flatMap { slots[$0] } }
            let outputs = step.outputSlots.map { $0.flatMap { slots[$0] } }
            let inputGradients = try step.node.op.backward(arguments, outputs: outputs, outputGradients: outputGradients, wanted: wanted, node: step.node, context: context)
            for (slot, gradient) in zip(step.inputSlots, inputGradients) {
                guard let slot, let gradient, dependsOnInput[slot] else { continue }
                gradients[slot] = gradients[slot].map { $0.adding(gradient) } ?? gradient
            }
            for slot in step.outputSlots.compactMap({ $0 }) where slot != target { gradients[slot] = nil }
        }
        return (value, gradients[source] ?? Tensor(shape: slotShapes[source], repeating: 0))
    }
}
