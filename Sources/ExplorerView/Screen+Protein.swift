import ExplorerCore
import Genomics
import Rendering

/// Protein sessions: the family's logo, a 20- or 21-row heatmap (two amino acids per text row on
/// small screens: ▀ in the upper one's colour over the lower one's), and the edits' epistasis.
extension Screen {
    static func familyLogoTitle(_ state: ExplorerState) -> String {
        (state.familyLogo?.title ?? "") + " · m: attribution maps"
    }

    /// What the heatmap shows: every substitution's effect, or (`w`) how the edits changed it.
    static func heatmapTitle(_ state: ExplorerState) -> String {
        let name = state.taskNames.isEmpty ? "" : state.taskNames[state.task]
        if state.showsEpistasis { return "epistasis: Δ\(name) now − in the wild type (w: back)" }
        let edited = state.sequence != state.reference
        if state.alphabet.isNucleic { return "ISM: Δ" + (name.isEmpty ? "" : " of \(name)") + " for every substitution" }
        return "Δ\(name) of every single mutant" + (edited ? " · w: epistasis with the edits" : "")
    }

    /// The letters left of the heatmap's rows: one per row, or the pair a row packs ("A/C": the
    /// upper half-cell is A, the lower C).
    static func drawHeatmapLabels(_ letters: [Character], layout: ExplorerLayout, on canvas: inout Canvas) {
        let perRow = layout.heatmapLettersPerRow
        for row in 0 ..< (letters.count + perRow - 1) / perRow {
            let label = letters[(row * perRow) ..< min(letters.count, (row + 1) * perRow)].map(String.init).joined(separator: "/")
            canvas.write(label, x: layout.heatmap.x + ExplorerLayout.gutter - 1 - label.count - (perRow > 1 ? 0 : 1),
                         y: layout.heatmap.y + row * layout.heatmapRowsPerLetter)
        }
    }

    /// The heatmap widget for `lettersPerRow`: two letters per row as half blocks where the colours
    /// can show them (256 colours, truecolor); with 16 colours or none, each row shows the larger
    /// effect of its two letters.
    static func heatmap(_ matrix: PositionMatrix, scale: DivergingScale, reference: [Int?], lettersPerRow: Int, depth: ColorDepth, theme: Theme) -> Heatmap {
        guard lettersPerRow == 2 else { return Heatmap(matrix: matrix, scale: scale, reference: reference, depth: depth, theme: theme) }
        guard depth < .palette256 else { return Heatmap(matrix: matrix, scale: scale, halfBlock: true, depth: depth, theme: theme) }
        let rows = (matrix.letters.count + 1) / 2
        var values = [Float](repeating: 0, count: rows * matrix.length)
        for row in 0 ..< rows {
            for column in 0 ..< matrix.length {
                let upper = matrix[2 * row, column], lower = 2 * row + 1 < matrix.letters.count ? matrix[2 * row + 1, column] : 0
                values[row * matrix.length + column] = abs(lower) > abs(upper) ? lower : upper
            }
        }
        let pairs = PositionMatrix(letters: (0 ..< rows).map { matrix.letters[2 * $0] }, length: matrix.length, values: values)
        return Heatmap(matrix: pairs, scale: scale, depth: depth, theme: theme)
    }

    /// With two or more edits: their combined effect as the sum of the single mutants (each in the
    /// wild type) and the epistasis, e.g. " │ ΔH -2.41 = singles -1.90 + epistasis -0.51".
    static func epistasisSummary(_ state: ExplorerState) -> String {
        guard let split = state.editEpistasis else { return "" }
        let name = state.taskNames.isEmpty ? "" : state.taskNames[state.task]
        return " │ Δ\(name) \(signed(split.combined)) = singles \(signed(split.singles)) + epistasis \(signed(split.epistasis))"
    }
}
