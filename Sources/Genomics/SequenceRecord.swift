/// One named sequence, as read from a FASTA file.
public struct SequenceRecord: Sendable, Equatable {
    /// First whitespace-separated token of the header (after '>').
    public var id: String
    /// Rest of the header line after the id, trimmed; "" when there is none.
    public var description: String
    /// Bases as uppercase ASCII letters; gaps ('-', '.') were read as 'N'.
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

    /// One-line warning naming duplicated ids, or nil when all ids are unique.
    ///
    /// e.g. `warning: 2 ids occur more than once (chr1 x3, chr2 x2); records are told apart by their header lines`
    public static func duplicateWarning(records: [SequenceRecord]) -> String? {
        let dups = duplicateIDs(in: records)
        guard !dups.isEmpty else { return nil }
        var counts: [String: Int] = [:]
        for r in records { counts[r.id, default: 0] += 1 }
        // Cap the list so a file of thousands of repeats still gives one readable line.
        let shown = dups.prefix(5).map { "\($0) x\(counts[$0]!)" }.joined(separator: ", ")
        let more = dups.count > 5 ? ", ..." : ""
        let subject = dups.count == 1 ? "1 id occurs" : "\(dups.count) ids occur"
        return "warning: \(subject) more than once (\(shown)\(more)); records are told apart by their header lines"
    }
}
