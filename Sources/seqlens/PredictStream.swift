import Foundation
import Genomics
import Inference
import Interpretation

extension Predict {
    /// Whether this run streams: a FASTA file written as TSV, to a file or stdout.
    var streams: Bool {
        genome.genome == nil && fasta != nil && output.map { PredictionTable.Format(path: $0) == .tsv } ?? true
    }

    /// Reads, fits, predicts and writes the FASTA's records a chunk at a time, so memory holds a
    /// chunk, not the file. Batches are the whole-file path's (runs of records of equal fitted
    /// length, cut every --batch records from a run's start), so the output is byte for byte the
    /// same. A file is written to a hidden file renamed at the end: an error on a later record
    /// leaves no output.
    func streamPredictions(fasta: String, model loaded: SequenceModel) throws {
        try refuseIfNotRegularFile(fasta, kind: "a FASTA file")
        let url = URL(fileURLWithPath: fasta)
        let batch = compute.batch, threads = compute.threads
        // --shard needs the record count first: one more pass, a chunk at a time.
        var block: Range<Int>?
        if sharding.shard != nil {
            let counting = try FASTAStream(contentsOf: url)
            var count = 0
            while case let read = try counting.next(batch).count, read > 0 { count += read }
            block = try sharding.block(of: count, batch: batch, what: "records in \(fasta)")
        }
        let stream = try FASTAStream(contentsOf: url)
        let file = try output.map { try StreamedTextFile(path: $0) }
        func emit(_ text: String) throws {
            if let file { try file.write(text) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        }

        var ids = StreamedIDs {
            let reading = try FASTAStream(contentsOf: url)
            var every = Set<String>()
            while case let records = try reading.next(batch), !records.isEmpty { every.formUnion(records.map(\.id)) }
            return every
        }
        var ambiguity = (affected: 0, letters: 0, records: 0)
        var padding: (first: (id: String, window: ModelWindow)?, count: Int) = (nil, 0)
        var targeted: TargetedModel?
        var tasks: [String]?
        // One run of equal fitted length; predicted when it ends or reaches `chunk`, a multiple
        // of --batch (so batches stay the whole-file path's) that keeps every thread busy.
        var pending: [SequenceRecord] = []
        let chunk = batch * max(1, threads) * 4

        func predictPending() throws {
            guard let first = pending.first else { return }
            if let target, targeted == nil { targeted = try loaded.resolveTarget(target, length: first.length) }
            var table = try PredictionTable.predict(model: targeted?.model ?? loaded, records: pending, batchSize: batch, threads: threads)
            if let task = targeted?.task { table = table.keeping(task: task) }
            if let tasks, table.tasks.count != tasks.count {
                throw InterpretationError("record '\(first.id)' gives \(table.tasks.count) outputs where the first gave \(tasks.count)")
            }
            if tasks == nil {
                tasks = table.tasks
                try emit(PredictionTable.tsvHeader(tasks: table.tasks))
            }
            try emit(table.tsvRows)
            pending.removeAll(keepingCapacity: true)
        }

        var index = 0
        while case let records = try stream.next(batch), !records.isEmpty {
            for read in records {
                defer { index += 1 }
                let record = try ids.unique(read)
                try loaded.alphabet.refuseOtherKind([record], source: fasta)
                // Counted over every record, as the whole-file path warns before --shard selects.
                let letters = ambiguousCount(in: record, alphabet: loaded.alphabet)
                ambiguity = (ambiguity.affected + (letters > 0 ? 1 : 0), ambiguity.letters + letters, ambiguity.records + 1)
                if let block, !block.contains(index) { continue }
                let input = try fitRecord(record, model: loaded, fit: fit)
                if input.window.isMostlyPadding {
                    padding = (padding.first ?? (record.id, input.window), padding.count + 1)
                }
                if let last = pending.last, last.length != input.record.length || pending.count == chunk { try predictPending() }
                pending.append(input.record)
            }
        }
        try predictPending()

        if let warning = ids.duplicateWarning { warn(warning) }
        if let warning = SequenceRecord.ambiguityWarning(affected: ambiguity.affected, letters: ambiguity.letters, of: ambiguity.records, alphabet: loaded.alphabet) { warn(warning) }
        if let first = padding.first { warn(ModelWindow.heavyPaddingWarning(first: first, count: padding.count)) }
        try file?.commit()
    }
}

/// Renames repeated ids as records stream past, to the names `SequenceRecord.uniquingIDs` gives
/// a whole file's: a repeat's new name must not be an id anywhere in the file, also further on,
/// so the first repeat reads every id of the file once (`everyID`); files without repeats never
/// do. It keeps the ids seen, so its memory grows with the number of records, not their length.
struct StreamedIDs {
    /// Every id of the file, read on the first repeat.
    let everyID: () throws -> Set<String>
    private var seen: [String: Int] = [:]
    /// Every id of the file and the names repeats were given; nil until the first repeat.
    private var taken: Set<String>?
    /// Ids that occur more than once, in the order their second copy came.
    private var repeated: [String] = []

    init(everyID: @escaping () throws -> Set<String>) { self.everyID = everyID }

    mutating func unique(_ record: SequenceRecord) throws -> SequenceRecord {
        let count = seen[record.id, default: 0] + 1
        seen[record.id] = count
        guard count > 1 else { return record }
        if count == 2 { repeated.append(record.id) }
        var names = try taken ?? everyID()
        var copy = record
        var number = count
        while names.contains("\(record.id)_\(number)") { number += 1 }
        copy.id = "\(record.id)_\(number)"
        names.insert(copy.id)
        taken = names
        return copy
    }

    /// `SequenceRecord.duplicateWarning`'s line for the ids seen.
    var duplicateWarning: String? {
        let copies = repeated.flatMap { id in Array(repeating: SequenceRecord(id: id, sequence: []), count: seen[id] ?? 0) }
        return SequenceRecord.duplicateWarning(records: copies)
    }
}
