/// Window geometry shared by Conv and the pools: resolves strides, dilations and
/// padding (explicit or auto_pad) for each spatial axis and gives the output size.
struct WindowGeometry: Equatable {
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padBegin: [Int]
    var padEnd: [Int]
    var input: [Int]
    var output: [Int]

    /// - Parameters:
    ///   - inputSpatial: the spatial extents of the input (after N and C).
    ///   - kernel: the kernel extent per spatial axis.
    ///   - ceilMode: pools may round the output size up (the last window may start in the padding's edge).
    init(_ attributes: SpatialAttributes, inputSpatial: [Int], kernel: [Int], ceilMode: Bool = false, node: Node) throws {
        let rank = inputSpatial.count
        func perAxis(_ values: [Int], _ fallback: Int, _ label: String) throws -> [Int] {
            if values.isEmpty { return Array(repeating: fallback, count: rank) }
            guard values.count == rank else {
                throw InferenceError("node '\(node.name)' (\(node.opType)): \(label) has \(values.count) values for \(rank) spatial axes")
            }
            return values
        }
        guard kernel.count == rank else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): kernel has \(kernel.count) axes but the input has \(rank) spatial axes")
        }
        let strides = try perAxis(attributes.strides, 1, "strides")
        let dilations = try perAxis(attributes.dilations, 1, "dilations")
        guard strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }), kernel.allSatisfy({ $0 > 0 }) else {
            throw InferenceError("node '\(node.name)' (\(node.opType)): kernel, strides and dilations must be positive")
        }
        var padBegin = Array(repeating: 0, count: rank)
        var padEnd = Array(repeating: 0, count: rank)
        var output = Array(repeating: 0, count: rank)
        for axis in 0..<rank {
            let extent = dilations[axis] * (kernel[axis] - 1) + 1
            switch attributes.autoPad {
            case .sameUpper, .sameLower:
                output[axis] = (inputSpatial[axis] + strides[axis] - 1) / strides[axis]
                let total = max(0, (output[axis] - 1) * strides[axis] + extent - inputSpatial[axis])
                let small = total / 2
                padBegin[axis] = attributes.autoPad == .sameUpper ? small : total - small
                padEnd[axis] = total - padBegin[axis]
                continue
            case .valid:
                break
            case .notSet:
                if !attributes.pads.isEmpty {
                    guard attributes.pads.count == 2 * rank else {
                        throw InferenceError("node '\(node.name)' (\(node.opType)): pads has \(attributes.pads.count) values for \(rank) spatial axes")
                    }
                    padBegin[axis] = attributes.pads[axis]
                    padEnd[axis] = attributes.pads[axis + rank]
                }
            }
            let span = inputSpatial[axis] + padBegin[axis] + padEnd[axis] - extent
            guard span >= 0 else {
                throw InferenceError("node '\(node.name)' (\(node.opType)): the input is too short (\(inputSpatial[axis])) for a window of \(extent) on spatial axis \(axis); the sequence is shorter than the model's receptive field")
            }
            if ceilMode {
                var count = (span + strides[axis] - 1) / strides[axis] + 1
                // The last window must start inside the input or its leading padding.
                if (count - 1) * strides[axis] >= inputSpatial[axis] + padBegin[axis] { count -= 1 }
                output[axis] = count
            } else {
                output[axis] = span / strides[axis] + 1
            }
        }
        self.kernel = kernel
        self.strides = strides
        self.dilations = dilations
        self.padBegin = padBegin
        self.padEnd = padEnd
        self.input = inputSpatial
        self.output = output
    }

    /// Views 1-D geometry as 2-D with a unit height, so kernels handle both with one loop nest.
    var asTwoDimensional: WindowGeometry {
        guard kernel.count == 1 else { return self }
        var copy = self
        copy.kernel = [1] + kernel
        copy.strides = [1] + strides
        copy.dilations = [1] + dilations
        copy.padBegin = [0] + padBegin
        copy.padEnd = [0] + padEnd
        copy.input = [1] + input
        copy.output = [1] + output
        return copy
    }
}
