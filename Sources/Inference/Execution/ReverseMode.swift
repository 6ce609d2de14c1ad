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
        var (slots, lastStep) = try forwardKeepingValues(inputs, threads: threads, stopAt: target, reluInPlace: true)
        return try backpropagate(slots: &slots, ownsValues: true, lastStep: lastStep, target: target, source: source, name: name, seed: seed, threads: threads)
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
        var slots = slots
        return try backpropagate(slots: &slots, ownsValues: false, lastStep: lastStep, target: target, source: source, name: name, seed: seed, threads: threads)
    }

    /// - Parameter ownsValues: the forward values are this pass's own (`slots` its only
    ///   reference to them): each goes back to the buffer pool once no backward step reads it,
    ///   as every dropped gradient does, so the next batch reuses the pages instead of faulting
    ///   fresh ones in.
    private func backpropagate(
        slots: inout [Value?], ownsValues: Bool, lastStep: Int, target: Int, source: Int, name: String, seed: (Tensor<Float>) throws -> Tensor<Float>, threads: Int
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
        for index in (0...max(lastStep, 0)).reversed() where lastStep >= 0 {
            let step = steps[index]
            if let (inputSlots, inputGradients) = try backward(index, slots: slots, gradients: gradients, dependsOnInput: dependsOnInput, context: context) {
                for (slot, gradient) in zip(inputSlots, inputGradients) {
                    guard let slot, let gradient, dependsOnInput[slot] else { continue }
                    if gradients[slot] == nil {
                        gradients[slot] = gradient
                    } else {
                        gradients[slot]!.add(gradient)
                        buffers.recycle(gradient.scalars)
                    }
                }
                // An output gradient passed on unchanged (Reshape, Identity) lives on as an input's.
                let passedOn = Set(inputGradients.map { $0?.storage })
                for case let slot? in step.outputSlots where slot != target {
                    if let gradient = gradients.removeValue(forKey: slot), !passedOn.contains(gradient.storage) { buffers.recycle(gradient.scalars) }
                }
            }
            // Going backwards, a step's outputs have no reader left once the step is done.
            if ownsValues { releaseOutputs(of: step, keeping: target, slots: &slots) }
        }
        return (value, gradients[source] ?? Tensor(shape: slotShapes[source], repeating: 0))
    }

    /// Step `index`'s input gradients, by slot; nil when no gradient flows through it. (Its own
    /// function, so the values it reads are let go on return, before they are recycled.)
    private func backward(
        _ index: Int, slots: [Value?], gradients: [Int: Tensor<Float>], dependsOnInput: [Bool], context: ExecutionContext
    ) throws -> (slots: [Int?], gradients: [Tensor<Float>?])? {
        let step = steps[index]
        if let pooled = step.outputSlots.first ?? nil, let fused = try fusedReluPoolBackward(at: index, outputGradient: gradients[pooled], slots: slots, context: context) {
            return ([fused.slot], [fused.gradient])
        }
        let outputGradients = step.outputSlots.map { $0.flatMap { gradients[$0] } }
        let wanted = step.inputSlots.map { $0.map { dependsOnInput[$0] } ?? false }
        guard outputGradients.contains(where: { $0 != nil }), wanted.contains(true) else { return nil }
        if let index = wanted.indices.first(where: { wanted[$0] && !step.node.op.isDifferentiable(input: $0) }) {
            throw InferenceError("node '\(step.node.name)' (\(step.node.opType)): its input \(index + 1) depends on the sequence, and seqlens has no gradient for that input; gradient methods cannot run on this model (ISM can)")
        }
        let arguments = step.inputSlots.map { $0.flatMap { slots[$0] } }
        let outputs = step.outputSlots.map { $0.flatMap { slots[$0] } }
        var stepContext = context
        stepContext.convolutionWeights = step.convolutionWeights
        return (step.inputSlots, try step.node.op.backward(arguments, outputs: outputs, outputGradients: outputGradients, wanted: wanted, node: step.node, context: stepContext))
    }

    /// Hands the values a step computed back to the pool (not the target, which is returned).
    /// A value sharing its storage with one of the step's inputs (Reshape's output is its
    /// input's buffer) stays with that input.
    private func releaseOutputs(of step: Step, keeping target: Int, slots: inout [Value?]) {
        let inputStorages = Set(step.inputSlots.map { slot -> UnsafeRawPointer? in
            guard let slot, case .float(let tensor)? = slots[slot] else { return nil }
            return tensor.storage
        })
        for case let slot? in step.outputSlots where slot != target {
            if case .float(let tensor)? = slots[slot], !inputStorages.contains(tensor.storage) { buffers.recycle(tensor.scalars) }
            slots[slot] = nil
        }
    }
}
