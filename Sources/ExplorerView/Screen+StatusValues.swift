import ExplorerCore
import Genomics
import Rendering

/// What the status line says about the cursor's position and the last run of edits.
extension Screen {
    /// The numbers under the cursor, with their ranks for `drawStatus`: the selected task's
    /// prediction, the attribution of the present base (selected method and task), and the ISM
    /// effects of the other bases there, e.g. `pred 0.370 │ attr +0.5 │ ISM A-0.8 G-0.7 T-0.6`.
    static func cursorValues(_ state: ExplorerState) -> [(text: String, rank: Int)] {
        var values: [(text: String, rank: Int)] = []
        let present = state.alphabet.index(of: state.sequence[state.cursor])
        if let predictions = state.predictions?.value ?? state.referencePredictions[state.recordIndex], predictions.indices.contains(state.task) {
            values.append(("pred \(Bars.number(predictions[state.task]))", 3))
        }
        if let present, let matrix = attributionMatrix(state) {
            values.append(("attr \(signed(matrix.values[present * state.length + state.cursor]))", 4))
        }
        // ISM is of the model's input: the cursor's column in it.
        let column = state.cursor - state.inputRange.lowerBound, columns = state.window.inputLength
        if let deltas = taskDeltas(state), (0 ..< columns).contains(column) {
            let others = state.alphabet.letters.indices.filter { $0 != present }
            // Twenty amino acids do not fit: the best and the worst substitution.
            let shown = others.count <= 3 ? others : [others.max { deltas[$0 * columns + column] < deltas[$1 * columns + column] }!,
                                                      others.min { deltas[$0 * columns + column] < deltas[$1 * columns + column] }!]
            let effects = shown.map { index in "\(letter(state.alphabet.letters[index]))\(signed(deltas[index * columns + column]))" }
            values.append(((others.count <= 3 ? "ISM " : "ISM best, worst ") + effects.joined(separator: " "), 5))
        }
        return values
    }

    /// The last replace-mode run or paste while it is the latest change: `40–47: 8 edits, largest
    /// Δ CTCF -0.310` (positions 0-based, both ends changed).
    static func runSummary(_ state: ExplorerState) -> String? {
        guard let run = state.lastRun, run.version == state.version else { return nil }
        let first = state.recordPosition(run.positions.lowerBound), last = state.recordPosition(run.positions.upperBound)
        let range = run.positions.count == 1 ? "\(first)" : "\(first)–\(last)"
        var text = "\(range): \(run.edits) edit\(run.edits == 1 ? "" : "s")"
        if let task = run.largestTask, let delta = run.largestDelta, state.taskNames.indices.contains(task) {
            text += ", largest Δ \(state.taskNames[task]) \(delta >= 0 ? "+" : "")\(Bars.number(delta))"
        }
        return text
    }

    /// The bases as the sequence row draws them: soft-masked ones (lower case in the input, e.g.
    /// repeats) in lower case, edited or not, as saving writes them; the model sees them as bases.
    static func shownBases(_ state: ExplorerState, _ positions: Range<Int>) -> [UInt8] {
        let original = state.record.sequence
        return positions.map { index in
            let position = state.recordPosition(index)
            return original.indices.contains(position) && BaseCase.isLowercase(original[position]) ? state.sequence[index] | 0x20 : state.sequence[index]
        }
    }

    /// A number with its sign, three significant digits: +0.0123, -0.4.
    static func signed(_ value: Float) -> String { (value >= 0 ? "+" : "") + NumberFormat.short(value) }
}
