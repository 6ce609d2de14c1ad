import ExplorerCore
@testable import ExplorerView
import Genomics
import Interactive
import Rendering
import XCTest

/// Two models side by side (Comparison.swift): every request of the first model's results is
/// mirrored for the second, with its own input (the record fitted to its own length) and its task
/// of the same name; its results come back wrapped and are kept apart.
final class ComparisonTests: XCTestCase {
    static let first = "ACGTACGTAATGACTCATTTACGTACGTAC"   // 30 nt
    static let second = "TTTTGGGGCCCCAAAATTTTGGGGCCCCAA"
    /// The second model takes 34 columns: each 30-nt record padded with two Ns on either side.
    static let padded = ModelWindow(recordLength: 30, inputLength: 34, start: -2)

    func makeState(comparedWindows: [ModelWindow] = [padded, padded]) -> ExplorerState {
        var state = ExplorerState(modelName: "relu", alphabet: .dna, taskNames: ["up", "down", "left"],
                                  records: [SequenceRecord(id: "one", sequence: Self.first), SequenceRecord(id: "two", sequence: Self.second)])
        state.followsTopTask = false
        state.compare(with: ComparisonModel(name: "exp", taskNames: ["down", "up"], windows: comparedWindows))
        return state
    }

    func started(_ state: inout ExplorerState) {
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    func padded(_ text: String) -> [UInt8] { bytes("NN" + text + "NN") }

    /// The comparison's effects among `effects`.
    func compared(_ effects: [Effect]) -> [Effect] {
        effects.compactMap { if case .comparison(let work) = $0 { return work } else { return nil } }
    }

    @discardableResult
    func type(_ text: String, _ state: inout ExplorerState) -> [Effect] {
        text.flatMap { key in KeyMap.action(for: .key(.character(key)), in: state).map { state.update($0) } ?? [] }
    }

    func testStartAsksTheSecondModelForItsOwnInputAndTheTaskOfTheSameName() {
        var state = makeState()
        let effects = state.start()
        XCTAssertEqual(Array(effects.prefix(4)), [
            .setReference(record: 0, sequence: bytes(Self.first)),
            .predict(version: 0, sequence: bytes(Self.first)),
            .attribute(version: 0, sequence: bytes(Self.first), method: .saliency, task: 0),
            .mutagenize(version: 0, sequence: bytes(Self.first), first: 0 ..< 30),
        ], "the first model's work is unchanged")
        XCTAssertEqual(compared(effects), [
            .setReference(record: 0, sequence: padded(Self.first)),
            .predict(version: 1, sequence: padded(Self.first)),
            .mutagenize(version: 1, sequence: padded(Self.first), first: 2 ..< 32),
            .attribute(version: 1, sequence: padded(Self.first), method: .saliency, task: 1),
        ], "task 'up' is the second model's task 1; ISM of the positions on screen first, in its own columns")
        XCTAssertEqual(state.comparisonTask, 1)
        XCTAssertTrue(state.isBusy, "the second model's results are awaited too")
    }

    func testTasksAreMatchedByNameAndAMissingOneIsSaid() {
        var state = makeState()
        started(&state)
        XCTAssertEqual(compared(type("]", &state)), [.attribute(version: 1, sequence: padded(Self.first), method: .saliency, task: 0)],
                       "'down' is the second model's task 0")
        XCTAssertEqual(state.comparisonTask, 0)
        XCTAssertEqual(compared(type("]", &state)), [], "'left': the second model has no such task, so no map is asked for")
        XCTAssertNil(state.comparisonTask)
        XCTAssertEqual(Screen.comparisonSummary(state, state.comparison!), "◆ exp │ no task left")
        XCTAssertNil(state.comparisonMap)
        XCTAssertEqual(compared(type("m", &state)), [], "no task, no map of another method either")
    }

    func testAnEditReachesBothModelsAndEachGetsItsOwnEffect() {
        var state = makeState()
        started(&state)
        _ = state.update(.referencePredicted(record: 0, values: [0.2, 0.4, 0.6]))
        _ = state.update(.comparison(.referencePredicted(record: 0, values: [0.7, 0.1])))
        _ = state.update(.moveTo(position: 13))
        let edited = Array(Self.first.utf8).enumerated().map { $0.offset == 13 ? UInt8(ascii: "A") : $0.element }
        let effects = type("A", &state)
        XCTAssertTrue(effects.contains(.predict(version: 1, sequence: edited)))
        XCTAssertEqual(compared(effects), [
            .predict(version: 2, sequence: bytes("NN") + edited + bytes("NN")),
            .mutagenize(version: 2, sequence: bytes("NN") + edited + bytes("NN"), first: 2 ..< 32),
            .attribute(version: 2, sequence: bytes("NN") + edited + bytes("NN"), method: .saliency, task: 1),
        ])
        _ = state.update(.predicted(version: 1, values: [0.3, 0.4, 0.6], milliseconds: 1))
        _ = state.update(.comparison(.predicted(version: 2, values: [0.7, 0.25], milliseconds: 1)))
        XCTAssertEqual(state.lastEdit?.after, 0.3)
        let effect = try? XCTUnwrap(state.comparison?.lastEdit)
        XCTAssertEqual(effect?.substitution, Substitution(position: 13, reference: UInt8(ascii: "C"), alternative: UInt8(ascii: "A")))
        XCTAssertEqual(effect?.task, 1)
        XCTAssertEqual(effect?.before, 0.1)
        XCTAssertEqual(effect?.after, 0.25)
        XCTAssertEqual(Screen.comparisonSummary(state, state.comparison!), "◆ exp │ up 0.250 ref 0.100 │ 13:C>A 0.100→0.250 Δ +0.150")

        // Undo asks both models again for the reference sequence, and the edit's effect goes.
        let undone = type("u", &state)
        XCTAssertEqual(compared(undone).first, .predict(version: 3, sequence: padded(Self.first)))
        XCTAssertNil(state.comparison?.lastEdit)
    }

    func testResultsOfAnotherRecordOrAnOlderVersionAreDropped() {
        var state = makeState()
        started(&state)
        _ = state.update(.comparison(.predicted(version: 1, values: [0.5, 0.5], milliseconds: 1)))
        XCTAssertEqual(state.comparison?.predictions?.value, [0.5, 0.5])
        let next = type("n", &state)
        XCTAssertEqual(compared(next).prefix(2), [.setReference(record: 1, sequence: padded(Self.second)), .predict(version: 2, sequence: padded(Self.second))])
        XCTAssertNil(state.comparison?.predictions, "the first record's predictions are forgotten")
        _ = state.update(.comparison(.predicted(version: 1, values: [0.9, 0.9], milliseconds: 1)))
        XCTAssertNil(state.comparison?.predictions, "a late result for the first record is dropped")
        _ = state.update(.comparison(.attributed(version: 2, map: AttributionMap(method: .saliency, task: 1, values: [Float](repeating: 1, count: 4 * 34)), milliseconds: 1)))
        XCTAssertEqual(state.comparisonMap?.count, 4 * 34)
        XCTAssertNil(state.comparison?.referencePredictions[1])
        _ = state.update(.comparison(.referencePredicted(record: 1, values: [0.3, 0.6])))
        XCTAssertEqual(state.comparison?.referencePredictions[1], [0.3, 0.6])
        XCTAssertNil(state.referencePredictions[1], "the second model's results never reach the first's")
    }

    func testTheSecondModelsColumnsLineUpWithTheRecordPositions() {
        var state = makeState()
        started(&state)
        // Column c of the 34-column input is record position c - 2; its value c + 1 on every letter.
        let values = (0 ..< 4).flatMap { _ in (0 ..< 34).map { Float($0 + 1) } }
        let track = state.comparisonOnTrack(values)
        XCTAssertEqual(track?.count, 4 * 30)
        XCTAssertEqual(track.map { Array($0[0 ..< 30]) }, (0 ..< 30).map { Float($0 + 3) }, "record position p shows column p + 2")
        XCTAssertEqual(state.comparisonInputRange, 0 ..< 30)
        XCTAssertNil(state.comparisonOnTrack([1, 2, 3]), "a map of another length is not placed")
    }

    func testAShorterSecondModelSlidesItsWindowWithTheCursor() {
        let cropped = ModelWindow(recordLength: 30, inputLength: 10, start: 10)
        var state = makeState(comparedWindows: [cropped, cropped])
        let start = compared(state.start())
        XCTAssertEqual(state.comparisonInputRange, 0 ..< 10, "the cursor opens on 0: the window moves there before anything is asked for")
        XCTAssertEqual(start.prefix(2), [.setReference(record: 0, sequence: Array(Array(Self.first.utf8)[0 ..< 10])),
                                         .predict(version: 1, sequence: Array(Array(Self.first.utf8)[0 ..< 10]))], "asked once, for the moved window")
        XCTAssertEqual(start.count, 4)
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.predicted(version: 0, values: [0.1, 0.2, 0.3], milliseconds: 1))
        XCTAssertEqual(compared(state.update(.moveTo(position: 5))), [], "inside its window: nothing to recompute")
        let effects = compared(state.update(.moveTo(position: 27)))
        XCTAssertEqual(state.comparisonWindow?.start, 20, "centred on 27 within the record")
        XCTAssertEqual(state.comparisonInputRange, 20 ..< 30)
        XCTAssertEqual(effects.first, .setReference(record: 0, sequence: Array(Array(Self.first.utf8)[20 ..< 30])))
        XCTAssertTrue(effects.contains(.predict(version: 2, sequence: Array(Array(Self.first.utf8)[20 ..< 30]))))
        XCTAssertEqual(state.predictions?.version, 0, "the first model's results stay: its window did not move")
    }

