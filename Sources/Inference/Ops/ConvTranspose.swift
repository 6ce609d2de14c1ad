/// ConvTranspose (1-D, and 2-D such as Keras's unit-height layers): the adjoint of a Conv
/// from ConvTranspose's output back to its input (the "conv view"). Its forward pass is that
/// Conv's input gradient (Wᵀ · x, then col2im) and its input gradient is that Conv, so both
/// run on Conv's BLAS kernels.
enum ConvTranspose {
    /// The conv view of one ConvTranspose, and its output's spatial size. Output position
    /// i · stride − padBegin + k · dilation receives input i through kernel tap k; positions
    /// outside [0, output) are dropped. The view's end pads may be negative (output_padding
    /// and output_shape add positions no tap reaches).
    static func convView(_ attributes: ConvTransposeAttributes, input: [Int], weights: [Int], node: Node) throws -> (conv: ConvAttributes, outputSpatial: [Int]) {
        func fail(_ message: String) -> InferenceError { InferenceError("node '\(node.name)' (ConvTranspose): \(message)") }
        guard input.count == 3 || input.count == 4, weights.count == input.count else {
            throw fail("input \(input) and weights \(weights) must both be 3-D (1-D) or 4-D (2-D); 3-D ConvTranspose is not supported")
        }
        let group = attributes.group, rank = input.count - 2
        guard input[1] == weights[0], input[1] % group == 0 else {
            throw fail("input has \(input[1]) channels but weights \(weights) with group \(group) expect \(weights[0])")
        }
        let kernel = Array(weights.dropFirst(2))
        let spatial = attributes.spatial
        if !spatial.kernelShape.isEmpty, spatial.kernelShape != kernel {
            throw fail("kernel_shape \(spatial.kernelShape) does not match weights \(weights)")
        }
        func perAxis(_ values: [Int], _ fallback: Int, _ label: String) throws -> [Int] {
            if values.isEmpty { return Array(repeating: fallback, count: rank) }
            guard values.count == rank else { throw fail("\(label) has \(values.count) values for \(rank) spatial axes") }
            return values
        }
        let strides = try perAxis(spatial.strides, 1, "strides"), dilations = try perAxis(spatial.dilations, 1, "dilations")
        let outputPadding = try perAxis(attributes.outputPadding, 0, "output_padding")
        // output_shape may list the spatial sizes or the whole shape.
        let outputShape = attributes.outputShape.count == rank + 2 ? Array(attributes.outputShape.dropFirst(2)) : attributes.outputShape
        guard outputShape.isEmpty || outputShape.count == rank else { throw fail("output_shape \(attributes.outputShape) does not fit \(rank) spatial axes") }
        guard spatial.pads.isEmpty || spatial.pads.count == 2 * rank else { throw fail("pads has \(spatial.pads.count) values for \(rank) spatial axes") }
        guard kernel.allSatisfy({ $0 > 0 }) else { throw fail("weights \(weights) have an empty kernel") }

        var padBegin = [Int](), padEnd = [Int](), output = [Int]()
        for axis in 0..<rank {
            let extent = dilations[axis] * (kernel[axis] - 1) + 1
            let full = strides[axis] * (input[axis + 2] - 1) + outputPadding[axis] + extent
            let begin: Int, size: Int
            // As ONNX's reference: SAME without explicit pads splits the padding that meets the
            // output size (default input × stride), the odd one at the end for SAME_UPPER.
            if spatial.pads.isEmpty, spatial.autoPad == .sameUpper || spatial.autoPad == .sameLower {
                size = outputShape.isEmpty ? input[axis + 2] * strides[axis] : outputShape[axis]
                let total = full - size, half = total >= 0 ? total / 2 : -((-total + 1) / 2)
                begin = spatial.autoPad == .sameUpper ? half : total - half
            } else {
                begin = spatial.pads.isEmpty ? 0 : spatial.pads[axis]
                let end = spatial.pads.isEmpty ? 0 : spatial.pads[axis + rank]
                size = outputShape.isEmpty ? full - begin - end : outputShape[axis]
            }
            guard size > 0 else { throw fail("the output would have \(size) positions on spatial axis \(axis); check pads and output_shape") }
            padBegin.append(begin)
            padEnd.append((input[axis + 2] - 1) * strides[axis] + extent - size - begin)
            output.append(size)
        }
        let view = SpatialAttributes(kernelShape: kernel, strides: strides, dilations: dilations, pads: padBegin + padEnd, autoPad: .notSet)
        return (ConvAttributes(spatial: view, group: group), output)
    }

    static func outputShape(_ attributes: ConvTransposeAttributes, input: [Int], weights: [Int], node: Node) throws -> [Int] {
        let view = try convView(attributes, input: input, weights: weights, node: node)
        return [input[0], weights[1] * attributes.group] + view.outputSpatial
    }

    static func forward(
        _ attributes: ConvTransposeAttributes, input x: Tensor<Float>, weights w: Tensor<Float>, bias: Tensor<Float>?,
        outputShape: [Int], node: Node, context: ExecutionContext
    ) throws -> Tensor<Float> {
        let view = try convView(attributes, input: x.shape, weights: w.shape, node: node)
        return try apply(view.conv, input: x, weights: w, bias: bias, outputShape: outputShape, node: node, context: context)
    }

    /// The forward pass for a given conv view (the incremental evaluator passes its own).
    static func apply(
        _ view: ConvAttributes, input x: Tensor<Float>, weights w: Tensor<Float>, bias: Tensor<Float>?,
        outputShape: [Int], node: Node, context: ExecutionContext
    ) throws -> Tensor<Float> {
        var y = try Conv.backward(view, outputGradient: x, inputShape: outputShape, weights: w, node: node, context: context)
        guard let bias else { return y }
        let channels = outputShape[1], plane = outputShape.dropFirst(2).reduce(1, *)
        guard bias.count == channels else {
            throw InferenceError("node '\(node.name)' (ConvTranspose): bias has \(bias.count) values for \(channels) output channels")
        }
        y.scalars.withUnsafeMutableBufferPointer { target in
            for row in 0..<(outputShape[0] * channels) {
                let b = bias.scalars[row % channels]
                for i in row * plane ..< (row + 1) * plane { target[i] += b }
            }
        }
        return y
    }

    static func backward(
        _ attributes: ConvTransposeAttributes, outputGradient dy: Tensor<Float>, input x: Tensor<Float>, weights w: Tensor<Float>,
        node: Node, context: ExecutionContext
    ) throws -> Tensor<Float> {
        let view = try convView(attributes, input: x.shape, weights: w.shape, node: node)
        return try Conv.forward(view.conv, input: dy, weights: w, bias: nil, outputShape: x.shape, node: node, context: context)
    }
}
