import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// ISM against brute force through onnxruntime and tangermeme's attribution convention.
final class SaturationMutagenesisTests: XCTestCase {
    private func assertClose(_ actual: Tensor<Float>, _ expected: Tensor<Float>, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, label, file: file, line: line)
        let scale = expected.scalars.map(abs).max() ?? 0
        let comparison = compare(actual.scalars, expected.scalars, absolute: max(1e-4 * scale, 2e-6), relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison) (scale \(scale))", file: file, line: line)
    }

    func testBothEnginesMatchOnnxruntimeBruteForce() throws {
        for name in AttributorTests.names {
            let c = try AttributorTests.Case(name)
            let expectedAll = try c.expected("ism_all")
            for engine in MutagenesisEngine.allCases {
                let ism = SaturationMutagenesis(model: c.model, batchSize: 24, threads: 2, engine: engine)
                let result = try ism.run(c.sequences)
                assertClose(result.deltas, expectedAll, "\(name) \(engine) all tasks")
                assertClose(result.deltas(task: c.target), try c.expected("ism"), "\(name) \(engine) target")
                assertClose(result.reference, try c.expected("predictions"), "\(name) \(engine) predictions")
            }
        }
    }

    /// The naive engine's workers (two threads, chunks of four mutants) poll `isCancelled` under
    /// a lock between chunks: cancelled at the fourth poll, the run throws CancellationError and
    /// polls no more, far short of its hundreds of chunks.
    func testNaiveEngineStopsWhenCancelled() throws {
        let c = try AttributorTests.Case("basset_folded")
        var polls = 0
        let ism = SaturationMutagenesis(model: c.model, batchSize: 4, threads: 2, engine: .naive)
        XCTAssertThrowsError(try ism.run(c.sequences, isCancelled: { polls += 1; return polls >= 4 })) { error in
            XCTAssert(error is CancellationError, "\(error)")
        }
        XCTAssertEqual(polls, 4)
    }

    func testReferenceBaseIsExactlyZeroAndNColumnsAreAllSubstitutions() throws {
        let c = try AttributorTests.Case("basset_folded")
        let deltas = try SaturationMutagenesis(model: c.model).run(c.sequences).deltas(task: c.target)
        let length = c.length
        for (s, sequence) in c.sequences.enumerated() {
            for p in 0..<length {
                let column = (0..<4).map { deltas.scalars[(s * 4 + $0) * length + p] }
                if let reference = Alphabet.dna.index(of: sequence[p]) {
                    XCTAssertEqual(column[reference], 0)
                } else {
                    XCTAssertEqual(sequence[p], UInt8(ascii: "N"))
                    XCTAssert(p >= 192 || column.allSatisfy { $0 != 0 }, "N column \(p): \(column)")
                }
            }
        }
    }

    func testEnginesAgreeWithinAWindow() throws {
        let c = try AttributorTests.Case("residual_dilated")
        let window = 40..<75
        let incremental = try SaturationMutagenesis(model: c.model, batchSize: 10, engine: .incremental).run(c.sequences, window: window)
        let naive = try SaturationMutagenesis(model: c.model, batchSize: 10, engine: .naive).run(c.sequences, window: window)
        XCTAssertEqual(incremental.deltas.shape, [3, 4, 35, 1])
        let comparison = compare(incremental.deltas.scalars, naive.deltas.scalars, absolute: 1e-6, relative: 1e-5)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
        // The window's deltas are the full run's, cut.
        let full = try c.expected("ism")
        for s in 0..<3 { for b in 0..<4 { for (k, p) in window.enumerated() {
            XCTAssertEqual(incremental.deltas.scalars[(s * 4 + b) * 35 + k], full.scalars[(s * 4 + b) * c.length + p], accuracy: 2e-5)
        } } }
    }

    func testEachSequenceCanHaveItsOwnWindow() throws {
        let c = try AttributorTests.Case("residual_dilated")
        let windows = [10 ..< 20, 40 ..< 50, 0 ..< 10]
        let ism = SaturationMutagenesis(model: c.model, batchSize: 10)
        let result = try ism.run(c.sequences, windows: windows)
        XCTAssertEqual(result.deltas.shape, [3, 4, 10, 1])
        for (s, window) in windows.enumerated() {
            let alone = try ism.run([c.sequences[s]], window: window)
            XCTAssertEqual(Array(result.deltas.scalars[s * 40 ..< (s + 1) * 40]), alone.deltas.scalars, "sequence \(s)")
            XCTAssertEqual(result.reference.scalars[s], alone.reference.scalars[0])
        }
        XCTAssertThrowsError(try ism.run(c.sequences, windows: [0 ..< 10, 0 ..< 10, 195 ..< 205]))
    }

    /// Full passes take several sequences at once, in chunks that cross from one sequence to the
    /// next (five rows: a sequence's own row and its mutants): each sequence's effects and
    /// prediction are what it gets alone, and progress still counts whole sequences.
    func testFullPassChunksCrossSequences() throws {
        let c = try AttributorTests.Case("residual_dilated")
        let windows = [10 ..< 12, 40 ..< 42, 0 ..< 2]
        let ism = SaturationMutagenesis(model: c.model, batchSize: 5, threads: 2, engine: .naive)
        var reported: [Int] = []
        let result = try ism.run(c.sequences, windows: windows, progress: { reported.append($0) })
        XCTAssertEqual(result.deltas.shape, [3, 4, 2, 1])
        XCTAssertEqual(reported.last, 3)
        XCTAssertEqual(reported, reported.sorted())
        // Rows batched differently round differently: a few float32 steps of the outputs (~1).
        XCTAssertGreaterThan(result.deltas.scalars.map(abs).max() ?? 0, 1e-3)
        for (s, window) in windows.enumerated() {
            let alone = try SaturationMutagenesis(model: c.model, batchSize: 64, engine: .naive).run([c.sequences[s]], window: window)
            let comparison = compare(Array(result.deltas.scalars[s * 8 ..< (s + 1) * 8]), alone.deltas.scalars, absolute: 1e-6, relative: 0)
            XCTAssertEqual(comparison.failures, 0, "sequence \(s): \(comparison)")
            XCTAssertEqual(result.reference.scalars[s], alone.reference.scalars[0], accuracy: 1e-6)
        }
    }

    func testTangermemeAttributionConvention() throws {
        for name in AttributorTests.names {
            let c = try AttributorTests.Case(name)
            let deltas = try SaturationMutagenesis(model: c.model, threads: 2).run(c.sequences).deltas(task: c.target)
            let x = Tensor(shape: deltas.shape, scalars: try OneHot.encode(c.sequences, alphabet: .dna, layout: .channelsFirst))
            assertClose(ISMAttribution.centered(deltas, oneHot: x), try c.expected("ism_tangermeme"), "\(name) tangermeme convention")
        }
    }

    func testL2NormSitsAtTheReferenceBase() {
        // One sequence, two positions: effects (0, 3, 4, 0)ᵀ at position 0 (reference A) and N at position 1.
        let deltas = Tensor<Float>(shape: [1, 4, 2], scalars: [0, 1, 3, 1, 4, 1, 0, 1])
        let x = Tensor<Float>(shape: [1, 4, 2], scalars: [1, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(ISMAttribution.l2Norm(deltas, oneHot: x).scalars, [5, 0, 0, 0, 0, 0, 0, 0])
    }
}
