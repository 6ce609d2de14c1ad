import ExplorerCore
import Genomics
import Interactive
import XCTest

/// Pastes and replace-mode runs (one undo group, summed up when their predictions arrive), the
/// task following the top task again, and the switch to logits.
final class EditRunTests: XCTestCase {
    static let first = "ACGTACGTAATGACTCATTTACGTACGTAC"   // 30 nt
    static let reference: [Float] = [0.2, 0.5, 0.9]

    func makeState() -> ExplorerState {
        var state = ExplorerState(modelName: "toy", alphabet: .dna, taskNames: ["up", "down", "flat"],
                                  records: [SequenceRecord(id: "one", sequence: Self.first), SequenceRecord(id: "two", sequence: Self.first)])
        _ = state.start()
        _ = state.update(.resize(width: 80, height: 24))
        _ = state.update(.referencePredicted(record: 0, values: Self.reference))
        _ = state.update(.predicted(version: 0, values: Self.reference, milliseconds: 1))
        return state
    }

    func text(_ state: ExplorerState) -> String { String(decoding: state.sequence, as: UTF8.self) }

    func testAPasteOverwritesFromTheCursorAsOneUndoGroup() {
        var state = makeState()
        _ = state.update(.moveTo(position: 3))
        // Case-insensitive; the line break and spaces are skipped; position 5 is C already.
        let effects = state.update(KeyMap.action(for: .paste("gg c\nTG"), in: state)!)
        XCTAssertEqual(text(state), "ACGGGCTGAATGACTCATTTACGTACGTAC")
        XCTAssertEqual(state.histories[0].applied, [[
            Substitution(position: 3, reference: UInt8(ascii: "T"), alternative: UInt8(ascii: "G")),
            Substitution(position: 4, reference: UInt8(ascii: "A"), alternative: UInt8(ascii: "G")),
            Substitution(position: 6, reference: UInt8(ascii: "G"), alternative: UInt8(ascii: "T")),
            Substitution(position: 7, reference: UInt8(ascii: "T"), alternative: UInt8(ascii: "G")),
        ]])
        XCTAssertEqual(state.cursor, 7, "the cursor ends on the last pasted base")
        XCTAssertEqual(effects.filter { if case .predict = $0 { return true } else { return false } }.count, 1, "one new version, predicted once")
        _ = state.update(.undo)
        XCTAssertEqual(text(state), Self.first, "one undo takes the whole paste back")
        XCTAssertEqual(state.message, "undid 4 edits")
    }

    func testAPasteWithAnythingButBasesIsRefusedWhole() {
        var state = makeState()
        _ = state.update(.paste("ACXT"))
        XCTAssertEqual(text(state), Self.first)
        XCTAssertEqual(state.message, "paste refused: 'X' is not a base of this DNA model (paste ACGT or N; spaces and line breaks are skipped)")
        XCTAssertTrue(state.histories[0].applied.isEmpty)
    }

    func testAPastePastTheEndKeepsWhatFits() {
        var state = makeState()
        _ = state.update(.moveTo(position: 28))
        _ = state.update(.paste("TTTT"))
        XCTAssertEqual(text(state).suffix(3), "TTT")
        XCTAssertEqual(state.message, "pasted 2 bases (2 beyond the end dropped)")
    }

    func testAPasteInAPromptIsTyped() {
        var state = makeState()
        _ = state.update(.openPrompt(.search))
        _ = state.update(KeyMap.action(for: .paste("TGACTCA"), in: state)!)
        XCTAssertEqual(state.mode, .prompt(.search, text: "TGACTCA"))
        XCTAssertEqual(text(state), Self.first)
        _ = state.update(.toggleHelp)
        XCTAssertNil(KeyMap.action(for: .paste("A"), in: state), "the help ignores pastes")
    }

