import Foundation

/// A small SVG document builder: elements in drawing order, numbers rounded to 0.01 px, text escaped.
struct SVGDocument {
    var width: Double
    var height: Double
    /// Painted under everything (the terminal's default background is white in SVG).
    var background = "#FFFFFF"
    /// Text colour unless told otherwise.
    var ink = "#000000"
    private(set) var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    mutating func raw(_ element: String) { elements.append(element) }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, extra: String = "") {
        let n = SVGDocument.number
        elements.append("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\"\(extra.isEmpty ? "" : " " + extra)/>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#000000", width: Double = 1) {
        let n = SVGDocument.number
        elements.append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"/>")
    }

    /// Text at (x, y) (baseline); `anchor` is start, middle or end.
    mutating func text(_ text: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", fill: String? = nil, extra: String = "") {
        let n = SVGDocument.number
        elements.append("<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill ?? ink)\"\(extra.isEmpty ? "" : " " + extra)>\(SVGDocument.escape(text))</text>")
    }

    /// A letter stretched to fill the box, as logomaker draws logos; `flipped` turns it upside down
    /// (letters below the baseline). A, C, G, T and U are paths, so the logo does not depend on fonts.
    mutating func letter(_ letter: Character, x: Double, y: Double, width: Double, height: Double, fill: String, flipped: Bool = false, opacity: Double = 1) {
        guard width > 0, height > 0 else { return }
        let n = SVGDocument.number
        let opacityAttribute = opacity < 1 ? " fill-opacity=\"\(n(opacity))\"" : ""
        let transform = flipped
            ? "translate(\(n(x)) \(n(y + height))) scale(\(n(width / 100)) \(String(format: "%.5g", -height / 100)))"
            : "translate(\(n(x)) \(n(y))) scale(\(n(width / 100)) \(String(format: "%.5g", height / 100)))"
        if let path = SVGDocument.glyphs[Character(letter.uppercased())] {
            elements.append("<path d=\"\(path)\" fill=\"\(fill)\" fill-rule=\"evenodd\"\(opacityAttribute) transform=\"\(transform)\"/>")
        } else {
            // Other letters: bold sans-serif text whose cap height (about 0.72 em) fills the box.
            elements.append("<text x=\"50\" y=\"100\" font-size=\"139\" font-family=\"Helvetica, Arial, sans-serif\" font-weight=\"bold\" text-anchor=\"middle\" textLength=\"100\" lengthAdjust=\"spacingAndGlyphs\" fill=\"\(fill)\"\(opacityAttribute) transform=\"\(transform)\">\(SVGDocument.escape(String(letter)))</text>")
        }
    }

    /// Block letters in a 100 × 100 box (y down), drawn for logos.
    static let glyphs: [Character: String] = [
        "A": "M0 100L40 0H60L100 100H80L71 76H29L20 100ZM36 58H64L50 20Z",
        "C": "M88.3 17.9A50 50 0 1 0 88.3 82.1L74.5 71.9A32 34 0 1 1 74.5 28.1Z",
        "G": "M88.3 17.9A50 50 0 1 0 100 50H54V64H79.2A32 34 0 1 1 74.5 28.1Z",
        "T": "M0 0H100V18H59V100H41V18H0Z",
        "U": "M0 0H18V62A32 22 0 0 0 82 62V0H100V62A50 38 0 0 1 0 62Z",
    ]

    var rendered: String {
        let n = SVGDocument.number
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="Helvetica, Arial, sans-serif">
        <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="\(background)"/>
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }
}
