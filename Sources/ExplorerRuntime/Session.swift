import ExplorerCore
import Foundation
import Genomics
import Interpretation
import Rendering

/// The session file (JSON): model, inputs, every record's edits (with undo/redo history) and the
/// view. `seqlens explore --session FILE` restores it exactly. Paths are stored relative to the
/// session file's folder when they lie inside it, so a folder can be moved as a whole.
public struct SessionFile: Codable, Sendable, Equatable {
    /// Edits of one record as POS:REF>ALT strings, one array per undo group.
    public struct RecordEdits: Codable, Sendable, Equatable {
        public var id: String
        public var applied: [[String]]
        public var undone: [[String]]
    }

    /// Motifs scanned as the sequence changes (`--motifs`, `--motif`, `--motif-pvalue`).
    public struct MotifSelection: Codable, Sendable, Equatable {
        public var file: String
        /// Ids or names; empty: every motif of the file.
        public var names: [String]
        public var pValue: Double

        public init(file: String, names: [String], pValue: Double) {
            self.file = file
            self.names = names
            self.pValue = pValue
        }
    }

    public var format = "seqlens-session"
    public var version = 1
    public var model: String
    /// The second model drawn under the first (`seqlens explore M1 M2 FASTA`), absent with one.
    public var comparedModel: String?
    public var sequences: String
    public var annotations: String?
    public var motifs: MotifSelection?
    public var edits: [RecordEdits]
    public var view: SavedView

    public init(model: String, sequences: String, annotations: String?, motifs: MotifSelection? = nil, snapshot: SessionSnapshot) {
        self.model = model
        self.sequences = sequences
        self.annotations = annotations
        self.motifs = motifs
        edits = zip(snapshot.records, snapshot.histories).compactMap { record, history in
            guard !history.applied.isEmpty || !history.undone.isEmpty else { return nil }
            return RecordEdits(id: record.id, applied: history.applied.map { $0.map(\.description) },
                               undone: history.undone.map { $0.map(\.description) })
        }
        view = snapshot.view
    }

    /// The session of `snapshot` with the paths of `files`, relative to `url`'s folder where they lie in it.
    init(files: ExplorerApp.SessionFiles, relativeTo url: URL, snapshot: SessionSnapshot) {
        self.init(model: ExplorerApp.relative(files.modelPath, to: url), sequences: ExplorerApp.relative(files.sequencesPath, to: url),
                  annotations: files.annotationsPath.map { ExplorerApp.relative($0, to: url) },
                  motifs: files.motifs.map { MotifSelection(file: ExplorerApp.relative($0.file, to: url), names: $0.names, pValue: $0.pValue) },
                  snapshot: snapshot)
        comparedModel = files.comparedModelPath.map { ExplorerApp.relative($0, to: url) }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    public static func decode(_ data: Data, source: String) throws -> SessionFile {
        let file: SessionFile
        do {
            file = try JSONDecoder().decode(SessionFile.self, from: data)
        } catch {
            throw ExplorerError("\(source) is not a seqlens session file (\(Self.describe(error)))")
        }
        guard file.format == "seqlens-session", file.version == 1 else {
            throw ExplorerError("\(source): unknown session format '\(file.format)' version \(file.version) (this seqlens reads version 1)")
        }
        return file
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "at \(path): \(context.debugDescription)"
        default: return "\(error)"
        }
    }

    /// The saved view, refused in one line when it lies outside `records` or the model's tasks, or
    /// its zoom is not one the explorer offers (at most 3 columns per position, at most a whole record per column).
    public func checkedView(records: [SequenceRecord], windows: [ModelWindow], taskCount: Int, source: String) throws -> SavedView {
        guard records.indices.contains(view.record), windows.indices.contains(view.record) else {
            throw ExplorerError("\(source): view.record \(view.record) is not a record of \(sequences) (it has \(records.count)); was it changed after saving?")
        }
        // The cursor may rest on padding ('·'), which lies before 0 and past the record's end.
        let window = windows[view.record], length = window.recordLength + window.padding
        guard (-window.leftPadding ..< window.recordLength + window.rightPadding).contains(view.cursor) else {
            throw ExplorerError("\(source): view.cursor \(view.cursor) lies outside '\(records[view.record].id)' (\(window.recordLength) nt)")
        }
        guard (0 ..< max(1, taskCount)).contains(view.task) else {
            throw ExplorerError("\(source): view.task \(view.task) is not a task of the model (it has \(taskCount))")
        }
        guard (1 ... max(1, length)).contains(view.zoomLevel), (1 ... 3).contains(view.columnsPerPosition),
              view.zoomLevel == 1 || view.columnsPerPosition == 1 else {
            throw ExplorerError("\(source): view zoom (zoomLevel \(view.zoomLevel), columnsPerPosition \(view.columnsPerPosition)) is not a zoom of the explorer (zoomLevel 1 to \(max(1, length)), columnsPerPosition 1 to 3 at zoomLevel 1)")
        }
        return view
    }

