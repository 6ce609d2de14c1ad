import Genomics
import Rendering
import XCTest

/// Protein logos, sequence rows and 20-row heatmaps in logomaker's protein colours (issue 16, item 1).
final class ProteinFigureTests: XCTestCase {
    /// Six residues "MKDEQG", one contribution each at the residue itself; K and E negative.
    static func figure(scheme: LogoColorScheme = .chemistry) -> AttributionFigure {
        let sequence = Array("MKDEQG".utf8)
        let contributions: [Float] = [1.0, -0.5, 0.75, -0.25, 0.5, 0.25]
        var values = [Float](repeating: 0, count: 20 * 6)
        for (position, residue) in sequence.enumerated() { values[Alphabet.protein.index(of: residue)! * 6 + position] = contributions[position] }
        var figure = AttributionFigure(matrix: PositionMatrix(alphabet: .protein, length: 6, values: values), title: "p · saliency")
        figure.sequence = sequence
        figure.scheme = scheme
        return figure
    }

    func testSchemesFollowLogomaker() throws {
        // logomaker's chemistry: GSTYC green, QN purple, KRH blue, DE red, AVLIPWFM black.
        XCTAssertEqual(LogoColorScheme.chemistry.color(for: "G"), .rgb(0, 128, 0))
        XCTAssertEqual(LogoColorScheme.chemistry.color(for: "n"), .rgb(128, 0, 128))
        XCTAssertEqual(LogoColorScheme.chemistry.color(for: "H"), .rgb(0, 0, 255))
        XCTAssertEqual(LogoColorScheme.chemistry.color(for: "E"), .rgb(255, 0, 0))
        XCTAssertEqual(LogoColorScheme.chemistry.color(for: "W"), .rgb(0, 0, 0))
        // hydrophobicity: RKDENQ blue, SGHTAP green, YVMCLFIW black; H is neutral here.
        XCTAssertEqual(LogoColorScheme.hydrophobicity.color(for: "H"), .rgb(0, 128, 0))
        XCTAssertEqual(LogoColorScheme.hydrophobicity.color(for: "C"), .rgb(0, 0, 0))
        // Okabe–Ito by chemistry group; black is ink: light on a dark background.
        XCTAssertEqual(LogoColorScheme.chemistryColorBlindSafe.color(for: "D"), Color(hex: 0xD55E00))
        XCTAssertEqual(LogoColorScheme.chemistryColorBlindSafe.color(for: "L", on: .dark), Color(hex: 0xE6E6E6))
        XCTAssertEqual(LogoColorScheme.chemistryColorBlindSafe.color(for: "L", on: .light), .rgb(0, 0, 0))
        XCTAssertEqual(LogoColorScheme.chemistry.color(for: "X"), .rgb(128, 128, 128), "letters outside the groups are grey")
        // The default and colorblind per alphabet; the other kind's schemes refused.
        XCTAssertEqual(try LogoColorScheme.resolved(nil, for: .protein), .chemistry)
        XCTAssertEqual(try LogoColorScheme.resolved(nil, for: .proteinGapped), .chemistry)
        XCTAssertEqual(try LogoColorScheme.resolved(nil, for: .dna), .classic)
        XCTAssertEqual(try LogoColorScheme.resolved(.colorBlindSafe, for: .protein), .chemistryColorBlindSafe)
        XCTAssertEqual(try LogoColorScheme.resolved(.colorBlindSafe, for: .rna), .colorBlindSafe)
        XCTAssertThrowsError(try LogoColorScheme.resolved(.classic, for: .protein))
        XCTAssertThrowsError(try LogoColorScheme.resolved(.hydrophobicity, for: .dna))
    }

    func testMonochromeProteinLogo() {
        // Three columns per position; the group key fills the width, so its items go below it.
        let canvas = Self.figure().canvas(width: 30, logoHeight: 4, depth: .monochrome)
        assertCanvas(canvas, lines: [
            "p · saliency",
            "   1 ┤MMM   ▄▄▄",
            "     │MMM   DDD   QQQ▄▄▄",
            "   0 ┼──────────────────",
            "-0.5 ┤   kkk   ▀▀▀",
            "      0  1  2  3  4  5",
            "       M  K  D  E  Q  G",
            " GSTYC  QN  KRH  DE  AVLIPWFM",
            "  polar, neutral, basic, acid…",
            "  0.5 attribution per row",
            "  3 columns per position",
            "  acdefghiklmnpqrstvwy below 0",
        ])
    }

