import ExplorerCore
@testable import ExplorerRuntime
@testable import ExplorerView
import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// The runtime with a real model: what reaches the state after an edit must equal what the
/// headless engine computes for the edited sequence from scratch.
final class ExplorerAppTests: XCTestCase {
    static let modelURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx")
    static let fastaURL = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa")

    var directory: URL!

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func makeApp(records count: Int = 2, configure: (inout ExplorerState) -> Void = { _ in }) throws -> (ExplorerApp, SequenceModel) {
        let model = try SequenceModel(contentsOf: Self.modelURL)
        let records = Array(try FASTAReader.read(contentsOf: Self.fastaURL).prefix(count))
        var state = ExplorerState(modelName: "code-shallow-relu", alphabet: model.alphabet,
                                  taskNames: try model.taskNames(length: records[0].length), records: records)
        state.followsTopTask = false
        configure(&state)
        let app = AppDriver.start(state, model: model, modelPath: Self.modelURL.path, sequencesPath: Self.fastaURL.path, directory: directory)
        settle(app)
        return (app, model)
    }

    /// Takes in results until nothing is stale.
    func settle(_ app: ExplorerApp, file: StaticString = #filePath, line: UInt = #line) {
        AppDriver.wait(app, until: { !$0.isBusy }, file: file, line: line)
    }

    func press(_ text: String, _ app: ExplorerApp) {
        for character in text { app.handle(.key(.character(character))) }
    }

    func testAnEditUpdatesPredictionsMapAndISMToTheEditedSequence() throws {
        let (app, model) = try makeApp()
        press(":57", app)
        app.handle(.key(.enter))
        let base = app.state.sequence[57] == UInt8(ascii: "G") ? "C" : "G"
        press(base, app)
        settle(app)
        let state = app.state
        XCTAssertEqual(state.version, 1)
        XCTAssertEqual(state.mutatedPositions, [57])

        let expected = try model.predict([state.sequence]).scalars
        let predictions = try XCTUnwrap(state.predictions)
        XCTAssertEqual(predictions.version, 1)
        XCTAssertLessThan(compare(predictions.value, expected, absolute: 1e-5).failures, 1)
        let reference = try model.predict([state.reference]).scalars
        XCTAssertEqual(state.referencePredictions[0]?.count, reference.count)
        XCTAssertLessThan(compare(state.referencePredictions[0]!, reference, absolute: 1e-5).failures, 1)
        XCTAssertEqual(state.lastEdit?.before ?? .nan, reference[0], accuracy: 1e-5)
        XCTAssertEqual(state.lastEdit?.after ?? .nan, expected[0], accuracy: 1e-5)

        let saliency = try Attributor(model: model).attribute([state.sequence], settings: AttributionSettings(method: .saliency, target: 0))
        XCTAssertEqual(state.attribution?.version, 1)
        let saliencyComparison = compare(try XCTUnwrap(state.attribution).value.values, saliency.scalars, absolute: 1e-5)
        XCTAssertEqual(saliencyComparison.failures, 0, "\(saliencyComparison)")

        let ism = try SaturationMutagenesis(model: model, engine: .naive).run([state.sequence])
        XCTAssertEqual(state.mutagenesis?.version, 1)
        XCTAssertEqual(state.mutagenesis?.value.positions, 0 ..< state.length, "the visible window first, then the rest, merged")
        let ismComparison = compare(try XCTUnwrap(state.mutagenesis).value.deltas, ism.deltas.scalars, absolute: 1e-5)
        XCTAssertEqual(ismComparison.failures, 0, "\(ismComparison)")
    }

    func testSmoothGradIsTheHeadlessSmoothGrad() throws {
        let (app, model) = try makeApp()
        press("mmm", app)
        settle(app)
        XCTAssertEqual(app.state.method, .smoothGrad)
        let expected = try Attributor(model: model).attribute([app.state.sequence], settings: AttributionSettings(method: .smoothgrad, target: app.state.task))
        let map = try XCTUnwrap(app.state.attribution)
        XCTAssertEqual(map.value.method, .smoothGrad)
        XCTAssertEqual(compare(map.value.values, expected.scalars, absolute: 1e-5).failures, 0)
        let saliency = try Attributor(model: model).attribute([app.state.sequence], settings: AttributionSettings(method: .saliency, target: app.state.task))
        XCTAssertGreaterThan(compare(map.value.values, saliency.scalars, absolute: 1e-6).failures, 0, "noise changes the map")
    }

