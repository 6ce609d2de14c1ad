import Foundation
import ONNXProto

/// A light look at a model that may not import: its op types and which are unsupported,
/// so `inspect` can say what is missing instead of only failing.
public struct ModelSurvey: Sendable {
    public var opHistogram: [(opType: String, count: Int)]
    public var unsupportedOpTypes: [String]
    public var opset: Int
    public var producer: String

    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url, options: .mappedIfSafe)
        let model: Onnx_ModelProto
        do { model = try ONNXImporter.decodedModel(data) } catch let error as InferenceError {
            throw InferenceError("\(url.lastPathComponent): \(error.description)")
        }
        var counts: [String: Int] = [:]
        for node in model.graph.node {
            let name = node.domain.isEmpty || node.domain == "ai.onnx" ? node.opType : "\(node.domain).\(node.opType)"
            counts[name, default: 0] += 1
        }
        opHistogram = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        unsupportedOpTypes = counts.keys.filter { ONNXOpType(rawValue: $0) == nil }.sorted()
        opset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map { Int($0.version) } ?? 1
        producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
    }
}
