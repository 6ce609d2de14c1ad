import Foundation

extension AttributionFigure {
    /// The figure as SVG for publication: every position drawn (no zoom), letters as vector glyphs
    /// stretched to their exact heights (logomaker style; below the baseline flipped and faded),
    /// heatmap cells as rectangles, a y axis with ticks, a coordinate axis, the sequence, annotations,
    /// prediction bars and a legend. `positionWidth` is in px (default: about 1,000 px in all,
    /// 1–24 px per position).
    public func svg(positionWidth: Double? = nil) -> String {
        let positions = visible.count
        let step = positionWidth ?? min(24, max(1, 1000 / Double(max(1, positions))))
        let left = 72.0
        let plotWidth = step * Double(positions)
        let labelWidth = Double(predictions.map(\.label.count).max() ?? 0) * 7 + 16
        let barWidth = 240.0
        let width = max(left + plotWidth + 20, predictions.isEmpty ? 0 : labelWidth + barWidth + 230, 420)
        let theme = printTheme
        var svg = SVGDocument(width: width, height: 0)
        svg.background = theme.background.color.hex!
        svg.ink = theme.ink
        let sequence = visibleSequence
        let highlights = shiftedHighlights
        var y = 8.0

        if !title.isEmpty {
            svg.text(title, x: 10, y: y + 16, size: 16, extra: "font-weight=\"bold\"")
            y += 24
        }
        for note in notes {
            svg.text(note, x: 10, y: y + 12, size: 11, fill: theme.mutedInk)
            y += 16
        }
        y += 8
        func x(_ position: Int) -> Double { left + Double(position) * step }

        for panel in panels {
            switch panel {
            // Named groups, so editors (and tests) find each panel.
            case .logo:
                svg.raw("<g id=\"logo\">")
                y = drawLogo(on: &svg, top: y, height: 180, left: left, step: step, highlights: highlights) + 8
                svg.raw("</g>")
            case .heatmap:
                svg.raw("<g id=\"heatmap\">")
                y = drawHeatmap(on: &svg, top: y, left: left, step: step, sequence: sequence) + 8
                svg.raw("</g>")
            }
        }

        // Coordinate axis, labels at round positions.
        let origin = self.origin + visible.lowerBound
        let digits = String(origin + positions).count
        let tick = Ruler.roundStep(atLeast: Int(((Double(digits) * 7 + 12) / step).rounded(.up)))
        svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: printTheme.axisInk)
        for position in 0 ..< positions where (origin + position) % tick == 0 {
            let center = x(position) + step / 2
            svg.line(x1: center, y1: y, x2: center, y2: y + 4, stroke: printTheme.axisInk)
            svg.text(String(origin + position), x: center, y: y + 15, size: 10, anchor: "middle")
        }
        y += 22
        if let sequence, step >= 6 {
            for (position, base) in sequence.enumerated() {
                let letter = base == SequenceRow.padding ? SequenceRow.paddingGlyph : Character(Unicode.Scalar(base))
                svg.text(String(letter), x: x(position) + step / 2, y: y + 11, size: min(12, step * 1.1), anchor: "middle",
                         fill: scheme.color(for: letter, on: printTheme.background).hex ?? theme.ink, extra: "font-family=\"DejaVu Sans Mono, Menlo, monospace\" font-weight=\"bold\"")
            }
            y += 16
        }
        let track = AnnotationTrack(annotations: shiftedAnnotations, spans: .identity(positions))
        let placements = track.placements()
        for (annotation, index, columns, lane) in placements {
            let top = y + Double(lane) * 18
            let fill = (annotation.color ?? AnnotationTrack.color(index)).hex ?? "#888888"
            svg.rect(x: x(columns.lowerBound), y: top, width: Double(columns.count) * step, height: 14, fill: fill,
                     extra: "fill-opacity=\"0.25\" stroke=\"\(fill)\"")
            svg.text(annotation.label, x: x(columns.lowerBound) + Double(columns.count) * step / 2, y: top + 11, size: 10, anchor: "middle")
        }
        y += Double(track.height) * 18 + (placements.isEmpty ? 0 : 6)

