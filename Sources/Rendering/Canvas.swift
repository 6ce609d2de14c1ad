/// Text attributes of a cell.
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = CellAttributes(rawValue: 1)
    public static let dim = CellAttributes(rawValue: 2)
    /// Swaps foreground and background; with a default background it paints the terminal's own
    /// background colour as ink, which is how the upper part of a cell is filled (see `Glyphs`).
    public static let reverse = CellAttributes(rawValue: 4)
    public static let underline = CellAttributes(rawValue: 8)
}

/// Colours and attributes of a cell.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var attributes: CellAttributes

    public init(foreground: Color = .default, background: Color = .default, attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()
}

/// One cell: a single-column grapheme and its style. Wide graphemes (CJK, emoji) are not supported.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style

    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell()
}

/// A screen as a value: a grid of cells that widgets draw into and writers turn into text or SVG.
/// Drawing outside the grid is clipped, so widgets need not check bounds.
public struct Canvas: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole canvas as a rectangle.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at column `x`, row `y`; reads outside the grid give a blank cell, writes are dropped.
    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x, y) ? cells[y * width + x] : .blank }
        set { if contains(x, y) { cells[y * width + x] = newValue } }
    }

    private func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Sets one cell.
    public mutating func put(_ character: Character, x: Int, y: Int, style: Style = .plain) {
        self[x, y] = Cell(character, style: style)
    }

    /// Writes `text` from (x, y) rightwards, one grapheme per cell, at most `maxWidth` cells; a text
    /// cut short ends in '…'. Returns the number of cells written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        let limit = min(maxWidth ?? Int.max, width - x)
        guard limit > 0 else { return 0 }
        var characters = Array(text)
        if characters.count > limit { characters = Array(characters.prefix(limit - 1)) + ["…"] }
        for (offset, character) in characters.enumerated() { put(character, x: x + offset, y: y, style: style) }
        return characters.count
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell) {
        for y in rect.y ..< rect.maxY { for x in rect.x ..< rect.maxX { self[x, y] = cell } }
    }

    /// Changes the style of every cell in a rectangle, keeping its characters.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        for y in rect.y ..< rect.maxY { for x in rect.x ..< rect.maxX { self[x, y].style = style } }
    }

    /// Copies another canvas in with its top-left corner at (x, y).
    public mutating func draw(_ other: Canvas, x: Int, y: Int) {
        for row in 0 ..< other.height { for column in 0 ..< other.width { self[x + column, y + row] = other[column, row] } }
    }

    /// Renders a widget into a rectangle (clipped to the canvas).
    public mutating func render(_ widget: some Widget, in rect: Rect) {
        widget.render(in: rect.intersection(area), on: &self)
    }

    /// The characters of row `y`, trailing spaces included (styles dropped).
    public func line(_ y: Int) -> String {
        String((0 ..< width).map { self[$0, y].character })
    }

    /// All rows as plain text.
    public var lines: [String] { (0 ..< height).map(line) }
}

/// Something that draws itself into a rectangle of a canvas (ratatui's `Widget`): the area is
/// the widget's whole world; it never draws outside it.
public protocol Widget {
    func render(in area: Rect, on canvas: inout Canvas)
}
