/// Coordinates under a logo or heatmap, one row: labels at round positions (10, 20, … or 100, 200, …,
/// as far apart as they need to be to stay readable), each starting at its position's column.
public struct Ruler: Widget {
    public var spans: [ColumnSpan]
    /// The label of position p is `origin + p`: 0 for seqlens's 0-based positions, or a genomic start.
    public var origin: Int

    public init(spans: [ColumnSpan], origin: Int = 1) {
        self.spans = spans
        self.origin = origin
    }

    /// Positions between labels: the smallest of 1, 2, 5, 10, 20, 50, … that leaves a space between labels.
    public var step: Int {
        let perColumn = spans.first?.positions.count ?? 1
        let columnsPerSpan = spans.prefix { $0 == spans[0] }.count
        let widest = String(origin + (spans.last?.positions.upperBound ?? 1)).count + 1
        return Ruler.roundStep(atLeast: (widest + columnsPerSpan - 1) / max(1, columnsPerSpan) * perColumn)
    }

    /// The smallest of 1, 2, 5, 10, 20, 50, … that is at least `minimum`.
    public static func roundStep(atLeast minimum: Int) -> Int {
        var magnitude = 1
        while true {
            for multiple in [1, 2, 5] where multiple * magnitude >= minimum { return multiple * magnitude }
            magnitude *= 10
        }
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        let step = self.step
        var free = area.x
        for (column, span) in spans.enumerated() where column < area.width && (column == 0 || spans[column - 1] != span) {
            let x = area.x + column
            let labels = span.positions.map { origin + $0 }
            if let tick = labels.first(where: { $0 % step == 0 }) {
                let text = String(tick)
                if x >= free, x + text.count <= area.maxX {
                    canvas.write(text, x: x, y: area.y)
                    free = x + text.count + 1
                }
            }
        }
    }
}
