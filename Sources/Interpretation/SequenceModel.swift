import Alignments
import Foundation
import Genomics
import Inference

/// A model that reads one-hot sequences: the graph plus what it takes to feed it
/// (input layout, alphabet, length, any further inputs) and to name its outputs (tasks).
/// Read through an `OutputTarget`, its one task is that target's value.
public final class SequenceModel: @unchecked Sendable {
    public let url: URL
    public let graph: Graph
    public let card: ModelCard
    public let inputName: String
    public let outputName: String
    public let layout: SequenceLayout
    public let alphabet: Alphabet
    /// The sequence length the model requires, nil when any length (within its receptive field) works.
    public let fixedLength: Int?
    /// When set, the model's single task: one number per sequence read from `outputName`.
    public let target: OutputTarget?
    /// The model's other inputs (control tracks, bias models): zeros unless given.
    public let extraInputs: [ExtraInput]
    /// The Potts model or PSSM the graph was built from (`PottsGraph`): its mutagenesis takes the native route.
    public let potts: PottsModel?

    /// Compiled plans by (batch, length); planning is cheap, but not free.
    private var plans: [PlanKey: ExecutionPlan] = [:]
    private let planLock = NSLock()
    private struct PlanKey: Hashable { var batch: Int; var length: Int }

    public convenience init(contentsOf url: URL, outputName: String? = nil) throws {
        let graph = try ONNXImporter.load(contentsOf: url)
        try self.init(graph: graph, url: url, card: ModelCard.load(for: url, metadata: graph.metadata), outputName: outputName)
    }

    public init(graph: Graph, url: URL, card: ModelCard, outputName: String? = nil, potts: PottsModel? = nil) throws {
        let name = url.lastPathComponent
        let input = try Self.sequenceInput(of: graph, card: card, modelName: name)
        let second = input.dimensions[1].fixedValue, third = input.dimensions[2].fixedValue
        let alphabet = card.alphabet ?? Self.alphabet(inputShape: [second, third], layout: card.layout)
        let layout: SequenceLayout
        if let declared = card.layout {
            layout = declared
        } else if second == alphabet.size {
            layout = .channelsFirst
        } else if third == alphabet.size {
            layout = .channelsLast
        } else {
            throw InterpretationError("\(name): cannot tell the layout from input shape \(input.shapeDescription) (no axis of size \(alphabet.size) for \(alphabet.displayName)); add \"layout\": \"channels-first\" or \"channels-last\" to \(url.deletingPathExtension().lastPathComponent).json")
        }
        let channelDimension = layout == .channelsFirst ? second : third
        if let channelDimension, channelDimension != alphabet.size {
            throw InterpretationError("\(name): input '\(input.name)' \(input.shapeDescription) has \(channelDimension) channels where the \(layout.rawValue) layout puts the alphabet; \(alphabet.displayName) (\(alphabet.lettersString)) has \(alphabet.size), and seqlens reads 4 (DNA, RNA), 20 (protein) or 21 (protein with gap); declare \"alphabet\" in \(url.deletingPathExtension().lastPathComponent).json")
        }
        let lengthDimension = layout == .channelsFirst ? input.dimensions[2] : input.dimensions[1]
        self.url = url
        self.graph = graph
        self.card = card
        self.inputName = input.name
        self.layout = layout
        self.alphabet = alphabet
        self.fixedLength = lengthDimension.fixedValue.flatMap { $0 > 0 ? $0 : nil }
        self.potts = potts
        self.target = nil
        self.extraInputs = try graph.inputs.filter { $0.name != input.name }.map {
            try ExtraInput(info: $0, sequenceLength: lengthDimension, modelName: name)
        }
        if let outputName {
            guard graph.outputs.contains(where: { $0.name == outputName }) else {
                throw InterpretationError("\(name): no output named '\(outputName)'; outputs are \(graph.outputs.map(\.name).joined(separator: ", "))")
            }
            self.outputName = outputName
        } else {
            self.outputName = graph.outputs[0].name
        }
    }

    /// The alphabet a model without a card's word on it reads, from its channel count: an axis of 4
    /// is DNA (checked first: a DNA model may be 20 long), 20 is protein, 21 protein with the gap
    /// first (plmc's order); anything else DNA, the common case.
    static func alphabet(inputShape: [Int?], layout: SequenceLayout?) -> Alphabet {
        let channels: [Int?] = switch layout {
        case .channelsFirst?: [inputShape[0]]
        case .channelsLast?: [inputShape[1]]
        case nil: inputShape
        }
        if channels.contains(4) { return .dna }
        if channels.contains(20) { return .protein }
        if channels.contains(21) { return .proteinGapped }
        return .dna
    }

