#if canImport(FoundationXML)
import FoundationXML
#endif
import Foundation

/// What an SVG written by seqlens holds, as XMLParser reads it (the explorer's `e` and
/// `--snapshot`): panels are `<g id="logo">` (one `<g>` per position) and `<g id="heatmap">`.
public final class SVGReader: NSObject, XMLParserDelegate {
    /// `<g>` groups in the logo panel (one per position), glyph paths in them, rectangles in the heatmap panel.
    public private(set) var logoPositions = 0, logoGlyphs = 0, heatmapCells = 0
    /// Every `<text>`'s content, in order.
    public private(set) var texts: [String] = []
    private var stack: [String] = []
    private var text = ""

    /// Parses `svg`; throws when it is not well-formed XML.
    public init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? NSError(domain: "svg", code: 1) }
    }

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if stack.last == "#logo" && name == "g" { logoPositions += 1 }
        if stack.count >= 2 && stack[stack.count - 2] == "#logo" && name == "path" { logoGlyphs += 1 }
        if stack.last == "#heatmap" && name == "rect" { heatmapCells += 1 }
        // A named group stands in the stack as "#id".
        stack.append(attributes["id"].map { "#" + $0 } ?? name)
        text = ""
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(text) }
        stack.removeLast()
    }
}

