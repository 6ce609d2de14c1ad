import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// The live-editing engine against the batch APIs it shortcuts: full passes
/// (`SequenceModel.predict`), `Attributor` and `SaturationMutagenesis`.
final class LiveModelTests: XCTestCase {
    private static let multitask: (model: SequenceModel, sequences: [[UInt8]]) = {
        let root = Fixtures.repositoryRoot
        let model = try! SequenceModel(contentsOf: root.appendingPathComponent("sample-models/multitask-deep-relu.onnx"))
        let records = try! FASTAReader.read(contentsOf: root.appendingPathComponent("assets/sequences/multitask.fa"))
        return (model, records.prefix(3).map(\.sequence))
    }()

    private func assertClose(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-5, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        let comparison = compare(actual, expected, absolute: absolute, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison)", file: file, line: line)
    }

    /// Gradient maps: within 1e-5 of the largest value.
    private func assertMapsClose(_ actual: [Float], _ expected: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let scale = max(expected.map(abs).max() ?? 0, 1e-6)
        assertClose(actual, expected, absolute: 1e-5 * scale, label, file: file, line: line)
    }

    private func full(_ model: SequenceModel, _ sequence: [UInt8]) throws -> [Float] {
        try model.predict([sequence]).scalars
    }

    private func mutated(_ sequence: [UInt8], _ edits: [(Int, Character)]) -> [UInt8] {
        var result = sequence
        for (position, letter) in edits { result[position] = letter.asciiValue! }
        return result
    }

    /// A base at `position` other than the current one.
    private func other(_ sequence: [UInt8], _ position: Int, shift: Int = 1) -> Character {
        let letters: [Character] = ["A", "C", "G", "T"]
        let current = letters.firstIndex(of: Character(UnicodeScalar(sequence[position]))) ?? 0
        return letters[(current + shift) % 4]
    }

    /// Edits at the ends, in the middle, several at once, an N, and back to the reference.
    private func checkEdits(_ model: SequenceModel, _ reference: [UInt8], _ label: String, expectIncremental: Bool = true) throws {
        let live = LiveModel(model: model)
        let length = reference.count
        assertClose(try live.setReference(reference), try full(model, reference), "\(label) reference")
        // Positions that are not N already (fixture sequences have some).
        let n = (length / 3 ..< length).first { reference[$0] != UInt8(ascii: "N") }!
        let q = length / 4
        let cases: [(String, [(Int, Character)])] = [
            ("middle", [(length / 2, other(reference, length / 2))]),
            ("first", [(0, other(reference, 0))]),
            ("last", [(length - 1, other(reference, length - 1))]),
            ("N", [(n, "N")]),
            ("several", [(q, other(reference, q)), (q + 3, other(reference, q + 3, shift: 2)), (q + 9, other(reference, q + 9, shift: 3))]),
        ]
        for (name, edits) in cases {
            let sequence = mutated(reference, edits)
            assertClose(try live.predict(sequence), try full(model, sequence), "\(label) \(name)")
            if expectIncremental {
                guard case .incremental(let window) = live.lastPredictionPath else {
                    XCTFail("\(label) \(name): ran \(live.lastPredictionPath)")
                    continue
                }
                XCTAssertEqual(window.lowerBound, edits.map(\.0).min())
                XCTAssertEqual(window.upperBound, edits.map(\.0).max()! + 1)
            } else {
                XCTAssertEqual(live.lastPredictionPath, .full, "\(label) \(name)")
            }
        }
        // Back to the reference: the cached predictions.
        XCTAssertEqual(try live.predict(reference), try live.setReference(reference))
        _ = try live.predict(reference)
        XCTAssertEqual(live.lastPredictionPath, .reference)
    }

    func testPredictAfterEditsMatchesFullPasses() throws {
        let (model, sequences) = Self.multitask
        try checkEdits(model, sequences[0], "multitask-deep-relu")
    }

    func testPredictOnChannelsLastAndMixingModels() throws {
        for name in ["channels_last", "keras_conv2d", "attention", "residual_dilated"] {
            let c = try AttributorTests.Case(name)
            try checkEdits(c.model, c.sequences[0], name)
        }
    }

