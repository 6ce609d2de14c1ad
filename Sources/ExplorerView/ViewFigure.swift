import ExplorerCore
import Genomics
import Rendering

/// The explorer's view as a publication figure (`e`, `seqlens explore --snapshot`): the positions
/// on screen that the model sees, as the logo of the current map over the ISM heatmap of the
/// current task, the sequence with its edits, the annotations, every task's prediction, and a
/// caption naming model, record, positions, task, method and edits. Rendering's
/// `AttributionFigure.svg()` draws it.
public enum ViewFigure {
    /// Edits the caption lists by name before it only counts the rest.
    static let listedEdits = 12

    /// The figure of `state`'s view; nil while the map is still missing.
    public static func make(_ state: ExplorerState) -> AttributionFigure? {
        guard let matrix = Screen.attributionMatrix(state) else { return nil }
        let positions = Screen.VisibleWindow(state).positions.clamped(to: state.inputRange)
        var figure = AttributionFigure(matrix: matrix, kind: .attribution, title: caption(state).title)
        figure.notes = caption(state).notes
        figure.range = positions
        // Ruler labels in the record's own positions.
        figure.origin = state.recordPosition(0)
        figure.sequence = state.sequence
        if let deltas = Screen.taskDeltas(state) {
            figure.heatmapMatrix = Screen.onTrack(deltas, state)
            figure.panels = [.logo, .heatmap]
        }
        // The explorer's letter colours; the page stays the figure's (light, for print).
        figure.scheme = state.theme.scheme
        figure.annotations = state.shownAnnotations
        figure.highlights = [Highlight(.mutated, positions: state.mutatedPositions)]
        if let predictions = state.predictions?.value {
            let reference = state.referencePredictions[state.recordIndex]
            let edited = state.sequence != state.reference
            figure.predictions = state.taskNames.indices.filter { $0 < predictions.count }.map { task in
                Bars.Item(label: state.taskNames[task], value: predictions[task], reference: edited ? reference?[task] : nil)
            }
        }
        return figure
    }

    /// "model · record · task · method" and the lines under it: positions, maps, edits.
    static func caption(_ state: ExplorerState) -> (title: String, notes: [String]) {
        let task = state.taskNames.isEmpty ? nil : state.taskNames[state.task]
        let title = ([state.modelName, state.record.id] + (task.map { [$0] } ?? []) + [state.method.title]).joined(separator: " · ")
        let positions = Screen.VisibleWindow(state).positions.clamped(to: state.inputRange)
        let first = state.recordPosition(positions.lowerBound), end = state.recordPosition(positions.upperBound)
        var location = "model \(state.modelName) · record \(state.record.id) (\(state.recordIndex + 1) of \(state.records.count), \(state.recordLength) nt) · positions \(first):\(end) (0-based, end excluded)"
        if state.window.padding > 0 { location += " · \(state.window.padding) padding columns (·)" }
        let maps = "task \(task ?? "output") · logo: \(state.method.title) · heatmap: ISM, Δ prediction of every substitution"
        let edits = state.mutatedPositions.sorted().map {
            state.recordSubstitution(Substitution(position: $0, reference: state.reference[$0], alternative: state.sequence[$0])).description
        }
        let more = edits.count > listedEdits ? " and \(edits.count - listedEdits) more" : ""
        let editLine = edits.isEmpty ? "edits: none (the reference sequence)" : "edits: " + edits.prefix(listedEdits).joined(separator: ", ") + more
        return (title, [location, maps, editLine])
    }
}
