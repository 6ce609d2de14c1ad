/// What kernels are handed: the values (or, while planning, the shapes) of a node's inputs,
/// and the settings every kernel may read.

/// What the planner knows about a value before running: its shape and type always,
/// its contents when it is constant (initializers, shape arithmetic).
struct AbstractValue {
    var shape: [Int]
    var type: ElementType
    var constant: Value?
}

/// Settings every kernel may read.
struct ExecutionContext: Sendable {
    /// Threads kernels may use for their own loops (BLAS threads are set separately).
    var threads: Int
    /// Where large outputs and scratch buffers come from.
    var buffers: BufferPool
    /// The op applies a Relu to its output itself (`ExecutionPlan.runWhole` fused the Relu
    /// after it into it). Only ops for which `appliesReluEpilogue` holds read it.
    var reluEpilogue = false
    /// The op applies a following Softmax over its output's last axis itself, block by block
    /// while each is in cache (`ExecutionPlan.runWhole` fused the Softmax into it). Only ops
    /// for which `appliesSoftmaxEpilogue` holds read it.
    var softmaxEpilogue = false
    /// A bias over the last axis the op adds to its output itself, block by block while each
    /// is in cache (`ExecutionPlan.runWhole` fused the Add after it into it). Only MatMul reads it.
    var biasEpilogue: Tensor<Float>? = nil
    /// The running step's window geometry in the 2-D view (Conv, pools), from the plan; nil
    /// where the kernel works it out itself.
    var window: WindowGeometry? = nil
    /// The running Conv step's rearranged weights (`ExecutionPlan.Step.convolutionWeights`), set
    /// only when the weights are a constant of the plan.
    var convolutionWeights: ConvolutionWeightLayouts? = nil
}

/// Typed, checked access to a node's inputs for kernels, with errors naming the node.
struct KernelIO: ~Copyable {
    /// The node's name and op type, for errors (not the whole node: copying it on every step
    /// retained all of its arrays).
    let nodeName: String, opType: String
    /// True while planning (shapes known, values only for constants), false while running.
    let planning: Bool
    var abstract: [AbstractValue?] = []
    var values: [Value?] = []

    init(node: Node, abstract: [AbstractValue?]) {
        (nodeName, opType) = (node.name, node.opType)
        self.planning = true
        self.abstract = abstract
    }

    init(node: Node, values: [Value?]) {
        (nodeName, opType) = (node.name, node.opType)
        self.planning = false
        self.values = values
    }

    private func missing(_ index: Int) -> InferenceError {
        InferenceError("node '\(nodeName)' (\(opType)) needs input \(index + 1)")
    }

    // Planning-time access.
    func shape(_ index: Int) throws -> [Int] {
        guard index < abstract.count, let value = abstract[index] else { throw missing(index) }
        return value.shape
    }
    /// The shape of an optional input; nil when the node leaves it out.
    func optionalShape(_ index: Int) -> [Int]? {
        index < abstract.count ? abstract[index]?.shape : nil
    }
    func type(_ index: Int) throws -> ElementType {
        guard index < abstract.count, let value = abstract[index] else { throw missing(index) }
        return value.type
    }
    func allShapes() throws -> [[Int]] {
        try abstract.indices.map { try shape($0) }
    }
    /// An integer input needed to know shapes (Reshape's shape, Slice's starts...): its
    /// value while running, its constant value while planning.
    func ints(_ index: Int) throws -> [Int64] {
        guard let values = try optionalInts(index) else { throw missing(index) }
        return values
    }
    func optionalInts(_ index: Int) throws -> [Int64]? {
        if !planning {
            guard index < values.count, values[index] != nil else { return nil }
            return try int(index).scalars
        }
        guard let constant = try plannedConstant(index) else { return nil }
        guard case .int(let tensor) = constant else {
            throw InferenceError("node '\(nodeName)' (\(opType)): input \(index + 1) must be an integer tensor")
        }
        return tensor.scalars
    }
    /// A float input needed to know shapes (Resize's scales), as `optionalInts`.
    func optionalFloats(_ index: Int) throws -> [Float]? {
        if !planning {
            guard index < values.count, values[index] != nil else { return nil }
            return try float(index).scalars
        }
        guard let constant = try plannedConstant(index) else { return nil }
        guard case .float(let tensor) = constant else {
            throw InferenceError("node '\(nodeName)' (\(opType)): input \(index + 1) must be a float tensor")
        }
        return tensor.scalars
    }
    /// An input's value while planning: nil when the node leaves it out, an error when only
    /// running will tell.
    private func plannedConstant(_ index: Int) throws -> Value? {
        guard index < abstract.count, let value = abstract[index] else { return nil }
        guard let constant = value.constant else {
            throw InferenceError("node '\(nodeName)' (\(opType)): input \(index + 1) must be known before running (a constant or shape computation), but it depends on the data; this dynamic-shape graph is not supported")
        }
        return constant
    }

    // Run-time access.
    func value(_ index: Int) throws -> Value {
        guard index < values.count, let value = values[index] else { throw missing(index) }
        return value
    }
    func optionalValue(_ index: Int) -> Value? {
        index < values.count ? values[index] : nil
    }
    func allValues() throws -> [Value] {
        try values.indices.map { try value($0) }
    }
    func float(_ index: Int) throws -> Tensor<Float> {
        guard case .float(let tensor) = try value(index) else {
            throw InferenceError("node '\(nodeName)' (\(opType)): input \(index + 1) must be a float tensor")
        }
        return tensor
    }
    func optionalFloat(_ index: Int) throws -> Tensor<Float>? {
        index < values.count && values[index] != nil ? try float(index) : nil
    }
    func floatConverted(_ index: Int) throws -> Tensor<Float> {
        switch try value(index) {
        case .float(let tensor): tensor
        case .int(let tensor): Tensor(shape: tensor.shape, scalars: tensor.scalars.map { Float($0) })
        }
    }
    func int(_ index: Int) throws -> Tensor<Int64> {
        guard case .int(let tensor) = try value(index) else {
            throw InferenceError("node '\(nodeName)' (\(opType)): input \(index + 1) must be an integer tensor")
        }
        return tensor
    }
}
