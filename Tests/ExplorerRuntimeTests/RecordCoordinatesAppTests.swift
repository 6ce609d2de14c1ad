import ExplorerCore
@testable import ExplorerRuntime
import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// `--pad` / `--crop` with a real fixed-length model (tiny-motifs, 200 nt): what the explorer
/// shows and saves must be what the model computes for the window's input, at the record's own
/// positions; `e` writes the view as SVG.
final class RecordCoordinatesAppTests: XCTestCase {
    static let modelURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx")

    var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// An 80-nt record padded to 200 (60 Ns on the left) and a 500-nt record cropped to 150–350.
    static let records: [SequenceRecord] = {
        var generator = SeededGenerator(seed: 11)
        let bases = Array("ACGT".utf8)
        func random(_ count: Int) -> [UInt8] { (0 ..< count).map { _ in bases[Int(generator.next() % 4)] } }
        return [SequenceRecord(id: "short", sequence: random(30) + Array("AGATAA".utf8) + random(44)),
                SequenceRecord(id: "long", sequence: random(300) + Array("CACGTG".utf8) + random(194))]
    }()

    func makeApp() throws -> (ExplorerApp, SequenceModel) {
        let model = try SequenceModel(contentsOf: Self.modelURL)
        let windows = try Self.records.map { try LengthFit(pad: .center, crop: .center).window(for: $0, inputLength: 200) }
        var state = ExplorerState(modelName: "tiny-motifs", alphabet: model.alphabet, taskNames: try model.taskNames(length: 200),
                                  records: Self.records, windows: windows)
        state.followsTopTask = false
        let app = AppDriver.start(state, model: model, modelPath: Self.modelURL.path, sequencesPath: "in.fa", directory: directory)
        settle(app)
        return (app, model)
    }

    func settle(_ app: ExplorerApp, file: StaticString = #filePath, line: UInt = #line) {
        AppDriver.wait(app, until: \.isViewComplete, file: file, line: line)
    }

    /// Waits for a message that starts with `prefix`.
    func waitForMessage(_ prefix: String, _ app: ExplorerApp, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date(timeIntervalSinceNow: 60)
        while !(app.state.message ?? "").hasPrefix(prefix) && Date() < deadline { app.waitForResults(timeout: 1) }
        XCTAssertTrue((app.state.message ?? "").hasPrefix(prefix), "message: \(app.state.message ?? "none")", file: file, line: line)
    }

    func press(_ text: String, _ app: ExplorerApp) {
        for character in text { app.handle(.key(.character(character))) }
    }

    func jump(_ app: ExplorerApp, to position: Int) {
        press(":\(position)", app)
        app.handle(.key(.enter))
    }

