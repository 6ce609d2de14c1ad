import Dispatch

/// A graph compiled for fixed input shapes: every shape inferred, every computation that
/// depends only on constants (weights, shape arithmetic) done once, values numbered into
/// slots, and each intermediate released after its last use.
public struct ExecutionPlan: Sendable {
    /// One node to run and its slots. A class, so that the run loop reads a step without
    /// copying (and retaining) all of its arrays; set while planning, read-only after.
    final class Step: @unchecked Sendable {
        let node: Node
        let inputSlots: [Int?]
        /// Aligned with the node's outputs; nil for unused optional outputs.
        let outputSlots: [Int?]
        let outputShapes: [[Int]]
        /// Slots whose last reader is this step.
        var releases: [Int]
        /// A Conv's or pool's window geometry in the 2-D view, worked out once when planning
        /// (on a batch-1 pass of a small model, working it out per run was a fifth of the time).
        var window: WindowGeometry? = nil
        /// A Conv's weights rearranged for Winograd's forward pass and for its input gradient
        /// (`Conv.backward`), kept when they are a constant (nil otherwise): Basset's 660 K
        /// weights took a tenth of a saliency map to rearrange.
        var convolutionWeights: ConvolutionWeightLayouts? = nil
        /// What of the step right after this one `runWhole` folds into it (nil: nothing),
        /// decided once while planning rather than looked up on every step of every pass.
        var epilogue: Epilogue? = nil

        init(node: Node, inputSlots: [Int?], outputSlots: [Int?], outputShapes: [[Int]], releases: [Int]) {
            (self.node, self.inputSlots, self.outputSlots, self.outputShapes, self.releases) = (node, inputSlots, outputSlots, outputShapes, releases)
        }
    }

    /// The graph as planned: the model's graph after `GraphRewrites`.
    public let graph: Graph
    /// Shapes of every input and output, by name.
    public let inputShapes: [String: [Int]]
    /// The values given for integer graph inputs.
    let integerInputs: [String: Tensor<Int64>]
    public let outputShapes: [String: [Int]]
    /// The shapes of the float inputs (the batched ones).
    let floatInputShapes: [String: [Int]]
    /// Floats all the steps' outputs hold together (what a pass writes; `batchParts` sizes
    /// parts of the batch by it).
    let intermediateFloats: Int
    let steps: [Step]
    /// What `runWhole` folds into a step from the step right after it, which only reads the
    /// step's output.
    enum Epilogue {
        /// The next step (a Relu, Softmax or LogSoftmax) overwrites the fresh output in place:
        /// one pass and one buffer fewer.
        case inPlace
        /// The op applies the next step's Relu itself, while its output is still in cache (Conv).
        case relu
        /// The op applies the next step's last-axis Softmax itself, head by head (MatMul).
        case softmax
        /// The op adds the next step's constant bias over the last axis itself (MatMul:
        /// attention's projections and feed-forward layers export as MatMul then Add, and the
        /// Add cost as much as the product).
        case bias(Tensor<Float>)
    }
    /// Relu steps whose output only a MaxPool right after reads: reverse mode fuses the two
    /// backward passes (ReverseMode+Relu.swift).
    let reluPools: Set<Int>
    /// Slot contents known before running (initializers and folded values).
    let constants: [Value?]
    let inputSlots: [String: Int]
    let outputSlots: [(name: String, slot: Int)]
    /// Large buffers reused across the steps of a run and across runs.
    let buffers = BufferPool()
    /// Every value's batch axis and the constants sized by the batch, for DeepLIFT (DeepLIFTRules.swift).
    let batchAxesCache = PlanCache<BatchLayout>()
    /// Plans for parts of the batch, for batch-parallel runs (BatchParallel.swift).
    let partPlans = BatchParts()
    /// Every value's slot and planned shape, by name.
    let slotOf: [String: Int]
    let slotShapes: [[Int]]

