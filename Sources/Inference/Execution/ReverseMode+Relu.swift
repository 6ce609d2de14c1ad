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

/// A Relu in the forward pass of reverse mode: run in place on its producer's fresh output
/// (as `runWhole`'s fused epilogue), the pre-activation value is not kept. Its backward then
/// reads the Relu's output for its input, which tells the same (x > 0 exactly where relu(x) > 0).
extension ExecutionPlan {
    /// Whether the step after `index` is a Relu that may overwrite step `index`'s output: only
    /// the Relu reads that output, it is not the value differentiated, and the producer's
    /// backward does not read it.
    func reluRunsInPlace(after index: Int, stopAt: Int?) -> Bool {
        guard steps[index].epilogue != nil, case .unary(.relu) = steps[index + 1].node.op, let output = steps[index].outputSlots.first ?? nil, output != stopAt else { return false }
        switch steps[index].node.op {
        case .conv, .convTranspose, .gemm, .matMul, .batchNormalization, .binary(.add), .binary(.sub): return true
        default: return false
        }
    }
}
