/// A complete figure of an (A, L) matrix, the way the `logo`, `heatmap`, `show` and `motif` commands
/// and the explorer draw one:
///
/// ```text
/// title                                        (bold)
/// notes, one per row                           (dim)
/// logo panel with a y axis in the gutter       (LogoKind: bits, probability, log2 odds, attribution)
/// heatmap panel, one row per letter            (DivergingScale, reference bases marked)
/// ruler                                        (coordinates: origin + position)
/// sequence row                                 (when `sequence` is given)
/// annotation rows                              (intervals, one row per lane)
/// prediction bars                              (task, value, reference, Δ)
/// legend rows                                  (letter colours, y scale, colour bar, zoom)
/// ```
///
/// `canvas(width:logoHeight:depth:)` draws it for a terminal, zooming out so it fits the width;
/// `svg()` draws it as vector graphics for publication. All positions (range, annotations,
/// highlights) are 0-based indices into `matrix`.
public struct AttributionFigure: Sendable {
    public enum Panel: Hashable, Sendable { case logo, heatmap }

    /// The values of the logo panel, e.g. attributions (N = 1) or motif probabilities.
    public var matrix: PositionMatrix
    /// How `matrix` becomes letter heights.
    public var kind: LogoKind
    public var title: String
    /// Lines under the title (dim, wrapped at word boundaries), e.g. what was detected about the input.
    public var notes: [String] = []
    /// Panels top to bottom.
    public var panels: [Panel] = [.logo]
    /// The heatmap panel's values when they differ from `matrix` (ISM deltas under a logo of their mean).
    public var heatmapMatrix: PositionMatrix?
    /// Bases (ASCII) for the sequence row and the heatmap's reference marks, `SequenceRow.padding`
    /// where the model saw padding; nil: no sequence row.
    public var sequence: [UInt8]?
    /// The positions drawn; nil: all.
    public var range: Range<Int>?
    /// Ruler label of position 0 (0: positions as seqlens counts them; a genomic start for coordinates).
    public var origin: Int = 0
    public var predictions: [Bars.Item] = []
    /// The predictions are probabilities: saturated ones are marked (`Bars.saturatedMark`).
    public var predictionsAreProbabilities = false
    public var annotations: [Annotation] = []
    public var highlights: [Highlight] = []
    /// nil: the smallest zoom level that fits the width, with `aggregation`.
    public var zoom: Zoom?
    public var aggregation: Zoom.Aggregation = .maxMagnitude
    public var scheme: LogoColorScheme = .classic
    /// What the figure is drawn on; nil: dark in a terminal, light in SVG.
    public var background: Background?
    /// A fixed top of the logo's y axis (e.g. to share a scale between figures); nil: fitted, or
    /// fixed by the kind (2 bits, probability 1).
    public var logoMaximum: Float?
    /// A fixed heatmap scale; nil: fitted to the drawn values with `heatmapPercentile`.
    public var heatmapScale: DivergingScale?
    /// Robust heatmap maximum, e.g. 99 for the 99th percentile of |value|; nil: the largest |value|.
    public var heatmapPercentile: Double?
    /// Two letters per row in the heatmap (256 colours and truecolor).
    public var halfBlockHeatmap = false

    public init(matrix: PositionMatrix, kind: LogoKind = .attribution, title: String = "") {
        self.matrix = matrix
        self.kind = kind
        self.title = title
    }

    // MARK: - What is drawn

    /// The drawn range, clamped to the matrix.
    var visible: Range<Int> {
        guard let range else { return 0 ..< matrix.length }
        return max(0, range.lowerBound) ..< min(matrix.length, max(range.lowerBound, range.upperBound))
    }

    /// Letter heights over the drawn range.
    var heights: PositionMatrix { kind.heights(of: matrix.slice(visible)) }

    /// Heatmap values over the drawn range.
    var heatmapValues: PositionMatrix { (heatmapMatrix ?? matrix).slice(visible) }

    /// The heatmap scale in use: given, or fitted to the drawn values.
    public var resolvedHeatmapScale: DivergingScale {
        heatmapScale ?? .fitting(heatmapValues.values, percentile: heatmapPercentile)
    }

    /// Annotations and highlights moved into the coordinates of the drawn range.
    var shiftedAnnotations: [Annotation] {
        annotations.map { Annotation(positions: $0.positions.lowerBound - visible.lowerBound ..< $0.positions.upperBound - visible.lowerBound, label: $0.label, color: $0.color) }
    }

    var shiftedHighlights: [Highlight] {
        highlights.map { Highlight($0.kind, positions: Set($0.positions.map { $0 - visible.lowerBound })) }
    }

    var visibleSequence: [UInt8]? {
        sequence.map { Array($0[min($0.count, visible.lowerBound) ..< min($0.count, visible.upperBound)]) }
    }

    /// The zoom level `canvas` uses for a plot area `columns` wide.
    public func zoom(forColumns columns: Int) -> Zoom {
        zoom ?? Zoom.fitting(visible.count, in: columns, aggregation: aggregation)
    }

    /// The theme for an output whose usual background is `usual`.
    func theme(usually usual: Background) -> Theme { Theme(scheme: scheme, background: background ?? usual) }

