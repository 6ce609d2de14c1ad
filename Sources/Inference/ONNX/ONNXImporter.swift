import Foundation
import ONNXProto
import SwiftProtobuf

/// Loads an ONNX model into a `Graph`. ONNX files are pure data: loading one cannot run
/// code, unlike pickled PyTorch checkpoints.
public enum ONNXImporter {
    /// The oldest default-domain opset accepted (ONNX 1.1, 2017; PyTorch's own conformance
    /// cases use it). Opset 6's legacy `broadcast`/`axis` attributes are checked by the parser.
    static let minimumOpset = 6

    public static func load(contentsOf url: URL) throws -> Graph {
        let data: Data
        do {
            // Mapped, not read: reading copied Basset's 19 MB into fresh pages first (4,400 page
            // faults, ~8 ms of every command). The mapping lives only while the model decodes.
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw InferenceError("\(url.path): cannot read the model file (\(readReason(error)))")
        }
        do {
            return try load(data: data, modelDirectory: url.deletingLastPathComponent())
        } catch let error as InferenceError {
            throw InferenceError("\(url.lastPathComponent): \(error.description)")
        }
    }

    public static func load(data: Data, modelDirectory: URL?) throws -> Graph {
        let model = try decodedModel(data)
        guard !model.graph.output.isEmpty else {
            throw InferenceError("not an ONNX model: its graph has no outputs; export it with torch.onnx.export or tf2onnx")
        }
        let opset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map { Int($0.version) } ?? 1
        guard opset >= minimumOpset else {
            throw InferenceError("the model uses ONNX opset \(opset); seqlens needs opset \(minimumOpset) or newer (re-export with opset_version=17)")
        }
        let proto = model.graph

        var initializers: [String: Value] = [:]
        for tensor in proto.initializer {
            initializers[tensor.name] = try ONNXTensorDecoding.value(from: tensor, modelDirectory: modelDirectory)
        }

        var parser = ONNXNodeParser(opset: opset, modelDirectory: modelDirectory)
        var nodes: [Node] = []
        for (index, nodeProto) in proto.node.enumerated() {
            switch try parser.parse(nodeProto, index: index) {
            case .node(let node): nodes.append(node)
            case .constant(let name, let value): initializers[name] = value
            }
        }
        initializers.merge(parser.syntheticInitializers) { current, _ in current }
        // PRelu before opset 7 ran a 1-D slope along the channel axis, not numpy's last axis.
        if opset < 7, let node = nodes.first(where: { $0.opType == "PRelu" && (initializers[$0.inputs[1]]?.shape.count == 1 && initializers[$0.inputs[1]]?.shape != [1]) }) {
            throw InferenceError("node '\(node.name)' (PRelu) has a per-channel slope under opset \(opset)'s legacy broadcasting, which seqlens does not support; re-export the model with opset_version=17")
        }

        // Older IR versions also list initializers as graph inputs; those are not fed by users.
        let inputs = try proto.input.filter { initializers[$0.name] == nil }.map(valueInfo)
        let outputs = try proto.output.map(valueInfo)

        var metadata: [String: String] = [:]
        for entry in model.metadataProps { metadata[entry.key] = entry.value }
        if !model.docString.isEmpty, metadata["description"] == nil { metadata["description"] = model.docString }

        let sorted = try topologicallySorted(nodes, available: Set(initializers.keys).union(inputs.map(\.name)), outputs: outputs)
        return Graph(
            inputs: inputs, outputs: outputs, initializers: initializers, nodes: sorted, opset: opset,
            metadata: metadata, producer: [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        )
    }

    /// The model message of an .onnx file, or one line saying why the bytes are not one.
    static func decodedModel(_ data: Data) throws -> Onnx_ModelProto {
        guard !data.isEmpty else { throw InferenceError("the file is empty, not an ONNX model") }
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw InferenceError("not an ONNX model (protobuf decoding failed: \(protobufFailure(error))); export it with torch.onnx.export or tf2onnx")
        }
        guard model.hasGraph else {
            throw InferenceError("not an ONNX model: it has no graph; export it with torch.onnx.export or tf2onnx")
        }
        return model
    }

    private static func valueInfo(_ proto: Onnx_ValueInfoProto) throws -> ValueInfo {
        guard case .tensorType(let tensorType)? = proto.type.value else {
            return ValueInfo(name: proto.name, declaredType: "non-tensor", dimensions: [])
        }
        let typeName = Onnx_TensorProto.DataType(rawValue: Int(tensorType.elemType)).map { "\($0)" } ?? "type \(tensorType.elemType)"
        let dimensions: [ValueInfo.Dimension] = tensorType.shape.dim.map { dim in
            switch dim.value {
            case .dimValue(let n)?: .fixed(Int(n))
            case .dimParam(let name)?: .symbolic(name)
            case nil: .symbolic("")
            }
        }
        return ValueInfo(name: proto.name, declaredType: typeName, dimensions: dimensions)
    }

    /// Kahn's algorithm, keeping file order among ready nodes. Fails on a missing producer,
    /// a value produced twice, or a cycle.
    static func topologicallySorted(_ nodes: [Node], available: Set<String>, outputs: [ValueInfo]) throws -> [Node] {
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                if producer[output] != nil || available.contains(output) {
                    throw InferenceError("value '\(output)' is produced twice (node '\(node.name)'); the graph is invalid")
                }
                producer[output] = index
            }
        }
        var pending = Array(repeating: 0, count: nodes.count)
        var consumers: [Int: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty {
                if let source = producer[input] {
                    pending[index] += 1
                    consumers[source, default: []].append(index)
                } else if !available.contains(input) {
                    throw InferenceError("node '\(node.name)' reads '\(input)', which no node, input or initializer provides; the graph is invalid")
                }
            }
        }
        for output in outputs where producer[output.name] == nil && !available.contains(output.name) {
            throw InferenceError("graph output '\(output.name)' is not produced by any node")
        }
        // A min-heap would keep strict file order; a sorted ready list is plenty for CNN-sized graphs.
        var ready = (0..<nodes.count).filter { pending[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while !ready.isEmpty {
            let next = ready.removeFirst()
            order.append(next)
            for consumer in consumers[next] ?? [] {
                pending[consumer] -= 1
                if pending[consumer] == 0 {
                    let position = ready.firstIndex { $0 > consumer } ?? ready.count
                    ready.insert(consumer, at: position)
                }
            }
        }
        guard order.count == nodes.count else {
            let stuck = (0..<nodes.count).first { pending[$0] > 0 }.map { nodes[$0].name } ?? "?"
            throw InferenceError("the graph has a cycle (at node '\(stuck)'); it is invalid")
        }
        return order.map { nodes[$0] }
    }

    /// SwiftProtobuf's errors in words: its case names ("malformedProtobuf") mean nothing to users.
    private static func protobufFailure(_ error: Error) -> String {
        switch error as? BinaryDecodingError {
        case .truncated?: "the data ends in the middle of a field; the file is cut short"
        case .malformedProtobuf?: "the bytes are not a valid protobuf message"
        case .invalidUTF8?: "a text field is not valid UTF-8"
        case .messageDepthLimit?: "messages are nested too deeply"
        default: "the bytes are not a valid protobuf message"
        }
    }

    private static func readReason(_ error: Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoPermissionError { return "permission denied" }
        return nsError.localizedDescription
    }
}
