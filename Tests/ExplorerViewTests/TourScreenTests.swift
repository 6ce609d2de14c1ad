import ExplorerCore
@testable import ExplorerView
import Genomics
import Foundation
import Rendering
import TestSupport
import XCTest

/// The tour's box on an 80×24 screen: where it goes, what it says, and what it marks.
final class TourScreenTests: XCTestCase {
    static let sequence = "ACGTACGTAATGACTCATTTACGTACGTAC"   // 30 nt; position 11 is G
    static let tour = """
    title: Toy tour
    model: toy.onnx
    fasta: toy.fa

    step: Look at the bars
    highlight: predictions
      The bars are each task's prediction now; with edits, also the reference and the change.
    check: prediction up > 0.5
    check: prediction down > 0.5

    step: Mutate
    highlight: 10:14
      The G at 11 is the core of the site. Mutate it to A: put the cursor on 11 and type the
      capital letter A.

      The predictions follow at once.
    press: press : 11 Enter, then A
    expect: substitution 11:G>A
    """

    func makeState() throws -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"],
                                  records: [SequenceRecord(id: "one", sequence: Self.sequence)])
        state.followsTopTask = false
        state.beginTour(try Tour.parse(Self.tour, source: "toy.tour"))
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: [0.8, 0.2]))
        _ = state.update(.predicted(version: 0, values: [0.8, 0.2], milliseconds: 1))
        return state
    }

    func testAReadingStepPointingAtTheBarsGoesAtTheBottomWithAClaimTheModelDoesNotBearOut() throws {
        let canvas = Screen.render(try makeState(), depth: .monochrome)
        XCTAssertEqual(Array(canvas.lines[17 ... 21]), [
            "┌─ 1/2 · Look at the bars ─────────────────────────────────────────────────────┐",
            "│ The bars are each task's prediction now; with edits, also the reference and  │",
            "│ the change.                                                                  │",
            "│ ✗ not so on this sequence now: prediction down > 0.5 (0.200)                 │",
            "└──────────────────────────────── → Enter next · ← back · Esc leaves the tour ─┘",
        ])
        XCTAssertEqual(canvas.line(22).prefix(24), " pos 0/30 │ base A │ pre", "the status line stays in view")
        XCTAssertEqual(canvas.line(1).prefix(11), "predictions")
        for x in 0 ..< 80 { XCTAssertTrue(canvas[x, 1].style.attributes.contains(.reverse), "the predictions' title row is marked (column \(x))") }
        XCTAssertFalse(canvas[0, 2].style.attributes.contains(.reverse))
    }

    func testAWaitingStepGoesAtTheTopAndMarksItsPositions() throws {
        var state = try makeState()
        _ = state.update(.tour(.next))
        let canvas = Screen.render(state, depth: .monochrome)
        XCTAssertEqual(Array(canvas.lines[1 ... 7]), [
            "┌─ 2/2 · Mutate ───────────────────────────────────────────────────────────────┐",
            "│ The G at 11 is the core of the site. Mutate it to A: put the cursor on 11    │",
            "│ and type the capital letter A.                                               │",
            "│                                                                              │",
            "│ The predictions follow at once.                                              │",
            "│ ▸ press : 11 Enter, then A                                                   │",
            "└────────────────────────────────────── waiting for you · Esc leaves the tour ─┘",
        ])
        XCTAssertEqual(canvas.line(19), "        0    5    ▼▼▼▼ 15   20   25                                             ", "▼ over 10-13 on the ruler")
        XCTAssertEqual(canvas.line(20).prefix(38), "    seq ACGTACGTAATGACTCATTTACGTACGTAC")
        let underlined = (8 ..< 38).filter { canvas[$0, 20].style.attributes.contains(.underline) }
        XCTAssertEqual(underlined, [8, 18, 19, 20, 21], "the cursor's base and positions 10-13")

        _ = state.update(.moveTo(position: 11))
        _ = state.update(.mutate(base: UInt8(ascii: "A")))
        XCTAssertEqual(Screen.render(state, depth: .monochrome).line(6), "│ ✓ done · computing the results…                                              │")
    }

    /// A step whose text does not fit the box at 80×24 would be cut off: every shipped tour's fits.
    func testEveryStepOfTheShippedToursFitsAnEightyByTwentyFourScreen() throws {
        let folder = Fixtures.repositoryRoot.appendingPathComponent("assets/tours")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tour") }
        XCTAssertGreaterThanOrEqual(files.count, 2)
        for file in files {
            let tour = try Tour.parse(String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8), source: file)
            var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "one", sequence: Self.sequence)])
            state.beginTour(tour)
            _ = state.update(.resize(width: 80, height: 24))
            for step in tour.steps {
                let progress = try XCTUnwrap(state.tour)
                let lines = Screen.tourLines(progress, state: state, width: 76)
                XCTAssertLessThanOrEqual(lines.count, Screen.tourBoxRows(screenHeight: 24) - 2, "\(file): step '\(step.title)' is too long for 80×24")
                XCTAssertLessThanOrEqual(step.title.count, 60, "\(file): step '\(step.title)' has too long a title")
                _ = state.update(.tour(.next))
            }
        }
    }
}
