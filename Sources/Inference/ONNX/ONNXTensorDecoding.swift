import Foundation
import ONNXProto

/// Turns ONNX TensorProtos (initializers, Constant values, test data) into engine values.
package enum ONNXTensorDecoding {
    /// The most scalars a single tensor may declare: anything larger is a corrupt or hostile
    /// file, refused before allocating.
    static let maximumScalarCount = Limits.maximumElementCount

    /// - Parameter modelDirectory: the folder external data paths are resolved against.
    package static func value(from proto: Onnx_TensorProto, modelDirectory: URL?) throws -> Value {
        let name = proto.name.isEmpty ? "(unnamed)" : proto.name
        var count = 1
        for dim in proto.dims {
            guard dim >= 0 else {
                throw InferenceError("tensor '\(name)' declares a negative dimension \(dim)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow, product <= maximumScalarCount else {
                throw InferenceError("tensor '\(name)' declares an absurd size \(proto.dims) (more than \(maximumScalarCount) elements); the file is corrupt")
            }
            count = product
        }
        let shape = proto.dims.map(Int.init)
        guard let dataType = Onnx_TensorProto.DataType(rawValue: Int(proto.dataType)) else {
            throw InferenceError("tensor '\(name)' has unknown data type \(proto.dataType)")
        }

        let raw: Data?
        if proto.dataLocation == .external {
            raw = try externalData(of: proto, name: name, modelDirectory: modelDirectory)
        } else if proto.hasRawData {
            raw = proto.rawData
        } else {
            raw = nil
        }

        func checkCount(_ got: Int, field: String) throws {
            guard got == count else {
                throw InferenceError("tensor '\(name)' declares shape \(shape) (\(count) elements) but its \(field) holds \(got); the file is corrupt")
            }
        }

        switch dataType {
        case .float:
            if let raw {
                guard raw.count == count * 4 else { throw InferenceError("tensor '\(name)': raw data is \(raw.count) bytes, expected \(count * 4)") }
                return .float(Tensor(shape: shape, scalars: decodeFloats(raw)))
            }
            try checkCount(proto.floatData.count, field: "float_data")
            return .float(Tensor(shape: shape, scalars: proto.floatData))
        case .double:
            if let raw {
                guard raw.count == count * 8 else { throw InferenceError("tensor '\(name)': raw data is \(raw.count) bytes, expected \(count * 8)") }
                return .float(Tensor(shape: shape, scalars: decodeLittleEndian(raw, as: UInt64.self).map { Float(Double(bitPattern: $0)) }))
            }
            try checkCount(proto.doubleData.count, field: "double_data")
            return .float(Tensor(shape: shape, scalars: proto.doubleData.map { Float($0) }))
        case .float16:
            // float16 travels in raw_data, or as bit patterns in int32_data.
            let bits: [UInt16]
            if let raw {
                guard raw.count == count * 2 else { throw InferenceError("tensor '\(name)': raw data is \(raw.count) bytes, expected \(count * 2)") }
                bits = decodeLittleEndian(raw, as: UInt16.self)
            } else {
                try checkCount(proto.int32Data.count, field: "int32_data")
                bits = proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }
            }
            return .float(Tensor(shape: shape, scalars: bits.map(floatFromHalf)))
        case .int64:
            if let raw {
                guard raw.count == count * 8 else { throw InferenceError("tensor '\(name)': raw data is \(raw.count) bytes, expected \(count * 8)") }
                return .int(Tensor(shape: shape, scalars: decodeLittleEndian(raw, as: UInt64.self).map { Int64(bitPattern: $0) }))
            }
            try checkCount(proto.int64Data.count, field: "int64_data")
            return .int(Tensor(shape: shape, scalars: proto.int64Data))
        case .int32, .int16, .int8, .uint8, .uint16, .bool:
            let width = dataType == .int32 ? 4 : (dataType == .int16 || dataType == .uint16 ? 2 : 1)
            if let raw {
                guard raw.count == count * width else { throw InferenceError("tensor '\(name)': raw data is \(raw.count) bytes, expected \(count * width)") }
                let scalars: [Int64]
                switch dataType {
                case .int32: scalars = decodeLittleEndian(raw, as: UInt32.self).map { Int64(Int32(bitPattern: $0)) }
                case .int16: scalars = decodeLittleEndian(raw, as: UInt16.self).map { Int64(Int16(bitPattern: $0)) }
                case .uint16: scalars = decodeLittleEndian(raw, as: UInt16.self).map { Int64($0) }
                case .int8: scalars = raw.map { Int64(Int8(bitPattern: $0)) }
                default: scalars = raw.map { Int64($0) }
                }
                return .int(Tensor(shape: shape, scalars: scalars))
            }
            try checkCount(proto.int32Data.count, field: "int32_data")
            return .int(Tensor(shape: shape, scalars: proto.int32Data.map { Int64($0) }))
        case .uint32, .uint64:
            if let raw {
                let width = dataType == .uint32 ? 4 : 8
                guard raw.count == count * width else { throw InferenceError("tensor '\(name)': raw data is \(raw.count) bytes, expected \(count * width)") }
                let scalars = dataType == .uint32
                    ? decodeLittleEndian(raw, as: UInt32.self).map { Int64($0) }
                    : decodeLittleEndian(raw, as: UInt64.self).map { Int64(bitPattern: $0) }
                return .int(Tensor(shape: shape, scalars: scalars))
            }
            try checkCount(proto.uint64Data.count, field: "uint64_data")
            return .int(Tensor(shape: shape, scalars: proto.uint64Data.map { Int64(bitPattern: $0) }))
        default:
            throw InferenceError("tensor '\(name)' has data type \(dataType), which seqlens does not support (float, double, float16 and integer tensors are)")
        }
    }

    /// Reads an external-data tensor. Locations are relative to the model's folder; absolute
    /// paths and paths leaving that folder are refused (a model must not read arbitrary files).
    private static func externalData(of proto: Onnx_TensorProto, name: String, modelDirectory: URL?) throws -> Data {
        var entries: [String: String] = [:]
        for entry in proto.externalData { entries[entry.key] = entry.value }
        guard let location = entries["location"], !location.isEmpty else {
            throw InferenceError("tensor '\(name)' is stored externally but names no location")
        }
        guard let modelDirectory else {
            throw InferenceError("tensor '\(name)' is stored in external file '\(location)', but the model was not loaded from a file")
        }
        guard !location.hasPrefix("/"), !location.hasPrefix("~") else {
            throw InferenceError("tensor '\(name)': external data path '\(location)' is absolute; seqlens only reads external data inside the model's folder")
        }
        let base = modelDirectory.standardizedFileURL.resolvingSymlinksInPath()
        let file = base.appendingPathComponent(location).standardizedFileURL.resolvingSymlinksInPath()
        guard file.path.hasPrefix(base.path.hasSuffix("/") ? base.path : base.path + "/") else {
            throw InferenceError("tensor '\(name)': external data path '\(location)' leaves the model's folder; refusing to read it")
        }
        let offset = Int(entries["offset"] ?? "0") ?? -1
        let length = entries["length"].flatMap { Int($0) }
        guard offset >= 0, length.map({ $0 >= 0 }) ?? true else {
            throw InferenceError("tensor '\(name)': external data offset/length are not valid numbers")
        }
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw InferenceError("tensor '\(name)': cannot open external data file '\(file.path)'; keep it next to the model")
        }
        defer { try? handle.close() }
        let fileSize = (try? handle.seekToEnd()).map(Int.init) ?? 0
        guard offset <= fileSize else {
            throw InferenceError("tensor '\(name)': external data offset \(offset) is beyond the end of '\(location)' (\(fileSize) bytes); the file is corrupt")
        }
        // Compared as remaining bytes, so a huge length cannot overflow offset + length.
        let wanted = length ?? (fileSize - offset)
        guard wanted <= fileSize - offset else {
            throw InferenceError("tensor '\(name)': external data file '\(location)' is \(fileSize) bytes, too short for offset \(offset) + length \(wanted)")
        }
        try handle.seek(toOffset: UInt64(offset))
        return try handle.read(upToCount: wanted) ?? Data()
    }

    /// float32 raw data: one copy on little-endian machines. Weights are most of a model's
    /// bytes and every command waits for them (decoding value by value took ~15 ms on Basset).
    private static func decodeFloats(_ data: Data) -> [Float] {
        #if _endian(little)
        return [Float](unsafeUninitializedCapacity: data.count / 4) { buffer, count in
            count = data.copyBytes(to: buffer) / 4
        }
        #else
        return decodeLittleEndian(data, as: UInt32.self).map { Float(bitPattern: $0) }
        #endif
    }

    private static func decodeLittleEndian<T: FixedWidthInteger>(_ data: Data, as type: T.Type) -> [T] {
        let count = data.count / MemoryLayout<T>.size
        return data.withUnsafeBytes { bytes in
            (0..<count).map { T(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
    }

    /// IEEE 754 half → single, bit-exact (Float16 is unavailable on some platforms).
    private static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        var exponent = Int32((bits >> 10) & 0x1F)
        var mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            exponent = 1
            while mantissa & 0x400 == 0 { mantissa <<= 1; exponent -= 1 }
            mantissa &= 0x3FF
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
    }
}