    func testAPasteIsSummedUpWithTheTaskItChangedMost() throws {
        var state = makeState()
        _ = state.update(.moveTo(position: 10))
        _ = state.update(.paste("CCCA"))
        var run = try XCTUnwrap(state.lastRun)
        XCTAssertEqual(run.positions, 10 ... 13)
        XCTAssertEqual(run.edits, 4)
        XCTAssertNil(run.largestTask, "not before the predictions arrive")
        _ = state.update(.predicted(version: state.version, values: [0.25, 0.1, 0.9], milliseconds: 1))
        run = try XCTUnwrap(state.lastRun)
        XCTAssertEqual(run.largestTask, 1)
        XCTAssertEqual(run.largestDelta ?? 0, -0.4, accuracy: 1e-6)
    }

    func testAReplaceRunIsSummedUpWhenEscEndsIt() throws {
        var state = makeState()
        _ = state.update(.moveTo(position: 20))
        _ = state.update(.enterReplaceMode)
        for base in "GGGA" { _ = state.update(.mutate(base: base.asciiValue!)) }
        XCTAssertNil(state.lastRun, "the run is open")
        // Predictions of the last version arrive before Esc: the summary is complete at once.
        _ = state.update(.predicted(version: state.version, values: [0.9, 0.5, 0.9], milliseconds: 1))
        _ = state.update(.cancel)
        let run = try XCTUnwrap(state.lastRun)
        XCTAssertEqual(run.positions, 20 ... 23)
        XCTAssertEqual(run.edits, 3, "position 22 was G already")
        XCTAssertEqual(run.largestTask, 0)
        XCTAssertEqual(run.largestDelta ?? 0, 0.7, accuracy: 1e-6)
        XCTAssertEqual(state.version, run.version)
        _ = state.update(.undo)
        XCTAssertNotEqual(state.version, state.lastRun?.version, "the summary belongs to an older version now")
    }

    func testAutoFollowsTheTopTaskAgain() {
        var state = makeState()
        XCTAssertTrue(state.followsTopTask)
        XCTAssertEqual(state.task, 2, "the top-scoring task")
        _ = state.update(.nextTask)
        XCTAssertFalse(state.followsTopTask)
        XCTAssertEqual(state.task, 0)
        let effects = state.update(KeyMap.action(for: .key(.character("a")), in: state)!)
        XCTAssertTrue(state.followsTopTask)
        XCTAssertEqual(state.task, 2)
        XCTAssertEqual(effects, [.attribute(version: 0, sequence: Array(Self.first.utf8), method: .saliency, task: 2)])
        XCTAssertEqual(state.message, "task: auto (each record opens on its top-scoring task)")
    }

    func testLogitsAskForEveryResultAgainAndDropTheOldOnes() {
        var state = makeState()
        _ = state.update(.toggleLogits)
        XCTAssertFalse(state.showsLogits)
        XCTAssertEqual(state.message, "this model's output does not come from a final Sigmoid or Softmax: it already is the pre-activation value")
        state.outputsProbabilities = true
        XCTAssertTrue(state.marksSaturation)
        let sequence = Array(Self.first.utf8)
        let effects = state.update(KeyMap.action(for: .key(.character("x")), in: state)!)
        XCTAssertTrue(state.showsLogits)
        XCTAssertFalse(state.marksSaturation, "logits do not saturate")
        XCTAssertEqual(effects, [.useLogits(true), .setReference(record: 0, sequence: sequence), .predict(version: 1, sequence: sequence),
                                 .attribute(version: 1, sequence: sequence, method: .saliency, task: 2),
                                 .mutagenize(version: 1, sequence: sequence, first: 0 ..< 30)])
        XCTAssertNil(state.predictions)
        XCTAssertNil(state.referencePredictions[0])
        _ = state.update(.predicted(version: 0, values: [0.3, 0.3, 0.3], milliseconds: 1))
        XCTAssertNil(state.predictions, "a probability computed before the switch is dropped")
        _ = state.update(.predicted(version: 1, values: [-1, 0, 4], milliseconds: 1))
        XCTAssertEqual(state.predictions?.value, [-1, 0, 4])
    }
}
