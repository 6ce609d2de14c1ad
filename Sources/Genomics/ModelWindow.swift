/// Where a record lies in a fixed-length model's input: the one mapping between the record's own
/// positions and the model's input columns. It covers `--pad` (the input is the record with
/// 'N' padding on either side), `--crop` (the input is a stretch of a longer record) and a window
/// sliding along a longer record (the explorer). Every position a user sees is the record's own;
/// this type turns them into input columns and back.
public struct ModelWindow: Sendable, Equatable {
    /// The record's own length.
    public let recordLength: Int
    /// The model's input length.
    public let inputLength: Int
    /// The record position of the input's first column: negative after padding on the left
    /// (-2: the input starts with two Ns), positive when the input skips the record's first bases.
    public let start: Int

    /// A window at `start`, which must keep the record's bases contiguous in the input: a record
    /// longer than the input is cropped (0 ≤ start ≤ recordLength − inputLength), a shorter one is
    /// padded (recordLength − inputLength ≤ start ≤ 0).
    public init(recordLength: Int, inputLength: Int, start: Int) {
        let excess = recordLength - inputLength
        precondition(inputLength > 0 && (min(0, excess) ... max(0, excess)).contains(start),
                     "ModelWindow: start \(start) does not fit a \(recordLength)-nt record to a \(inputLength)-column input")
        self.recordLength = recordLength
        self.inputLength = inputLength
        self.start = start
    }

    /// The input is the record itself (models that take any length, or records of the model's length).
    public static func whole(_ length: Int) -> ModelWindow {
        ModelWindow(recordLength: length, inputLength: max(1, length), start: 0)
    }

    /// The record's positions the model sees.
    public var recordPositions: Range<Int> { max(0, start) ..< min(recordLength, start + inputLength) }
    /// 'N' columns before the record's first base.
    public var leftPadding: Int { max(0, -start) }
    /// 'N' columns after the record's last base.
    public var rightPadding: Int { max(0, start + inputLength - recordLength) }
    /// Columns of the input that are padding.
    public var padding: Int { leftPadding + rightPadding }
    /// The record is longer than the input: the window can slide along it.
    public var slides: Bool { recordLength > inputLength }

    /// What the model is given for `sequence` (the record's bases, `recordLength` of them):
    /// the window's stretch, with 'N' padding.
    public func input(_ sequence: [UInt8]) -> [UInt8] {
        precondition(sequence.count == recordLength, "ModelWindow.input: \(sequence.count) bases for a \(recordLength)-nt record")
        var input = [UInt8](repeating: UInt8(ascii: "N"), count: inputLength)
        let seen = recordPositions
        input.replaceSubrange(seen.lowerBound - start ..< seen.upperBound - start, with: sequence[seen])
        return input
    }

    /// The window of the same length centred on a record position (the odd column on the right,
    /// as `--crop center`), kept within the record; a window that cannot slide stays.
    public func centered(on position: Int) -> ModelWindow {
        guard slides else { return self }
        let start = max(0, min(recordLength - inputLength, position - inputLength / 2))
        return ModelWindow(recordLength: recordLength, inputLength: inputLength, start: start)
    }

    /// "'id' is 50 nt, padded to the model's 200 (75% padding) (and 2 more records); …": one line
    /// about records the model sees as more padding than sequence, or nil when there are none.
    public static func heavyPaddingWarning(ids: [String], windows: [ModelWindow]) -> String? {
        let heavy = zip(ids, windows).filter { $0.1.isMostlyPadding }
        guard let first = heavy.first else { return nil }
        return heavyPaddingWarning(first: first, count: heavy.count)
    }

    /// Whether the model sees more padding than sequence.
    public var isMostlyPadding: Bool { 2 * padding > inputLength }

    /// The same line from the first such record and how many there are (streamed input).
    public static func heavyPaddingWarning(first: (id: String, window: ModelWindow), count: Int) -> String {
        let (id, window) = first
        let more = count > 1 ? " (and \(count - 1) more record\(count > 2 ? "s" : ""))" : ""
        return "warning: '\(id)' is \(window.recordLength) nt, padded to the model's \(window.inputLength) (\(100 * window.padding / window.inputLength)% padding)\(more); the model sees mostly padding there"
    }
}
