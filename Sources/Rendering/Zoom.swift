/// The positions one screen column stands for. `representative` is the position whose stack the
/// logo column shows (the one with the largest total |value|); the sequence row shows what all the
/// positions' bases have in common (`ColumnBases`).
public struct ColumnSpan: Hashable, Sendable {
    public var positions: Range<Int>
    public var representative: Int

    public init(positions: Range<Int>, representative: Int) {
        self.positions = positions
        self.representative = representative
    }
}

/// Zooming out: `level` consecutive positions share one column, so a 1,000-position map fits 80
/// columns at level 13. Zooming in: at level 1, `columnsPerPosition` columns draw each position, so a
/// 12-position motif is not a sliver. Both are integers so the explorer can step through them.
public struct Zoom: Hashable, Sendable {
    /// How a column summarises its positions.
    public enum Aggregation: String, Hashable, Sendable, CaseIterable {
        /// The stack of the position with the largest total |value| (logo); the value of largest
        /// magnitude per letter (heatmap). Keeps peaks as tall as they are.
        case maxMagnitude = "max"
        /// The mean per letter. Smooths, and lowers isolated peaks.
        case mean
    }

    /// Positions per column.
    public var level: Int
    public var aggregation: Aggregation
    /// Columns per position (only at level 1).
    public var columnsPerPosition: Int

    public init(level: Int = 1, aggregation: Aggregation = .maxMagnitude, columnsPerPosition: Int = 1) {
        self.level = max(1, level)
        self.aggregation = aggregation
        self.columnsPerPosition = self.level == 1 ? max(1, columnsPerPosition) : 1
    }

    /// The level at which `length` positions fit `columns`, magnified up to `maximumMagnification`
    /// columns per position when there is room.
    public static func fitting(_ length: Int, in columns: Int, aggregation: Aggregation = .maxMagnitude, maximumMagnification: Int = 3) -> Zoom {
        let level = level(fitting: length, in: columns)
        let magnification = level == 1 && length > 0 ? min(maximumMagnification, columns / length) : 1
        return Zoom(level: level, aggregation: aggregation, columnsPerPosition: magnification)
    }

    /// The smallest level at which `length` positions fit in `columns` columns.
    public static func level(fitting length: Int, in columns: Int) -> Int {
        guard columns > 0 else { return max(1, length) }
        return max(1, (length + columns - 1) / columns)
    }

    /// What the legend says: "3 positions per column (max |value|)", "2 columns per position", or
    /// nil at one position per column.
    public var legend: String? {
        if columnsPerPosition > 1 { return "\(columnsPerPosition) columns per position" }
        return level == 1 ? nil : "\(level) positions per column (\(aggregation == .mean ? "mean" : "max |value|"))"
    }

    /// The zoom in a few characters, for a status line: "4 nt/col" zoomed out, "1 nt/col", or
    /// "3 col/nt" magnified.
    public var ratio: String {
        columnsPerPosition > 1 ? "\(columnsPerPosition) col/nt" : "\(level) nt/col"
    }

    /// The column spans over `length` positions, each represented by its first position.
    public func spans(length: Int) -> [ColumnSpan] {
        stride(from: 0, to: length, by: level).flatMap { start in
            repeatElement(ColumnSpan(positions: start ..< min(length, start + level), representative: start), count: columnsPerPosition)
        }
    }

    /// One column per span of `matrix`. `perLetter` (heatmaps) takes the extreme of each letter on its
    /// own; otherwise (logos) whole stacks are kept, so a column shows a stack that really occurred.
    public func apply(to matrix: PositionMatrix, perLetter: Bool = false) -> (matrix: PositionMatrix, spans: [ColumnSpan]) {
        let spans = self.spans(length: matrix.length).map { span -> ColumnSpan in
            let best = span.positions.max { magnitude(matrix, $0) < magnitude(matrix, $1) } ?? span.positions.lowerBound
            return ColumnSpan(positions: span.positions, representative: best)
        }
        guard level > 1 || columnsPerPosition > 1 else { return (matrix, spans) }
        let letters = matrix.letters.count
        var values = [Float](repeating: 0, count: letters * spans.count)
        for (column, span) in spans.enumerated() {
            for letter in 0 ..< letters {
                let value: Float
                switch (aggregation, perLetter) {
                case (.mean, _):
                    value = span.positions.reduce(0) { $0 + matrix[letter, $1] } / Float(span.positions.count)
                case (.maxMagnitude, true):
                    value = span.positions.map { matrix[letter, $0] }.max { abs($0) < abs($1) } ?? 0
                case (.maxMagnitude, false):
                    value = matrix[letter, span.representative]
                }
                values[letter * spans.count + column] = value
            }
        }
        return (PositionMatrix(letters: matrix.letters, length: spans.count, values: values), spans)
    }

    private func magnitude(_ matrix: PositionMatrix, _ position: Int) -> Float {
        matrix.letters.indices.reduce(0) { $0 + abs(matrix[$1, position]) }
    }
}

extension Array where Element == ColumnSpan {
    /// The column whose span holds `position`, or nil when no span does.
    public func column(of position: Int) -> Int? {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].positions.upperBound <= position { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low].positions.contains(position) ? low : nil
    }

    /// The last column whose span holds `position` (several do when positions are magnified).
    public func lastColumn(of position: Int) -> Int? {
        guard var column = self.column(of: position) else { return nil }
        while column + 1 < count, self[column + 1].positions.contains(position) { column += 1 }
        return column
    }

    /// Whether `column` is the middle one of the columns showing the same span, where a
    /// magnified position puts its single characters (base, reference mark).
    public func isCenter(_ column: Int) -> Bool {
        var first = column, last = column
        while first > 0, self[first - 1] == self[column] { first -= 1 }
        while last + 1 < count, self[last + 1] == self[column] { last += 1 }
        return column == (first + last) / 2
    }

    /// Spans of one position each.
    public static func identity(_ length: Int) -> [ColumnSpan] {
        (0 ..< length).map { ColumnSpan(positions: $0 ..< $0 + 1, representative: $0) }
    }
}
