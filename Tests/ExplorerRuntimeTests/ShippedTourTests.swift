import ExplorerCore
import ExplorerRuntime
import Foundation
import Genomics
import Interactive
import Interpretation
import Rendering
import TestSupport
import XCTest

/// Every tour in assets/tours runs to its end under a key script with the real models: each step
/// is reached in order, and every claim its text makes (a task falls, a peak lies on a site)
/// holds against the model's results. A retrained model that stops bearing a tour out fails here.
final class ShippedTourTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Keys as a person types them: `text` character by character, or one named key.
    enum Press {
        case type(String)
        case key(Key)

        var keys: [Key] {
            switch self {
            case .type(let text): return text.map { .character($0) }
            case .key(let key): return [key]
            }
        }
    }

    /// The explorer on the tour's model, sequences, annotations, record, task and method, as
    /// `seqlens demo` opens it.
    func startTour(_ file: String) throws -> (ExplorerApp, Tour) {
        let url = Fixtures.repositoryRoot.appendingPathComponent("assets/tours/\(file)")
        let tour = try Tour.parse(String(contentsOf: url, encoding: .utf8), source: url.path)
        let folder = url.deletingLastPathComponent()
        func resolve(_ path: String) -> URL { folder.appendingPathComponent(path).standardizedFileURL }
        let model = try SequenceModel(contentsOf: resolve(tour.models[0]))
        let records = try FASTAReader.read(contentsOf: resolve(tour.fasta))
        var annotations: [String: [Annotation]] = [:]
        if let path = tour.annotations {
            for interval in try IntervalFile.read(contentsOf: resolve(path)) {
                annotations[interval.record, default: []].append(Annotation(positions: interval.positions, label: interval.label))
            }
        }
        let taskNames = try model.taskNames(length: records[0].length)
        try tour.check(taskNames: taskNames, records: records)
        var state = ExplorerState(modelName: resolve(tour.models[0]).deletingPathExtension().lastPathComponent, alphabet: model.alphabet, taskNames: taskNames, records: records, annotations: annotations)
        state.followsTopTask = tour.task == nil
        state.adjustView { view in
            if let id = tour.record { view.record = records.firstIndex { $0.id == id }! }
            if let task = tour.task { view.task = taskNames.firstIndex(of: task)! }
            if let method = tour.method { view.method = method }
        }
        state.beginTour(tour)
        guard tour.models.count == 2 else {
            return (AppDriver.start(state, model: model, modelPath: resolve(tour.models[0]).path, sequencesPath: resolve(tour.fasta).path, directory: directory), tour)
        }
        // Two models side by side, as `seqlens explore M1 M2 FASTA` loads the second.
        let second = try SequenceModel(contentsOf: resolve(tour.models[1]))
        state.compare(with: ComparisonModel(name: resolve(tour.models[1]).deletingPathExtension().lastPathComponent,
                                            taskNames: try second.taskNames(length: records[0].length), windows: records.map { .whole($0.length) },
                                            outputsProbabilities: second.outputsProbabilities))
        let files = ExplorerApp.SessionFiles(modelPath: resolve(tour.models[0]).path, sequencesPath: resolve(tour.fasta).path, annotationsPath: nil,
                                             prefix: directory.appendingPathComponent("run").path, comparedModelPath: resolve(tour.models[1]).path)
        let app = ExplorerApp(state: state, model: model, files: files, comparedModel: second)
        app.send(.resize(width: 100, height: 30))
        return (app, tour)
    }

    /// Presses the keys, each once the results of the one before are in, and checks that the tour
    /// went through every step in order and ended with all its claims held.
    func run(_ file: String, _ script: [Press], line: UInt = #line) throws {
        let (app, tour) = try startTour(file)
        defer { app.stop() }
        var visited: [Int] = []
        var last: TourProgress?
        func settle() {
            AppDriver.wait(app, until: { !$0.isBusy }, line: line)
            guard let progress = app.state.tour else { return }
            last = progress
            if visited.last != progress.step { visited.append(progress.step) }
        }
        settle()
        for key in script.flatMap(\.keys) {
            app.handle(.key(key))
            settle()
        }
        XCTAssertEqual(visited, Array(tour.steps.indices), "every step, in order", line: line)
        XCTAssertNil(app.state.tour, "the tour ran to its end", line: line)
        let claims = tour.steps.map(\.claims.count).reduce(0, +)
        let failed = zip(tour.steps, last?.outcomes ?? []).flatMap { step, outcomes in
            zip(step.claims, outcomes).filter { $0.1?.held != true }.map { "line \($0.0.line): \($0.0.text) (\($0.1?.measured ?? "not checked"))" }
        }
        XCTAssertEqual(app.state.message, "tour finished · all \(claims) claims held · ? lists the keys, q quits",
                       "claims not borne out: \(failed.joined(separator: "; "))", line: line)
    }

    func testReadingAnAttributionMap() throws {
        try run("1-attribution-map.tour", [
            .key(.enter),                                   // 2: the map; jump to the CEBPB site
            .type(":145"), .key(.enter),                    // 3: the site
            .key(.right),                                   // 4: break it
            .type(":146"), .key(.enter), .type("A"),        // 5: CEBPB falls, SP1 does not
            .key(.enter),                                   // 6: undo
            .type("u"),                                     // 7: your turn
            .key(.enter),
        ])
    }

    func testRNABinding() throws {
        try run("2-rna-binding.tour", [
            .key(.enter), .key(.enter),                     // 3: break the site
            .type(":8"), .key(.enter), .type("A"),          // 4: binding falls; undo
            .type("u"),                                     // 5: write UGCAUG near the 3' end
            .type(":30"), .key(.enter), .type("RUGCAUG"),   // 6: two sites
            .key(.escape), .key(.enter),                    // 7: break the first site
            .type(":8"), .key(.enter), .type("A"),          // 8: position matters
            .key(.enter),
        ])
    }

    func testAVariantBreaksASite() throws {
        try run("3-variant.tour", [
            .key(.enter), .key(.enter),                     // 3: the variant
            .type(":98"), .key(.enter), .type("A"),         // 4: its effect
            .key(.enter), .key(.enter),                     // 6: before and after; undo
            .type("u"),                                     // 7: your turn
            .key(.enter),
        ])
    }

    func testDesignPrinciples() throws {
        try run("4-design-principles.tour", [
            .key(.enter), .key(.enter),                     // 3: swap
            .type("M"),                                     // 4: the exponential model's map
            .key(.enter),                                   // 5: the variant
            .type(":98"), .key(.enter), .type("A"),         // 6: they disagree
            .key(.enter),                                   // 7: back to the ReLU model
            .type("M"),                                     // 8: it barely moves
            .key(.enter),                                   // 9: what this shows
            .key(.enter),
        ])
    }
}