    func testSwappingKeepsEditsCursorAndTaskByNameAndRecomputesEverything() {
        var state = makeState()
        started(&state)
        _ = state.update(.moveTo(position: 13))
        type("A", &state)
        type("]", &state)   // task 'down'
        XCTAssertEqual(state.histories[0].applied, [[Substitution(position: 13, reference: UInt8(ascii: "C"), alternative: UInt8(ascii: "A"))]])
        let effects = type("M", &state)
        XCTAssertEqual(state.modelName, "exp")
        XCTAssertEqual(state.taskNames, ["down", "up"])
        XCTAssertEqual(state.task, 0, "'down' again")
        XCTAssertEqual(state.comparison?.name, "relu")
        XCTAssertEqual(state.comparisonTask, 1)
        XCTAssertEqual(state.length, 34, "the track is now the padded one")
        XCTAssertEqual(state.recordPosition(state.cursor), 13)
        XCTAssertEqual(state.histories[0].applied, [[Substitution(position: 15, reference: UInt8(ascii: "C"), alternative: UInt8(ascii: "A"))]],
                       "the edit, on the new track (two padding columns first)")
        XCTAssertEqual(state.unsavedRecords, 1)
        XCTAssertEqual(effects.prefix(2), [.swapModels, .useLogits(false)])
        let edited = Array(Self.first.utf8).enumerated().map { $0.offset == 13 ? UInt8(ascii: "A") : $0.element }
        XCTAssertTrue(effects.contains(.predict(version: state.version, sequence: bytes("NN") + edited + bytes("NN"))))
        XCTAssertTrue(compared(effects).contains(.predict(version: state.comparison!.version, sequence: edited)))
        XCTAssertEqual(state.message, "exp is now the first model, relu the second (M swaps back)")
        // A result the old first model still delivers is older than the swap: dropped.
        _ = state.update(.predicted(version: 1, values: [9, 9, 9], milliseconds: 1))
        XCTAssertNil(state.predictions)
        type("M", &state)
        XCTAssertEqual(state.modelName, "relu")
        XCTAssertEqual(state.histories[0].applied, [[Substitution(position: 13, reference: UInt8(ascii: "C"), alternative: UInt8(ascii: "A"))]])
        XCTAssertEqual(state.task, 1)
    }

    func testMWithOneModelExplains() {
        var state = ExplorerState(modelName: "relu", alphabet: .dna, taskNames: ["up"], records: [SequenceRecord(id: "one", sequence: Self.first)])
        _ = state.start()
        XCTAssertEqual(type("M", &state), [])
        XCTAssertEqual(state.message, "M swaps two models side by side: start with seqlens explore MODEL1 MODEL2 FASTA")
    }
}
