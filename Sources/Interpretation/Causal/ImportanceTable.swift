import Foundation
import Genomics

/// Global importance results, one row per (what was varied, task): the key columns an analysis
/// names (position, copies, spacing, k-mer, site), then task, gi (the mean effect), its 95 %
/// interval, the sequences it is over and the mean prediction it is measured from.
public struct ImportanceTable: Sendable {
    public struct Row: Sendable {
        public var keys: [String]
        public var estimate: ImportanceEstimate
        /// Per task, f of what was changed: the mean over backgrounds, or the real sequence's value.
        public var reference: [Float]

        init(keys: [String], estimate: ImportanceEstimate, reference: [Float]) {
            self.keys = keys
            self.estimate = estimate
            self.reference = reference
        }
    }

    public var keyNames: [String]
    public var tasks: [String]
    public var rows: [Row]

    init(keyNames: [String], tasks: [String], rows: [Row]) {
        self.keyNames = keyNames
        self.tasks = tasks
        self.rows = rows
    }

    public var tsv: String {
        var text = (keyNames + ["task", "gi", "lower", "upper", "n", "reference"]).joined(separator: "\t") + "\n"
        for row in rows {
            for (task, name) in tasks.enumerated() {
                let values = [row.estimate.mean[task], row.estimate.lower[task], row.estimate.upper[task]].map { "\($0)" }
                text += (row.keys + [name] + values + ["\(row.estimate.count)", "\(row.reference[task])"]).joined(separator: "\t") + "\n"
            }
        }
        return text
    }

    /// Writes the TSV atomically: a reader never sees half a file.
    public func write(to url: URL) throws {
        do {
            try Data(tsv.utf8).write(to: url, options: .atomic)
        } catch {
            throw InterpretationError("\(url.path): cannot write (\(fileErrorReason(error))); check the folder exists and is writable")
        }
    }
}
