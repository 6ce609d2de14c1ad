/// One value per column as a bar chart growing from the bottom of the area, exact to one eighth of a
/// row (▁▂▃▄▅▆▇█): a profile track, the total attribution per position.
public struct Sparkline: Widget {
    public var values: [Float]
    /// The values at the bottom and top edges; nil: from min(0, smallest) to the largest value.
    public var range: ClosedRange<Float>?
    public var color: Color
    public var depth: ColorDepth

    public init(values: [Float], range: ClosedRange<Float>? = nil, color: Color = .rgb(70, 130, 180), depth: ColorDepth = .trueColor) {
        self.values = values
        self.range = range
        self.color = color
        self.depth = depth
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        let finite = values.filter(\.isFinite)
        let range = self.range ?? min(0, finite.min() ?? 0) ... max(finite.max() ?? 1, min(0, finite.min() ?? 0) + .leastNormalMagnitude)
        let span = range.upperBound - range.lowerBound
        let style = Style(foreground: depth == .monochrome ? .default : color)
        for (column, value) in values.enumerated() where column < area.width && value.isFinite {
            let clipped = min(range.upperBound, max(range.lowerBound, value))
            let eighths = Int(((clipped - range.lowerBound) / span * Float(area.height * 8)).rounded())
            for row in 0 ..< area.height {
                let n = min(8, max(0, eighths - row * 8))
                if n > 0 { canvas.put(Glyphs.lower[n], x: area.x + column, y: area.maxY - 1 - row, style: style) }
            }
        }
    }
}
