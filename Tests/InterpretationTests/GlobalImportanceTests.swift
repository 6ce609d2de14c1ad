import Foundation
import Genomics
import Inference
@testable import Interpretation
import TestSupport
import XCTest

/// Global importance analysis against tangermeme 1.6's marginalize, space and ablate, run on the
/// same backgrounds and shuffles (tools/make-gia-fixtures.py, Tests/Fixtures/gia).
final class GlobalImportanceTests: XCTestCase {
    static let folder = Fixtures.url("gia")
    static let model = try! SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx"))
    static let backgrounds = try! FASTAReader.read(contentsOf: folder.appendingPathComponent("backgrounds.fa")).map(\.sequence)

    private func array(_ name: String) throws -> Tensor<Float> {
        guard case .float(let tensor) = try NPY.read(contentsOf: Self.folder.appendingPathComponent("\(name).npy")) else { throw InferenceError("\(name) not float") }
        return tensor
    }

    /// Mean and 95 % half-width over the rows of after − before, (rows, tasks), computed here from tangermeme's arrays.
    private func expectedSummary(after: [Float], before: [Float], tasks: Int) -> (mean: [Float], halfWidth: [Float]) {
        let rows = before.count / tasks
        let differences = zip(after, before).map { Double($0) - Double($1) }
        let means = (0..<tasks).map { task in (0..<rows).reduce(0.0) { $0 + differences[$1 * tasks + task] } / Double(rows) }
        let halfWidths = (0..<tasks).map { task in
            let variance = (0..<rows).reduce(0.0) { $0 + pow(differences[$1 * tasks + task] - means[task], 2) } / Double(rows - 1)
            return 1.959964 * (variance / Double(rows)).squareRoot()
        }
        return (means.map(Float.init), halfWidths.map(Float.init))
    }

    func testMarginalizeMatchesTangermeme() throws {
        let importance = GlobalImportance(model: Self.model, batchSize: 5, threads: 2)
        for (name, motif, start) in [("gata_centre", "AGATAA", nil), ("ebox_37", "CACGTG", 37), ("ebox_spaced_n", "CANNTG", 120)] as [(String, String, Int?)] {
            let pattern = try EmbeddedPattern(motif, alphabet: .dna)
            var generator = SeededGenerator(seed: 0)
            let arrangement = Arrangements.inOrder(widths: [pattern.width], spacings: [], length: 200, start: start)
            let (baseline, estimates) = try importance.run(backgrounds: Self.backgrounds, instances: [[pattern.instance(using: &generator)]], arrangements: [arrangement])
            let before = try array("marginalize_\(name)_before"), after = try array("marginalize_\(name)_after")
            let comparison = compare(baseline.scalars, before.scalars, absolute: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "\(name) baseline: \(comparison)")
            let expected = expectedSummary(after: after.scalars, before: before.scalars, tasks: 2)
            XCTAssertEqual(estimates[0].count, 16)
            let means = compare(estimates[0].mean, expected.mean, absolute: 1e-5)
            XCTAssertEqual(means.failures, 0, "\(name) GI: \(means)")
            let halves = compare(estimates[0].halfWidth, expected.halfWidth, absolute: 1e-5)
            XCTAssertEqual(halves.failures, 0, "\(name) interval: \(halves)")
        }
        // The embedded GATA motif is what the GATA task reads: a large, certain effect; none on the E-box task.
        let gata = try expectedSummary(after: array("marginalize_gata_centre_after").scalars, before: array("marginalize_gata_centre_before").scalars, tasks: 2)
        XCTAssertGreaterThan(gata.mean[0], 0.9)
        XCTAssertLessThan(abs(gata.mean[1]), 0.01)
    }