    func testWideEditsRunFullPassesAndMoveTheReference() throws {
        let (model, sequences) = Self.multitask
        let reference = sequences[0], length = reference.count
        let live = LiveModel(model: model)
        try live.setReference(reference)
        // Ends both changed: the span is the whole sequence.
        let wide = mutated(reference, [(0, other(reference, 0)), (length - 1, other(reference, length - 1))])
        assertClose(try live.predict(wide), try full(model, wide), "wide")
        XCTAssertEqual(live.lastPredictionPath, .full)
        XCTAssertEqual(live.reference, wide)
        // The next edit is windowed around the new reference.
        let next = mutated(wide, [(10, other(wide, 10))])
        assertClose(try live.predict(next), try full(model, next), "after rebase")
        XCTAssertEqual(live.lastPredictionPath, .incremental(window: 10..<11))

        // Without rebasing: full passes, the reference stays.
        let fixed = LiveModel(model: model)
        fixed.rebasesOnWideEdits = false
        try fixed.setReference(reference)
        assertClose(try fixed.predict(wide), try full(model, wide), "wide, fixed reference")
        XCTAssertEqual(fixed.reference, reference)
        // A different sequence, a different length: full passes.
        assertClose(try fixed.predict(sequences[1]), try full(model, sequences[1]), "another record")
    }

