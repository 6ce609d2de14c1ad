import Foundation
import Inference

/// Joins the outputs of a run split with `--shard` (each shard a contiguous block of the records,
/// or of the motifs for scan) into what the single run writes, byte for byte: shards are taken in
/// the order given, which must be shard order (1/N first).
public enum ShardMerge {
    /// Tables (.tsv): the header once — every shard's must be the same — then each shard's rows.
    public static func tables(_ shards: [(source: String, data: Data)]) throws -> Data {
        var merged = Data()
        var header: Data?
        for (source, data) in shards {
            let end = data.firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.endIndex
            let head = data[data.startIndex ..< end]
            if let header, header != head {
                throw InterpretationError("\(source): its header differs from the first shard's; shards of one run share their header (same command and options, another --shard)")
            }
            if header == nil {
                header = head
                merged.append(head)
            }
            merged.append(data[end...])
        }
        return merged
    }

    /// One array per shard (.npy), concatenated along the first axis (records).
    public static func arrays(_ shards: [(source: String, array: NPYArray)]) throws -> NPYArray {
        guard let first = shards.first else { throw InterpretationError("no shards to merge") }
        guard !first.array.shape.isEmpty else { throw InterpretationError("\(first.source): a single number, not an array of records; nothing to join") }
        for (source, array) in shards.dropFirst() where array.shape.dropFirst() != first.array.shape.dropFirst() || array.shape.isEmpty {
            throw InterpretationError("\(source): an array of shape \(array.shape) does not continue the first shard's \(first.array.shape) (only the first axis, the records, may differ)")
        }
        switch first.array {
        case .float: return .float(try concatenate(shards) { if case .float(let t) = $0 { t } else { nil } })
        case .int: return .int(try concatenate(shards) { if case .int(let t) = $0 { t } else { nil } })
        case .text: return .text(try concatenate(shards) { if case .text(let t) = $0 { t } else { nil } })
        }
    }

    /// Archives (.npz): arrays named alike are concatenated along their first axis, except those
    /// that label the whole run (`ArrayOutput.runLabels`: tasks, alphabet), which must agree and
    /// are kept once. Every shard must hold the same arrays in the same order.
    public static func archives(_ shards: [(source: String, arrays: [(name: String, value: NPYArray)])]) throws -> [(String, NPYArray)] {
        guard let first = shards.first else { throw InterpretationError("no shards to merge") }
        let names = first.arrays.map(\.name)
        for (source, arrays) in shards.dropFirst() where arrays.map(\.name) != names {
            throw InterpretationError("\(source): holds arrays \(arrays.map(\.name).joined(separator: ", ")) where the first shard holds \(names.joined(separator: ", ")); shards of one run hold the same arrays")
        }
        return try names.enumerated().map { column, name in
            let parts = shards.map { (source: "\($0.source), array '\(name)'", array: $0.arrays[column].value) }
            guard ArrayOutput.runLabels.contains(name) else { return (name, try arrays(parts)) }
            let firstBytes = NPY.encode(parts[0].array)
            if let other = parts.first(where: { NPY.encode($0.array) != firstBytes }) {
                throw InterpretationError("\(other.source) differs from the first shard's; shards of one run share it (same model and options, another --shard)")
            }
            return (name, parts[0].array)
        }
    }

    private static func concatenate<Scalar>(_ shards: [(source: String, array: NPYArray)], _ unwrap: (NPYArray) -> Tensor<Scalar>?) throws -> Tensor<Scalar> {
        var scalars: [Scalar] = []
        var rows = 0
        for (source, array) in shards {
            guard let tensor = unwrap(array) else {
                throw InterpretationError("\(source): holds another kind of numbers (or text) than the first shard's")
            }
            scalars += tensor.scalars
            rows += tensor.shape[0]
        }
        return Tensor(shape: [rows] + shards[0].array.shape.dropFirst(), scalars: scalars)
    }
}
