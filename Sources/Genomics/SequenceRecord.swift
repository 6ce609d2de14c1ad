/// One named sequence, as read from a FASTA file.
public struct SequenceRecord: Sendable, Equatable {
    /// First whitespace-separated token of the header (after '>').
    public var id: String
    /// Rest of the header line after the id, trimmed; "" when there is none.
    public var description: String
    /// Letters as uppercase ASCII; gaps ('-', '.') were read as '-'.
    public var sequence: [UInt8]
    /// 1-based line of the header in its file, for messages (0 when not from a file).
    public var line: Int

    /// Creates a record from its parts.
    public init(id: String, description: String = "", sequence: [UInt8], line: Int = 0) {
        self.id = id
        self.description = description
        self.sequence = sequence
        self.line = line
    }

    /// Creates a record from a sequence string (stored as its UTF-8 bytes, not re-cased).
    public init(id: String, description: String = "", sequence: String, line: Int = 0) {
        self.init(id: id, description: description, sequence: Array(sequence.utf8), line: line)
    }

    /// Number of letters.
    public var length: Int { sequence.count }

    /// The sequence as a String.
    public var sequenceString: String { String(decoding: sequence, as: UTF8.self) }
}

extension SequenceRecord {
    /// Ids that occur more than once, in order of first appearance (duplicates are legal in FASTA but make ids ambiguous).
    public static func duplicateIDs(in records: [SequenceRecord]) -> [String] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for r in records {
            counts[r.id, default: 0] += 1
            if counts[r.id] == 2 { order.append(r.id) }
        }
        return order
    }

    /// The records with unique ids, renamed as `seqkit rename` does: the second record with id X
    /// becomes X_2, the third X_3 (a name already in the file is skipped, X_2 then X_3 …). The
    /// first keeps its id, so `--record X` still finds it, and every output row has its own id.
    public static func uniquingIDs(_ records: [SequenceRecord]) -> [SequenceRecord] {
        guard !duplicateIDs(in: records).isEmpty else { return records }
        var taken = Set(records.map(\.id))
        var seen: [String: Int] = [:]
        return records.map { record in
            seen[record.id, default: 0] += 1
            guard let count = seen[record.id], count > 1 else { return record }
            var copy = record
            var number = count
            while taken.contains("\(record.id)_\(number)") { number += 1 }
            copy.id = "\(record.id)_\(number)"
            taken.insert(copy.id)
            return copy
        }
    }

    /// One-line warning naming duplicated ids and how `uniquingIDs` renames them, or nil when all ids are unique.
    ///
    /// e.g. `warning: 2 ids occur more than once (chr1 x3, chr2 x2); repeats are renamed chr1_2, chr1_3, … as seqkit rename does`
    public static func duplicateWarning(records: [SequenceRecord]) -> String? {
        let dups = duplicateIDs(in: records)
        guard let example = dups.first else { return nil }
        var counts: [String: Int] = [:]
        for r in records { counts[r.id, default: 0] += 1 }
        // Cap the list so a file of thousands of repeats still gives one readable line.
        let shown = dups.prefix(5).map { "\($0) x\(counts[$0]!)" }.joined(separator: ", ")
        let more = dups.count > 5 ? ", ..." : ""
        let subject = dups.count == 1 ? "1 id occurs" : "\(dups.count) ids occur"
        let unique = uniquingIDs(records)
        let renamed = records.indices.filter { records[$0].id == example }.dropFirst().map { unique[$0].id }
        let names = renamed.prefix(2).joined(separator: ", ") + (renamed.count > 2 || dups.count > 1 ? ", …" : "")
        return "warning: \(subject) more than once (\(shown)\(more)); repeats are renamed \(names) as seqkit rename does"
    }
}