    /// The marks a terminal canvas at `zoom` draws, for its legend (SVG draws fewer, see `svg()`).
    func marks(zoom: Zoom) -> [Mark] {
        var marks: [Mark] = []
        if panels.contains(.logo), kind.isSigned, heights.values.contains(where: { $0 < 0 }) { marks.append(.negativeLetters(matrix.letters)) }
        if shiftedHighlights.contains(where: { $0.kind == .mutated && $0.positions.contains { (0 ..< visible.count).contains($0) } }) { marks.append(.edited) }
        if sequence != nil, zoom.level > 1 { marks.append(.consensus(zoom, namingPairs: !scheme.isProtein)) }
        return marks + predictionMarks
    }

    /// Marks of the prediction bars: the zero line, clipped bars, saturated outputs.
    var predictionMarks: [Mark] {
        let bars = predictionBars()
        var marks: [Mark] = []
        if !predictions.isEmpty, bars.domain.lowerBound < 0 { marks.append(.barZero) }
        if bars.hasClippedValues { marks.append(.clipped) }
        if bars.items.contains(where: \.saturated) { marks.append(.saturated) }
        return marks
    }

    /// Channel of a base among the matrix letters (T and U are one), nil for N and others.
    func letterIndex(_ base: UInt8) -> Int? { Heatmap.row(of: Character(Unicode.Scalar(base)), in: matrix.letters) }

    // MARK: - Terminal

    /// The figure `width` columns wide, with a logo `logoHeight` rows high, drawn for `depth`.
    public func canvas(width: Int, logoHeight: Int = 10, depth: ColorDepth) -> Canvas {
        let width = max(width, 24)
        let hasLogo = panels.contains(.logo), hasHeatmap = panels.contains(.heatmap)
        let heights = self.heights

        // The gutter holds the y-axis labels; its width depends on them and they on the zoom.
        var gutter = 8
        var layout = logoLayout(heights, columns: width - gutter, logoHeight: logoHeight)
        let needed = max(hasHeatmap ? (halfBlockHeatmap ? 5 : 3) : 2, layout.labels.map(\.count).max().map { $0 + 2 } ?? 2)
        if needed != gutter {
            gutter = needed
            layout = logoLayout(heights, columns: width - gutter, logoHeight: logoHeight)
        }
        let plotWidth = width - gutter
        let zoom = layout.zoom
        let heatmapZoomed = zoom.apply(to: heatmapValues, perLetter: true)
        let spans = hasLogo ? layout.spans : heatmapZoomed.spans
        let sequence = visibleSequence
        let shiftedHighlights = self.shiftedHighlights
        let scale = resolvedHeatmapScale
        let theme = self.theme(usually: .dark)
        let heatmap = Heatmap(matrix: heatmapZoomed.matrix, scale: scale, reference: sequence.map { Heatmap.references(bases: $0, spans: heatmapZoomed.spans, letters: matrix.letters) } ?? [],
                              halfBlock: halfBlockHeatmap, depth: depth, theme: theme)
        let annotationTrack = AnnotationTrack(annotations: shiftedAnnotations, spans: spans, depth: depth)

        typealias Part = (height: Int, draw: (inout Canvas, Int) -> Void)
        var parts: [Part] = []
        if !title.isEmpty {
            parts.append((1, { canvas, y in canvas.write(title, x: 0, y: y, style: Style(attributes: .bold), maxWidth: width) }))
        }
        for line in notes.flatMap({ TextWrap.lines($0, width: width) }) {
            parts.append((1, { canvas, y in canvas.write(line, x: 0, y: y, style: Style(attributes: .dim), maxWidth: width) }))
        }
        for panel in panels {
            switch panel {
            case .logo:
                let logo = Logo(heights: layout.matrix, axis: layout.axis, spans: layout.spans, scheme: scheme, highlights: shiftedHighlights, depth: depth,
                                background: theme.background)
                parts.append((layout.axis.height, { canvas, y in
                    Self.drawAxis(layout.axis, labels: layout.labels, gutter: gutter, y: y, on: &canvas)
                    canvas.render(logo, in: Rect(x: gutter, y: y, width: plotWidth, height: layout.axis.height))
                }))
            case .heatmap:
                let letters = heatmap.matrix.letters
                parts.append((heatmap.height, { canvas, y in
                    for row in 0 ..< heatmap.height {
                        let label = heatmap.packsRows ? "\(letters[2 * row])/\(2 * row + 1 < letters.count ? String(letters[2 * row + 1]) : "")" : String(letters[row])
                        canvas.write(label, x: gutter - 2 - label.count, y: y + row)
                        canvas.put("│", x: gutter - 1, y: y + row, style: Style(foreground: .rgb(128, 128, 128)))
                    }
                    canvas.render(heatmap, in: Rect(x: gutter, y: y, width: plotWidth, height: heatmap.height))
                }))
            }
        }
        let ruler = Ruler(spans: spans, origin: origin + visible.lowerBound)
        parts.append((1, { canvas, y in canvas.render(ruler, in: Rect(x: gutter, y: y, width: plotWidth, height: 1)) }))
        if let sequence {
            let row = SequenceRow(sequence: sequence, spans: spans, scheme: scheme, highlights: shiftedHighlights, depth: depth, background: theme.background)
            parts.append((1, { canvas, y in canvas.render(row, in: Rect(x: gutter, y: y, width: plotWidth, height: 1)) }))
        }
        if annotationTrack.height > 0 {
            parts.append((annotationTrack.height, { canvas, y in
                canvas.render(annotationTrack, in: Rect(x: gutter, y: y, width: plotWidth, height: annotationTrack.height))
            }))
        }
        if !predictions.isEmpty {
            let bars = predictionBars(depth: depth, theme: theme)
            parts.append((1, { _, _ in }))
            parts.append((predictions.count, { canvas, y in canvas.render(bars, in: Rect(x: 0, y: y, width: width, height: predictions.count)) }))
        }
        // Legend rows: the letter key (or the colour bar), then its scale, the zoom and the marks the
        // figure draws, on as many rows as they need.
        func appendLegend(_ lead: some Widget, width leadWidth: Int, items: [String]) {
            // A key that leaves no room beside it (twenty residues' groups in a narrow figure)
            // puts its items on the rows below.
            let beside = width - leadWidth - 2 >= 8
            let (indent, below) = beside ? (leadWidth, 0) : (0, 1)
            let rows = Mark.pack(items, width: width - indent - 2)
            parts.append((max(1, rows.count + below), { canvas, y in
                canvas.render(lead, in: Rect(x: 0, y: y, width: width, height: 1))
                for (row, text) in rows.enumerated() {
                    canvas.write("  " + text, x: indent, y: y + below + row, style: Style(attributes: .dim), maxWidth: width - indent)
                }
            }))
        }
        let zoomAndMarks = [zoom.legend].compactMap { $0 } + marks(zoom: zoom).map(\.inline)
        if hasLogo {
            let key = LetterKey(letters: matrix.letters, scheme: scheme, depth: depth)
            appendLegend(key, width: key.text.count, items: [key.groupLegend].compactMap { $0 } + ["\(NumberFormat.short(layout.axis.unitsPerRow)) \(kind.axisTitle) per row"] + zoomAndMarks)
        }
        if hasHeatmap {
            let bar = ColorBar(scale: scale, depth: depth, theme: theme)
            let what = heatmapScale != nil ? "fixed scale" : heatmapPercentile.map { "clipped at the \(NumberFormat.short(Float($0)))th percentile of |value|" } ?? "scale: largest |value|"
            appendLegend(bar, width: bar.width, items: [what] + (hasLogo ? [] : zoomAndMarks))
        }

        var canvas = Canvas(width: width, height: parts.reduce(0) { $0 + $1.height })
        var y = 0
        for part in parts {
            part.draw(&canvas, y)
            y += part.height
        }
        return canvas
    }

