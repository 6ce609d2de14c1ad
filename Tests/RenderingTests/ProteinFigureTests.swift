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
        let canvas = Self.figure().canvas(width: 30, logoHeight: 4, depth: .monochrome)
        assertCanvas(canvas, lines: [])
    }

    func testColourProteinLogoAndSequenceRow() {
        let canvas = Self.figure().canvas(width: 30, logoHeight: 4, depth: .trueColor)
        print(canvas.lines)
    }

    func testTwentyRowHeatmapWithResidueLabels() {
        var figure = Self.figure()
        // ISM-like: every other residue at position 2 (D) changes the output by its row number / 10.
        var effects = [Float](repeating: 0, count: 20 * 6)
        for letter in 0 ..< 20 where letter != Alphabet.protein.index(of: UInt8(ascii: "D"))! { effects[letter * 6 + 2] = Float(letter - 10) / 10 }
        figure.heatmapMatrix = PositionMatrix(alphabet: .protein, length: 6, values: effects)
        figure.panels = [.logo, .heatmap]
        let canvas = figure.canvas(width: 30, logoHeight: 4, depth: .monochrome)
        assertCanvas(canvas, lines: [])
    }
}
