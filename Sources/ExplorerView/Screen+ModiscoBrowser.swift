import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// The `P` browser over the whole screen but the bottom line: the patterns (name, seqlets,
    /// width, consensus of the core, best match), the selected one reversed and kept in view; under
    /// them its logo (CWM, hypothetical CWM or PPM in bits) and its database matches.
    static func drawModiscoBrowser(_ browser: ModiscoBrowser, _ modisco: ModiscoCatalog, depth: ColorDepth, on canvas: inout Canvas) {
        let box = Rect(x: 0, y: 0, width: canvas.width, height: canvas.height - 1)
        let count = modisco.patterns.count
        drawBox(box, title: " TF-MoDISco: \(modisco.source), \(count) pattern\(count == 1 ? "" : "s") ", on: &canvas)
        let inner = Rect(x: 2, y: 1, width: box.width - 4, height: box.height - 2)
        let pattern = modisco.patterns[browser.selection]
        let matches = modisco.matches[browser.selection]
        let matchRows = modisco.database == nil ? 1 : 1 + max(1, matches.count)

        // The list takes up to a third of the box; the logo the rest.
        let listRows = min(count, max(2, inner.height / 3))
        let nameWidth = min(40, modisco.patterns.map(\.name.count).max() ?? 0)
        canvas.write(padded("pattern", nameWidth) + "  seqlets  width  " + padded("core consensus", 14) + "  best match", x: inner.x, y: inner.y, style: Style(attributes: .dim), maxWidth: inner.width)
        let first = max(0, min(browser.selection - listRows / 2, count - listRows))
        for row in 0 ..< listRows {
            let index = first + row
            let item = modisco.patterns[index]
            let core = item.trimmedRange()
            var line = padded(item.name, nameWidth) + "  " + padded(String(item.seqlets.count), 7, right: true) + "  "
                + padded(String(item.width), 5, right: true) + "  " + padded(item.slice(core).motif.consensus, 14)
            if let best = modisco.matches[index].first { line += "  " + best.motif }
            let area = Rect(x: inner.x - 1, y: inner.y + 1 + row, width: inner.width + 2, height: 1)
            let style = index == browser.selection ? Style(attributes: [.reverse, .bold]) : .plain
            if index == browser.selection { canvas.fill(area, with: Cell(" ", style: style)) }
            canvas.write(line, x: inner.x, y: area.y, style: style, maxWidth: inner.width)
        }
        let below = count - first - listRows
        if below > 0 { canvas.write(" ↓ \(below) more ", x: inner.x, y: inner.y + 1 + listRows, style: Style(attributes: .bold)) }

        // The selected pattern's logo, as `seqlens modisco --pattern` draws it.
        let top = inner.y + listRows + 2
        let figureRows = inner.maxY - top - matchRows
        var figure = AttributionFigure(pattern: pattern, logo: browser.logo)
        let core = pattern.trimmedRange()
        figure.notes = ["\(pattern.seqlets.count) seqlets · \(pattern.width) positions · core \(core.lowerBound):\(core.upperBound) · Tab: next logo"]
        // Title, notes, a signed logo's baseline, ruler, sequence and legend rows around the logo.
        let logoHeight = max(2, min(10, figureRows - 6))
        let drawn = figure.canvas(width: inner.width, logoHeight: logoHeight, depth: depth)
        for y in 0 ..< min(drawn.height, max(0, figureRows)) {
            for x in 0 ..< min(drawn.width, inner.width) { canvas.put(drawn[x, y].character, x: inner.x + x, y: top + y, style: drawn[x, y].style) }
        }

        let matchTop = inner.maxY - matchRows
        guard let database = modisco.database else {
            canvas.write("no matches: give a motif database with --motifs", x: inner.x, y: matchTop, style: Style(attributes: .dim), maxWidth: inner.width)
            return
        }
        canvas.write("TOMTOM matches of the core in \(database):", x: inner.x, y: matchTop, style: Style(attributes: .bold), maxWidth: inner.width)
        if matches.isEmpty { canvas.write("  none", x: inner.x, y: matchTop + 1, style: Style(attributes: .dim), maxWidth: inner.width) }
        for (row, match) in matches.enumerated() {
            canvas.write("  \(row + 1). \(match.motif)  p \(NumberFormat.short(Float(max(match.pValue, 1e-38))))", x: inner.x, y: matchTop + 1 + row, maxWidth: inner.width)
        }
    }

    /// `text` cut or padded with spaces to `width` (on the left when `right`).
    static func padded(_ text: String, _ width: Int, right: Bool = false) -> String {
        let cut = text.count > width ? String(text.prefix(max(0, width - 1))) + "…" : text
        let fill = String(repeating: " ", count: width - cut.count)
        return right ? fill + cut : cut + fill
    }
}
