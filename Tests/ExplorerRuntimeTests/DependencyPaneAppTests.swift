import ExplorerCore
import ExplorerRuntime
import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// `D` with a real model: the pane's map is what `DependencyMap` computes headless, before and
/// after an edit.
final class DependencyPaneAppTests: XCTestCase {
    func testThePaneIsTheHeadlessMapAndFollowsAnEdit() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelURL = Fixtures.url("dependency/model.onnx"), fastaURL = Fixtures.url("dependency/sequences.fa")
        let model = try SequenceModel(contentsOf: modelURL)
        let records = try FASTAReader.read(contentsOf: fastaURL)
        var state = ExplorerState(modelName: "small", alphabet: model.alphabet, taskNames: try model.taskNames(length: 40), records: records)
        state.followsTopTask = false
        let app = AppDriver.start(state, model: model, modelPath: modelURL.path, sequencesPath: fastaURL.path, directory: directory)
        defer { app.stop() }
        app.send(.toggleDependencies)
        func expected(_ sequence: [UInt8]) throws -> [Float] {
            try DependencyMap(model: model, task: 0).run(sequence, window: 0 ..< 40).positions
        }
        AppDriver.wait(app) { !$0.isDependencyStale }
        XCTAssertEqual(app.state.dependencies?.value.positions, 0 ..< 40)
        var comparison = compare(app.state.dependencies!.value.values, try expected(records[0].sequence), absolute: 1e-6, relative: 1e-5)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")

        app.send(.moveTo(position: 20))
        app.send(.mutate(base: app.state.sequence[20] == UInt8(ascii: "A") ? UInt8(ascii: "C") : UInt8(ascii: "A")))
        AppDriver.wait(app) { $0.version == 1 && !$0.isDependencyStale }
        comparison = compare(app.state.dependencies!.value.values, try expected(app.state.sequence), absolute: 1e-6, relative: 1e-5)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
    }
}
