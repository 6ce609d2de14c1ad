/// An interval to mark under a logo: a motif hit, a ground-truth site.
public struct Annotation: Hashable, Sendable {
    /// Positions covered (0-based, end exclusive), in the coordinates of the drawn matrix.
    public var positions: Range<Int>
    public var label: String
    /// nil picks a colour from a fixed cycle.
    public var color: Color?

    public init(positions: Range<Int>, label: String, color: Color? = nil) {
        self.positions = positions
        self.label = label
        self.color = color
    }
}

/// Intervals as brackets with their labels, `├─GATA1─┤`, one row per lane; overlapping intervals go
/// to separate lanes (first fit, in order of start).
public struct AnnotationTrack: Widget {
    public var annotations: [Annotation]
    public var spans: [ColumnSpan]
    public var depth: ColorDepth

    public init(annotations: [Annotation], spans: [ColumnSpan], depth: ColorDepth = .trueColor) {
        self.annotations = annotations
        self.spans = spans
        self.depth = depth
    }

    private static let cycle: [Color] = [Color(hex: 0x8E44AD), Color(hex: 0x16A085), Color(hex: 0xD35400), Color(hex: 0x2980B9)]

    /// The colour of the `index`-th annotation when it has none of its own.
    static func color(_ index: Int) -> Color { cycle[index % cycle.count] }

    /// Each visible annotation's columns and lane.
    func placements() -> [(annotation: Annotation, index: Int, columns: ClosedRange<Int>, lane: Int)] {
        var laneEnds: [Int] = []
        var result: [(Annotation, Int, ClosedRange<Int>, Int)] = []
        let visible = annotations.enumerated().compactMap { index, annotation -> (Annotation, Int, ClosedRange<Int>)? in
            let first = max(annotation.positions.lowerBound, spans.first?.positions.lowerBound ?? 0)
            let last = min(annotation.positions.upperBound, spans.last?.positions.upperBound ?? 0) - 1
            guard first <= last, let start = spans.column(of: first), let end = spans.lastColumn(of: last) else { return nil }
            return (annotation, index, start ... end)
        }.sorted { ($0.2.lowerBound, $0.1) < ($1.2.lowerBound, $1.1) }
        for (annotation, index, columns) in visible {
            let lane = laneEnds.firstIndex { $0 < columns.lowerBound } ?? laneEnds.count
            if lane == laneEnds.count { laneEnds.append(columns.upperBound) } else { laneEnds[lane] = columns.upperBound }
            result.append((annotation, index, columns, lane))
        }
        return result
    }

    /// Rows needed to show every visible interval.
    public var height: Int { (placements().map(\.lane).max() ?? -1) + 1 }

    /// Visible intervals left out when only `rows` lanes are drawn.
    public func hiddenCount(rows: Int) -> Int { placements().filter { $0.lane >= rows }.count }

    public func render(in area: Rect, on canvas: inout Canvas) {
        for (annotation, index, columns, lane) in placements() where lane < area.height {
            let color = depth == .monochrome ? .default : annotation.color ?? Self.color(index)
            let style = Style(foreground: color)
            let width = columns.count
            var glyphs: [Character]
            switch width {
            case 1: glyphs = ["┃"]
            case 2: glyphs = ["├", "┤"]
            default:
                let room = width - 2
                var label = Array(annotation.label)
                if label.count > room { label = room >= 2 ? Array(label.prefix(room - 1)) + ["…"] : [] }
                let left = (room - label.count) / 2
                glyphs = ["├"] + Array(repeating: "─", count: left) + label + Array(repeating: "─", count: room - left - label.count) + ["┤"]
            }
            for (offset, glyph) in glyphs.enumerated() where columns.lowerBound + offset < area.width {
                let isLabel = !"├┤─┃".contains(glyph)
                canvas.put(glyph, x: area.x + columns.lowerBound + offset, y: area.y + lane,
                           style: isLabel ? Style(foreground: style.foreground, attributes: .bold) : style)
            }
        }
    }
}
