import Foundation
import Interpretation
import Rendering

/// The text plot `seqlens gia` prints: one task's global importance as bars (marginal: every
/// task), or as a sparkline over positions, each value with its 95 % interval.
struct GIAPlot {
    var table: ImportanceTable
    var analysis: GIA.Analysis
    /// The task asked for; nil: the one with the largest effect.
    var task: Int?
    /// k-mers shown.
    var top: Int
    /// The patterns as embedded (a motif's consensus), for the title.
    var patterns: [String]

    /// The task drawn: the one asked for, else the one whose largest |GI| is largest.
    var shownTask: Int {
        task ?? table.tasks.indices.max { a, b in largest(a) < largest(b) } ?? 0
    }

    private func largest(_ task: Int) -> Float {
        table.rows.map { abs($0.estimate.mean[task]) }.filter(\.isFinite).max() ?? 0
    }

    func canvas(width: Int, depth: ColorDepth) -> Canvas {
        let shown = shownTask
        let count = table.rows.first?.estimate.count ?? 0
        let over = analysis == .ablate ? "\(count) scrambles per site" : "\(count) backgrounds"
        var lines = ["global importance (mean f(with) − f(without), 95 % interval) over \(over)"]
        var items: [(Bars.Item, String)] = []
        let interval = { (row: ImportanceTable.Row, task: Int) in
            "[\(Bars.number(row.estimate.lower[task])), \(Bars.number(row.estimate.upper[task]))]"
        }
        switch analysis {
        case .marginal:
            let row = table.rows[0]
            lines.append("\(patterns[0]) at start \(row.keys[0]), every task:")
            items = table.tasks.indices.map { (Bars.Item(label: table.tasks[$0], value: row.estimate.mean[$0]), interval(row, $0)) }
        case .positions:
            return sparkline(task: shown, width: width, depth: depth, header: lines)
        case .copies:
            lines.append("\(table.tasks[shown]), copies of \(patterns[0]) (starts in the TSV):")
            items = table.rows.map { (Bars.Item(label: "\($0.keys[0]) ×", value: $0.estimate.mean[shown]), interval($0, shown)) }
        case .spacing:
            lines.append("\(table.tasks[shown]), \(patterns[0]) then \(patterns[1]) by spacing; ref = the sum of each alone, Δ = the interaction:")
            for spacing in stride(from: 0, to: table.rows.count, by: 4) {
                let (both, first, second, interaction) = (table.rows[spacing], table.rows[spacing + 1], table.rows[spacing + 2], table.rows[spacing + 3])
                items.append((Bars.Item(label: "spacing \(both.keys[0])", value: both.estimate.mean[shown],
                                        reference: first.estimate.mean[shown] + second.estimate.mean[shown]),
                               "Δ ∈ " + interval(interaction, shown)))
            }
        case .kmers:
            lines.append("\(table.tasks[shown]), the \(min(top, table.rows.count)) best of \(table.rows.count) k-mers at start \(table.rows.first?.keys[1] ?? ""):")
            items = table.rows.prefix(top).map { (Bars.Item(label: $0.keys[0], value: $0.estimate.mean[shown]), interval($0, shown)) }
        case .ablate:
            lines.append("\(table.tasks[shown]), each site of \(patterns[0]) scrambled (ref = the record's prediction):")
            items = table.rows.map { row in
                (Bars.Item(label: "\(row.keys[0]):\(row.keys[1])-\(row.keys[2])\(row.keys[3] == "." ? "" : row.keys[3])",
                           value: row.reference[shown] + row.estimate.mean[shown], reference: row.reference[shown]),
                 interval(row, shown))
            }
        }
        let intervalWidth = (items.map(\.1.count).max() ?? 0) + 1
        var canvas = Canvas(width: width, height: lines.count + items.count)
        for (y, line) in lines.enumerated() { canvas.write(line, x: 0, y: y, maxWidth: width) }
        let bars = Bars(items: items.map(\.0), depth: depth)
        canvas.render(bars, in: Rect(x: 0, y: lines.count, width: width - intervalWidth, height: items.count))
        for (row, item) in items.enumerated() { canvas.write(item.1, x: width - intervalWidth + 1, y: lines.count + row) }
        return canvas
    }

    /// GI over start positions, the largest |GI| of each column's positions, with the best start.
    private func sparkline(task: Int, width: Int, depth: ColorDepth, header: [String]) -> Canvas {
        let values = table.rows.map { $0.estimate.mean[task] }
        let columns = min(values.count, width)
        let perColumn = (values.count + columns - 1) / max(columns, 1)
        let binned = stride(from: 0, to: values.count, by: perColumn).map { first in
            values[first ..< min(first + perColumn, values.count)].max { abs($0) < abs($1) } ?? 0
        }
        let best = values.indices.max { values[$0] < values[$1] } ?? 0
        let worst = values.indices.min { values[$0] < values[$1] } ?? 0
        let row = { (index: Int) in "\(Bars.number(values[index])) at start \(self.table.rows[index].keys[0])" }
        var lines = header
        lines.append("\(table.tasks[task]), \(patterns[0]) by start (\(table.rows.first?.keys[0] ?? "") to \(table.rows.last?.keys[0] ?? ""), \(perColumn) start\(perColumn == 1 ? "" : "s") per column):")
        var canvas = Canvas(width: width, height: lines.count + 6)
        for (y, line) in lines.enumerated() { canvas.write(line, x: 0, y: y, maxWidth: width) }
        canvas.render(Sparkline(values: binned, depth: depth), in: Rect(x: 0, y: lines.count, width: width, height: 4))
        canvas.write("largest \(row(best)) [\(Bars.number(table.rows[best].estimate.lower[task])), \(Bars.number(table.rows[best].estimate.upper[task]))]; smallest \(row(worst))",
                     x: 0, y: lines.count + 5, maxWidth: width)
        return canvas
    }
}
