@testable import ExplorerCore
import Genomics
import Interactive
import XCTest

/// A tour running in the explorer's core: → Enter ← Esc, steps that wait for an edit and go on
/// once its results are in, and claims checked against the results.
final class TourProgressTests: XCTestCase {
    static let sequence = "ACGTACGTAATGACTCATTTACGTACGTAC"   // 30 nt; position 11 is G
    static let tour = """
    title: Toy tour
    model: toy.onnx
    fasta: toy.fa

    step: Look
    highlight: predictions
      Up is high.
    check: prediction up > 0.5

    step: Mutate
      Put an A at 11.
    press: press : 11 Enter, then A
    expect: substitution 11:G>A

    step: It falls
      Up fell, down did not.
    check: change up <= -0.3
    check: |change| down < 0.01

    step: Undo
      Undo it.
    expect: unedited
    """

    func makeState() throws -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"],
                                  records: [SequenceRecord(id: "one", sequence: Self.sequence)])
        state.followsTopTask = false
        state.beginTour(try Tour.parse(Self.tour, source: "toy.tour"))
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: [0.8, 0.2]))
        return state
    }

    /// The current version's predictions, saliency map and ISM, so nothing is being computed.
    func deliver(_ predictions: [Float], to state: inout ExplorerState) {
        let version = state.version
        _ = state.update(.predicted(version: version, values: predictions, milliseconds: 1))
        _ = state.update(.attributed(version: version, map: AttributionMap(method: .saliency, task: 0, values: Array(repeating: 0, count: 4 * 30)), milliseconds: 1))
        let zeros = [Float](repeating: 0, count: 4 * 30 * 2)
        _ = state.update(.mutagenized(version: version, map: MutagenesisMap(deltas: zeros, centered: zeros, positions: 0 ..< 30), milliseconds: 1))
        XCTAssertFalse(state.isBusy)
    }

    func press(_ keys: [Key], _ state: inout ExplorerState) {
        for key in keys { if let action = KeyMap.action(for: .key(key), in: state) { _ = state.update(action) } }
    }

    func type(_ text: String, _ state: inout ExplorerState) { press(text.map { .character($0) }, &state) }

    func testArrowsAndEnterPageThroughReadingStepsAndAWaitingStepLeavesThemToTheExplorer() throws {
        var state = try makeState()
        XCTAssertEqual(state.tour?.step, 0)
        XCTAssertEqual(state.tour?.waiting, false)
        press([.left], &state)
        XCTAssertEqual(state.tour?.step, 0)
        XCTAssertEqual(state.message, "this is the first step of the tour")
        press([.enter], &state)
        XCTAssertEqual(state.tour?.step, 1)
        XCTAssertEqual(state.tour?.waiting, true, "the edit is not made yet")
        let cursor = state.cursor
        XCTAssertEqual(KeyMap.action(for: .key(.right), in: state), .move(by: 1), "a waiting step's keys are the explorer's")
        press([.right, .enter], &state)
        XCTAssertEqual(state.tour?.step, 1)
        XCTAssertEqual(state.cursor, cursor + 1)
        XCTAssertEqual(KeyMap.action(for: .key(.escape), in: state), .tour(.leave), "but Esc leaves the tour")
        _ = state.update(.tour(.back))
        XCTAssertEqual(state.tour?.step, 0)
        press([.right], &state)
        XCTAssertEqual(state.tour?.step, 1)
    }

    func testAWaitingStepGoesOnOnceTheEditIsMadeAndItsResultsAreIn() throws {
        var state = try makeState()
        deliver([0.8, 0.2], to: &state)
        XCTAssertEqual(state.tour?.outcomes[0], [ClaimOutcome(held: true, measured: "0.800")])
        press([.right], &state)
        type(":11", &state)
        press([.enter], &state)
        type("A", &state)
        XCTAssertEqual(state.mutatedPositions, [11])
        XCTAssertEqual(state.tour?.step, 1, "the edit is made, its results are not in")
        _ = state.update(.predicted(version: state.version, values: [0.3, 0.2], milliseconds: 1))
        XCTAssertEqual(state.tour?.step, 1, "the maps are still being computed")
        deliver([0.3, 0.2], to: &state)
        XCTAssertEqual(state.tour?.step, 2)
        XCTAssertEqual(state.tour?.waiting, false)
        XCTAssertEqual(state.tour?.outcomes[2], [ClaimOutcome(held: true, measured: "-0.500"), ClaimOutcome(held: true, measured: "+0.000")])
        press([.right], &state)
        XCTAssertEqual(state.tour?.step, 3)
        XCTAssertEqual(state.tour?.waiting, true)
        type("u", &state)
        deliver([0.8, 0.2], to: &state)
        XCTAssertNil(state.tour, "the last step done: the tour is over")
        XCTAssertEqual(state.message, "tour finished · all 3 claims held · ? lists the keys, q quits")
    }

    func testAClaimTheModelDoesNotBearOutIsCountedAndOneNotCheckedIsSaidSo() throws {
        var state = try makeState()
        press([.right], &state)   // before the predictions arrive: step 0's claim is never checked
        _ = state.update(.mutate(base: UInt8(ascii: "C")))
        XCTAssertEqual(state.tour?.step, 1)
        _ = state.update(.undo)
        _ = state.update(.moveTo(position: 11))
        _ = state.update(.mutate(base: UInt8(ascii: "A")))
        deliver([0.75, 0.2], to: &state)
        XCTAssertEqual(state.tour?.step, 2)
        XCTAssertEqual(state.tour?.outcomes[2].first, ClaimOutcome(held: false, measured: "-0.050"))
        _ = state.update(.undo)
        deliver([0.8, 0.2], to: &state)
        XCTAssertEqual(state.tour?.outcomes[2].first??.held, false, "claims are checked as the step opens, not again")
        press([.right], &state)
        XCTAssertEqual(state.tour?.step, 3)
        XCTAssertEqual(state.tour?.waiting, false, "already undone")
        press([.enter], &state)
        XCTAssertEqual(state.message, "tour finished · 1 of 3 claims held (1 not checked) · ? lists the keys, q quits")
    }

    func testEscLeavesTheTourAndTheKeysAreTheExplorersAgain() throws {
        var state = try makeState()
        press([.escape], &state)
        XCTAssertNil(state.tour)
        XCTAssertEqual(state.message, "left the tour · keep exploring: ? lists the keys, q quits")
        let cursor = state.cursor
        press([.right], &state)
        XCTAssertEqual(state.cursor, cursor + 1)
    }

    func testAStepPointingAtPositionsOffScreenBringsThemIntoView() throws {
        let bases = String(repeating: "ACGTTGCA", count: 25)   // 200 nt: 72 fit on an 80-column screen
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "long", sequence: bases)])
        state.beginTour(try Tour.parse("title: t\nmodel: m\nfasta: f\nstep: one\n  Text.\nstep: two\nhighlight: 150:160\n  Text.\n", source: "t.tour"))
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        XCTAssertEqual(state.viewStart, 0)
        _ = state.update(.tour(.next))
        XCTAssertEqual(state.viewStart, 119, "centred on 150-159")
        XCTAssertEqual(state.cursor, 150, "the cursor would have been off screen")
        _ = state.update(.tour(.back))
        _ = state.update(.moveTo(position: 140))
        _ = state.update(.tour(.next))
        XCTAssertEqual(state.cursor, 140, "already on screen: the cursor stays")
    }

    func testPeakAndShareClaimsReadTheMapOfTheCurrentSequence() throws {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down"], records: [SequenceRecord(id: "one", sequence: Self.sequence)])
        state.followsTopTask = false
        state.beginTour(try Tour.parse("""
        title: t
        model: m
        fasta: f
        step: one
          Text.
        check: peak attribution in 10:14
        check: share attribution 10:14 >= 0.75
        check: peak ism in 20:30
        check: share ism 0:10 > 0.5
        """, source: "t.tour"))
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.predicted(version: 0, values: [0.8, 0.2], milliseconds: 1))
        // Σ|attribution| is 1 at 10 and 11, 2 at 12 (one letter each), 1 at 25: 4 of 5 in 10-13, the peak at 12.
        var values = [Float](repeating: 0, count: 4 * 30)
        values[0 * 30 + 10] = 1; values[1 * 30 + 11] = -1; values[3 * 30 + 12] = 2; values[2 * 30 + 25] = -1
        _ = state.update(.attributed(version: 0, map: AttributionMap(method: .saliency, task: 0, values: values), milliseconds: 1))
        XCTAssertEqual(state.tour?.outcomes[0].prefix(2), [ClaimOutcome(held: true, measured: "at 12"), ClaimOutcome(held: true, measured: "0.800")])
        XCTAssertEqual(state.tour?.outcomes[0][2], nil, "the ISM is not in yet")
        // ISM of task 0 (task 1's larger effects must not count): the largest |Δ| per position is 4 at
        // 3, 0.5 at 27 and 0.2 at 4, so the peak is at 3 and 0-9 hold 4.2 of 4.7.
        var deltas = [Float](repeating: 0, count: 4 * 30 * 2)
        deltas[(1 * 30 + 27) * 2] = -0.5; deltas[(2 * 30 + 3) * 2] = 0.3; deltas[(0 * 30 + 4) * 2] = 0.2
        for position in 0 ..< 30 { deltas[(3 * 30 + position) * 2 + 1] = 9 }
        deltas[(3 * 30 + 3) * 2] = 4
        _ = state.update(.mutagenized(version: 0, map: MutagenesisMap(deltas: deltas, centered: deltas, positions: 0 ..< 30), milliseconds: 1))
        XCTAssertEqual(state.tour?.outcomes[0][2], ClaimOutcome(held: false, measured: "at 3"))
        XCTAssertEqual(state.tour?.outcomes[0][3], ClaimOutcome(held: true, measured: "0.894"))
    }
}
