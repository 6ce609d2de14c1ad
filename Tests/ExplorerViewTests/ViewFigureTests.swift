import ExplorerCore
@testable import ExplorerView
import Foundation
import Genomics
import Rendering
import TestSupport
import XCTest

/// `e` and `--snapshot`: the view as SVG, read back with XMLParser.
final class ViewFigureTests: XCTestCase {
    func makeState(padded: Bool) -> ExplorerState { RecordCoordinatesScreenTests.makeState(padded: padded) }

    func testThePaddedViewAsSVG() throws {
        var state = makeState(padded: true)
        _ = state.update(.moveTo(position: 15))
        _ = state.update(.mutate(base: UInt8(ascii: "A")))
        _ = state.update(.predicted(version: state.version, values: [0.25], milliseconds: 1))
        let figure = try XCTUnwrap(ViewFigure.make(state))
        let svg = try SVGReader(figure.svg())
        XCTAssertEqual(svg.texts.first, "toy · r · up · saliency")
        XCTAssertTrue(svg.texts.contains("model toy · record r (1 of 1, 30 nt) · positions -10:40 (0-based, end excluded) · 20 padding columns (·)"), "\(svg.texts)")
        XCTAssertTrue(svg.texts.contains("task up · logo: saliency · heatmap: ISM, Δ prediction of every substitution"))
        XCTAssertTrue(svg.texts.contains("edits: 5:G>A"), "\(svg.texts)")
        // All 50 columns are on screen; the record's 30 bases have a letter each, padding none.
        XCTAssertEqual(svg.logoPositions, 50)
        XCTAssertEqual(svg.logoGlyphs, 30)
        // The map is still the old version's, but the heatmap has every cell of 4 × 50 (none is
        // near zero: ±0.5 everywhere) and a frame.
        XCTAssertEqual(svg.heatmapCells, 4 * 50 + 1)
        XCTAssertEqual(svg.texts.filter { $0 == "·" }.count, 20, "padding in the sequence row")
        XCTAssertFalse(svg.texts.contains("."))
        XCTAssertTrue(svg.texts.contains { $0.hasPrefix("up") } && svg.texts.contains { $0.contains("0.250") }, "the prediction bar")
    }

    func testTheViewOfALongRecordIsTheWindowsPartOfTheScreen() throws {
        let state = makeState(padded: false)
        let svg = try SVGReader(try XCTUnwrap(ViewFigure.make(state)).svg())
        // On screen: positions 10–81 (centred on the annotation); the model sees 40–99: the figure
        // shows 40–81.
        XCTAssertTrue(svg.texts.contains("model toy · record r (1 of 1, 200 nt) · positions 40:82 (0-based, end excluded)"), "\(svg.texts)")
        XCTAssertEqual(svg.logoPositions, 42)
        XCTAssertEqual(svg.logoGlyphs, 42)
        XCTAssertEqual(svg.heatmapCells, 4 * 42 + 1)
        XCTAssertTrue(svg.texts.contains("edits: none (the reference sequence)"))
        XCTAssertTrue(svg.texts.contains("40"), "ruler labels in the record's positions: \(svg.texts)")
    }
}
