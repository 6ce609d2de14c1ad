import Foundation
import Genomics
import Inference

/// Predictions for a set of records: one row per record, one column per task.
public struct PredictionTable: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case tsv, npy

        /// The format a file name asks for, nil when its extension is not one seqlens writes.
        public init?(path: String) {
            self.init(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
        }
    }

    public var ids: [String]
    public var tasks: [String]
    /// (N, T).
    public var values: Tensor<Float>

    /// Runs `records` through `model`, batching consecutive records of equal length.
    public static func predict(
        model: SequenceModel, records: [SequenceRecord], batchSize: Int, threads: Int, progress: ((Int) -> Void)? = nil
    ) throws -> PredictionTable {
        guard let first = records.first else {
            return PredictionTable(ids: [], tasks: [], values: Tensor(shape: [0, 0], scalars: []))
        }
        let tasks = try model.taskNames(length: first.length)
        var scalars: [Float] = []
        scalars.reserveCapacity(records.count * tasks.count)
        var start = 0
        while start < records.count {
            var end = start
            while end < records.count && records[end].length == records[start].length { end += 1 }
            let before = start
            let values = try model.predict(records[start..<end].map(\.sequence), batchSize: batchSize, threads: threads) { progress?(before + $0) }
            guard values.shape[1] == tasks.count else {
                throw InterpretationError("record '\(records[start].id)' gives \(values.shape[1]) outputs where the first gave \(tasks.count)")
            }
            scalars.append(contentsOf: values.scalars)
            start = end
        }
        return PredictionTable(ids: records.map(\.id), tasks: tasks, values: Tensor(shape: [records.count, tasks.count], scalars: scalars))
    }

    /// The table with one task's column only (--target's); itself when it has one task.
    public func keeping(task: Int) -> PredictionTable {
        guard tasks.count > 1 else { return self }
        let count = tasks.count
        return PredictionTable(ids: ids, tasks: [tasks[task]], values: Tensor(shape: [ids.count, 1], scalars: ids.indices.map { values.scalars[$0 * count + task] }))
    }

    /// Tab-separated text with a header line; values in shortest round-trip form.
    public var tsv: Data { Data((Self.tsvHeader(tasks: tasks) + tsvRows).utf8) }

    /// The TSV's header line: id, then the task names.
    public static func tsvHeader(tasks: [String]) -> String { (["id"] + tasks).joined(separator: "\t") + "\n" }

    /// The TSV's lines after the header, one per row (streamed output appends them chunk by chunk).
    public var tsvRows: String {
        var text = ""
        for (row, id) in ids.enumerated() {
            text += id
            for column in tasks.indices { text += "\t\(values.scalars[row * tasks.count + column])" }
            text += "\n"
        }
        return text
    }

    /// Writes by extension (.tsv or .npy), atomically: a reader never sees half a file.
    public func write(to url: URL) throws {
        guard let format = Format(path: url.path) else {
            throw InterpretationError("\(url.path): unknown output format; use .tsv or .npy")
        }
        let data = format == .tsv ? tsv : NPY.encode(values)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw InterpretationError("\(url.path): cannot write (\(fileErrorReason(error)))")
        }
    }
}
