import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// With a real model: a record without annotations opens on its largest saliency, as the
/// headless engine computes it.
final class InformativeRegionTests: XCTestCase {
    func testTheFirstScreenCentresOnTheLargestSaliency() throws {
        let modelURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx")
        let model = try SequenceModel(contentsOf: modelURL)
        let records = Array(try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa")).prefix(1))
        var state = ExplorerState(modelName: "code-shallow-relu", alphabet: model.alphabet,
                                  taskNames: try model.taskNames(length: records[0].length), records: records)
        state.followsTopTask = false
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = AppDriver.start(state, model: model, modelPath: modelURL.path, sequencesPath: "regulatory-code.fa", directory: directory)
        defer { app.stop() }
        AppDriver.wait(app, until: { $0.attribution != nil })

        let map = try LiveModel(model: model).attribution(records[0].sequence, settings: XCTUnwrap(ExplorerMethod.saliency.settings(task: 0)))
        let length = records[0].length
        let totals = (0 ..< length).map { position in (0 ..< 4).reduce(Float(0)) { $0 + abs(map[$1 * length + position]) } }
        let peak = try XCTUnwrap(totals.indices.max { totals[$0] < totals[$1] })
        XCTAssertEqual(app.state.cursor, peak)
        XCTAssertEqual(app.state.viewStart, max(0, min(length - app.state.visibleCount, peak - app.state.visibleCount / 2)), "centred on it")
    }
}
