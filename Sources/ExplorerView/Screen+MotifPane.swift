import ExplorerCore
import Genomics
import Rendering

extension PromptKind {
    /// What the bottom line says after the prompt.
    var hint: String {
        switch self {
        case .jump: return "   position, Enter jumps, Esc cancels"
        case .search: return "   pattern (IUPAC ok), Enter finds, Esc cancels"
        case .insertMotif: return "   id or name, Enter writes its consensus at the cursor (alone: the hit here), Esc cancels"
        case .change: return "   letters, Enter writes them from the cursor (one undo step), Esc cancels"
        }
    }
}

extension Screen {
    /// With the cursor on a motif hit: a pane at the right of the map with the motif's logo from its
    /// database (bits, on the hit's strand) over the map's letters at the hit, column for column.
    static func drawMotifPane(_ state: ExplorerState, layout: ExplorerLayout, depth: ColorDepth, on canvas: inout Canvas) {
        guard state.mode == .normal || state.mode == .replace, let hit = state.motifHitUnderCursor,
              state.motifs.indices.contains(hit.motifIndex) else { return }
        var motif = state.motifs[hit.motifIndex]
        let title = "\(motif.label)(\(hit.strand))"
        if hit.strand == "-" { motif = motif.reverseComplement() }
        let columns = motif.width
        let width = max(columns + 2, title.count) + 3
        let logoRows = (layout.logo.height - 3) / 2
        guard logoRows >= 2, width + 4 <= layout.plotWidth else { return }
        let pane = Rect(x: layout.logo.maxX - width, y: layout.logo.y, width: width, height: 2 * logoRows + 3)
        canvas.fill(pane, with: Cell(" "))
        for y in pane.y ..< pane.maxY { canvas[pane.x, y] = Cell("│", style: Style(attributes: .dim)) }
        let inner = pane.inset(left: 2)
        canvas.write(title, x: inner.x, y: inner.y, style: Style(attributes: .bold), maxWidth: inner.width)
        let background = motif.background
        let bits = LogoKind.informationContent(background: background).heights(of: PositionMatrix(motif: motif))
        let bitsAxis = LogoAxis(rowsAbove: logoRows, rowsBelow: 0, hasBaseline: false, unitsPerRow: Float(motif.alphabet.size == 4 ? 2 : 1) / Float(logoRows))
        canvas.render(Logo(heights: bits, axis: bitsAxis, scheme: state.theme.scheme, depth: depth, background: state.theme.background),
                      in: Rect(x: inner.x, y: inner.y + 1, width: columns, height: logoRows))
        canvas.write("2 bits", x: inner.x + columns + 1, y: inner.y + 1, style: Style(attributes: .dim), maxWidth: inner.maxX - inner.x - columns - 1)
        canvas.write("map", x: inner.x, y: inner.y + 1 + logoRows, style: Style(attributes: .dim), maxWidth: inner.width)
        guard let matrix = attributionMatrix(state), hit.positions.upperBound <= matrix.length else { return }
        let map = matrix.slice(hit.positions)
        let axis = LogoAxis.fitting(map, height: logoRows + 1, signed: true)
        canvas.render(Logo(heights: map, axis: axis, scheme: state.theme.scheme, depth: depth, background: state.theme.background),
                      in: Rect(x: inner.x, y: inner.y + 2 + logoRows, width: columns, height: logoRows + 1))
    }
}