    func testTheISMDerivedMapIsTangermemesCentredISM() throws {
        let (app, model) = try makeApp()
        press("mmmmm", app)
        XCTAssertEqual(app.state.method, .ismDerived)
        let matrix = try XCTUnwrap(Screen.attributionMatrix(app.state))
        let live = LiveModel(model: model)
        let expected = try live.ismAttribution(from: live.mutagenesis(app.state.sequence), task: app.state.task, sequence: app.state.sequence)
        XCTAssertEqual(compare(matrix.values, expected, absolute: 1e-6).failures, 0)
        XCTAssertGreaterThan(expected.map(abs).max() ?? 0, 0)
    }

    func testMotifHitsComeAndGoWithEdits() throws {
        let modelURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx")
        let model = try SequenceModel(contentsOf: modelURL)
        let records = try FASTAReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa"))
            .filter { $0.id == "mt_test_04056" }
        let motifs = try MotifReader.read(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme"))
        let scanner = FIMOScanner(motifs: [try Motif.find("CEBPB", in: motifs, source: "JASPAR")])
        func sites(_ sequence: [UInt8]) -> [MotifSite] { scanner.scan([SequenceRecord(id: "", sequence: sequence)]) }
        var state = ExplorerState(modelName: "multitask-deep-relu", alphabet: .dna, taskNames: try model.taskNames(length: 200),
                                  records: records, scansMotifs: true)
        state.followsTopTask = false
        let files = ExplorerApp.SessionFiles(modelPath: modelURL.path, sequencesPath: "multitask.fa", annotationsPath: nil,
                                             prefix: directory.appendingPathComponent("motifs").path)
        let app = ExplorerApp(state: state, model: model, files: files, scanner: scanner)
        app.send(.resize(width: 100, height: 30))
        settle(app)
        XCTAssertEqual(app.state.motifHits?.value.map(\.positions), [40 ..< 50], "the planted CEBPB site (ground truth 40–50, +)")
        let planted = sites(app.state.sequence)
        XCTAssertEqual(planted.map(\.positions), [40 ..< 50, 40 ..< 50], "CEBPB's palindromic site passes on both strands")
        XCTAssertEqual(app.state.motifHits?.value, [planted.min { ($0.pValue, -$0.score) < ($1.pValue, -$1.score) }!],
                       "one hit, the scanner's better strand with its score and p-value")
        XCTAssertEqual(app.state.motifs.map(\.label), ["MA0466.4 CEBPB"], "the scanner's motifs, which the hits index")
        XCTAssertLessThan(planted[0].pValue, 1e-4)
        // A substitution that breaks the site (by the scanner's own account) removes the hit.
        let breaking = try XCTUnwrap((40 ..< 50).lazy.flatMap { position in "ACGT".utf8.map { (position, $0) } }.first { position, base in
            var mutant = app.state.sequence
            mutant[position] = base
            return !sites(mutant).contains { $0.positions == 40 ..< 50 }
        })
        press(":\(breaking.0)", app)
        app.handle(.key(.enter))
        press(String(Character(Unicode.Scalar(breaking.1))), app)
        settle(app)
        XCTAssertEqual(app.state.motifHits?.version, 1)
        XCTAssertEqual(app.state.motifHits?.value.map(\.positions), Array(Set(sites(app.state.sequence).map(\.positions))).sorted { $0.lowerBound < $1.lowerBound })
        XCTAssertFalse(app.state.motifHits?.value.contains { $0.positions == 40 ..< 50 } ?? true)
        press("u", app)
        settle(app)
        XCTAssertEqual(app.state.motifHits?.value.map(\.positions), [40 ..< 50], "undo brings it back")
    }

    func testRapidEditsEndOnTheLatestVersion() throws {
        let (app, model) = try makeApp()
        // Five edits without waiting: older requests are superseded or cancelled.
        for _ in 0 ..< 5 {
            let base = app.state.sequence[app.state.cursor] == UInt8(ascii: "A") ? "C" : "A"
            press(base + "l", app)
        }
        settle(app)
        XCTAssertEqual(app.state.version, 5)
        XCTAssertEqual(app.state.predictions?.version, 5)
        XCTAssertEqual(app.state.mutagenesis?.version, 5)
        let expected = try model.predict([app.state.sequence]).scalars
        XCTAssertEqual(compare(app.state.predictions!.value, expected, absolute: 1e-5).failures, 0)
    }

    func testSaveWritesFastaLogAndSessionThatRestoresExactly() throws {
        let (app, model) = try makeApp()
        press(":10", app)
        app.handle(.key(.enter))
        let original = app.state.sequence[10]
        let base: Character = original == UInt8(ascii: "T") ? "A" : "T"
        press(String(base) + "ll", app)
        let second: Character = app.state.sequence[12] == UInt8(ascii: "G") ? "C" : "G"
        press(String(second) + "u", app)   // undone: kept for redo, not in the log
        press("n", app)
        press("N", app)                     // record 1 at 12: the cursor stays where undo left it
        settle(app)
        app.send(.save)
        settle(app)
        let deadline = Date(timeIntervalSinceNow: 30)
        while app.state.unsavedRecords > 0 && Date() < deadline { app.waitForResults(timeout: 1) }
        XCTAssertEqual(app.state.message, "saved 2 edits to run.fa, run.mutations.tsv, run.session.json")

        let saved = try FASTAReader.read(contentsOf: directory.appendingPathComponent("run.fa"))
        XCTAssertEqual(saved.count, 2)
        XCTAssertEqual(saved[0].sequence[10], base.asciiValue)
        XCTAssertEqual(saved[1].sequence[12], UInt8(ascii: "N"))
        XCTAssertTrue(saved[0].description.contains("seqlens_edits=10:\(Character(Unicode.Scalar(original)))>\(base)"), saved[0].description)

        let log = try String(contentsOf: directory.appendingPathComponent("run.mutations.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(log.count, 3, "a header and two edits")
        let fields = log[1].split(separator: "\t").map(String.init)
        XCTAssertEqual(Array(fields.prefix(4)), [saved[0].id, "10", String(Character(Unicode.Scalar(original))), String(base)])
        let records = try FASTAReader.read(contentsOf: Self.fastaURL)
        let before = try model.predict([records[0].sequence]).scalars[0], after = try model.predict([saved[0].sequence]).scalars[0]
        XCTAssertEqual(Float(fields[4])!, before, accuracy: 1e-5)
        XCTAssertEqual(Float(fields[5])!, after, accuracy: 1e-5)

        let sessionURL = directory.appendingPathComponent("run.session.json")
        let session = try SessionFile.decode(Data(contentsOf: sessionURL), source: sessionURL.path)
        XCTAssertEqual(session.sequences, Self.fastaURL.path, "inputs outside the session's folder are stored absolute")
        var restored = ExplorerState(modelName: "code-shallow-relu", alphabet: model.alphabet, taskNames: app.state.taskNames,
                                     records: Array(records.prefix(2)))
        restored.restore(histories: try session.histories(for: Array(records.prefix(2)), source: "run.session.json"), view: session.view)
        XCTAssertEqual(restored.histories, app.state.histories, "undo and redo history come back too")
        XCTAssertEqual(restored.recordIndex, 1)
        XCTAssertEqual(restored.cursor, app.state.cursor)
        XCTAssertEqual(restored.sequence, app.state.sequence)
    }

    func testSessionsThatDoNotFitTheSequencesAreRefused() throws {
        let records = [SequenceRecord(id: "a", sequence: "ACGTACGT")]
        let view = SavedView(record: 0, cursor: 0, task: 0, method: .saliency, zoomLevel: 1, columnsPerPosition: 1, sortsPredictions: false)
        func session(_ id: String, _ edits: [[String]]) -> SessionFile {
            var history = EditHistory()
            history.applied = try! edits.map { try $0.map { try Substitution(parsing: $0) } }
            return SessionFile(model: "m.onnx", sequences: "s.fa", annotations: nil,
                               snapshot: SessionSnapshot(records: [SequenceRecord(id: id, sequence: "ACGTACGT")], histories: [history], view: view))
        }
        XCTAssertEqual(try session("a", [["1:C>G"], ["1:G>T"]]).histories(for: records, source: "x.json")[0].apply(to: Array("ACGTACGT".utf8)),
                       Array("ATGTACGT".utf8))
        XCTAssertThrowsError(try session("a", [["1:A>G"]]).histories(for: records, source: "x.json")) { error in
            XCTAssertEqual("\(error)", "x.json: edit 1:A>G of 'a' does not match the sequence (found C); was s.fa changed after saving?")
        }
        XCTAssertThrowsError(try session("b", [["1:C>G"]]).histories(for: records, source: "x.json")) { error in
            XCTAssertEqual("\(error)", "x.json: record 'b' is not in s.fa; open the session with the FASTA it was saved with")
        }
        XCTAssertThrowsError(try session("a", [["9:C>G"]]).histories(for: records, source: "x.json")) { error in
            XCTAssertEqual("\(error)", "x.json: edit 9:C>G lies beyond the end of 'a' (8 nt)")
        }
        XCTAssertThrowsError(try SessionFile.decode(Data("{\"format\": \"seqlens-session\"}".utf8), source: "y.json")) { error in
            XCTAssertEqual("\(error)", "y.json is not a seqlens session file (no 'version')")
        }
    }
}