        if !predictions.isEmpty {
            y = drawPredictions(on: &svg, top: y + 6, labelWidth: labelWidth, barWidth: barWidth) + 6
        }
        y = drawLegend(on: &svg, top: y, left: left)
        svg.height = y + 10
        return svg.rendered
    }

    /// Writes the SVG to a file atomically.
    public func writeSVG(to url: URL, positionWidth: Double? = nil) throws {
        try Data(svg(positionWidth: positionWidth).utf8).write(to: url, options: .atomic)
    }

    /// Letters stacked per position with exact heights; returns the bottom edge.
    private func drawLogo(on svg: inout SVGDocument, top: Double, height: Double, left: Double, step: Double, highlights: [Highlight]) -> Double {
        let heights = self.heights
        var above: Float = 0, below: Float = 0
        for position in 0 ..< heights.length {
            let column = heights.column(position)
            above = max(above, column.filter { $0 > 0 }.reduce(0, +))
            below = max(below, -column.filter { $0 < 0 }.reduce(0, +))
        }
        let ceiling = Double(logoMaximum ?? kind.fixedMaximum(alphabetSize: matrix.letters.count) ?? max(above, .leastNormalMagnitude))
        let floor = kind.isSigned ? -Double(below) : 0
        let perUnit = height / max(ceiling - floor, .leastNormalMagnitude)
        let zero = top + ceiling * perUnit

        // Tints in drawing order: a cursor over a mutation over a motif.
        for tinted in [Highlight.Kind.motif, .mutated, .cursor] {
            let fill = printTheme.tint(tinted).hex!
            for highlight in highlights where highlight.kind == tinted {
                for position in highlight.positions.sorted() where position >= 0 && position < heights.length {
                    svg.rect(x: left + Double(position) * step, y: top, width: step, height: height, fill: fill)
                }
            }
        }
        for position in 0 ..< heights.length {
            let column = heights.column(position)
            let x = left + Double(position) * step
            // One group of glyphs per position.
            svg.raw("<g>")
            defer { svg.raw("</g>") }
            var sum = 0.0
            for letter in column.indices.filter({ column[$0] > 0 }).sorted(by: { (column[$0], $0) < (column[$1], $1) }) {
                let h = Double(column[letter]) * perUnit
                svg.letter(heights.letters[letter], x: x, y: zero - sum - h, width: step, height: h, fill: scheme.color(for: heights.letters[letter], on: printTheme.background).hex!)
                sum += h
            }
            sum = 0
            for letter in column.indices.filter({ column[$0] < 0 }).sorted(by: { (-column[$0], $0) < (-column[$1], $1) }) {
                let h = -Double(column[letter]) * perUnit
                svg.letter(heights.letters[letter], x: x, y: zero + sum, width: step, height: h, fill: scheme.color(for: heights.letters[letter], on: printTheme.background).hex!, flipped: true, opacity: 0.55)
                sum += h
            }
        }
        if kind.isSigned { svg.line(x1: left, y1: zero, x2: left + step * Double(heights.length), y2: zero, stroke: printTheme.faintInk, width: 0.75) }

        // y axis with ticks at round values.
        let axisX = left - 6
        svg.line(x1: axisX, y1: top, x2: axisX, y2: top + height, stroke: printTheme.axisInk)
        let tickStep = Self.niceStep((ceiling - floor) / 4)
        var value = (floor / tickStep).rounded(.up) * tickStep
        while value <= ceiling + tickStep * 1e-6 {
            let tickY = zero - value * perUnit
            svg.line(x1: axisX - 4, y1: tickY, x2: axisX, y2: tickY, stroke: printTheme.axisInk)
            svg.text(NumberFormat.short(Float(abs(value) < tickStep * 1e-6 ? 0 : value)), x: axisX - 6, y: tickY + 3.5, size: 10, anchor: "end")
            value += tickStep
        }
        svg.text(kind.axisTitle, x: 14, y: top + height / 2, size: 11, anchor: "middle", extra: "transform=\"rotate(-90 14 \(SVGDocument.number(top + height / 2)))\"")
        return top + height
    }

    /// One row of rectangles per letter; returns the bottom edge.
    private func drawHeatmap(on svg: inout SVGDocument, top: Double, left: Double, step: Double, sequence: [UInt8]?) -> Double {
        let values = heatmapValues
        let scale = resolvedHeatmapScale
        let theme = printTheme
        let rowHeight = 14.0
        for letter in values.letters.indices {
            let rowTop = top + Double(letter) * rowHeight
            svg.text(String(values.letters[letter]), x: left - 10, y: rowTop + 10.5, size: 11, anchor: "end", extra: "font-weight=\"bold\"")
            for position in 0 ..< values.length {
                let t = scale.normalized(values[letter, position])
                guard abs(t) >= DivergingScale.blankBelow else { continue }
                svg.rect(x: left + Double(position) * step, y: rowTop, width: step, height: rowHeight, fill: DivergingScale.color(normalized: t, theme: theme).hex!)
            }
        }
        if let sequence {
            for (position, base) in sequence.enumerated() {
                guard let letter = letterIndex(base) else { continue }
                let x = left + Double(position) * step, rowTop = top + Double(letter) * rowHeight
                if step >= 7 {
                    let t = scale.normalized(values[letter, position])
                    let ink = abs(t) < DivergingScale.blankBelow ? theme.ink : textColor(on: DivergingScale.color(normalized: t, theme: theme)).hex!
                    svg.text(String(values.letters[letter]), x: x + step / 2, y: rowTop + 10.5, size: min(11, step), anchor: "middle", fill: ink, extra: "font-weight=\"bold\"")
                } else if step >= 3 {
                    svg.rect(x: x, y: rowTop, width: step, height: rowHeight, fill: "none", extra: "stroke=\"\(theme.ink)\" stroke-width=\"0.6\"")
                }
            }
        }
        let bottom = top + Double(values.letters.count) * rowHeight
        svg.rect(x: left, y: top, width: step * Double(values.length), height: bottom - top, fill: "none", extra: "stroke=\"\(theme.faintInk)\" stroke-width=\"0.5\"")
        return bottom
    }

    /// Horizontal bars with value, reference tick and Δ; returns the bottom edge. As in the terminal,
    /// a domain below 0 gets a zero line, and a bar cut at an end of the axis a triangle beside it.
    private func drawPredictions(on svg: inout SVGDocument, top: Double, labelWidth: Double, barWidth: Double) -> Double {
        let theme = printTheme
        let bars = predictionBars(theme: theme)
        let domain = bars.domain
        let span = Double(domain.upperBound - domain.lowerBound)
        func x(_ value: Float) -> Double {
            let clipped = Double(min(domain.upperBound, max(domain.lowerBound, value)))
            return labelWidth + (clipped - Double(domain.lowerBound)) / span * barWidth
        }
        let n = SVGDocument.number
        for (row, item) in bars.items.enumerated() {
            let rowTop = top + Double(row) * 20
            svg.text(item.label, x: 10, y: rowTop + 12, size: 11)
            svg.rect(x: labelWidth, y: rowTop + 2, width: barWidth, height: 12, fill: theme.track)
            if !item.value.isNaN {
                let start = x(0), end = x(item.value)
                svg.rect(x: min(start, end), y: rowTop + 2, width: abs(end - start), height: 12, fill: theme.barColor.hex!)
            }
            if item.value > domain.upperBound {
                let tip = labelWidth + barWidth + 6
                svg.raw("<path d=\"M\(n(tip - 5)) \(n(rowTop + 3))L\(n(tip)) \(n(rowTop + 8))L\(n(tip - 5)) \(n(rowTop + 13))Z\" fill=\"\(theme.barColor.hex!)\"/>")
            } else if item.value < domain.lowerBound {
                let tip = labelWidth - 6
                svg.raw("<path d=\"M\(n(tip + 5)) \(n(rowTop + 3))L\(n(tip)) \(n(rowTop + 8))L\(n(tip + 5)) \(n(rowTop + 13))Z\" fill=\"\(theme.barColor.hex!)\"/>")
            }
            if let reference = item.reference, !reference.isNaN {
                let referenceX = x(reference)
                svg.line(x1: referenceX, y1: rowTop, x2: referenceX, y2: rowTop + 16, stroke: theme.ink, width: 2)
            }
            svg.text(bars.text(item), x: labelWidth + barWidth + 8, y: rowTop + 12, size: 11)
        }
        if domain.lowerBound < 0, domain.upperBound >= 0, !predictions.isEmpty {
            svg.line(x1: x(0), y1: top, x2: x(0), y2: top + Double(predictions.count) * 20 - 4, stroke: theme.faintInk)
        }
        return top + Double(predictions.count) * 20
    }

    /// Letter colours, the heatmap colour bar and the marks of the prediction bars; returns the bottom edge.
    private func drawLegend(on svg: inout SVGDocument, top: Double, left: Double) -> Double {
        let theme = printTheme
        var y = top
        if panels.contains(.logo) {
            var x = left
            for letter in matrix.letters {
                svg.rect(x: x, y: y + 2, width: 12, height: 12, fill: scheme.color(for: letter, on: printTheme.background).hex!)
                svg.text(String(letter), x: x + 16, y: y + 12, size: 11)
                x += 34
            }
            y += 20
        }
        if panels.contains(.heatmap) {
            let scale = resolvedHeatmapScale
            let cells = 60, cellWidth = 4.0
            for i in 0 ..< cells {
                let t = Float(2 * i + 1 - cells) / Float(cells)
                svg.rect(x: left + Double(i) * cellWidth, y: y + 2, width: cellWidth, height: 12, fill: DivergingScale.color(normalized: t, theme: theme).hex!)
            }
            let barEnd = left + Double(cells) * cellWidth
            svg.text(NumberFormat.short(-scale.maximum), x: left, y: y + 27, size: 10, anchor: "middle")
            svg.text("0", x: (left + barEnd) / 2, y: y + 27, size: 10, anchor: "middle")
            svg.text("+" + NumberFormat.short(scale.maximum), x: barEnd, y: y + 27, size: 10, anchor: "middle")
            y += 32
        }
        // SVG draws every position, letters below the baseline flipped: only the bars' marks apply.
        let marks = predictionMarks
        if !marks.isEmpty {
            svg.text(marks.map(\.inline).joined(separator: " · "), x: left, y: y + 12, size: 10, fill: theme.mutedInk)
            y += 18
        }
        return y
    }

    /// 1, 2 or 5 × a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for multiple in [1.0, 2, 5, 10] where multiple * magnitude >= raw * 0.999 { return multiple * magnitude }
        return 10 * magnitude
    }
}

extension AttributionFigure {
    /// The theme of SVG figures: light unless `background` says otherwise.
    var printTheme: Theme { theme(usually: .light) }
}
