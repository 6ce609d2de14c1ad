import Foundation
import Genomics
import Inference

/// Everything `seqlens inspect` tells about a model, as a value (printed as text or JSON).
public struct ModelReport: Codable, Sendable {
    public struct Port: Codable, Sendable {
        public var name: String
        public var type: String
        public var shape: String
    }

    public var model: String
    public var producer: String
    public var opset: Int
    public var description: String?
    public var inputs: [Port]
    public var outputs: [Port]
    public var layout: String?
    public var alphabet: String?
    public var fixedLength: Int?
    public var tasks: [String]?
    public var parameters: Int
    public var ops: [String: Int]
    public var receptiveField: Int
    public var mixesAllPositions: Bool
    public var supported: Bool
    public var unsupportedOps: [String] = []
    /// Why the model cannot be used as a sequence model, when it cannot.
    public var problem: String?
    public var sidecar: String?

    /// Inspects a graph that imported (so every op is supported) as a sequence model.
    public init(model: SequenceModel) {
        self.init(graph: model.graph, url: model.url, card: model.card)
        layout = model.layout.rawValue
        alphabet = model.alphabet.displayName
        fixedLength = model.fixedLength
        if let length = model.fixedLength, let names = try? model.taskNames(length: length) { tasks = names }
    }

    public init(graph: Graph, url: URL, card: ModelCard?, problem: String? = nil) {
        let port = { (info: ValueInfo) in Port(name: info.name, type: info.declaredType, shape: info.shapeDescription) }
        let field = ReceptiveField(graph: graph)
        self.model = url.lastPathComponent
        self.producer = graph.producer
        self.opset = graph.opset
        self.description = card?.description
        self.inputs = graph.inputs.map(port)
        self.outputs = graph.outputs.map(port)
        self.tasks = card?.tasks
        self.parameters = graph.parameterCount
        self.ops = Dictionary(uniqueKeysWithValues: graph.opHistogram.map { ($0.opType, $0.count) })
        self.receptiveField = field.positional
        self.mixesAllPositions = field.mixesAllPositions
        self.supported = true
        self.problem = problem
        self.sidecar = card?.sidecar?.lastPathComponent
    }

    /// A model that did not load: what can still be told, and why it failed.
    public init(survey: ModelSurvey, url: URL, problem: String) {
        self.model = url.lastPathComponent
        self.producer = survey.producer
        self.opset = survey.opset
        self.inputs = []
        self.outputs = []
        self.parameters = 0
        self.ops = Dictionary(uniqueKeysWithValues: survey.opHistogram.map { ($0.opType, $0.count) })
        self.receptiveField = 0
        self.mixesAllPositions = false
        self.supported = survey.unsupportedOpTypes.isEmpty
        self.unsupportedOps = survey.unsupportedOpTypes
        self.problem = problem
    }

    public var text: String {
        var lines: [String] = []
        lines.append("model        \(model)\(producer.isEmpty ? "" : "  (\(producer), opset \(opset))")")
        if let description { lines.append("description  \(description)") }
        for port in inputs { lines.append("input        \(port.name)  \(port.type) \(port.shape)") }
        for port in outputs { lines.append("output       \(port.name)  \(port.type) \(port.shape)") }
        if let layout { lines.append("layout       \(layout) (\(layout == "channels-first" ? "N, A, L — PyTorch" : "N, L, A — Keras"))") }
        if let alphabet { lines.append("alphabet     \(alphabet)") }
        lines.append("length       \(fixedLength.map { "\($0) nt (fixed)" } ?? "any (within the receptive field)")")
        if let tasks { lines.append("tasks        \(tasks.count): \(tasks.joined(separator: ", "))") }
        if !inputs.isEmpty {
            lines.append("parameters   \(parameters.withThousandsSeparators)")
            lines.append("receptive    \(receptiveField) nt through the convolution and pooling layers\(mixesAllPositions ? "; later layers mix all positions" : "")")
        }
        let histogram = ops.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        lines.append("ops          " + histogram.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        lines.append("supported    \(supported ? "yes, every op runs in seqlens" : "no: \(unsupportedOps.joined(separator: ", ")) not supported")")
        if let sidecar { lines.append("sidecar      \(sidecar) (overrides the ONNX metadata)") }
        if let problem { lines.append("problem      \(problem)") }
        return lines.joined(separator: "\n")
    }
}

extension Int {
    var withThousandsSeparators: String {
        let digits = String(self)
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }
}
