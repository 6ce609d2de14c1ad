import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// Two models side by side with real models: what reaches the second model's block after an edit
/// must equal what the headless engine computes for that model on the edited sequence, fitted to
/// its own length.
final class ComparisonAppTests: XCTestCase {
    static let reluURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx")
    static let expURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-exp.onnx")
    static let fastaURL = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa")

    var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// code-shallow-relu first, `compared` second with `windows` (nil: the records as they are).
    func makeApp(compared: SequenceModel, name: String, windows: [ModelWindow]? = nil) throws -> (ExplorerApp, SequenceModel) {
        let model = try SequenceModel(contentsOf: Self.reluURL)
        let records = Array(try FASTAReader.read(contentsOf: Self.fastaURL).prefix(2))
        var state = ExplorerState(modelName: "code-shallow-relu", alphabet: model.alphabet, taskNames: try model.taskNames(length: 200), records: records)
        state.followsTopTask = false
        let windows = windows ?? records.map { .whole($0.length) }
        state.compare(with: ComparisonModel(name: name, taskNames: try compared.taskNames(length: windows[0].inputLength), windows: windows,
                                            outputsProbabilities: compared.outputsProbabilities))
        let files = ExplorerApp.SessionFiles(modelPath: Self.reluURL.path, sequencesPath: Self.fastaURL.path, annotationsPath: nil,
                                             prefix: directory.appendingPathComponent("run").path,
                                             comparedModelPath: directory.appendingPathComponent("compared.onnx").path)
        let app = ExplorerApp(state: state, model: model, files: files, comparedModel: compared)
        app.send(.resize(width: 100, height: 30))
        settle(app)
        return (app, model)
    }

    func settle(_ app: ExplorerApp, file: StaticString = #filePath, line: UInt = #line) {
        AppDriver.wait(app, until: { !$0.isBusy }, file: file, line: line)
    }

    /// Moves to `position` and puts a base there other than the one it has.
    func edit(_ app: ExplorerApp, at position: Int) {
        for character in ":\(position)" { app.handle(.key(.character(character))) }
        app.handle(.key(.enter))
        app.handle(.key(.character(app.state.sequence[app.state.cursor] == UInt8(ascii: "G") ? "C" : "G")))
        settle(app)
    }

    func testAfterAnEditTheSecondModelsPredictionsMapAndISMAreTheHeadlessEngines() throws {
        let exp = try SequenceModel(contentsOf: Self.expURL)
        let (app, relu) = try makeApp(compared: exp, name: "code-shallow-exp")
        edit(app, at: 57)
        let state = app.state, comparison = try XCTUnwrap(state.comparison)
        XCTAssertEqual(state.comparisonTask, 0, "both name their task regulatory_code")

        let expected = try exp.predict([state.sequence]).scalars, reference = try exp.predict([state.reference]).scalars
        XCTAssertEqual(compare(try XCTUnwrap(comparison.predictions).value, expected, absolute: 1e-5).failures, 0)
        XCTAssertEqual(compare(try XCTUnwrap(comparison.referencePredictions[0]), reference, absolute: 1e-5).failures, 0)
        XCTAssertEqual(comparison.lastEdit?.before ?? .nan, reference[0], accuracy: 1e-5)
        XCTAssertEqual(comparison.lastEdit?.after ?? .nan, expected[0], accuracy: 1e-5)
        XCTAssertEqual(comparison.lastEdit?.substitution.position, 57)
        XCTAssertNotEqual(expected[0], try relu.predict([state.sequence]).scalars[0], "two models, two predictions")

        let saliency = try Attributor(model: exp).attribute([state.sequence], settings: AttributionSettings(method: .saliency, target: 0))
        XCTAssertEqual(compare(try XCTUnwrap(state.comparisonMap), saliency.scalars, absolute: 1e-5).failures, 0)
        let ism = try SaturationMutagenesis(model: exp, engine: .naive).run([state.sequence])
        XCTAssertEqual(compare(try XCTUnwrap(comparison.mutagenesis).value.deltas, ism.deltas.scalars, absolute: 1e-5).failures, 0)

        // The first model's own results are untouched by the second's.
        XCTAssertEqual(compare(try XCTUnwrap(state.predictions).value, try relu.predict([state.sequence]).scalars, absolute: 1e-5).failures, 0)
    }

