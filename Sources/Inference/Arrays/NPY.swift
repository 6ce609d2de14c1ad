import Foundation

/// An array as a .npy file holds it: numbers, or text (numpy's fixed-width unicode, '<U…',
/// which `numpy.load` reads without pickle), e.g. the record ids next to attribution maps.
public enum NPYArray: Sendable {
    case float(Tensor<Float>)
    case int(Tensor<Int64>)
    case text(Tensor<String>)

    public var shape: [Int] {
        switch self {
        case .float(let t): t.shape
        case .int(let t): t.shape
        case .text(let t): t.shape
        }
    }
}

/// NumPy's .npy format (version 1.0/2.0, little-endian, C order): the array files
/// numpy, tangermeme and friends read and write.
public enum NPY {
    /// numpy's own limit on a header (`max_header_size`).
    static let maximumHeaderLength = 10_000

    /// Reads float32/float64 (as Float) or int32/int64 (as Int64) arrays.
    public static func read(contentsOf url: URL) throws -> Value {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InferenceError("\(url.path): cannot be read; check it is a file you may read")
        }
        do { return try decode(data) } catch let error as InferenceError {
            throw InferenceError("\(url.lastPathComponent): \(error.description)")
        }
    }

    /// A numeric array; text arrays are refused.
    public static func decode(_ data: Data) throws -> Value {
        switch try decodeArray(data) {
        case .float(let tensor): return .float(tensor)
        case .int(let tensor): return .int(tensor)
        case .text(let tensor): throw InferenceError(".npy array of shape \(tensor.shape) holds text, not numbers")
        }
    }

    /// Any array seqlens reads: float32/float64 (as Float), int32/int64 (as Int64), or unicode text.
    public static func decodeArray(_ data: Data) throws -> NPYArray {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw InferenceError("not a .npy file (missing the \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            guard bytes.count >= 12 else { throw InferenceError("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        // numpy itself refuses headers over 10000 bytes (max_header_size); a longer one is corrupt.
        guard headerLength <= maximumHeaderLength else { throw InferenceError(".npy header declares \(headerLength) bytes, more than numpy writes (\(maximumHeaderLength)); the file is corrupt") }
        guard headerStart + headerLength <= bytes.count else { throw InferenceError("truncated .npy header") }
        let header = String(decoding: bytes[headerStart ..< headerStart + headerLength], as: UTF8.self)
        guard let descr = field("descr", in: header), let shapeText = field("shape", in: header) else {
            throw InferenceError("unreadable .npy header: \(header.count > 80 ? header.prefix(80) + "…" : header)")
        }
        if field("fortran_order", in: header) == "True" {
            throw InferenceError(".npy array is in Fortran order; save it with numpy.ascontiguousarray")
        }
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { text -> Int in
                guard let n = Int(text), n >= 0 else { throw InferenceError("bad .npy shape \(shapeText)") }
                return n
            }
        var count = 1
        for dim in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= ONNXTensorDecoding.maximumScalarCount else { throw InferenceError(".npy shape \(shape) holds more than \(ONNXTensorDecoding.maximumScalarCount) values, the most seqlens reads; the file is corrupt or too large") }
            count = product
        }
        let body = data.dropFirst(headerStart + headerLength)
        func load<T: FixedWidthInteger>(_: T.Type, elements count: Int) throws -> [T] {
            let width = MemoryLayout<T>.size
            guard body.count >= count * width else {
                throw InferenceError(".npy data is \(body.count) bytes, expected \(count * width) for shape \(shape) (\(descr)); the file is truncated")
            }
            return body.withUnsafeBytes { raw in
                (0..<count).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * width, as: T.self)) }
            }
        }
        if descr.hasPrefix("<U"), let width = Int(descr.dropFirst(2)), width > 0 {
            // UTF-32 code points, `width` per element, NUL-padded.
            let (total, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, total <= ONNXTensorDecoding.maximumScalarCount else { throw InferenceError(".npy shape \(shape) of \(descr) holds more than \(ONNXTensorDecoding.maximumScalarCount) characters, the most seqlens reads; the file is corrupt or too large") }
            let points = try load(UInt32.self, elements: total)
            let strings = (0..<count).map { element in
                String(String.UnicodeScalarView(points[element * width ..< (element + 1) * width].prefix { $0 != 0 }.compactMap(Unicode.Scalar.init)))
            }
            return .text(Tensor(shape: shape, scalars: strings))
        }
        switch descr {
        case "<f4", "|f4": return .float(Tensor(shape: shape, scalars: try load(UInt32.self, elements: count).map { Float(bitPattern: $0) }))
        case "<f8", "|f8": return .float(Tensor(shape: shape, scalars: try load(UInt64.self, elements: count).map { Float(Double(bitPattern: $0)) }))
        case "<i8": return .int(Tensor(shape: shape, scalars: try load(UInt64.self, elements: count).map { Int64(bitPattern: $0) }))
        case "<i4": return .int(Tensor(shape: shape, scalars: try load(UInt32.self, elements: count).map { Int64(Int32(bitPattern: $0)) }))
        default:
            throw InferenceError(".npy element type '\(descr)' is not supported (float32, float64, int32, int64 and unicode text are)")
        }
    }

    /// A float32 .npy file's bytes.
    public static func encode(_ tensor: Tensor<Float>) -> Data {
        encode(.float(tensor))
    }

    /// A .npy file's bytes: float32, int64, or text as '<U' of the longest string's width.
    public static func encode(_ array: NPYArray) -> Data {
        let shape = array.shape
        let shapeText = shape.isEmpty ? "()" : (shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")")
        let descr: String
        switch array {
        case .float: descr = "<f4"
        case .int: descr = "<i8"
        case .text(let tensor): descr = "<U\(textWidth(tensor))"
        }
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Magic (6) + version (2) + length (2) + header + newline is padded to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        // Numbers in one copy each (appending value by value was a tenth of a saliency run).
        switch array {
        case .float(let tensor): appendLittleEndian(tensor.scalars, to: &data)
        case .int(let tensor): appendLittleEndian(tensor.scalars, to: &data)
        case .text(let tensor):
            let width = textWidth(tensor)
            var points: [UInt32] = []
            points.reserveCapacity(tensor.count * width)
            for string in tensor.scalars {
                points += string.unicodeScalars.map(\.value)
                points += repeatElement(0, count: width - string.unicodeScalars.count)
            }
            appendLittleEndian(points, to: &data)
        }
        return data
    }

    /// Characters per element of a text array: its longest string's (numpy's '<U' width).
    private static func textWidth(_ tensor: Tensor<String>) -> Int {
        max(1, tensor.scalars.map(\.unicodeScalars.count).max() ?? 1)
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ values: [T], to data: inout Data) {
        #if _endian(little)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        #else
        values.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        #endif
    }

    private static func appendLittleEndian(_ values: [Float], to data: inout Data) {
        #if _endian(little)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        #else
        appendLittleEndian(values.map(\.bitPattern), to: &data)
        #endif
    }

    /// The value of `key` in a .npy header dictionary (a Python literal).
    private static func field(_ key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        let rest = header[range.upperBound...].drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        if rest.first == "'" {
            let inner = rest.dropFirst()
            guard let close = inner.firstIndex(of: "'") else { return nil }
            return String(inner[..<close])
        }
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return rest[..<end].trimmingCharacters(in: .whitespaces)
    }
}