    func testSpaceMatchesTangermemeEveryBackground() throws {
        let importance = GlobalImportance(model: Self.model, batchSize: 7, threads: 1)
        let patterns = try ["AGATAA", "CACGTG"].map { try EmbeddedPattern($0, alphabet: .dna) }
        let spacings = [0, 3, 10, 25]
        let arrangements = Arrangements.pairSpacing(widths: (6, 6), spacings: spacings, length: 200)
        XCTAssertEqual(arrangements[0], [Placement(pattern: 0, start: 94), Placement(pattern: 1, start: 100)])  // 200/2 − 12/2
        XCTAssertEqual(arrangements[9], [Placement(pattern: 0, start: 82), Placement(pattern: 1, start: 113)])  // 100 − 37/2
        let before = try array("space_before"), after = try array("space_after")  // (16, 2), (16, 4, 2)
        let baseline = try Self.model.predict(Self.backgrounds)
        let backgrounds = Self.backgrounds
        let differences = try importance.differences(groups: arrangements.count, members: 16, references: baseline, reference: { $1 }, variant: { group, member in
            var sequence = backgrounds[member]
            for placement in arrangements[group] { EmbeddedPattern.write(Array(patterns[placement.pattern].text.utf8), into: &sequence, at: placement.start) }
            return sequence
        })
        for (index, _) in spacings.enumerated() {
            let ours = (0..<16).flatMap { member in (0..<2).map { differences.scalars[((3 * index) * 16 + member) * 2 + $0] } }
            let theirs = (0..<16).flatMap { member in (0..<2).map { after.scalars[(member * 4 + index) * 2 + $0] - before.scalars[member * 2 + $0] } }
            let comparison = compare(ours, theirs, absolute: 2e-5)
            XCTAssertEqual(comparison.failures, 0, "spacing \(spacings[index]): \(comparison)")
        }
        // The table's "both" rows are the same means; the interaction row is both − first − second.
        var generator = SeededGenerator(seed: 0)
        let table = try importance.table(.spacing(spacings), patterns: patterns, backgrounds: backgrounds, tasks: ["GATA", "Ebox"], using: &generator)
        XCTAssertEqual(table.rows.map { $0.keys }.prefix(4), [["0", "94", "100", "both"], ["0", "94", "100", "AGATAA"], ["0", "94", "100", "CACGTG"], ["0", "94", "100", "interaction"]])
        for (index, _) in spacings.enumerated() {
            let theirs = expectedSummary(after: (0..<16).flatMap { m in (0..<2).map { after.scalars[(m * 4 + index) * 2 + $0] } }, before: before.scalars, tasks: 2)
            let both = compare(table.rows[4 * index].estimate.mean, theirs.mean, absolute: 2e-5)
            XCTAssertEqual(both.failures, 0, "spacing \(spacings[index]): \(both)")
            let rows = table.rows[4 * index ..< 4 * index + 4].map(\.estimate.mean)
            for task in 0..<2 { XCTAssertEqual(rows[3][task], rows[0][task] - rows[1][task] - rows[2][task], accuracy: 1e-5) }
        }
    }

    func testAblateMatchesTangermeme() throws {
        let records = try FASTAReader.read(contentsOf: Self.folder.appendingPathComponent("ablate_records.fa")).map(\.sequence)
        let shuffles = try FASTAReader.read(contentsOf: Self.folder.appendingPathComponent("ablate_shuffles.fa")).map(\.sequence)
        let region = 55..<70
        // tangermeme changed only the region.
        for (index, shuffle) in shuffles.enumerated() {
            XCTAssertEqual(Array(shuffle[..<55]) + Array(shuffle[70...]), Array(records[index / 8][..<55]) + Array(records[index / 8][70...]))
        }
        let sites = records.indices.map { MotifAblation.Site(sequence: $0, region: region) }
        let replacements = records.indices.map { record in (0..<8).map { Array(shuffles[record * 8 + $0][region]) } }
        let (before, estimates) = try MotifAblation(model: Self.model, batchSize: 6).run(records, sites: sites, replacements: replacements)
        let expectedBefore = try array("ablate_before"), after = try array("ablate_after")  // (3, 2), (3, 8, 2)
        XCTAssertEqual(compare(before.scalars, expectedBefore.scalars, absolute: 1e-5).failures, 0)
        for record in 0..<3 {
            let rows = Array(after.scalars[record * 16 ..< (record + 1) * 16])
            let theirs = expectedSummary(after: rows, before: Array(repeating: Array(expectedBefore.scalars[record * 2 ..< record * 2 + 2]), count: 8).flatMap { $0 }, tasks: 2)
            let comparison = compare(estimates[record].mean, theirs.mean, absolute: 1e-5)
            XCTAssertEqual(comparison.failures, 0, "record \(record): \(comparison)")
            XCTAssertEqual(compare(estimates[record].halfWidth, theirs.halfWidth, absolute: 1e-5).failures, 0)
        }
        // Scrambling pos_gata_1's GATA site (at 58) removes the GATA call.
        XCTAssertLessThan(estimates[0].mean[0], -0.9)
    }

    func testSeededAblationIsReproducibleAndKeepsTheSiteComposition() throws {
        let records = try FASTAReader.read(contentsOf: Self.folder.appendingPathComponent("ablate_records.fa")).map(\.sequence)
        let ablation = MotifAblation(model: Self.model)
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        let site = [MotifAblation.Site(sequence: 0, region: 58..<64)]
        let first = try ablation.run(records, sites: site, count: 30, scramble: .dinucleotide, using: &a)
        let second = try ablation.run(records, sites: site, count: 30, scramble: .dinucleotide, using: &b)
        XCTAssertEqual(first.estimates, second.estimates)
        XCTAssertLessThan(first.estimates[0].mean[0], -0.5)
        XCTAssertEqual(first.estimates[0].count, 30)
    }