    /// - Parameters:
    ///   - inputShapes: a shape for every float graph input.
    ///   - integerInputs: values for integer graph inputs (they usually size things, so they
    ///     must be known while planning).
    ///   - rewriting: apply `GraphRewrites` first (false for a graph that already went through them).
    public init(graph: Graph, inputShapes: [String: [Int]], integerInputs: [String: Tensor<Int64>] = [:], rewriting: Bool = true) throws {
        let graph = rewriting ? GraphRewrites.apply(to: graph) : graph
        self.graph = graph
        self.integerInputs = integerInputs
        var slotOf: [String: Int] = [:]
        var known: [AbstractValue] = []
        func newSlot(_ name: String, _ value: AbstractValue) -> Int {
            let slot = known.count
            known.append(value)
            slotOf[name] = slot
            return slot
        }

        var inputSlots: [String: Int] = [:]
        var resolvedInputShapes: [String: [Int]] = [:]
        for input in graph.inputs {
            if let tensor = integerInputs[input.name] {
                _ = newSlot(input.name, AbstractValue(shape: tensor.shape, type: .int, constant: .int(tensor)))
                resolvedInputShapes[input.name] = tensor.shape
                continue
            }
            guard let shape = inputShapes[input.name] else {
                throw InferenceError("no shape given for model input '\(input.name)' \(input.shapeDescription)")
            }
            try Self.check(shape, against: input)
            // Kernels and shape inference multiply dimensions: an absurd input would overflow there.
            guard Limits.elementCount(shape) != nil else {
                throw InferenceError("model input '\(input.name)' would have an absurd shape \(shape)")
            }
            inputSlots[input.name] = newSlot(input.name, AbstractValue(shape: shape, type: .float, constant: nil))
            resolvedInputShapes[input.name] = shape
        }
        for (name, value) in graph.initializers where slotOf[name] == nil {
            _ = newSlot(name, AbstractValue(shape: value.shape, type: value.elementType, constant: value))
        }

        var steps: [Step] = []
        let context = ExecutionContext(threads: 1, buffers: BufferPool())
        for node in graph.nodes {
            let inputs: [AbstractValue?] = node.inputs.map { $0.isEmpty ? nil : slotOf[$0].map { known[$0] } }
            let inferred = try node.op.inferOutputs(inputs, node: node)
            guard inferred.count >= node.outputs.filter({ !$0.isEmpty }).count else {
                throw InferenceError("node '\(node.name)' (\(node.opType)) declares \(node.outputs.count) outputs but computes \(inferred.count)")
            }
            for (shape, _) in inferred where Limits.elementCount(shape) == nil {
                throw InferenceError("node '\(node.name)' (\(node.opType)) would produce an absurd shape \(shape)")
            }
            let foldable = inputs.allSatisfy { $0 == nil || $0?.constant != nil }
            var folded: [Value]? = nil
            if foldable {
                folded = try node.op.forward(inputs.map { $0?.constant }, outputShapes: inferred.map(\.shape), node: node, context: context)
            } else if case .shape(let start, let end) = node.op, let source = inputs.first ?? nil {
                // Shapes are known while planning, so Shape never runs.
                let dims = ShapeOps.shapeSlice(source.shape, start: start, end: end)
                folded = [.int(Tensor(shape: [dims.count], scalars: dims.map(Int64.init)))]
            }
            let outputSlots: [Int?] = node.outputs.enumerated().map { index, name in
                guard !name.isEmpty, index < inferred.count else { return nil }
                let (shape, type) = inferred[index]
                return newSlot(name, AbstractValue(shape: shape, type: type, constant: folded?[index]))
            }
            if folded == nil {
                steps.append(Step(node: node, inputSlots: node.inputs.map { $0.isEmpty ? nil : slotOf[$0] }, outputSlots: outputSlots, outputShapes: inferred.map(\.shape), releases: []))
            }
        }

        var outputSlots: [(name: String, slot: Int)] = []
        var outputShapes: [String: [Int]] = [:]
        for output in graph.outputs {
            guard let slot = slotOf[output.name] else { throw InferenceError("graph output '\(output.name)' is never computed") }
            outputSlots.append((output.name, slot))
            outputShapes[output.name] = known[slot].shape
        }

        // Release each computed slot after its last reader, unless it is an output.
        let kept = Set(outputSlots.map(\.slot))
        var lastReader: [Int: Int] = [:]
        for (index, step) in steps.enumerated() {
            for case let slot? in step.inputSlots where known[slot].constant == nil { lastReader[slot] = index }
        }
        for (slot, index) in lastReader where !kept.contains(slot) && !inputSlots.values.contains(slot) {
            steps[index].releases.append(slot)
        }

        for index in steps.indices {
            let step = steps[index], shapes = step.inputSlots.map { $0.map { known[$0].shape } }
            guard let input = shapes.first ?? nil else { continue }
            switch step.node.op {
            case .conv(let attributes):
                guard shapes.count > 1, let weights = shapes[1] else { continue }
                steps[index].window = try Conv.geometry(attributes, input: input, weights: weights, node: step.node).asTwoDimensional
                if let slot = step.inputSlots[1], known[slot].constant != nil { steps[index].convolutionWeights = ConvolutionWeightLayouts() }
            case .maxPool(let attributes), .averagePool(let attributes):
                steps[index].window = try Pool.geometry(attributes, input: input, node: step.node).asTwoDimensional
            default:
                break
            }
        }

        for index in steps.indices.dropLast() {
            steps[index].epilogue = Self.epilogue(of: steps[index], next: steps[index + 1], known: known)
        }
        self.reluPools = Self.reluPools(in: steps)
        self.steps = steps
        self.slotOf = slotOf
        self.slotShapes = known.map(\.shape)
        self.constants = known.map(\.constant)
        self.inputSlots = inputSlots
        self.outputSlots = outputSlots
        self.inputShapes = resolvedInputShapes
        self.outputShapes = outputShapes
        self.floatInputShapes = resolvedInputShapes.filter { inputSlots[$0.key] != nil }
        self.intermediateFloats = steps.reduce(0) { total, step in
            total + step.outputSlots.reduce(0) { $0 + ($1.map { Limits.elementCount(known[$0].shape) ?? 0 } ?? 0) }
        }
    }

