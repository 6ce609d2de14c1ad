import Foundation
import Genomics
import Inference

/// Everything `seqlens inspect` tells about a model, as a value (printed as text or JSON).
public struct ModelReport: Codable, Sendable {
    public struct Port: Codable, Sendable {
        public var name: String
        public var type: String
        public var shape: String
        /// What seqlens reads or feeds there: "2 tracks × 64 bins (tracks-bins)", "extra: zeros unless --input …".
        public var role: String?
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
    /// How `--target` reads the outputs, with an example for this model.
    public var target: String?

    /// Inspects a graph that imported (so every op is supported) as a sequence model.
    public init(model: SequenceModel) {
        self.init(graph: model.graph, url: model.url, card: model.card)
        layout = model.layout.rawValue
        // Proteins by the card's names: "protein" and "protein-gap" differ in their channels.
        alphabet = model.alphabet.isNucleic ? model.alphabet.displayName : model.alphabet.rawValue
        fixedLength = model.fixedLength
        // Task names of a one-axis output; a two-axis output's tracks keep the card's names.
        if let length = model.fixedLength, let shapes = try? model.outputShapes(length: length), shapes[0].shape.count <= 1,
           let names = try? model.taskNames(length: length) {
            tasks = names
        }
        for index in inputs.indices where inputs[index].name != model.inputName {
            inputs[index].role = "extra input: zeros unless --input \(inputs[index].name)=FILE.npy"
        }
        // Per-sequence shapes: planned for a fixed length, else as declared.
        let planned = try? model.fixedLength.map { try model.outputShapes(length: $0) }
        var example: String?
        for (index, info) in model.graph.outputs.enumerated() {
            let shape = planned?.first { $0.name == info.name }?.shape ?? info.dimensions.dropFirst().map { $0.fixedValue ?? 0 }
            func size(_ n: Int) -> String { n > 0 ? "\(n)" : "?" }
            switch shape.count {
            case 0, 1:
                let count = shape.first ?? 1
                outputs[index].role = "\(size(count)) task\(count == 1 ? "" : "s")"
                example = example ?? (index == 0 ? "--target 0" : "--target \(info.name):0")
            case 2:
                let axes = model.inferredAxes(shape: shape)
                let (tracks, bins) = axes == .tracksBins ? (shape[0], shape[1]) : (shape[1], shape[0])
                outputs[index].role = "\(size(tracks)) track\(tracks == 1 ? "" : "s") × \(size(bins)) bins (\(axes.rawValue); override with axes=)"
                example = "--target '\(info.name):track=0,bins=\(bins > 1 ? "0:\(bins / 2)" : "0"),reduce=\(tracks <= 2 ? "profile" : "sum")'"
            default:
                outputs[index].role = "\(shape.count) axes per sequence: not a target seqlens reads"
            }
        }
        target = TargetSyntax.summary + (example.map { "  e.g. \($0)" } ?? "")
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
        for port in inputs { lines.append("input        \(port.name)  \(port.type) \(port.shape)" + (port.role.map { "  \($0)" } ?? "")) }
        for port in outputs { lines.append("output       \(port.name)  \(port.type) \(port.shape)" + (port.role.map { "  \($0)" } ?? "")) }
        if let target { lines.append("target       --target \(target)") }
        if let layout { lines.append("layout       \(layout) (\(layout == "channels-first" ? "N, A, L — PyTorch" : "N, L, A — Keras"))") }
        if let alphabet { lines.append("alphabet     \(alphabet)") }
        func letters(_ n: Int) -> String { alphabet?.hasPrefix("protein") == true ? "\(n) residue\(n == 1 ? "" : "s")" : "\(n) nt" }
        lines.append("length       \(fixedLength.map { "\(letters($0)) (fixed)" } ?? "any (within the receptive field)")")
        if let tasks { lines.append("tasks        \(tasks.count): \(tasks.joined(separator: ", "))") }
        if !inputs.isEmpty {
            lines.append("parameters   \(parameters.withThousandsSeparators)")
            lines.append("receptive    \(letters(receptiveField)) through the convolution and pooling layers\(mixesAllPositions ? "; later layers mix all positions" : "")")
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
