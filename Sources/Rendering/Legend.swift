/// The letter colours, one row: ` A  C  G  T ` drawn as the logo draws letters (plain letters in
/// monochrome, where colour says nothing).
public struct LetterKey: Widget {
    public var letters: [Character]
    public var scheme: LogoColorScheme
    public var depth: ColorDepth

    public init(letters: [Character], scheme: LogoColorScheme = .classic, depth: ColorDepth = .trueColor) {
        self.letters = letters
        self.scheme = scheme
        self.depth = depth
    }

    public var text: String { letters.map { " \($0) " }.joined() }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        canvas.write(text, x: area.x, y: area.y, maxWidth: area.width)
        guard depth != .monochrome else { return }
        for (index, letter) in letters.enumerated() {
            let background = scheme.color(for: letter)
            canvas.setStyle(Style(foreground: textColor(on: background), background: background, attributes: .bold),
                            in: Rect(x: area.x + 3 * index, y: area.y, width: 3, height: 1).intersection(area))
        }
    }
}
