import ExplorerCore
import ExplorerRuntime
import Foundation
import Interpretation
import XCTest

/// Drives an ExplorerApp as the terminal would, without one: the runtime tests' shared start-up
/// and waiting.
enum AppDriver {
    /// An app on `state` with a 100×30 screen, saving under `directory/run`; its first results are
    /// asked for, not waited for.
    static func start(_ state: ExplorerState, model: SequenceModel, modelPath: String, sequencesPath: String, directory: URL) -> ExplorerApp {
        let files = ExplorerApp.SessionFiles(modelPath: modelPath, sequencesPath: sequencesPath, annotationsPath: nil,
                                             prefix: directory.appendingPathComponent("run").path)
        let app = ExplorerApp(state: state, model: model, files: files)
        app.send(.resize(width: 100, height: 30))
        return app
    }

    /// Takes in results until `done` holds (at most a minute), and fails the test if it never does.
    static func wait(_ app: ExplorerApp, until done: (ExplorerState) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date(timeIntervalSinceNow: 60)
        while !done(app.state) && Date() < deadline { app.waitForResults(timeout: 1) }
        XCTAssertTrue(done(app.state), "results did not arrive", file: file, line: line)
    }
}
