import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// `i` with a real model: the GI the slow lane measures equals f(shuffle with the site) −
/// f(shuffle) averaged by hand over the same shuffles.
final class MotifImportanceAppTests: XCTestCase {
    func testTheCEBPBSiteRaisesCEBPBInTheRecordsShuffles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-exp.onnx")
        let model = try SequenceModel(contentsOf: modelURL)
        let records = try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa"))
            .filter { $0.id == "mt_test_04056" }
        let motifs = try MotifReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme"))
        let scanner = FIMOScanner(motifs: [try Motif.find("CEBPB", in: motifs, source: "JASPAR")])
        let tasks = try model.taskNames(length: 200)
        var state = ExplorerState(modelName: "multitask-deep-exp", alphabet: .dna, taskNames: tasks, records: records, scansMotifs: true)
        state.followsTopTask = false
        let files = ExplorerApp.SessionFiles(modelPath: modelURL.path, sequencesPath: "multitask.fa", annotationsPath: nil,
                                             prefix: directory.appendingPathComponent("gia").path)
        let app = ExplorerApp(state: state, model: model, files: files, scanner: scanner)
        app.send(.resize(width: 100, height: 30))
        AppDriver.wait(app, until: { !$0.isBusy && $0.motifHits?.version == 0 })
        XCTAssertEqual(app.state.motifHits?.value.map(\.positions), [40 ..< 50])
        app.send(.moveTo(position: 44))
        app.handle(.key(.character("i")))
        AppDriver.wait(app, until: { $0.motifImportance != nil })
        let measured = try XCTUnwrap(app.state.motifImportance?.value)
        XCTAssertEqual(measured.label, "CEBPB+")
        XCTAssertEqual(measured.count, 100)

        var generator = SeededGenerator(seed: 0)
        let sequence = app.state.modelInput
        let shuffles = (0 ..< 100).map { _ in DinucleotideShuffle.shuffle(sequence, using: &generator) }
        let embedded = shuffles.map { Array($0[..<40]) + Array(sequence[40 ..< 50]) + Array($0[50...]) }
        let with = try model.predict(embedded).scalars, without = try model.predict(shuffles).scalars
        let expected = (0 ..< tasks.count).map { task in (0 ..< 100).reduce(Float(0)) { $0 + with[$1 * tasks.count + task] - without[$1 * tasks.count + task] } / 100 }
        XCTAssertEqual(compare(measured.mean, expected, absolute: 1e-5).failures, 0)
        let cebpb = tasks.firstIndex(of: "CEBPB")!
        XCTAssertGreaterThan(measured.mean[cebpb], 0.3, "the site raises its own task")
        XCTAssertEqual(measured.mean.indices.max { measured.mean[$0] < measured.mean[$1] }, cebpb, "and that task most")
        XCTAssertLessThan(measured.halfWidth[cebpb], measured.mean[cebpb])
    }
}
