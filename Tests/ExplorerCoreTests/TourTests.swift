@testable import ExplorerCore
import Genomics
import XCTest

/// The `.tour` format (docs/TOURS.md): what a file gives, and a one-line FILE:LINE error for
/// everything it must not say.
final class TourTests: XCTestCase {
    static let text = """
    # comments and blank lines are skipped
    title: A small tour
    about: what it shows, in one line
    model: ../m.onnx
    model: ../n.onnx
    fasta: ../seqs.fa
    annotations: ../seqs.tsv
    record: one
    task: up
    method: ism

    step: First
    highlight: predictions
    highlight: 10:20
      Two lines of one
      paragraph.

      A second paragraph.
    press: press : 12 Enter, then A
    expect: cursor 10:20
    expect: substitution 12:g>a
    expect: unedited
    expect: method grad-input
    expect: task down
    expect: record two
    expect: showing dependencies
    check: change up <= -0.5
    check: |change| down < 0.01
    check: prediction up > 0.9
    check: peak attribution in 10:20
    check: peak ism in 0:5
    check: share attribution 10:20 >= 0.5

    step: Second
      Only text.
    """

    func testAFileGivesItsSettingsAndSteps() throws {
        let tour = try Tour.parse(Self.text, source: "t.tour")
        XCTAssertEqual(tour.title, "A small tour")
        XCTAssertEqual(tour.about, "what it shows, in one line")
        XCTAssertEqual(tour.models, ["../m.onnx", "../n.onnx"])
        XCTAssertEqual(tour.fasta, "../seqs.fa")
        XCTAssertEqual(tour.annotations, "../seqs.tsv")
        XCTAssertNil(tour.motifs)
        XCTAssertEqual(tour.record, "one")
        XCTAssertEqual(tour.task, "up")
        XCTAssertEqual(tour.method, .ismDerived)
        XCTAssertEqual(tour.steps.map(\.title), ["First", "Second"])

        let first = tour.steps[0]
        XCTAssertEqual(first.line, 12)
        XCTAssertEqual(first.paragraphs, ["Two lines of one paragraph.", "A second paragraph."])
        XCTAssertEqual(first.pane, .predictions)
        XCTAssertEqual(first.positions, 10 ..< 20)
        XCTAssertEqual(first.press, "press : 12 Enter, then A")
        XCTAssertEqual(first.expectations.map(\.value), [
            .cursor(10 ..< 20), .substitution(Substitution(position: 12, reference: UInt8(ascii: "G"), alternative: UInt8(ascii: "A"))),
            .unedited, .method(.gradientTimesInput), .task("down"), .record("two"), .showing(.dependencies),
        ])
        XCTAssertEqual(first.expectations.map(\.line), Array(20 ... 26))
        XCTAssertEqual(first.claims.map(\.value), [
            .change(task: "up", absolute: false, .lessOrEqual, -0.5), .change(task: "down", absolute: true, .less, 0.01),
            .prediction(task: "up", .greater, 0.9), .peak(.attribution, in: 10 ..< 20), .peak(.ism, in: 0 ..< 5),
            .share(.attribution, in: 10 ..< 20, .greaterOrEqual, 0.5),
        ])
        XCTAssertEqual(first.claims[1].text, "|change| down < 0.01")
        XCTAssertEqual(tour.steps[1].paragraphs, ["Only text."])
        XCTAssertEqual(tour.steps[1].expectations, [])
    }

    /// Replaces line `number` (1-based) of the sample and parses it.
    func parse(replacing number: Int, with line: String) throws -> Tour {
        var lines = Self.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[number - 1] = line
        return try Tour.parse(lines.joined(separator: "\n"), source: "t.tour")
    }