    func testIntervalOfOneBackgroundIsUndefinedAndKmersRankByTheTask() throws {
        let estimate = ImportanceEstimate(values: [0.5, -1], tasks: 2)
        XCTAssertEqual(estimate.mean, [0.5, -1])
        XCTAssertTrue(estimate.halfWidth.allSatisfy(\.isNaN))
        let pair = ImportanceEstimate(values: [1, 0, 3, 0], tasks: 2)
        XCTAssertEqual(pair.mean, [2, 0])
        XCTAssertEqual(pair.halfWidth[0], Float(1.959964 * (2.0 / 2).squareRoot()), accuracy: 1e-6)  // s = √2, n = 2

        let importance = GlobalImportance(model: Self.model, batchSize: 64)
        var generator = SeededGenerator(seed: 1)
        let table = try importance.table(.kmers(k: 3, start: 100, rankTask: 1), patterns: [], backgrounds: Array(Self.backgrounds.prefix(4)),
                                         tasks: ["GATA", "Ebox"], using: &generator)
        XCTAssertEqual(table.rows.count, 64)
        XCTAssertEqual(table.keyNames, ["kmer", "start"])
        XCTAssertTrue(zip(table.rows, table.rows.dropFirst()).allSatisfy { $0.estimate.mean[1] >= $1.estimate.mean[1] })
        XCTAssertEqual(Set(table.rows.map { $0.keys[0] }).count, 64)
    }

    func testPatternsThatDoNotFitAreRefused() throws {
        let importance = GlobalImportance(model: Self.model)
        var generator = SeededGenerator(seed: 1)
        let pattern = try EmbeddedPattern("AGATAA", alphabet: .dna)
        XCTAssertThrowsError(try importance.table(.marginal(start: 195), patterns: [pattern], backgrounds: Self.backgrounds, tasks: ["GATA", "Ebox"], using: &generator)) {
            XCTAssertEqual(String(describing: $0), "--start 195 puts the pattern outside positions 0 to 200 of the model's input; give a start from 0 to 194")
        }
        XCTAssertThrowsError(try importance.table(.copies(maximum: 30, spacing: 2), patterns: [pattern], backgrounds: Self.backgrounds, tasks: ["GATA", "Ebox"], using: &generator)) {
            XCTAssertEqual(String(describing: $0), "--copies 30 of AGATAA --spacing 2 take 238 nt, more than the 200 nt the model takes; ask for fewer copies or a smaller spacing")
        }
    }
}

extension GlobalImportanceTests {
    /// The incremental engine (a background's activations once, then the window each arrangement
    /// changes) gives the naive engine's numbers, for scans, copies and k-mers, on a model whose
    /// receptive field is shorter than its input, and with a degenerate pattern.
    func testIncrementalEngineEqualsFullPasses() throws {
        for (name, length) in [("sample-models/tiny-motifs.onnx", 200), ("sample-models/multitask-deep-exp.onnx", 200)] {
            let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(name))
            XCTAssertLessThan(ReceptiveField(graph: model.graph).positional, length, name)
            let tasks = try model.taskNames(length: length)
            let backgrounds = Array(Self.backgrounds.prefix(6))
            for analysis in [ImportanceAnalysis.positions(step: 7), .copies(maximum: 3, spacing: 2), .kmers(k: 2, start: 50, rankTask: 0)] {
                var tables: [ImportanceTable] = []
                for engine in [MutagenesisEngine.incremental, .naive] {
                    var generator = SeededGenerator(seed: 2)
                    let importance = GlobalImportance(model: model, batchSize: 5, threads: 1, engine: engine)
                    tables.append(try importance.table(analysis, patterns: [try EmbeddedPattern("AGRTAA", alphabet: .dna)], backgrounds: backgrounds,
                                                       tasks: tasks, using: &generator))
                }
                XCTAssertEqual(tables[0].rows.map(\.keys), tables[1].rows.map(\.keys))
                let incremental = tables[0].rows.flatMap { $0.estimate.mean + $0.estimate.halfWidth + $0.reference }
                let naive = tables[1].rows.flatMap { $0.estimate.mean + $0.estimate.halfWidth + $0.reference }
                let comparison = compare(incremental, naive, absolute: 2e-5)
                XCTAssertEqual(comparison.failures, 0, "\(name) \(analysis): \(comparison)")
            }
        }
    }
}
