import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// Variant scores against tools/make-variant-fixtures.py: tangermeme's substitution, deletion
/// and insertion effects on the same models (run by onnxruntime), both strands averaged or not,
/// on the variants of Tests/Fixtures/variants/mini.vcf over the real bases of genome/mini.fa.
final class GenomicVariantScorerTests: XCTestCase {
    private func genome() throws -> RecordGenome {
        RecordGenome(records: try FASTAReader.read(contentsOf: Fixtures.url("genome/mini.fa")), path: "mini.fa")
    }

    /// mini.vcf's variants as the plain-text parse lists them.
    private func variants() throws -> [GenomicVariant] {
        try String(contentsOf: Fixtures.url("variants/mini.expected.tsv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .filter { !$0.hasPrefix("#") }.map { line in
                let c = line.split(separator: "\t").map(String.init)
                return GenomicVariant(chromosome: c[0], position: Int(c[1])!, id: c[2], reference: c[3], alternative: c[4])
            }
    }

    /// Checks every row of `fixture` (the TSV `seqlens variant --vcf` writes) against the scorer.
    private func check(model path: String, fixture: String, averagingStrands: Bool, line: UInt = #line) throws {
        let model = try SequenceModel(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(path))
        let scorer = try GenomicVariantScorer(model: model, length: model.fixedLength!, averagingStrands: averagingStrands)
        let genome = try genome()
        let variants = try variants()
        // Batches of 5 mix kinds and cross batch boundaries.
        let scores = try scorer.score(variants.map { try $0.windows(length: scorer.length, genome: genome) }, batchSize: 5, threads: 1)
        let expected = tableRows(try String(contentsOf: Fixtures.url("variants/\(fixture)"), encoding: .utf8)).dropFirst()
        let actual = zip(variants, scores).flatMap { variant, rows in
            rows.map { score in
                [variant.chromosome, "\(variant.vcfPosition)", variant.id, variant.reference, variant.alternative, score.task]
                    + [score.reference, score.alternative, score.delta, score.log2FoldChange, score.jensenShannonDistance].map { $0.map { "\($0)" } ?? "NA" }
            }
        }
        XCTAssertEqual(variantTableMismatches(actual, Array(expected)), [], line: line)
        XCTAssertEqual(actual.count, variants.count * scorer.tasks.count, line: line)
    }

    func testMultitaskScoresMatchTangermemeOnBothStrands() throws {
        try check(model: "sample-models/multitask-deep-relu.onnx", fixture: "mini.multitask.tsv", averagingStrands: true)
    }

    func testMultitaskScoresMatchTangermemeOnTheForwardStrand() throws {
        try check(model: "sample-models/multitask-deep-relu.onnx", fixture: "mini.multitask.forward.tsv", averagingStrands: false)
    }

    func testChromBPNetCountsAndProfileDistanceMatchTheReference() throws {
        try check(model: "Tests/Fixtures/zoo/bpnetlite-chrombpnet/model.onnx", fixture: "mini.chrombpnet.tsv", averagingStrands: true)
        try check(model: "Tests/Fixtures/zoo/bpnetlite-chrombpnet/model.onnx", fixture: "mini.chrombpnet.forward.tsv", averagingStrands: false)
    }

    func testNoChangeScoresZero() throws {
        let model = try SequenceModel(contentsOf: Fixtures.url("zoo/bpnetlite-chrombpnet/model.onnx"))
        let scorer = try GenomicVariantScorer(model: model, length: 218)
        XCTAssertEqual(scorer.tasks, ["profile", "counts"])
        let windows = try GenomicVariant(chromosome: "chr1", position: 100, id: ".", reference: "A", alternative: "A").windows(length: 218, genome: genome())
        let rows = try scorer.score([windows])[0]
        XCTAssertEqual(rows[0].jensenShannonDistance, 0)
        XCTAssertEqual(rows[1].delta, 0)
        XCTAssertEqual(rows[1].log2FoldChange, 0)
    }
}
