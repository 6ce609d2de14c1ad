/// A Relu whose only reader is a MaxPool, in reverse: the pool routes each window's gradient to
/// the window's maximum, and the Relu passes it on where that maximum is positive. One pass
/// does both (`Pool.backward(positiveOnly:)`), with no buffer for the gradient between them.
extension ExecutionPlan {
    /// The Relu steps whose output the next step, a MaxPool, reads and no other step does.
    static func reluPools(in steps: [Step]) -> Set<Int> {
        Set(steps.indices.dropLast().filter { index in
            let step = steps[index], next = steps[index + 1]
            guard case .unary(.relu) = step.node.op, case .maxPool = next.node.op,
                  let output = step.outputSlots.first ?? nil, step.outputSlots.count == 1 else { return false }
            return next.inputSlots.first == output && next.releases.contains(output)
        })
    }

    /// The gradient of the Relu's input, when step `index` is a MaxPool fused with the Relu
    /// before it; nil otherwise. The Relu step then receives no gradient and is skipped.
    func fusedReluPoolBackward(at index: Int, outputGradient: Tensor<Float>?, slots: [Value?], context: ExecutionContext) throws -> (slot: Int, gradient: Tensor<Float>)? {
        guard reluPools.contains(index - 1), case .maxPool(let attributes) = steps[index].node.op,
              let outputGradient, let relu = steps[index - 1].inputSlots.first ?? nil,
              let pooled = steps[index].inputSlots.first ?? nil, case .float(let y)? = slots[pooled] else { return nil }
        let gradient = try Pool.backward(attributes, maximum: true, outputGradient: outputGradient, input: y, node: steps[index].node,
                                         buffers: context.buffers, positiveOnly: true)
        return (relu, gradient)
    }
}