    func testASecondModelOfAnotherLengthSeesTheRecordFittedToItsOwnInput() throws {
        // 210 columns (the 200-nt records padded 5 on either side), its tasks in another order.
        let url = try ModelBuilder.tinyConvModel(length: 210, metadata: ["tasks": "other,regulatory_code"]).write(to: directory, name: "wide.onnx")
        let wide = try SequenceModel(contentsOf: url)
        let window = ModelWindow(recordLength: 200, inputLength: 210, start: -5)
        let (app, _) = try makeApp(compared: wide, name: "wide", windows: [window, window])
        edit(app, at: 120)
        let state = app.state
        XCTAssertEqual(state.comparisonTask, 1, "matched by name, not by index")
        let input = window.input(state.sequence)
        XCTAssertEqual(input.count, 210)
        let expected = try wide.predict([input]).scalars
        XCTAssertEqual(compare(try XCTUnwrap(state.comparison?.predictions).value, expected, absolute: 1e-5).failures, 0)
        XCTAssertEqual(state.comparison?.lastEdit?.after ?? .nan, expected[1], accuracy: 1e-5)
        let saliency = try Attributor(model: wide).attribute([input], settings: AttributionSettings(method: .saliency, target: 1))
        XCTAssertEqual(compare(try XCTUnwrap(state.comparisonMap), saliency.scalars, absolute: 1e-5).failures, 0)
        // On the track, record position p shows input column p + 5.
        let track = try XCTUnwrap(state.comparisonOnTrack(saliency.scalars))
        XCTAssertEqual(track[120], saliency.scalars[125])
        let ism = try SaturationMutagenesis(model: wide, engine: .naive).run([input])
        XCTAssertEqual(compare(try XCTUnwrap(state.comparison?.mutagenesis).value.deltas, ism.deltas.scalars, absolute: 1e-5).failures, 0)
    }

    func testTheSessionNamesBothModelsTheFirstFirst() throws {
        let exp = try SequenceModel(contentsOf: Self.expURL)
        let (app, _) = try makeApp(compared: exp, name: "code-shallow-exp")
        edit(app, at: 20)
        func saved() throws -> SessionFile {
            app.send(.save)
            AppDriver.wait(app) { $0.unsavedRecords == 0 && $0.message?.hasPrefix("saved") == true }
            let url = directory.appendingPathComponent("run.session.json")
            return try SessionFile.decode(Data(contentsOf: url), source: url.path)
        }
        let first = try saved()
        XCTAssertEqual(first.model, Self.reluURL.path)
        XCTAssertEqual(first.comparedModel, "compared.onnx", "inside the session's folder: relative")
        app.handle(.key(.character("M")))
        settle(app)
        let swapped = try saved()
        XCTAssertEqual(swapped.model, "compared.onnx")
        XCTAssertEqual(swapped.comparedModel, Self.reluURL.path)
    }

    func testSwappingRunsEachModelInTheOthersPlace() throws {
        let exp = try SequenceModel(contentsOf: Self.expURL)
        let (app, relu) = try makeApp(compared: exp, name: "code-shallow-exp")
        edit(app, at: 30)
        app.handle(.key(.character("M")))
        settle(app)
        let state = app.state
        XCTAssertEqual(state.modelName, "code-shallow-exp")
        XCTAssertEqual(state.comparison?.name, "code-shallow-relu")
        XCTAssertEqual(state.mutatedPositions, [30], "the edit stays")
        XCTAssertEqual(compare(try XCTUnwrap(state.predictions).value, try exp.predict([state.sequence]).scalars, absolute: 1e-5).failures, 0)
        XCTAssertEqual(compare(try XCTUnwrap(state.comparison?.predictions).value, try relu.predict([state.sequence]).scalars, absolute: 1e-5).failures, 0)
        let saliency = try Attributor(model: exp).attribute([state.sequence], settings: AttributionSettings(method: .saliency, target: 0))
        XCTAssertEqual(compare(try XCTUnwrap(state.attribution).value.values, saliency.scalars, absolute: 1e-5).failures, 0)
    }
}