    /// The prediction bars, saturated probabilities marked.
    func predictionBars(depth: ColorDepth = .trueColor, theme: Theme = .terminal) -> Bars {
        let items = predictions.map { item in
            var item = item
            item.saturated = item.saturated || (predictionsAreProbabilities && Bars.isSaturated(item.value))
            return item
        }
        return Bars(items: items, depth: depth, theme: theme)
    }

    /// Zoom, zoomed heights, axis and axis labels for a plot area `columns` wide.
    private func logoLayout(_ heights: PositionMatrix, columns: Int, logoHeight: Int)
        -> (zoom: Zoom, matrix: PositionMatrix, spans: [ColumnSpan], axis: LogoAxis, labels: [String]) {
        let zoom = self.zoom(forColumns: max(1, columns))
        let (zoomed, spans) = zoom.apply(to: heights)
        let axis = LogoAxis.fitting(zoomed, height: max(1, logoHeight), signed: kind.isSigned,
                                    maximum: logoMaximum ?? kind.fixedMaximum(alphabetSize: matrix.letters.count))
        var labels = [NumberFormat.short(axis.top), "0"]
        if axis.rowsBelow > 0 { labels.append(NumberFormat.short(axis.bottom)) }
        return (zoom, zoomed, spans, axis, labels)
    }

    /// The y axis in the gutter: the top value, 0 at the baseline (or the bottom) and the bottom value.
    private static func drawAxis(_ axis: LogoAxis, labels: [String], gutter: Int, y: Int, on canvas: inout Canvas) {
        let grey = Style(foreground: .rgb(128, 128, 128))
        var marks: [Int: (String, Character)] = [0: (labels[0], "┤")]
        if axis.hasBaseline { marks[axis.rowsAbove] = ("0", "┼") } else { marks[axis.height - 1] = ("0", "┤") }
        if axis.rowsBelow > 0 { marks[axis.height - 1] = (labels[2], "┤") }
        for row in 0 ..< axis.height {
            let (label, tick) = marks[row] ?? ("", "│")
            canvas.write(label, x: max(0, gutter - 2 - label.count), y: y + row, maxWidth: gutter - 2)
            canvas.put(tick, x: gutter - 1, y: y + row, style: grey)
        }
    }
}
