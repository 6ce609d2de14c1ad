import Foundation
import ONNXProto
import SwiftProtobuf

/// Builds small ONNX models in tests, so malformed and edge-case models are made in code
/// rather than committed as opaque binaries.
public struct ModelBuilder {
    public var model = Onnx_ModelProto()

    public init(opset: Int64 = 17) {
        model.irVersion = 8
        model.producerName = "seqlens-tests"
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
    }

    /// A tensor input/output description; nil dims are symbolic.
    public static func valueInfo(_ name: String, type: Onnx_TensorProto.DataType = .float, dims: [Int64?]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(type.rawValue)
        tensorType.shape.dim = dims.map { value in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let value { dim.dimValue = value } else { dim.dimParam = "batch" }
            return dim
        }
        info.type.tensorType = tensorType
        return info
    }

    public static func floatTensor(_ name: String, dims: [Int64], values: [Float]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.floatData = values
        return tensor
    }

    public static func int64Tensor(_ name: String, dims: [Int64], values: [Int64]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.int64Data = values
        return tensor
    }

    /// A float tensor stored in an external file (`location`, relative to the model's folder).
    public static func externalFloatTensor(_ name: String, dims: [Int64], location: String, offset: Int = 0) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.dataLocation = .external
        let length = dims.reduce(1, *) * 4
        tensor.externalData = [("location", location), ("offset", "\(offset)"), ("length", "\(length)")].map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return tensor
    }

    public static func node(_ opType: String, inputs: [String], outputs: [String], name: String = "", attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.input = inputs
        node.output = outputs
        node.name = name
        node.attribute = attributes
        return node
    }

    public static func intsAttribute(_ name: String, _ values: [Int64]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values
        return attribute
    }

    public static func intAttribute(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = value
        return attribute
    }

    public static func floatAttribute(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    /// A bool tensor (ONNX stores bools in int32_data).
    public static func boolTensor(_ name: String, dims: [Int64], values: [Bool]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = Int32(Onnx_TensorProto.DataType.bool.rawValue)
        tensor.int32Data = values.map { $0 ? 1 : 0 }
        return tensor
    }

    public static func floatsAttribute(_ name: String, _ values: [Float]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .floats
        attribute.floats = values
        return attribute
    }

    public static func stringsAttribute(_ name: String, _ values: [String]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .strings
        attribute.strings = values.map { Data($0.utf8) }
        return attribute
    }

    public static func stringAttribute(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .string
        attribute.s = Data(value.utf8)
        return attribute
    }

    /// A working sequence model: Conv(4→2, k=3) → GlobalAveragePool → Flatten → Sigmoid,
    /// input (batch, 4, length) channels-first.
    public static func tinyConvModel(length: Int64? = nil, metadata: [String: String] = [:]) -> ModelBuilder {
        var builder = ModelBuilder()
        builder.model.graph.name = "tiny"
        builder.model.graph.input = [valueInfo("x", dims: [nil, 4, length])]
        builder.model.graph.output = [valueInfo("y", dims: [nil, 2])]
        let weights = (0..<24).map { Float($0 % 7) / 7 - 0.4 }
        builder.model.graph.initializer = [
            floatTensor("w", dims: [2, 4, 3], values: weights),
            floatTensor("b", dims: [2], values: [0.1, -0.2]),
        ]
        builder.model.graph.node = [
            node("Conv", inputs: ["x", "w", "b"], outputs: ["c"], name: "conv"),
            node("GlobalAveragePool", inputs: ["c"], outputs: ["g"], name: "pool"),
            node("Flatten", inputs: ["g"], outputs: ["f"], name: "flatten"),
            node("Sigmoid", inputs: ["f"], outputs: ["y"], name: "sigmoid"),
        ]
        builder.model.metadataProps = metadata.sorted { $0.key < $1.key }.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return builder
    }

    public func serialized() throws -> Data {
        try model.serializedData()
    }

    /// Writes the model to `directory/name` and returns its URL.
    @discardableResult
    public func write(to directory: URL, name: String = "model.onnx") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try serialized().write(to: url)
        return url
    }
}

/// A fresh temporary directory, removed by the caller's teardown if wanted.
public func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
