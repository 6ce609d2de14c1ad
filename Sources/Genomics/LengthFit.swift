/// Which part of a sequence to keep (crop) or where to place it (pad) when fitting it to a model's length.
public enum FitAnchor: String, Sendable, CaseIterable {
    case center, left, right
}

/// A record fitted to a length, with the offset that maps original positions to fitted ones.
public struct FittedRecord: Sendable, Equatable {
    /// The fitted record (same id, description and line; new sequence).
    public var record: SequenceRecord
    /// Index in the fitted sequence of original position 0: fitted = original + offset.
    /// Positive after left padding, negative after cropping the left end, 0 when unchanged.
    public var offset: Int

    /// Creates a fitted record.
    public init(record: SequenceRecord, offset: Int) {
        self.record = record
        self.offset = offset
    }

    /// Original position of a fitted position, or nil when it lies in padding.
    public func originalPosition(ofFitted position: Int, originalLength: Int) -> Int? {
        let p = position - offset
        return (0..<originalLength).contains(p) ? p : nil
    }
}

/// How to fit sequences to a model's fixed input length: pad short ones with N, crop long ones, or neither.
///
/// Centre placement puts the odd leftover base on the right: padding 3 Ns around a sequence gives
/// 1 on the left and 2 on the right; cropping 3 bases removes 1 from the left and 2 from the right.
/// (Same convention as `(n - L) // 2` in the Python tools users compare against.)
public struct LengthFit: Sendable, Equatable {
    /// Where to place a shorter sequence among 'N' padding; nil means shorter sequences are an error.
    public var pad: FitAnchor?
    /// Which part of a longer sequence to keep; nil means longer sequences are an error.
    public var crop: FitAnchor?

    /// Creates a fit policy; the default (no pad, no crop) accepts only exact lengths.
    public init(pad: FitAnchor? = nil, crop: FitAnchor? = nil) {
        self.pad = pad
        self.crop = crop
    }

    /// Fits one record to exactly `length` letters, or throws a GenomicsError saying how to fix it.
    public func fit(_ record: SequenceRecord, to length: Int) throws -> FittedRecord {
        let window = try window(for: record, inputLength: length)
        var fitted = record
        fitted.sequence = window.input(record.sequence)
        return FittedRecord(record: fitted, offset: -window.start)
    }

    /// Where a record lies in a model input of `inputLength` columns, or throws a GenomicsError
    /// saying how to fix it.
    public func window(for record: SequenceRecord, inputLength length: Int) throws -> ModelWindow {
        let n = record.sequence.count
        if let window = window(recordLength: n, inputLength: length) { return window }
        // Only suggest the option that would help with this record.
        let hint = n < length ? "--pad center|left|right" : "--crop center|left|right"
        let both = pad == nil && crop == nil
            ? "--pad center|left|right or --crop center|left|right"
            : hint
        throw GenomicsError("record '\(record.id)' (line \(record.line)) has \(n) nt but the model takes exactly \(length); use \(both) to fit it")
    }

    /// Where `n` positions lie in a model input of `length` columns; nil when this policy does not
    /// fit them (no --pad for a shorter stretch, no --crop for a longer one).
    public func window(recordLength n: Int, inputLength length: Int) -> ModelWindow? {
        precondition(length > 0, "LengthFit.fit: model length must be positive, got \(length)")
        if n == length { return ModelWindow(recordLength: n, inputLength: length, start: 0) }

        if n < length, let pad {
            let total = length - n
            let leftPad: Int
            switch pad {
            case .left: leftPad = 0  // sequence at the left, Ns after it
            case .right: leftPad = total
            case .center: leftPad = total / 2
            }
            return ModelWindow(recordLength: n, inputLength: length, start: -leftPad)
        }

        if n > length, let crop {
            let excess = n - length
            let start: Int
            switch crop {
            case .left: start = 0  // keep the left part
            case .right: start = excess
            case .center: start = excess / 2
            }
            return ModelWindow(recordLength: n, inputLength: length, start: start)
        }
        return nil
    }

    /// Fits every record, stopping at the first that cannot be fitted.
    public func fit(_ records: [SequenceRecord], to length: Int) throws -> [FittedRecord] {
        try records.map { try fit($0, to: length) }
    }
}
