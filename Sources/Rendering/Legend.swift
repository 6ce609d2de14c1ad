import Foundation

/// The letter colours, one row: ` A  C  G  T ` drawn as the logo draws letters (plain letters in
/// monochrome, where colour says nothing). Twenty residues would take 60 columns: a protein scheme
/// shows its groups instead, ` GSTYC  QN  KRH  DE  AVLIPWFM `, letters the groups leave out (the
/// gap) after them, and `groupLegend` names the groups.
public struct LetterKey: Widget {
    public var letters: [Character]
    public var scheme: LogoColorScheme
    public var depth: ColorDepth

    public init(letters: [Character], scheme: LogoColorScheme = .classic, depth: ColorDepth = .trueColor) {
        self.letters = letters
        self.scheme = scheme
        self.depth = depth
    }

    /// The blocks of the key: one letter each, or a protein scheme's groups.
    private var blocks: [String] {
        guard scheme.isProtein else { return letters.map { String($0) } }
        let grouped = Set(scheme.groupNames.flatMap(\.letters))
        return scheme.groupNames.map { group in String(group.letters.filter { letters.contains($0) }) }.filter { !$0.isEmpty }
            + letters.filter { !grouped.contains($0) }.map { String($0) }
    }

    public var text: String { blocks.map { " \($0) " }.joined() }

    /// "polar, neutral, basic, acidic, hydrophobic": the groups of a protein key, in its order; nil for DNA.
    public var groupLegend: String? {
        scheme.isProtein ? scheme.groupNames.map(\.name).joined(separator: ", ") : nil
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard !area.isEmpty else { return }
        canvas.write(text, x: area.x, y: area.y, maxWidth: area.width)
        guard depth != .monochrome else { return }
        var x = area.x
        for block in blocks {
            let background = scheme.color(for: block.first!)
            canvas.setStyle(Style(foreground: textColor(on: background), background: background, attributes: .bold),
                            in: Rect(x: x, y: area.y, width: block.count + 2, height: 1).intersection(area))
            x += block.count + 2
        }
    }
}

/// A mark the screens draw and what it means, for legends: `meaning` is a few words for a figure's
/// legend line, `explanation` a sentence for the explorer's help.
public struct Mark: Hashable, Sendable {
    public var symbol: String
    public var meaning: String
    public var explanation: String

    public init(_ symbol: String, _ meaning: String, explanation: String) {
        self.symbol = symbol
        self.meaning = meaning
        self.explanation = explanation
    }

    /// Edited bases: the logo's star and the sequence row's reversed letter.
    public static let edited = Mark("*", "edited", explanation: "edited base: star above its stack, reversed in the sequence row")

    /// Soft-masked bases (lower case in the FASTA, e.g. repeats) in the sequence row.
    public static let softMasked = Mark("ACgtAC", "soft-masked", explanation: "lower-case bases in the sequence row: soft-masked in the FASTA (e.g. repeats); the model reads them as bases")

    /// Letters below the logo's axis, e.g. `acgt`.
    public static func negativeLetters(_ letters: [Character]) -> Mark {
        Mark(String(letters).lowercased(), "below 0", explanation: "lower-case letters below the axis: negative values (faded in colour)")
    }

    /// The explorer's strip of the whole sequence beside the logo's title.
    public static let overview = Mark("▁▃▅", "whole sequence", explanation: "overview: total |value| along the whole sequence; underlined: the part on screen")

    public static let unsaved = Mark("[+]", "unsaved", explanation: "edits not saved yet")

    public static let barZero = Mark(String(Bars.zeroMark), "0 of the bars", explanation: "zero of the prediction bars: negative values grow to its left")

    public static let clipped = Mark("\(Bars.clippedMarks.left) \(Bars.clippedMarks.right)", "beyond the bar's axis",
                                     explanation: "the value lies beyond the bar's axis: the bar stops at its end")

    public static let saturated = Mark(String(Bars.saturatedMark), "saturated output",
                                       explanation: "output at a flat end of its activation (sigmoid near 0 or 1): gradients vanish there; logits show more")

    /// The sequence row when several positions share a column (`ColumnBases`), at `zoom` (nil: any);
    /// without pairs for residues.
    public static func consensus(_ zoom: Zoom? = nil, namingPairs: Bool = true) -> Mark {
        let what = zoom?.ratio ?? "zoomed out"
        guard namingPairs else {
            return Mark("A/·", "\(what): residue of ≥ 75 %, else ·",
                        explanation: "\(what): a column shows the residue of ≥ 75 % of its positions, else ·")
        }
        return Mark("R/·", "\(what): base of ≥ 75 %, else IUPAC pair, else ·",
                    explanation: "\(what): a column shows the base of ≥ 75 % of its positions, else the IUPAC code of two bases (R = A/G, Y = C/T, …), else ·")
    }

    /// Every mark the explorer draws, for its help: `letters` are the alphabet's.
    public static func explorer(letters: [Character]) -> [Mark] {
        [.edited, .softMasked, .negativeLetters(letters), .overview, .unsaved, .barZero, .clipped, .saturated, .consensus()]
    }

    /// `symbol meaning`, as a legend line lists it.
    public var inline: String { "\(symbol) \(meaning)" }

    /// Legend items joined by ` · ` into lines of at most `width` characters (an item longer than
    /// that gets a line of its own).
    public static func pack(_ items: [String], width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for item in items {
            if !line.isEmpty, line.count + 3 + item.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " · ") + item
        }
        return lines + (line.isEmpty ? [] : [line])
    }
}

/// Marks and their explanations, one per row: the symbols in a column of their own, as the
/// explorer's help lists them.
public struct MarkLegend: Widget {
    public var marks: [Mark]

    public init(marks: [Mark]) {
        self.marks = marks
    }

    /// The rows as text.
    public var lines: [String] {
        let symbolWidth = marks.map(\.symbol.count).max() ?? 0
        return marks.map { $0.symbol.padding(toLength: symbolWidth, withPad: " ", startingAt: 0) + "  " + $0.explanation }
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        let symbolWidth = marks.map(\.symbol.count).max() ?? 0
        for (row, mark) in marks.enumerated() where row < area.height {
            canvas.write(mark.symbol, x: area.x, y: area.y + row, style: Style(attributes: .bold), maxWidth: area.width)
            canvas.write(mark.explanation, x: area.x + symbolWidth + 2, y: area.y + row, maxWidth: area.width - symbolWidth - 2)
        }
    }
}