    func assertError(_ expected: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Tour) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual("\(error)", expected, file: file, line: line)
            XCTAssertFalse("\(error)".contains("\n"), "one line", file: file, line: line)
        }
    }

    func testEveryMistakeIsOneLineWithFileAndLine() {
        assertError("t.tour:20: expectation 'cursor 20:10' is not one of: \(Tour.expectationForms)") { try parse(replacing: 20, with: "expect: cursor 20:10") }
        assertError("t.tour:21: expectation 'substitution 12' is not one of: \(Tour.expectationForms)") { try parse(replacing: 21, with: "expect: substitution 12") }
        assertError("t.tour:23: expectation 'method fast' is not one of: \(Tour.expectationForms)") { try parse(replacing: 23, with: "expect: method fast") }
        assertError("t.tour:27: check 'change up = 1' is not one of: \(Tour.claimForms)") { try parse(replacing: 27, with: "check: change up = 1") }
        assertError("t.tour:27: check 'change up < lots' is not one of: \(Tour.claimForms)") { try parse(replacing: 27, with: "check: change up < lots") }
        assertError("t.tour:30: check 'peak logo in 1:2' is not one of: \(Tour.claimForms)") { try parse(replacing: 30, with: "check: peak logo in 1:2") }
        assertError("t.tour:14: highlight 'status' is neither a pane (predictions, logo, heatmap, sequence) nor positions A:B (0-based, end-exclusive)") {
            try parse(replacing: 14, with: "highlight: status")
        }
        assertError("t.tour:14: a second pane to highlight in one step") { try parse(replacing: 14, with: "highlight: logo") }
        assertError("t.tour:20: a second 'press:' in one step; say all the keys on one line") { try parse(replacing: 20, with: "press: u") }
        assertError("t.tour:20: unknown field 'expct' (settings: title, about, model, fasta, annotations, motifs, record, task, method; in a step: step, highlight, press, expect, check)") {
            try parse(replacing: 20, with: "expct: unedited")
        }
        assertError("t.tour:20: 'Note that this' is not 'field: value' (indent a step's text by two spaces)") {
            try parse(replacing: 20, with: "Note that this")
        }
        assertError("t.tour:20: 'record' is a setting of the whole tour: move it above the first 'step:'") { try parse(replacing: 20, with: "record: two") }
        assertError("t.tour:11: indented text before the first step: a step's text follows its 'step:' line, indented") { try parse(replacing: 11, with: "  stray text") }
        assertError("t.tour:3: 'about:' needs a value") { try parse(replacing: 3, with: "about:") }
        assertError("t.tour:8: 'fasta' given twice (first on line 6)") { try parse(replacing: 8, with: "fasta: other.fa") }
        assertError("t.tour:8: a third 'model:'; a tour shows one model, or two side by side") { try parse(replacing: 8, with: "model: third.onnx") }
        assertError("t.tour:10: method 'best' is not one of saliency, corrected-saliency, grad-input, smoothgrad, ig, ism, deepshap") { try parse(replacing: 10, with: "method: best") }
        assertError("t.tour:13: 'highlight' belongs to a step: start one with 'step: TITLE' first") { try parse(replacing: 12, with: "# no step") }
        assertError("t.tour: no 'model:' line; a tour names at least its title, model and fasta") {
            try Tour.parse(Self.text.replacingOccurrences(of: "model: ../", with: "# model: ../"), source: "t.tour")
        }
        assertError("t.tour: no steps; add at least one 'step: TITLE' with indented text") { try Tour.parse("title: t\nmodel: m\nfasta: f\n", source: "t.tour") }
        assertError("t.tour:34: step 'Second' has no text; write it on the lines below, indented") { try parse(replacing: 35, with: "") }
    }

    func testNamesAndPositionsAreCheckedAgainstTheLoadedModel() throws {
        let records = [SequenceRecord(id: "one", sequence: String(repeating: "A", count: 30)), SequenceRecord(id: "two", sequence: "ACGT")]
        let tour = try Tour.parse(Self.text, source: "t.tour")
        XCTAssertNoThrow(try tour.check(taskNames: ["up", "down"], records: records))
        XCTAssertThrowsError(try tour.check(taskNames: ["up", "sideways"], records: records)) {
            XCTAssertEqual("\($0)", "t.tour:24: task 'down' is not a task of the model (up, sideways)")
        }
        XCTAssertThrowsError(try tour.check(taskNames: ["up", "down"], records: [records[0]])) {
            XCTAssertEqual("\($0)", "t.tour:25: record 'two' is not in ../seqs.fa")
        }
        XCTAssertThrowsError(try tour.check(taskNames: ["up", "down"], records: [SequenceRecord(id: "one", sequence: "ACGT"), records[1]])) {
            XCTAssertEqual("\($0)", "t.tour:12: positions 10:20 lie past the end of every record (the longest has 4)")
        }
    }

    func testAModelExpectationNamesOneOfTheTourModels() throws {
        let text = "title: t\nmodel: ../a/relu.onnx\nmodel: exp.onnx\nfasta: f\nstep: s\n  Text.\nexpect: model exp\n"
        let records = [SequenceRecord(id: "r", sequence: "ACGT")]
        let tour = try Tour.parse(text, source: "t.tour")
        XCTAssertEqual(tour.steps[0].expectations.map(\.value), [.model("exp")])
        XCTAssertNoThrow(try tour.check(taskNames: [], records: records))
        let wrong = try Tour.parse(text.replacingOccurrences(of: "model exp", with: "model exp2"), source: "t.tour")
        XCTAssertThrowsError(try wrong.check(taskNames: [], records: records)) {
            XCTAssertEqual("\($0)", "t.tour:7: model 'exp2' is not one of the tour's two models (relu, exp)")
        }
    }
}
