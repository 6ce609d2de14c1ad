import ExplorerCore
import ExplorerRuntime
import Foundation
import Genomics
import Interactive
import Interpretation
import TestSupport
import XCTest

/// `hasPendingWork`, which a key script's `<idle>` waits on: true from the moment work is asked
/// for until every result is taken in; and an app that does not autosave (headless scripted runs)
/// writes no recovery file.
final class PendingWorkTests: XCTestCase {
    static let modelURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx")
    static let fastaURL = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa")
    var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func makeApp(autosaves: Bool) throws -> ExplorerApp {
        let model = try SequenceModel(contentsOf: Self.modelURL)
        let records = Array(try FASTAReader.read(contentsOf: Self.fastaURL).prefix(1))
        var state = ExplorerState(modelName: "code-shallow-relu", alphabet: model.alphabet,
                                  taskNames: try model.taskNames(length: records[0].length), records: records)
        state.followsTopTask = false
        let files = ExplorerApp.SessionFiles(modelPath: Self.modelURL.path, sequencesPath: Self.fastaURL.path, annotationsPath: nil,
                                             prefix: directory.appendingPathComponent("run").path)
        return ExplorerApp(state: state, model: model, files: files, autosaves: autosaves)
    }

    /// Polls as the run loop does until no work is pending (at most a minute).
    func waitUntilIdle(_ app: ExplorerApp) {
        let deadline = Date(timeIntervalSinceNow: 60)
        while app.hasPendingWork && Date() < deadline {
            app.waitForResults(timeout: 0.02)
            app.poll()
        }
        XCTAssertFalse(app.hasPendingWork, "work still pending after a minute")
    }

    func testPendingFromTheRequestUntilEveryResultIsIn() throws {
        let app = try makeApp(autosaves: true)
        defer { app.stop() }
        app.handle(.resize(width: 100, height: 30))
        XCTAssertTrue(app.hasPendingWork, "the first record's work was asked for")
        waitUntilIdle(app)
        XCTAssertTrue(app.state.isViewComplete)
        XCTAssertFalse(app.state.isBusy)
        XCTAssertNotNil(app.state.mutagenesis, "ISM, the slowest result, is in")

        app.handle(.key(.character(app.state.sequence[app.state.cursor] == UInt8(ascii: "A") ? "C" : "A")))
        XCTAssertTrue(app.hasPendingWork, "an edit asks for new results at once")
        waitUntilIdle(app)
        XCTAssertTrue(app.state.isViewComplete)
        XCTAssertEqual(app.state.mutagenesis?.version, app.state.version, "the ISM is of the edited sequence")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("run.recovery.json").path))
    }

    func testAnAppThatDoesNotAutosaveWritesNoRecoveryFile() throws {
        let app = try makeApp(autosaves: false)
        defer { app.stop() }
        app.handle(.resize(width: 100, height: 30))
        app.handle(.key(.character("A")))
        app.handle(.key(.character("C")))
        waitUntilIdle(app)
        XCTAssertTrue(app.state.hasUnsavedHistory)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }
}