    func testColourProteinLogoAndSequenceRow() {
        let canvas = Self.figure().canvas(width: 60, logoHeight: 4, depth: .trueColor)
        let white = Color.rgb(255, 255, 255), ink = Color(hex: 0xE6E6E6), purple = Color.rgb(128, 0, 128)
        // In colour one wide letter per position, in its middle column; hydrophobic M in ink on
        // the dark background, acidic D red, neutral Q purple; the negative basic K faded blue.
        XCTAssertEqual(canvas[7, 1], Cell("M", style: Style(foreground: .rgb(0, 0, 0), background: ink, attributes: .bold)))
        XCTAssertEqual(canvas[13, 2], Cell("D", style: Style(foreground: .rgb(0, 0, 0), background: red, attributes: .bold)))
        XCTAssertEqual(canvas[19, 2], Cell("Q", style: Style(foreground: white, background: purple, attributes: .bold)))
        XCTAssertEqual(canvas[10, 4], Cell("k", style: Style(foreground: white, background: .rgb(64, 64, 192))))
        // The sequence row in the same colours.
        XCTAssertEqual(canvas.lines[6].prefix(24), "       M  K  D  E  Q  G ")
        for (column, color) in [(7, ink), (10, blue), (13, red), (16, red), (19, purple), (22, green)] {
            XCTAssertEqual(canvas[column, 6].style, Style(foreground: color, attributes: .bold), "column \(column)")
        }
        // The key: one block per chemistry group, named beside it.
        XCTAssertTrue(canvas.lines[7].hasPrefix(" GSTYC  QN  KRH  DE  AVLIPWFM   polar, neutral, basic, acid…"), canvas.lines[7])
        XCTAssertEqual(canvas[1, 7].style, Style(foreground: white, background: green, attributes: .bold))
        XCTAssertEqual(canvas[9, 7].style, Style(foreground: white, background: purple, attributes: .bold))
        XCTAssertEqual(canvas[25, 7].style, Style(foreground: white, background: .rgb(0, 0, 0), attributes: .bold))
    }

    func testTwentyRowHeatmapWithResidueLabels() {
        var figure = Self.figure()
        // ISM-like: every other residue at position 2 (D) changes the output by its row number / 10.
        var effects = [Float](repeating: 0, count: 20 * 6)
        for letter in 0 ..< 20 where letter != Alphabet.protein.index(of: UInt8(ascii: "D"))! { effects[letter * 6 + 2] = Float(letter - 10) / 10 }
        figure.heatmapMatrix = PositionMatrix(alphabet: .protein, length: 6, values: effects)
        figure.panels = [.logo, .heatmap]
        let canvas = figure.canvas(width: 30, logoHeight: 4, depth: .monochrome)
        // Twenty rows labelled with the residues; each column's residue marked in its row.
        assertCanvas(canvas, lines: [
            "p · saliency",
            "   1 ┤MMM   ▄▄▄",
            "     │MMM   DDD   QQQ▄▄▄",
            "   0 ┼──────────────────",
            "-0.5 ┤   kkk   ▀▀▀",
            "   A │      ###",
            "   C │      ###",
            "   D │       D",
            "   E │      === E",
            "   F │      ===",
            "   G │      ===       G",
            "   H │      ---",
            "   I │      ---",
            "   K │    K ...",
            "   L │      ...",
            "   M │ M",
            "   N │      ░░░",
            "   P │      ░░░",
            "   Q │      ▒▒▒    Q",
            "   R │      ▒▒▒",
            "   S │      ▓▓▓",
            "   T │      ▓▓▓",
            "   V │      ▓▓▓",
            "   W │      ███",
            "   Y │      ███",
            "      0  1  2  3  4  5",
            "       M  K  D  E  Q  G",
            " GSTYC  QN  KRH  DE  AVLIPWFM",
            "  polar, neutral, basic, acid…",
            "  0.5 attribution per row",
            "  3 columns per position",
            "  acdefghiklmnpqrstvwy below 0",
            "-1 ###==--. ░▒▒▓▓███ +1",
            "  scale: largest |value|",
        ])
    }
}