    func testAnyLengthModel() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try SequenceModel(contentsOf: ModelBuilder.tinyConvModel().write(to: directory))
        let reference = Array("ACGTTGCAANGTACCATGGATCCAGTACGATCGGATCGATTACGGCATAC".utf8)
        try checkEdits(model, reference, "tiny conv")
        let live = LiveModel(model: model)
        try live.setReference(reference)
        // Another length: a full pass (and a plan of its own).
        let short = Array(reference.prefix(37))
        assertClose(try live.predict(short), try full(model, short), "shorter")
        XCTAssertEqual(live.lastPredictionPath, .full)
        XCTAssertEqual(live.reference, reference)
    }

    func testReceptiveFieldSpanningTheSequenceRunsFullPasses() throws {
        let root = Fixtures.repositoryRoot
        let model = try SequenceModel(contentsOf: root.appendingPathComponent("sample-models/residualbind.onnx"))
        let sequence = try FASTAReader.read(contentsOf: root.appendingPathComponent("assets/sequences/rna-binding.fa"))[0].sequence
        XCTAssertGreaterThanOrEqual(ReceptiveField(graph: model.graph).positional, sequence.count)
        try checkEdits(model, sequence, "residualbind", expectIncremental: false)
    }

    func testPredictWithoutReferenceAndTaskNames() throws {
        let (model, sequences) = Self.multitask
        let live = LiveModel(model: model)
        assertClose(try live.predict(sequences[1]), try full(model, sequences[1]), "no reference")
        XCTAssertEqual(live.lastPredictionPath, .full)
        XCTAssertEqual(try live.taskNames(length: 200).first, "Arid3a")
        XCTAssertThrowsError(try live.predict([]))
    }

    func testAttributionEqualsAttributor() throws {
        let (multitask, sequences) = Self.multitask
        let models: [(String, SequenceModel, [UInt8], Int)] = [
            ("multitask-deep-relu", multitask, sequences[0], 3),
            ("channels_last", try AttributorTests.Case("channels_last").model, try AttributorTests.Case("channels_last").sequences[1], 1),
        ]
        for (name, model, sequence, task) in models {
            let live = LiveModel(model: model)
            let attributor = Attributor(model: model)
            for method in [AttributionMethod.saliency, .gradInput, .integratedGradients, .smoothgrad] {
                for corrected in [false, true] {
                    let expected = try attributor.attribute([sequence], settings: AttributionSettings(method: method, target: task, corrected: corrected))
                    let actual = try live.attribution(sequence, method: method, task: task, corrected: corrected)
                    XCTAssertEqual(expected.shape, [1, 4, sequence.count])
                    assertMapsClose(actual, expected.scalars, "\(name) \(method) corrected \(corrected)")
                }
            }
            // An edited sequence after a prediction: the map is the edited sequence's.
            var edited = sequence
            edited[5] = edited[5] == UInt8(ascii: "A") ? UInt8(ascii: "C") : UInt8(ascii: "A")
            try live.setReference(sequence)
            _ = try live.predict(edited)
            let expected = try attributor.attribute([edited], settings: AttributionSettings(method: .saliency, target: task))
            assertMapsClose(try live.attribution(edited, method: .saliency, task: task), expected.scalars, "\(name) edited")
            // The prediction's activations serve only the sequence predicted: not a further edit.
            var further = edited
            further[9] = further[9] == UInt8(ascii: "G") ? UInt8(ascii: "T") : UInt8(ascii: "G")
            let furtherExpected = try attributor.attribute([further], settings: AttributionSettings(method: .saliency, target: task))
            assertMapsClose(try live.attribution(further, method: .saliency, task: task), furtherExpected.scalars, "\(name) further edit")
            XCTAssertThrowsError(try live.attribution(sequence, method: .saliency, task: 99))
        }
    }

    func testMutagenesisEqualsSaturationMutagenesis() throws {
        for name in ["basset_folded", "channels_last"] {
            let c = try AttributorTests.Case(name)
            let live = LiveModel(model: c.model)
            let sequence = c.sequences[0]
            let result = try live.mutagenesis(sequence) { false }
            let expected = try SaturationMutagenesis(model: c.model).run([sequence])
            XCTAssertEqual(result.deltas.shape, [1, 4, c.length, expected.deltas.shape[3]])
            assertClose(result.deltas.scalars, expected.deltas.scalars, absolute: 1e-6, "\(name) deltas")
            assertClose(result.reference.scalars, expected.reference.scalars, absolute: 1e-6, "\(name) reference")
            // The ISM-derived map is tangermeme's convention on the task's deltas.
            let x = Tensor(shape: [1, 4, c.length], scalars: try OneHot.encode([sequence], alphabet: .dna, layout: .channelsFirst))
            let map = try live.ismAttribution(from: result, task: c.target, sequence: sequence)
            XCTAssertEqual(map, ISMAttribution.centered(expected.deltas(task: c.target), oneHot: x).scalars, name)
            // The engine kept across calls: windows of one sequence (as the explorer asks, the
            // positions on screen first), then an edited sequence, each as a fresh run's.
            var edited = sequence
            edited[c.length / 2] = edited[c.length / 2] == UInt8(ascii: "A") ? UInt8(ascii: "T") : UInt8(ascii: "A")
            for (input, window) in [(sequence, 10 ..< 30), (sequence, 0 ..< 10), (edited, 10 ..< 30), (edited, 30 ..< c.length)] {
                let kept = try live.mutagenesis(input, window: window)
                let fresh = try SaturationMutagenesis(model: c.model).run([input], window: window)
                assertClose(kept.deltas.scalars, fresh.deltas.scalars, absolute: 1e-6, "\(name) window \(window) deltas")
                assertClose(kept.reference.scalars, fresh.reference.scalars, absolute: 1e-6, "\(name) window \(window) reference")
            }
        }
    }

    func testCancellation() throws {
        let (model, sequences) = Self.multitask
        let live = LiveModel(model: model)
        let started = Date()
        XCTAssertThrowsError(try live.mutagenesis(sequences[0]) { true }) { XCTAssert($0 is CancellationError, "\($0)") }
        // Cancelled after two chunks: stops there.
        let calls = Counter()
        XCTAssertThrowsError(try live.mutagenesis(sequences[0]) { calls.increment() > 2 }) { XCTAssert($0 is CancellationError, "\($0)") }
        XCTAssertEqual(calls.value, 3)
        XCTAssertThrowsError(try live.attribution(sequences[0], method: .integratedGradients, task: 0) { true }) {
            XCTAssert($0 is CancellationError, "\($0)")
        }
        let igCalls = Counter()
        XCTAssertThrowsError(try live.attribution(sequences[0], method: .integratedGradients, task: 0) { igCalls.increment() > 1 }) {
            XCTAssert($0 is CancellationError, "\($0)")
        }
        XCTAssertEqual(igCalls.value, 2)
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.5)
        // Existing callers are unchanged: no closure, no cancellation.
        XCTAssertNoThrow(try SaturationMutagenesis(model: model).run([sequences[0]], window: 0..<2))
    }
}

/// A call counter the @Sendable cancellation closures can share.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() -> Int { lock.withLock { count += 1; return count } }
}