    /// The same graph planned for `batch` inputs: every float input's leading axis set to it.
    /// Slots number the same values as in this plan.
    public func replanned(batch: Int) throws -> ExecutionPlan {
        let floatShapes = floatInputShapes.mapValues { [batch] + $0.dropFirst() }
        return try ExecutionPlan(graph: graph, inputShapes: floatShapes, integerInputs: integerInputs, rewriting: false)
    }


    /// The planned shape of any value of the graph (nil for unknown names).
    public func shape(of name: String) -> [Int]? {
        slotOf[name].map { slotShapes[$0] }
    }

    /// The pre-activation value behind a graph output produced by a final Sigmoid, Softmax
    /// or LogSoftmax (what `--logits` attributes), nil when the output has no such node.
    public func logitsName(for output: String) -> String? {
        guard let producer = steps.last(where: { $0.node.outputs.first == output }) else { return nil }
        switch producer.node.op {
        case .unary(.sigmoid), .softmax, .logSoftmax:
            return producer.node.inputs.first
        case .unary, .conv, .batchNormalization, .layerNormalization, .clip, .binary, .maxPool, .averagePool,
             .globalAveragePool, .globalMaxPool, .gemm, .matMul, .flatten, .reshape, .transpose, .squeeze, .unsqueeze,
             .concat, .split, .slice, .gather, .gatherND, .expand, .shape, .constantOfShape, .identity, .pad, .reduce, .cast,
             .compare, .test, .select, .variadic,
             .einsum, .range, .cumSum, .tile, .trilu, .gatherElements, .scatterND, .argMax,
             .convTranspose, .resize, .groupNormalization, .recurrent:
            return nil
        }
    }