    /// The same model with another graph, output, target or extra inputs.
    private init(_ model: SequenceModel, graph: Graph? = nil, outputName: String? = nil, target: OutputTarget?, extraInputs: [ExtraInput]? = nil) {
        self.url = model.url
        self.graph = graph ?? model.graph
        self.card = model.card
        self.inputName = model.inputName
        self.outputName = outputName ?? model.outputName
        self.layout = model.layout
        self.alphabet = model.alphabet
        self.fixedLength = model.fixedLength
        self.target = target
        self.extraInputs = extraInputs ?? model.extraInputs
        self.potts = model.potts
    }

    /// The one-hot sequence input: the only input, or among several the first float input of
    /// rank 3 with an axis of 4 (the alphabet) where the layout puts it.
    private static func sequenceInput(of graph: Graph, card: ModelCard, modelName name: String) throws -> ValueInfo {
        let candidates = graph.inputs.count == 1 ? graph.inputs : graph.inputs.filter { input in
            guard input.declaredType == "float", input.dimensions.count == 3 else { return false }
            let alphabetAxes = card.layout.map { [$0 == .channelsFirst ? 1 : 2] } ?? [1, 2]
            return alphabetAxes.contains { input.dimensions[$0].fixedValue == 4 }
        }
        guard let input = candidates.first else {
            let listing = graph.inputs.map { "\($0.name) \($0.declaredType) \($0.shapeDescription)" }.joined(separator: ", ")
            throw InterpretationError("\(name): none of the model's \(graph.inputs.count) inputs (\(listing)) is a one-hot sequence: float32 (batch, 4, length) or (batch, length, 4)")
        }
        guard input.declaredType == "float" else {
            throw InterpretationError("\(name): input '\(input.name)' is \(input.declaredType), but seqlens feeds one-hot float32 sequences; is this a sequence model?")
        }
        guard input.dimensions.count == 3 else {
            throw InterpretationError("\(name): input '\(input.name)' has shape \(input.shapeDescription); seqlens expects (batch, 4, length) as PyTorch exports or (batch, length, 4) as Keras exports")
        }
        return input
    }

    /// The same model reading output `name` (its tasks are that output's values).
    public func reading(output name: String) throws -> SequenceModel {
        guard graph.outputs.contains(where: { $0.name == name }) else {
            throw InterpretationError("\(url.lastPathComponent): no output named '\(name)'; outputs are \(graph.outputs.map(\.name).joined(separator: ", "))")
        }
        return SequenceModel(self, outputName: name, target: nil)
    }

    /// The same model read through `target`: one task, the target's value.
    public func targeting(_ target: OutputTarget) -> SequenceModel {
        SequenceModel(self, target: target)
    }

    /// The same model with arrays for some of its extra inputs, by input name (the others stay zeros).
    /// Each array is one sequence's worth, fed to every sequence: the input's shape without the
    /// batch axis, or with a batch axis of 1.
    public func feeding(_ arrays: [String: Tensor<Float>]) throws -> SequenceModel {
        var extras = extraInputs
        for (name, array) in arrays.sorted(by: { $0.key < $1.key }) {
            guard let index = extras.firstIndex(where: { $0.info.name == name }) else {
                let others = extras.map(\.info.name)
                throw InterpretationError("--input \(name)=…: \(url.lastPathComponent) has no extra input '\(name)'\(others.isEmpty ? " (its only input is the sequence, '\(inputName)')" : "; its extra inputs: \(others.joined(separator: ", "))")")
            }
            try extras[index].set(array)
        }
        return SequenceModel(self, target: target, extraInputs: extras)
    }

    /// Every input of the graph for a batch of encoded sequences: the sequences and the extra inputs.
    public func feed(_ sequences: Tensor<Float>) throws -> [String: Tensor<Float>] {
        let length = layout == .channelsFirst ? sequences.shape[2] : sequences.shape[1]
        var inputs = [inputName: sequences]
        for extra in extraInputs { inputs[extra.info.name] = try extra.tensor(batch: sequences.shape[0], length: length) }
        return inputs
    }

    /// The shape of a batch of `count` sequences of `length` in the model's layout.
    public func inputShape(batch count: Int, length: Int) -> [Int] {
        layout == .channelsFirst ? [count, alphabet.size, length] : [count, length, alphabet.size]
    }

    /// The compiled plan for a batch shape (cached).
    public func plan(batch: Int, length: Int) throws -> ExecutionPlan {
        let key = PlanKey(batch: batch, length: length)
        planLock.lock()
        defer { planLock.unlock() }
        if let plan = plans[key] { return plan }
        if let fixedLength, fixedLength != length {
            throw InterpretationError("\(url.lastPathComponent) takes sequences of exactly \(fixedLength) nt, not \(length); use --pad or --crop to fit them")
        }
        let plan: ExecutionPlan
        do {
            var shapes = [inputName: inputShape(batch: batch, length: length)]
            for extra in extraInputs { shapes[extra.info.name] = try extra.shape(batch: batch, length: length) }
            plan = try ExecutionPlan(graph: graph, inputShapes: shapes)
        } catch let error as InferenceError {
            throw InterpretationError("\(url.lastPathComponent) cannot run on sequences of \(length) nt: \(error.description)")
        }
        // Results are split per sequence along the first axis, so an op that merges or
        // reorders the batch (a Reshape to (1, -1), a reduction over axis 0) cannot be read.
        if let shape = plan.outputShapes[outputName], shape.first != batch {
            throw InterpretationError("\(url.lastPathComponent): output '\(outputName)' has shape \(shape) for a batch of \(batch) sequences; seqlens needs the batch as the output's first axis (check Reshape and reductions over axis 0)")
        }
        plans[key] = plan
        return plan
    }

