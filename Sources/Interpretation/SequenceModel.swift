import Foundation
import Genomics
import Inference

/// A model that reads one-hot sequences: the graph plus what it takes to feed it
/// (input layout, alphabet, length) and to name its outputs (tasks).
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

    /// Compiled plans by (batch, length); planning is cheap, but not free.
    private var plans: [PlanKey: ExecutionPlan] = [:]
    private let planLock = NSLock()
    private struct PlanKey: Hashable { var batch: Int; var length: Int }

    public convenience init(contentsOf url: URL, outputName: String? = nil) throws {
        let graph = try ONNXImporter.load(contentsOf: url)
        try self.init(graph: graph, url: url, card: ModelCard.load(for: url, metadata: graph.metadata), outputName: outputName)
    }

    public init(graph: Graph, url: URL, card: ModelCard, outputName: String? = nil) throws {
        let name = url.lastPathComponent
        guard graph.inputs.count == 1, let input = graph.inputs.first else {
            throw InterpretationError("\(name): the model has \(graph.inputs.count) inputs (\(graph.inputs.map(\.name).joined(separator: ", "))); seqlens feeds models with exactly one one-hot sequence input")
        }
        guard input.declaredType == "float" else {
            throw InterpretationError("\(name): input '\(input.name)' is \(input.declaredType), but seqlens feeds one-hot float32 sequences; is this a sequence model?")
        }
        guard input.dimensions.count == 3 else {
            throw InterpretationError("\(name): input '\(input.name)' has shape \(input.shapeDescription); seqlens expects (batch, 4, length) as PyTorch exports or (batch, length, 4) as Keras exports")
        }
        let second = input.dimensions[1].fixedValue, third = input.dimensions[2].fixedValue
        let alphabetSize = 4
        let layout: SequenceLayout
        if let declared = card.layout {
            layout = declared
        } else if second == alphabetSize {
            layout = .channelsFirst
        } else if third == alphabetSize {
            layout = .channelsLast
        } else {
            throw InterpretationError("\(name): cannot tell the layout from input shape \(input.shapeDescription) (no axis of size 4); add \"layout\": \"channels-first\" or \"channels-last\" to \(url.deletingPathExtension().lastPathComponent).json")
        }
        let channelDimension = layout == .channelsFirst ? second : third
        if let channelDimension, channelDimension != alphabetSize {
            throw InterpretationError("\(name): input '\(input.name)' \(input.shapeDescription) has \(channelDimension) channels where the \(layout.rawValue) layout puts the alphabet; seqlens supports 4-letter alphabets (DNA, RNA)")
        }
        let lengthDimension = layout == .channelsFirst ? third : second
        self.url = url
        self.graph = graph
        self.card = card
        self.inputName = input.name
        self.layout = layout
        self.alphabet = card.alphabet ?? .dna
        self.fixedLength = lengthDimension.flatMap { $0 > 0 ? $0 : nil }
        if let outputName {
            guard graph.outputs.contains(where: { $0.name == outputName }) else {
                throw InterpretationError("\(name): no output named '\(outputName)'; outputs are \(graph.outputs.map(\.name).joined(separator: ", "))")
            }
            self.outputName = outputName
        } else {
            self.outputName = graph.outputs[0].name
        }
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
            plan = try ExecutionPlan(graph: graph, inputShapes: [inputName: inputShape(batch: batch, length: length)])
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

    /// Number of values the output has per sequence, and the task names for them.
    public func taskNames(length: Int) throws -> [String] {
        let shape = try plan(batch: 1, length: length).outputShapes[outputName] ?? []
        let count = shape.dropFirst().reduce(1, *)
        if let tasks = card.tasks, tasks.count == count { return tasks }
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
        return try SequenceModel(graph: graph, url: url, card: card)
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

    /// Runs an already encoded batch in the model's layout.
    public func predictEncoded(_ input: Tensor<Float>, threads: Int = 1) throws -> Tensor<Float> {
        let length = layout == .channelsFirst ? input.shape[2] : input.shape[1]
        let plan = try plan(batch: input.shape[0], length: length)
        guard case .float(let output)? = try plan.run([inputName: input], threads: threads)[outputName] else {
            throw InterpretationError("\(url.lastPathComponent): output '\(outputName)' is not a float tensor")
        }
        return output
    }
}
