import ExplorerCore
import ExplorerRuntime
import Foundation
import Genomics
import Interpretation
import TestSupport
import XCTest

/// `explore --genome --vcf` at run time: the list's Δ are `seqlens variant`'s, and `v` puts the
/// explorer's prediction on the scorer's alternative score.
final class VariantBrowserAppTests: XCTestCase {
    func testTheListsDeltasAreTheScorersAndTheAlternativeAllelePredictsItsScore() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelURL = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx")
        let model = try SequenceModel(contentsOf: modelURL)
        let genome = RecordGenome(records: try FASTAReader.read(contentsOf: Fixtures.url("genome/mini.fa")), path: "mini.fa")
        // An SNV and a 5-base deletion of Tests/Fixtures/variants/mini.vcf.
        let variants = [GenomicVariant(chromosome: "chr1", position: 100, id: "rs101", reference: "A", alternative: "G"),
                        GenomicVariant(chromosome: "chr1", position: 449, id: "del5", reference: "ATCCTG", alternative: "A")]
        let windows = try variants.map { try $0.windows(length: 200, genome: genome) }
        let entries = zip(variants, windows).map { variant, window in
            VariantEntry(variant: variant, position: window.referenceAllele.lowerBound, alternative: window.reference.indices
                .filter { window.reference[$0] != window.alternative[$0] }
                .map { Substitution(position: $0, reference: window.reference[$0], alternative: window.alternative[$0]) })
        }
        let taskNames = try model.taskNames(length: 200)
        var state = ExplorerState(modelName: "multitask-deep-relu", alphabet: .dna, taskNames: taskNames,
                                  records: zip(variants, windows).map { SequenceRecord(id: $0.label, sequence: $1.reference) })
        state.attachVariants(entries)
        state.followsTopTask = false
        let scorer = try GenomicVariantScorer(model: model, length: 200)
        let files = ExplorerApp.SessionFiles(modelPath: modelURL.path, sequencesPath: "mini.vcf", annotationsPath: nil,
                                             prefix: directory.appendingPathComponent("run").path)
        let app = ExplorerApp(state: state, model: model, files: files, variantScoring: VariantScoring(scorer: scorer, windows: windows))
        defer { app.stop() }
        app.send(.resize(width: 100, height: 30))
        AppDriver.wait(app) { $0.variants?.scoredCount == 2 && !$0.arePredictionsStale }

        // The list against the scorer run directly and against `seqlens variant`'s table.
        let direct = try scorer.score(windows)
        let table = tableRows(try String(contentsOf: Fixtures.url("variants/mini.multitask.tsv"), encoding: .utf8))
        for (index, variant) in variants.enumerated() {
            let listed = try XCTUnwrap(app.state.variants?.deltas[index])
            XCTAssertEqual(listed.count, taskNames.count)
            for (task, name) in taskNames.enumerated() {
                let delta = try XCTUnwrap(listed[task])
                XCTAssertEqual(delta, direct[index][task].delta!, accuracy: 1e-6, "\(variant.id) \(name)")
                let row = try XCTUnwrap(table.first { $0[2] == variant.id && $0[5] == name })
                XCTAssertEqual(delta, Float(row[8])!, accuracy: 1e-5 + 1e-3 * abs(delta), "\(variant.id) \(name) in mini.multitask.tsv")
            }
        }
        XCTAssertGreaterThan(abs(app.state.variants!.deltas[1]![taskNames.firstIndex(of: "GABPA")!]!), 0.5, "the deletion breaks GABPA")

        // `v` on each variant: the prediction is the forward-strand scorer's alternative score.
        let forward = try GenomicVariantScorer(model: model, length: 200, averagingStrands: false).score(windows)
        for index in variants.indices {
            app.send(.variantBrowser(.open))
            app.send(.variantBrowser(.select(by: index - app.state.recordIndex)))
            app.send(.variantBrowser(.confirm))
            XCTAssertEqual(app.state.cursor, 100, "the cursor on the variant, at the window's centre")
            app.send(.toggleVariantAllele)
            XCTAssertEqual(app.state.sequence, windows[index].alternative)
            AppDriver.wait(app) { !$0.arePredictionsStale }
            let predicted = try XCTUnwrap(app.state.predictions?.value)
            for task in taskNames.indices {
                XCTAssertEqual(predicted[task], forward[index][task].alternative!, accuracy: 1e-5, "\(variants[index].id) \(taskNames[task])")
            }
            if index == 0 {
                let effect = try XCTUnwrap(app.state.lastEdit)
                XCTAssertEqual(effect.after - effect.before, forward[0][effect.task].delta!, accuracy: 1e-5, "the status line's effect is alt − ref")
            }
        }
    }
}