    /// Number of values the output has per sequence, and the task names for them
    /// (the target's label alone when the model is read through one).
    public func taskNames(length: Int) throws -> [String] {
        if let target { return [target.label] }
        let shape = try plan(batch: 1, length: length).outputShapes[outputName] ?? []
        let count = shape.dropFirst().reduce(1, *)
        if let tasks = card.tasks, tasks.count == count { return tasks }
        // Among several outputs, the output's name says which head a value comes from.
        if graph.outputs.count > 1 { return count == 1 ? [outputName] : (0..<count).map { "\(outputName)_\($0)" } }
        return (0..<count).map { "task_\($0)" }
    }

    /// The same model with the value before a final Sigmoid, Softmax or LogSoftmax as its output:
    /// what `--logits` predicts and mutates (logits do not saturate near 0 and 1).
    public func logits(length: Int) throws -> SequenceModel {
        guard let name = try plan(batch: 1, length: length).logitsName(for: outputName) else {
            throw InterpretationError("--logits: output '\(outputName)' does not come from a final Sigmoid or Softmax, so it already is the pre-activation value")
        }
        var graph = self.graph
        let dimensions = graph.outputs.first { $0.name == outputName }?.dimensions ?? []
        graph.outputs = [ValueInfo(name: name, declaredType: "float", dimensions: dimensions)]
        return SequenceModel(self, graph: graph, outputName: name, target: target)
    }

    /// The output is a probability: it comes from a final Sigmoid or Softmax.
    public var outputsProbabilities: Bool {
        switch graph.nodes.last(where: { $0.outputs.contains(outputName) })?.op {
        case .unary(.sigmoid)?, .softmax?: return true
        default: return false
        }
    }

    /// Runs one-hot encoded sequences (all of one length) through the model.
    /// - Returns: the chosen output, shape (N, T) with T the values per sequence.
    public func predict(_ sequences: [[UInt8]], batchSize: Int = 64, threads: Int = 1, progress: ((Int) -> Void)? = nil) throws -> Tensor<Float> {
        guard let length = sequences.first?.count else { return Tensor(shape: [0, 0], scalars: []) }
        var scalars: [Float] = []
        var perSequence = 0
        var done = 0
        while done < sequences.count {
            let batch = Array(sequences[done ..< min(done + batchSize, sequences.count)])
            let input = Tensor(shape: inputShape(batch: batch.count, length: length),
                               scalars: try OneHot.encode(batch, alphabet: alphabet, layout: layout))
            let output = try predictEncoded(input, threads: threads)
            perSequence = output.count / max(batch.count, 1)
            scalars.append(contentsOf: output.scalars)
            done += batch.count
            progress?(done)
        }
        return Tensor(shape: [sequences.count, perSequence], scalars: scalars)
    }

    /// Runs an already encoded batch in the model's layout: (N, T), T the tasks.
    public func predictEncoded(_ input: Tensor<Float>, threads: Int = 1) throws -> Tensor<Float> {
        let length = layout == .channelsFirst ? input.shape[2] : input.shape[1]
        let plan = try plan(batch: input.shape[0], length: length)
        guard case .float(let output)? = try plan.run(feed(input), threads: threads)[outputName] else {
            throw InterpretationError("\(url.lastPathComponent): output '\(outputName)' is not a float tensor")
        }
        return tasks(of: output)
    }

    /// The tasks (N, T) of the output's value for N sequences: the values themselves, or the
    /// target's value of each sequence.
    public func tasks(of output: Tensor<Float>) -> Tensor<Float> {
        guard let target else { return output }
        let n = output.shape[0], per = output.count / max(n, 1)
        return Tensor(shape: [n, 1], scalars: (0..<n).map { target.value(output.scalars[$0 * per ..< ($0 + 1) * per]) })
    }

    /// The seed of the backward pass for `task` of every sequence, given the output's value
    /// (N, …): the gradient of the task with respect to the output.
    public func seed(task: Int, output: Tensor<Float>) -> Tensor<Float> {
        let n = output.shape[0], per = output.count / max(n, 1)
        guard let target else {
            var seed = Tensor<Float>(shape: output.shape, repeating: 0)
            for sample in 0..<n { seed.scalars[sample * per + task] = 1 }
            return seed
        }
        return Tensor(shape: output.shape, scalars: (0..<n).flatMap { target.seed(output.scalars[$0 * per ..< ($0 + 1) * per]) })
    }
}