    func assertEqual(_ actual: [Float]?, _ expected: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual?.count, expected.count, file: file, line: line)
        for (a, e) in zip(actual ?? [], expected) { XCTAssertEqual(a, e, accuracy: 1e-5, file: file, line: line) }
    }

    func testPaddedAndSlidingRecordsGetTheModelsValuesAtTheirOwnPositions() throws {
        let (app, model) = try makeApp()
        let short = Self.records[0].sequence, window = app.state.window
        XCTAssertEqual(window.start, -60)
        assertEqual(app.state.predictions?.value, try model.predict([window.input(short)]).scalars)

        // An edit at the record's position 33 (in the GATA site) is column 93 of the model's input.
        jump(app, to: 33)
        XCTAssertEqual(app.state.recordPosition(app.state.cursor), 33)
        press("C", app)
        settle(app)
        var edited = short
        edited[33] = UInt8(ascii: "C")
        assertEqual(app.state.predictions?.value, try model.predict([window.input(edited)]).scalars)
        let ism = try SaturationMutagenesis(model: model, engine: .naive).run([window.input(edited)])
        XCTAssertEqual(compare(try XCTUnwrap(app.state.mutagenesis).value.deltas, ism.deltas.scalars, absolute: 1e-5).failures, 0,
                       "ISM of the padded input")

        // The longer record: the cursor keeps its position (33), the window follows it (0–200),
        // and to 400 (300–500); everything is computed for that stretch.
        press("n", app)
        settle(app)
        XCTAssertEqual(app.state.recordPosition(app.state.cursor), 33)
        XCTAssertEqual(app.state.window.start, 0)
        jump(app, to: 400)
        settle(app)
        XCTAssertEqual(app.state.window.start, 300)
        let stretch = Array(Self.records[1].sequence[300 ..< 500])
        assertEqual(app.state.predictions?.value, try model.predict([stretch]).scalars)
        assertEqual(app.state.referencePredictions[1], try model.predict([stretch]).scalars)
        let saliency = try Attributor(model: model).attribute([stretch], settings: AttributionSettings(method: .saliency, target: app.state.task))
        XCTAssertEqual(compare(try XCTUnwrap(app.state.attribution).value.values, saliency.scalars, absolute: 1e-5).failures, 0)
        let stretchISM = try SaturationMutagenesis(model: model, engine: .naive).run([stretch])
        XCTAssertEqual(compare(try XCTUnwrap(app.state.mutagenesis).value.deltas, stretchISM.deltas.scalars, absolute: 1e-5).failures, 0)
    }

    func testSavedFilesAreInTheRecordsOwnPositions() throws {
        let (app, model) = try makeApp()
        jump(app, to: 33)
        press("C", app)
        press("n", app)
        settle(app)
        jump(app, to: 400)   // outside the --crop window: the log uses the window centred on it
        press("A", app)
        settle(app)
        press("s", app)
        waitForMessage("saved", app)
        XCTAssertEqual(app.state.message, "saved 2 edits to run.fa, run.mutations.tsv, run.session.json")

        let saved = try FASTAReader.read(contentsOf: directory.appendingPathComponent("run.fa"))
        XCTAssertEqual(saved.map(\.length), [80, 500], "no padding, no cropping")
        XCTAssertEqual(saved[0].sequence[33], UInt8(ascii: "C"))
        XCTAssertEqual(saved[1].sequence[400], UInt8(ascii: "A"))
        let log = try String(contentsOf: directory.appendingPathComponent("run.mutations.tsv"), encoding: .utf8)
        let rows = log.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.map { Array($0.prefix(3)) }, [["short", "33", String(Character(Unicode.Scalar(Self.records[0].sequence[33])))],
                                                         ["long", "400", String(Character(Unicode.Scalar(Self.records[1].sequence[400])))]])
        // Before and after of the long record's edit are the model's for 300–500.
        let before = try model.predict([Array(Self.records[1].sequence[300 ..< 500])]).scalars
        let after = try model.predict([Array(saved[1].sequence[300 ..< 500])]).scalars
        XCTAssertEqual(Float(rows[1][4])!, before[0], accuracy: 1e-5)
        XCTAssertEqual(Float(rows[1][5])!, after[0], accuracy: 1e-5)

        let session = try SessionFile.decode(Data(contentsOf: directory.appendingPathComponent("run.session.json")), source: "run.session.json")
        XCTAssertEqual(session.edits.map(\.applied), [[["33:\(Character(Unicode.Scalar(Self.records[0].sequence[33])))>C"]],
                                                      [["400:\(Character(Unicode.Scalar(Self.records[1].sequence[400])))>A"]]])
        XCTAssertEqual(session.view.cursor, 400)
    }

    func testExportWritesNumberedSVGsOfTheView() throws {
        let (app, _) = try makeApp()
        press("e", app)
        waitForMessage("wrote", app)
        let first = directory.appendingPathComponent("run.view-1.svg")
        XCTAssertEqual(app.state.message, "wrote the view to \(first.path)")
        let svg = try SVGReader(String(contentsOf: first, encoding: .utf8))
        XCTAssertEqual(svg.texts.first, "tiny-motifs · short · GATA · saliency")
        press("e", app)
        waitForMessage("wrote the view to \(directory.appendingPathComponent("run.view-2.svg").path)", app)
        XCTAssertTrue(FileManager.default.fileExists(atPath: first.path), "the first stays")
    }
}