    /// The histories for `records`, checked against their reference bases.
    public func histories(for records: [SequenceRecord], source: String) throws -> [EditHistory] {
        let index = Dictionary(records.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var histories = Array(repeating: EditHistory(), count: records.count)
        for entry in edits {
            guard let recordIndex = index[entry.id] else {
                throw ExplorerError("\(source): record '\(entry.id)' is not in \(sequences); open the session with the FASTA it was saved with")
            }
            func parse(_ groups: [[String]]) throws -> [[Substitution]] {
                try groups.map { try $0.map { text in
                    let substitution = try Substitution(parsing: text)
                    guard substitution.position < records[recordIndex].length else {
                        throw ExplorerError("\(source): edit \(text) lies beyond the end of '\(entry.id)' (\(records[recordIndex].length) nt)")
                    }
                    return substitution
                } }
            }
            let history = EditHistory(applied: try parse(entry.applied), undone: try parse(entry.undone))
            // Each applied edit must find the base it replaced, or the FASTA changed since saving.
            var sequence = records[recordIndex].sequence.map(BaseCase.uppercased)
            for substitution in history.applied.joined() {
                guard sequence[substitution.position] == substitution.reference else {
                    throw ExplorerError("\(source): edit \(substitution) of '\(entry.id)' does not match the sequence (found \(Character(Unicode.Scalar(sequence[substitution.position])))); was \(sequences) changed after saving?")
                }
                sequence[substitution.position] = substitution.alternative
            }
            histories[recordIndex] = history
        }
        return histories
    }
}

/// The edited sequences and the mutation log `s` writes next to the session file.
public enum SessionExport {
    /// Every record with its edits applied; edited headers list the edits (0-based POS:REF>ALT).
    /// A record with its text from the input (`texts[i]`) keeps it: unedited, byte for byte;
    /// edited, with the edits appended to its header line and each new base in the case of the
    /// base it replaced. Records without text (e.g. fitted to the model's length) are written
    /// in lines of `lineWidth`, their case kept.
    public static func fasta(_ snapshot: SessionSnapshot, texts: [FASTARecordText?] = [], lineWidth: Int = 60) -> [UInt8] {
        var output: [UInt8] = []
        for (index, (record, history)) in zip(snapshot.records, snapshot.histories).enumerated() {
            let reference = record.sequence.map(BaseCase.uppercased)
            let sequence = history.apply(to: reference)
            let changed = sequence.indices.filter { sequence[$0] != reference[$0] }
            let edits = changed.isEmpty ? "" : " seqlens_edits=" + changed.map {
                Substitution(position: $0, reference: reference[$0], alternative: sequence[$0]).description
            }.joined(separator: ",")
            if let text = texts.indices.contains(index) ? texts[index] : nil {
                output += changed.isEmpty ? text.bytes : text.substituting(Dictionary(uniqueKeysWithValues: changed.map { ($0, sequence[$0]) }), appendingToHeader: edits)
                continue
            }
            let description = record.description.isEmpty ? "" : " " + record.description
            output += Array(">\(record.id)\(description)\(edits)\n".utf8)
            // Unedited positions keep the record's case; edited ones take the replaced base's.
            let cased = sequence.indices.map { BaseCase.isLowercase(record.sequence[$0]) ? sequence[$0] | 0x20 : sequence[$0] }
            for start in stride(from: 0, to: cased.count, by: lineWidth) {
                output += cased[start ..< min(cased.count, start + lineWidth)] + [UInt8(ascii: "\n")]
            }
        }
        return output
    }

    /// One applied substitution of the mutation log, with what the model is given before and after it.
    public struct EditStep: Sendable, Equatable {
        public var substitution: Substitution
        public var before: [UInt8]
        public var after: [UInt8]
    }

    /// For each edited record, its applied substitutions in order, each with the model's input
    /// before and after it (through `window(for:fitted:)`): what the mutation log's predictions
    /// are computed for.
    public static func editSteps(_ snapshot: SessionSnapshot) -> [(record: Int, steps: [EditStep])] {
        snapshot.records.indices.compactMap { index in
            let substitutions = Array(snapshot.histories[index].applied.joined())
            guard !substitutions.isEmpty else { return nil }
            var sequence = snapshot.records[index].sequence.map(BaseCase.uppercased)
            let steps = substitutions.map { substitution in
                let window = Self.window(for: substitution.position, fitted: snapshot.windows[index])
                let before = window.input(sequence)
                sequence[substitution.position] = substitution.alternative
                return EditStep(substitution: substitution, before: before, after: window.input(sequence))
            }
            return (index, steps)
        }
    }

    /// The model's window for an edit: the record's fitted window (`--crop`) when it holds the
    /// edit, else, on a record longer than the model, the window centred on the edit.
    public static func window(for position: Int, fitted: ModelWindow) -> ModelWindow {
        fitted.recordPositions.contains(position) ? fitted : fitted.centered(on: position)
    }

    /// The mutation log (TSV): one row per applied substitution with every task's prediction
    /// before and after it. `predictions[i][k]` belongs to `editSteps(snapshot)[i].steps[k]`.
    public static func mutationLog(_ snapshot: SessionSnapshot, taskNames: [String], predictions: [[(before: [Float], after: [Float])]]) -> String {
        var columns = ["record", "position", "ref", "alt"]
        for task in taskNames { columns += ["\(task)_before", "\(task)_after", "\(task)_delta"] }
        var text = columns.joined(separator: "\t") + "\n"
        for (edits, stepPredictions) in zip(editSteps(snapshot), predictions) {
            for (step, prediction) in zip(edits.steps, stepPredictions) {
                let substitution = step.substitution
                var fields = [snapshot.records[edits.record].id, String(substitution.position),
                              String(Character(Unicode.Scalar(substitution.reference))), String(Character(Unicode.Scalar(substitution.alternative)))]
                for task in taskNames.indices {
                    fields += [format(prediction.before[task]), format(prediction.after[task]), format(prediction.after[task] - prediction.before[task])]
                }
                text += fields.joined(separator: "\t") + "\n"
            }
        }
        return text
    }

    static func format(_ value: Float) -> String { String(format: "%.6g", Double(value)) }
}
