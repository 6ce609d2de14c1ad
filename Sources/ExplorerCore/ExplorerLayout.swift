import Rendering

/// Where each pane goes on a screen of a given size: shared by drawing (Screen.swift) and by
/// `update`, which needs the number of visible positions to scroll and to map mouse clicks.
///
/// Below `ExplorerLayout.minimumWidth` × `minimumHeight` nothing is laid out (the screen says so).
/// From 140 columns on, predictions get a column on the right; narrower screens stack them on top
/// in as many columns of bars as fit. Tall screens share their height: the heatmap gets two rows
/// per letter once the tracks have 32 rows (three from 48), the annotation rows up to one lane per
/// 8 rows of tracks (at least 3), and the logo the rest.
/// With a second model (Comparison.swift) its block follows the first model's heatmap: a row, a
/// logo and a heatmap; the two logos split the rows (3 each at least), annotations give way first.
public struct ExplorerLayout: Equatable, Sendable {
    public static let minimumWidth = 80
    public static let minimumHeight = 24
    /// Columns left of the tracks for axis labels and letter names.
    public static let gutter = 8
    /// Width of one column of prediction bars ("label ████▍ 0.812  ref 0.640  Δ +0.172").
    static let barColumnWidth = 44

    public var header: Rect
    public var predictions: Rect
    /// Columns of bars in the predictions pane.
    public var predictionColumns: Int
    public var logoTitle: Rect
    public var logo: Rect
    public var heatmapTitle: Rect
    public var heatmap: Rect
    /// Rows each letter of the heatmap takes.
    public var heatmapRowsPerLetter: Int
    /// Letters per heatmap row: 2 for proteins (half-block cells, ▀ over ▄) unless the screen is tall enough for one row each.
    public var heatmapLettersPerRow: Int
    public var ruler: Rect
    public var sequence: Rect
    public var annotations: Rect
    /// The second model's block (Comparison.swift): a row of its prediction and the last edit's
    /// effect, its logo and its ISM heatmap, under the first model's; empty with one model.
    public var comparisonTitle: Rect
    public var comparisonLogo: Rect
    public var comparisonHeatmap: Rect
    /// A target's bins (`ProfileTrack`) under the annotations; empty without one.
    public var profile: Rect
    public var status: Rect
    /// Key hints, prompts and messages.
    public var bottom: Rect

    /// nil when the screen is too small. `annotationRows` is the lanes the annotations need; the
    /// layout gives them at most 3 (more on tall screens) and the screen says how many are left out.
    /// `profileRows` is the rows of a profile panel (0: none), taken from the logo.
    /// `comparing`: a second model's block too; the two logos share the rows, the annotations give way first.
    /// `letters`: the alphabet's size (the heatmap's rows: 4, or 20–21 for proteins).
    public init?(width: Int, height: Int, tasks: Int, annotationRows: Int, profileRows: Int = 0, comparing: Bool = false, letters: Int = 4) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return nil }
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        header = screen.row(0)
        status = screen.row(height - 2)
        bottom = screen.row(height - 1)
        let body = screen.inset(top: 1, bottom: 2)

        let tracks: Rect
        let side = width >= 140
        if side {
            let parts = body.columns([.fill(1), .fixed(1), .fixed(min(60, width / 3))])
            tracks = parts[0]
            predictions = parts[2]
            predictionColumns = 1
        } else {
            predictionColumns = max(1, min(tasks, width / Self.barColumnWidth))
            let wanted = (tasks + predictionColumns - 1) / predictionColumns + 1  // + a title row
            // At most a third of the screen (many-task models scroll their bars to the selected
            // task), and the tracks keep at least 5 logo rows.
            let fewestHeatmapRows = letters > 4 ? (letters + 1) / 2 : 4
            let fixedTrackRows = 1 + 1 + fewestHeatmapRows + 3 + min(3, annotationRows) + (comparing ? 1 + fewestHeatmapRows + 3 : 0)
            let rows = max(2, min(wanted, max(7, body.height / 3), body.height - fixedTrackRows - 5))
            let parts = body.rows([.fixed(rows), .fill(1)])
            predictions = parts[0]
            tracks = parts[1]
        }
        if letters > 4 {
            // One row per amino acid once the logo keeps a dozen rows beside it, else two per row.
            heatmapRowsPerLetter = 1
            heatmapLettersPerRow = tracks.height >= (comparing ? 2 : 1) * letters + 18 ? 1 : 2
        } else {
            heatmapRowsPerLetter = max(1, min(3, tracks.height / (comparing ? 24 : 16)))
            heatmapLettersPerRow = 1
        }
        let heatmapRows = (letters + heatmapLettersPerRow - 1) / heatmapLettersPerRow * heatmapRowsPerLetter
        var lanes = min(annotationRows, max(3, tracks.height / 8))
        var logoRows = max(3, tracks.height - (1 + 1 + heatmapRows + 3 + lanes + profileRows))
        var comparisonLogoRows = 0
        if comparing {
            // Two logos of at least 3 rows each (a signed axis) before any annotation lane.
            let spare = tracks.height - (1 + 1 + heatmapRows + 1 + heatmapRows + 2 + profileRows)
            lanes = min(lanes, max(0, spare - 6))
            comparisonLogoRows = max(3, (spare - lanes) / 2)
            logoRows = max(3, spare - lanes - comparisonLogoRows)
        }
        let comparisonRows = comparing ? [1, comparisonLogoRows, heatmapRows] : [0, 0, 0]
        let parts = tracks.rows([.fixed(1), .fixed(logoRows), .fixed(1), .fixed(heatmapRows)] + comparisonRows.map { .fixed($0) }
                                + [.fixed(1), .fixed(1), .fixed(lanes), .fixed(profileRows), .fill(1)])
        logoTitle = parts[0]
        logo = parts[1]
        heatmapTitle = parts[2]
        heatmap = parts[3]
        comparisonTitle = parts[4]
        comparisonLogo = parts[5]
        comparisonHeatmap = parts[6]
        ruler = parts[7]
        sequence = parts[8]
        annotations = parts[9]
        profile = parts[10]
    }

    /// Columns that draw positions (right of the gutter).
    public var plotWidth: Int { logo.width - Self.gutter }
    public var plotX: Int { logo.x + Self.gutter }

    /// Positions visible at `zoom`.
    public func visiblePositions(zoom: Zoom) -> Int {
        zoom.level > 1 ? plotWidth * zoom.level : plotWidth / zoom.columnsPerPosition
    }

    /// The track rows a click can pick a position on.
    public var clickableRows: Range<Int> { logo.y ..< annotations.maxY }
}