    /// Runs the steps in order, keeping every value, up to the step that computes slot
    /// `stopAt` (all steps when nil). Returns the slots and the index of the last step run
    /// (−1 when `stopAt` is an input or constant).
    /// - Parameter reluInPlace: for reverse mode, a Relu right after its producer overwrites the
    ///   producer's value, both slots then holding it (`reluRunsInPlace`, ReverseMode+Relu.swift).
    func forwardKeepingValues(_ inputs: [String: Tensor<Float>], threads: Int, stopAt: Int? = nil, reluInPlace: Bool = false) throws -> (slots: [Value?], lastStep: Int) {
        var slots = constants
        for (inputName, slot) in inputSlots {
            guard let tensor = inputs[inputName], tensor.shape == inputShapes[inputName] else {
                throw InferenceError("model input '\(inputName)' missing or not of the planned shape \(inputShapes[inputName] ?? [])")
            }
            slots[slot] = .float(tensor)
        }
        BLAS.setThreads(threads)
        let context = ExecutionContext(threads: threads, buffers: buffers)
        var lastStep = -1
        var index = 0
        while index < steps.count {
            if let stopAt, slots[stopAt] != nil { break }
            let step = steps[index]
            var stepContext = context
            stepContext.window = step.window
            stepContext.convolutionWeights = step.convolutionWeights
            var results = try execute(step, slots: slots, context: stepContext)
            if reluInPlace, reluRunsInPlace(after: index, stopAt: stopAt), case .float(var tensor) = results[0] {
                results[0] = .int(Tensor(shape: [0], scalars: []))  // the tensor's buffer is now unique: no copy
                Elementwise.reluInPlace(&tensor.scalars, threads: threads)
                results[0] = .float(tensor)
                index += 1
                slots[steps[index].outputSlots[0]!] = results[0]
            }
            for (slot, value) in zip(step.outputSlots, results) { if let slot { slots[slot] = value } }
            lastStep = index
            index += 1
        }
        if let stopAt, inputSlots.values.contains(stopAt) || constants[stopAt] != nil { lastStep = -1 }
        return (slots, lastStep)
    }

    /// Runs one step, reading each input from `slots`, or from the plan's constants where
    /// `slots` has none. Its arguments die on return, so released inputs can be recycled.
    private func execute(_ step: Step, slots: [Value?], context: ExecutionContext) throws -> [Value] {
        let arguments = step.inputSlots.map { $0.flatMap { slots[$0] ?? constants[$0] } }
        return try step.node.op.forward(arguments, outputShapes: step.outputShapes, node: step.node, context: context)
    }

    private static func check(_ shape: [Int], against input: ValueInfo) throws {
        guard input.dimensions.isEmpty || shape.count == input.dimensions.count else {
            throw InferenceError("model input '\(input.name)' has shape \(input.shapeDescription) but was given rank-\(shape.count) data \(shape)")
        }
        for (given, declared) in zip(shape, input.dimensions) {
            if let fixed = declared.fixedValue, fixed > 0, fixed != given {
                throw InferenceError("model input '\(input.name)' has shape \(input.shapeDescription) but was given \(shape)")
            }
        }
    }

    /// Runs the plan on float inputs of the planned shapes; returns every graph output.
    /// - Parameter timing: called after each node with its wall time in seconds (profiling).
    /// With several threads and a batch to share, each thread runs a part of the batch.
    public func run(_ inputs: [String: Tensor<Float>], threads: Int = 1, timing: ((Node, Double) -> Void)? = nil) throws -> [String: Value] {
        if timing == nil, let outputs = try runInParts(inputs, threads: threads) { return outputs }
        return try runWhole(inputs, threads: threads, timing: timing)
    }

