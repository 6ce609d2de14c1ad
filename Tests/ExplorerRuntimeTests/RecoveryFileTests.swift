import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// PREFIX.recovery.json follows every change of the edit histories at once, goes away once all
/// is saved or the explorer quits on purpose, and puts the edits back exactly, or is refused in
/// one line when the FASTA changed.
final class RecoveryFileTests: XCTestCase {
    static let modelURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx")
    static let fastaURL = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa")

    var directory: URL!
    var recovery: RecoveryFile { RecoveryFile(prefix: directory.appendingPathComponent("run").path) }

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func makeState(_ model: SequenceModel) throws -> ExplorerState {
        let records = Array(try FASTAReader.read(contentsOf: Self.fastaURL).prefix(2))
        var state = ExplorerState(modelName: "code-shallow-relu", alphabet: model.alphabet,
                                  taskNames: try model.taskNames(length: records[0].length), records: records)
        state.followsTopTask = false
        return state
    }

    /// An app with two edits at 10 and 20 (one undone at 20, so the redo history counts too).
    func editedApp() throws -> (ExplorerApp, SequenceModel) {
        let model = try SequenceModel(contentsOf: Self.modelURL)
        let app = AppDriver.start(try makeState(model), model: model, modelPath: Self.modelURL.path, sequencesPath: Self.fastaURL.path, directory: directory)
        XCTAssertFalse(recovery.exists, "nothing to recover before an edit")
        for position in [10, 20] {
            app.send(.moveTo(position: position))
            app.send(.mutate(base: app.state.sequence[position] == UInt8(ascii: "A") ? UInt8(ascii: "C") : UInt8(ascii: "A")))
        }
        app.send(.undo)
        return (app, model)
    }

    func testEveryEditIsInTheRecoveryFileAtOnce() throws {
        let (app, _) = try editedApp()
        defer { app.stop() }
        // No waiting: the file is written before the action returns.
        let file = try recovery.read(modelPath: Self.modelURL.path, sequencesPath: Self.fastaURL.path)
        let expected = app.state.snapshot
        XCTAssertEqual(file.edits.count, 1)
        XCTAssertEqual(file.edits.first?.applied, expected.histories[0].applied.map { $0.map(\.description) })
        XCTAssertEqual(file.edits.first?.undone, expected.histories[0].undone.map { $0.map(\.description) })
        XCTAssertEqual(file.edits.first?.applied.count, 1)
        XCTAssertEqual(file.edits.first?.undone.count, 1)
        XCTAssertEqual(file.view, expected.view)
        // Paths relative to the recovery file's folder where they lie in it, else absolute.
        XCTAssertEqual(file.model, Self.modelURL.standardizedFileURL.path)
    }

    func testSavingRemovesTheRecoveryFile() throws {
        let (app, _) = try editedApp()
        defer { app.stop() }
        XCTAssertTrue(recovery.exists)
        app.send(.save)
        AppDriver.wait(app, until: { $0.message?.hasPrefix("saved 1 edit to run.fa") == true })
        XCTAssertFalse(recovery.exists, "everything is saved")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("run.session.json").path))
        // A new edit after saving is unsaved again.
        app.send(.moveTo(position: 30))
        app.send(.mutate(base: app.state.sequence[30] == UInt8(ascii: "A") ? UInt8(ascii: "C") : UInt8(ascii: "A")))
        XCTAssertTrue(recovery.exists)
    }

    func testQuittingWithoutSavingRemovesTheRecoveryFile() throws {
        let (app, _) = try editedApp()
        defer { app.stop() }
        app.send(.quit)
        XCTAssertFalse(app.state.isFinished, "the explorer asks first")
        XCTAssertTrue(recovery.exists)
        app.send(.quit)
        XCTAssertTrue(app.state.isFinished)
        XCTAssertFalse(recovery.exists, "quitting without saving was asked for")
    }

    func testRecoveredEditsAreRestoredExactlyAndStayUnsaved() throws {
        let (app, model) = try editedApp()
        app.stop()
        var state = try makeState(model)
        let file = try recovery.read(modelPath: Self.modelURL.path, sequencesPath: Self.fastaURL.path)
        let restorable = try recovery.restorable(file, records: state.records, windows: state.windows, taskCount: state.taskNames.count)
        state.recover(histories: restorable.histories, view: restorable.view)
        XCTAssertEqual(state.histories, app.state.histories)
        XCTAssertEqual(state.sequence, app.state.sequence)
        XCTAssertEqual(state.cursor, app.state.cursor)
        XCTAssertEqual(state.unsavedRecords, 1, "recovered edits are not saved yet")
        XCTAssertTrue(state.hasUnsavedHistory)
        // Start-up choices (--record, --task, --method) change the view after recovering.
        state.adjustView { $0.task = 0 }
        XCTAssertEqual(state.unsavedRecords, 1, "a view change saves nothing")
    }

    func testARecoveryFileThatNoLongerMatchesTheFASTAIsRefused() throws {
        let (app, model) = try editedApp()
        app.stop()
        var state = try makeState(model)
        let edit = try XCTUnwrap(app.state.histories[0].applied.first?.first)
        // The FASTA changed under the edit: its reference base is another one now.
        var records = state.records
        records[0].sequence[edit.position] = edit.alternative
        state = ExplorerState(modelName: "code-shallow-relu", alphabet: model.alphabet, taskNames: state.taskNames, records: records)
        let file = try recovery.read(modelPath: Self.modelURL.path, sequencesPath: Self.fastaURL.path)
        let found = Character(Unicode.Scalar(edit.alternative))
        XCTAssertThrowsError(try recovery.restorable(file, records: state.records, windows: state.windows, taskCount: state.taskNames.count)) { error in
            XCTAssertEqual("\(error)", "\(recovery.url.path): edit \(edit) of '\(records[0].id)' does not match the sequence (found \(found)); was \(file.sequences) changed after saving? (to drop the unsaved edits, start with --discard-recovery)")
        }
        XCTAssertThrowsError(try recovery.read(modelPath: Self.modelURL.path, sequencesPath: "/elsewhere/other.fa")) { error in
            XCTAssertTrue("\(error)".hasSuffix("holds unsaved edits of \(Self.modelURL.standardizedFileURL.path) on \(Self.fastaURL.standardizedFileURL.path), not of this model and FASTA; open those, pick another --save-as prefix, or start with --discard-recovery to drop them"), "\(error)")
        }
    }
}
