import ExplorerCore
import Genomics
import Rendering

extension Screen {
    /// The FASTA description (the header after the id) after the header's facts, cut with "…" to
    /// the room left; left out when not even its start fits.
    static func drawDescription(_ description: String, after used: Int, in area: Rect, on canvas: inout Canvas) {
        let room = area.width - used - 3
        guard !description.isEmpty, room >= min(description.count, 8) else { return }
        let shown = description.count <= room ? description : String(description.prefix(room - 1)) + "…"
        canvas.write(" │ " + shown, x: area.x + used, y: area.y, style: Style(attributes: .reverse), maxWidth: area.width - used)
    }
}