    /// Runs the whole batch step by step, kernels sharing `threads`.
    func runWhole(_ inputs: [String: Tensor<Float>], threads: Int, timing: ((Node, Double) -> Void)?) throws -> [String: Value] {
        // Computed values only: a copy of `constants` would retain and release every weight
        // and folded shape on each pass (a third of a batch-1 pass of a small transformer).
        var slots = [Value?](repeating: nil, count: constants.count)
        for (name, slot) in inputSlots {
            guard let tensor = inputs[name] else { throw InferenceError("missing value for model input '\(name)'") }
            guard tensor.shape == inputShapes[name] else {
                throw InferenceError("model input '\(name)' was planned for shape \(inputShapes[name] ?? []) but got \(tensor.shape)")
            }
            slots[slot] = .float(tensor)
        }
        BLAS.setThreads(threads)
        let context = ExecutionContext(threads: threads, buffers: buffers)
        var index = 0
        while index < steps.count {
            let step = steps[index]
            let started = timing == nil ? 0 : DispatchTime.now().uptimeNanoseconds
            var stepContext = context
            stepContext.window = step.window
            stepContext.convolutionWeights = step.convolutionWeights
            switch step.epilogue {
            case .relu?: stepContext.reluEpilogue = true
            case .softmax?: stepContext.softmaxEpilogue = true
            case .bias(let bias)?: stepContext.biasEpilogue = bias
            case .inPlace?, nil: break
            }
            var results = try execute(step, slots: slots, context: stepContext)
            var written = step.outputSlots
            if let epilogue = step.epilogue {
                if case .inPlace = epilogue, case .float(var tensor) = results[0] {
                    results[0] = .int(Tensor(shape: [0], scalars: []))  // the tensor's buffer is now unique: no copy
                    try Self.applyInPlace(steps[index + 1].node, to: &tensor, threads: threads)
                    results[0] = .float(tensor)
                }
                index += 1
                written = steps[index].outputSlots
            }
            if let timing { timing(step.node, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
            for (slot, value) in zip(written, results) { if let slot { slots[slot] = value } }
            for slot in step.releases {
                if case .float(let tensor)? = slots[slot] {
                    slots[slot] = nil
                    buffers.recycle(tensor.scalars)
                } else {
                    slots[slot] = nil
                }
            }
            index += 1
        }
        var outputs: [String: Value] = [:]
        for (name, slot) in outputSlots { outputs[name] = slots[slot] ?? constants[slot] }
        return outputs
    }
}

extension ExecutionPlan {
    /// What `runWhole` folds into `step` from `next`: only when `next` reads nothing but
    /// `step`'s single float output, which no other step reads.
    private static func epilogue(of step: Step, next: Step, known: [AbstractValue]) -> Epilogue? {
        let outputs = step.outputSlots.compactMap { $0 }
        guard outputs.count == 1, known[outputs[0]].type == .float, next.releases.contains(outputs[0]) else { return nil }
        let shape = known[outputs[0]].shape
        if next.inputSlots == [outputs[0]] {
            switch (step.node.op, next.node.op) {
            case (.conv, .unary(.relu)):
                return .relu
            case (.matMul, .softmax) where next.node.op.isSoftmax(overLastAxisOfRank: shape.count):
                return .softmax
            case (_, .unary(.relu)), (_, .softmax), (_, .logSoftmax):
                return .inPlace
            default:
                return nil
            }
        }
        // A MatMul then an Add of a constant bias over the last axis.
        guard case .matMul = step.node.op, case .binary(.add) = next.node.op, next.inputSlots.count == 2,
              next.inputSlots.contains(outputs[0]), let biasSlot = next.inputSlots.first(where: { $0 != outputs[0] }) ?? nil,
              case .float(let bias)? = known[biasSlot].constant, let n = shape.last, bias.count == n,
              bias.rank <= shape.count, bias.shape.last == n, next.outputShapes.first == shape else { return nil }
        return .bias(bias)
    }

    /// `node`'s op (one `runsInPlace` accepts) over a tensor no one else holds.
    static func applyInPlace(_ node: Node, to tensor: inout Tensor<Float>, threads: Int) throws {
        switch node.op {
        case .softmax(let axis, let coercedTo2D):
            try Softmax.normalise(&tensor, axis: axis, coercedTo2D: coercedTo2D, logarithmic: false, threads: threads, node: node)
        case .logSoftmax(let axis, let coercedTo2D):
            try Softmax.normalise(&tensor, axis: axis, coercedTo2D: coercedTo2D, logarithmic: true, threads: threads, node: node)
        default:
            Elementwise.reluInPlace(&tensor.scalars, threads: threads)
        }
    }
}

private extension Op {
    /// A Softmax (not LogSoftmax) along the last axis of an input of `rank` ≥ 1: contiguous rows.
    func isSoftmax(overLastAxisOfRank rank: Int) -> Bool {
        guard case .softmax(let axis, _) = self, rank >= 1 else { return false }
        return (axis < 0 ? axis + rank : axis) == rank - 1
    }
}

/// A Conv's weights in the layouts its input gradient reads, each made on the first backward
/// pass that needs it.
final class ConvolutionWeightLayouts: Sendable {
    /// The kernel flipped, the filter and channel axes swapped: dX as a convolution of dY.
    let flipped = PlanCache<[Float]>()
    /// (filters, kernel, channels): dX scattered from the few non-zeros of dY.
    let tapMajor = PlanCache<[Float]>()
    /// Winograd's chunk-kernels per point (`Conv.WinogradTransform.kernels`).
    let winograd = PlanCache<[Float]>()
}
