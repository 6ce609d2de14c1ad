import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// Targets on non-scalar outputs and extra inputs against PyTorch autograd and onnxruntime
/// (tools/make-target-fixtures.py), finite differences and brute-force ISM.
final class OutputTargetTests: XCTestCase {
    static func folder(_ name: String) -> URL { Fixtures.url("targets/\(name)") }

    static func array(_ name: String, in folder: String) throws -> Tensor<Float> {
        guard case .float(let tensor) = try NPY.read(contentsOf: Self.folder(folder).appendingPathComponent(name)) else { throw InferenceError("\(name) is not float") }
        return tensor
    }

    static func npz(_ name: String, in folder: String) throws -> [String: Tensor<Float>] {
        var arrays: [String: Tensor<Float>] = [:]
        for (key, value) in try NPZ.read(contentsOf: Self.folder(folder).appendingPathComponent(name)) {
            if case .float(let tensor) = value { arrays[key.replacingOccurrences(of: ".npy", with: "")] = tensor }
        }
        return arrays
    }

    static func model(_ name: String) throws -> SequenceModel {
        try SequenceModel(contentsOf: folder(name).appendingPathComponent("model.onnx"))
    }

    static func sequences(_ name: String) throws -> [[UInt8]] {
        try FASTAReader.read(contentsOf: folder(name).appendingPathComponent("seqs.fa")).map(\.sequence)
    }

    /// Each value within 1e-4 of the largest |expected| (gradients of different scales).
    func assertClose(_ actual: [Float], _ expected: [Float], _ label: String, tolerance: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line) {
        let scale = expected.map(abs).max() ?? 0
        XCTAssertGreaterThan(scale, 0, "\(label): the reference is all zero", file: file, line: line)
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, tolerance * scale, "\(label): max |Δ| \(worst), scale \(scale)", file: file, line: line)
    }

    func saliency(_ targeted: TargetedModel, _ sequences: [[UInt8]]) throws -> [Float] {
        try Attributor(model: targeted.model, batchSize: 2).attribute(sequences, settings: AttributionSettings(method: .saliency, target: targeted.task ?? 0)).scalars
    }

    // MARK: BPNet's profile and counts heads vs PyTorch

    func testProfileTargetMatchesBPNetLitesProfileWrapper() throws {
        let model = try Self.model("bpnet"), sequences = try Self.sequences("bpnet")
        let targeted = try model.resolveTarget("profile:reduce=profile", length: 64)
        XCTAssertEqual(try targeted.model.taskNames(length: 64), ["profile:reduce=profile"])
        assertClose(try targeted.model.predict(sequences).scalars, try Self.array("profile_value.npy", in: "bpnet").scalars, "profile value")
        assertClose(try saliency(targeted, sequences), try Self.array("profile_attr.npy", in: "bpnet").scalars, "profile saliency")
    }

    func testProfileTargetOnOneStrandAndABinRange() throws {
        let model = try Self.model("bpnet"), sequences = try Self.sequences("bpnet")
        let targeted = try model.resolveTarget("profile:track=1,bins=16:48,reduce=profile", length: 64)
        XCTAssertEqual(try targeted.model.taskNames(length: 64), ["profile:track=track_1,bins=16:48,reduce=profile"])
        assertClose(try saliency(targeted, sequences), try Self.array("window_attr.npy", in: "bpnet").scalars, "strand 1, bins 16:48")
    }

    func testCountsHeadIsAPlainScalarOutput() throws {
        let model = try Self.model("bpnet"), sequences = try Self.sequences("bpnet")
        let targeted = try model.resolveTarget("counts", length: 64)
        XCTAssertNil(targeted.model.target)
        XCTAssertEqual(targeted.model.outputName, "counts")
        XCTAssertEqual(targeted.task, 0)
        assertClose(try targeted.model.predict(sequences).scalars, try Self.array("counts.npy", in: "bpnet").scalars, "counts")
        assertClose(try saliency(targeted, sequences), try Self.array("counts_attr.npy", in: "bpnet").scalars, "counts saliency")
    }

    func testProfileISMEqualsBruteForceOnBothEngines() throws {
        let model = try Self.model("bpnet"), sequences = try Self.sequences("bpnet")
        let targeted = try model.resolveTarget("profile:reduce=profile", length: 64)
        let expected = try Self.array("profile_ism.npy", in: "bpnet").scalars
        for engine in MutagenesisEngine.allCases {
            let result = try SaturationMutagenesis(model: targeted.model, batchSize: 32, engine: engine).run(sequences)
            XCTAssertEqual(result.deltas.shape, [3, 4, 64, 1])
            assertClose(result.deltas(task: 0).scalars, expected, "ISM \(engine)")
        }
    }

    /// What the explorer draws for a profile target: the predicted distribution per bin,
    /// softmax over both strands' logits, the strands summed.
    func testLiveModelKeepsTheProfileAsOneTrackOfBins() throws {
        let model = try Self.model("bpnet"), sequences = try Self.sequences("bpnet")
        let live = LiveModel(model: try model.resolveTarget("profile:reduce=profile", length: 64).model)
        try live.setReference(sequences[0])
        let logits = Array(try Self.array("profile.npy", in: "bpnet").scalars[0 ..< 128])
        let exponentials = logits.map { Foundation.exp($0 - logits.max()!) }
        let total = exponentials.reduce(0, +)
        let expected = (0..<64).map { (exponentials[$0] + exponentials[64 + $0]) / total }
        assertClose(live.lastBinTrack ?? [], expected, "reference profile")
        var edited = sequences[0]
        edited[30] = edited[30] == UInt8(ascii: "A") ? UInt8(ascii: "C") : UInt8(ascii: "A")
        _ = try live.predict(edited)
        XCTAssertNotEqual(live.lastBinTrack, expected)
        XCTAssertEqual(live.lastBinTrack?.count, 64)
    }

    // MARK: Enformer-style (N, bins, tracks)

    func testEnformerStyleOutputReadsBinsByTracks() throws {
        let model = try Self.model("enformer"), sequences = try Self.sequences("enformer")
        XCTAssertEqual(model.inferredAxes(shape: [8, 3]), .binsTracks, "the card's 3 track names match the last axis")
        let targeted = try model.resolveTarget("track=cage,bins=2:5,reduce=mean", length: 64)
        XCTAssertEqual(try targeted.model.taskNames(length: 64), ["tracks:track=CAGE,bins=2:5,reduce=mean"])
        let tracks = try Self.array("tracks.npy", in: "enformer")
        let means: [Float] = (0..<3).map { (n: Int) -> Float in
            let cage: [Float] = (2..<5).map { (bin: Int) -> Float in tracks.scalars[n * 24 + bin * 3 + 1] }
            return cage.reduce(0, +) / 3
        }
        assertClose(try targeted.model.predict(sequences).scalars, means, "mean of CAGE over bins 2:5")
        assertClose(try saliency(targeted, sequences), try Self.array("mean_attr.npy", in: "enformer").scalars, "saliency")
        // The override reads the other axis as tracks: 8 of them, 3 bins.
        let swapped = try model.resolveTarget("track=7,bins=0:3,axes=tracks-bins", length: 64)
        XCTAssertEqual(swapped.model.target?.trackCount, 8)
        XCTAssertEqual(swapped.model.target?.binCount, 3)
    }

    /// Sum and mean targets: the gradient from the seed equals central finite differences of
    /// the target's value through the model, at several input coordinates.
    func testSumAndMeanGradientsMatchFiniteDifferences() throws {
        let model = try Self.model("enformer"), sequence = try Self.sequences("enformer")[0]
        for text in ["track=0,bins=1:7", "track=2,bins=3,reduce=mean", "bins=0:8,reduce=mean"] {
            let targeted = try model.resolveTarget(text, length: 64)
            let gradient = try saliency(targeted, [sequence])
            let x = try OneHot.encode([sequence], alphabet: .dna, layout: .channelsFirst)
            let h: Float = 1e-2
            for index in [5, 70, 131, 200, 255] {
                func value(_ delta: Float) throws -> Float {
                    var shifted = x
                    shifted[index] += delta
                    let input = Tensor(shape: [1, 4, 64], scalars: shifted).swappingLastAxes()
                    return try targeted.model.predictEncoded(input).scalars[0]
                }
                let difference = (try value(h) - value(-h)) / (2 * h)
                XCTAssertEqual(gradient[index], difference, accuracy: 2e-3 * max(1, abs(difference)), "\(text) at \(index)")
            }
        }
    }

    /// The profile seed is the exact derivative of Σ w (y − ȳ) with w = softmax(y) held constant.
    func testProfileSeedIsTheDerivativeWithTheWeightsHeld() {
        let target = OutputTarget(trackCount: 2, binCount: 3, axes: .tracksBins, tracks: [0, 1], bins: 0..<3, reduction: .profile, label: "p")
        let y: [Float] = [0.3, -1.2, 2.0, 0.7, 0.1, -0.4]
        let mean = y.reduce(0, +) / 6
        let exponentials = y.map { Foundation.exp($0 - mean) }
        let weights = exponentials.map { $0 / exponentials.reduce(0, +) }
        let seed = target.seed(y[...])
        for j in 0..<6 {
            func frozen(_ delta: Float) -> Float {
                var shifted = y
                shifted[j] += delta
                let shiftedMean = shifted.reduce(0, +) / 6
                return zip(weights, shifted).reduce(0) { $0 + $1.0 * ($1.1 - shiftedMean) }
            }
            XCTAssertEqual(seed[j], (frozen(1e-2) - frozen(-1e-2)) / 2e-2, accuracy: 1e-4, "bin \(j)")
        }
        XCTAssertEqual(target.value(y[...]), frozen0(y, weights), accuracy: 1e-6)
    }

    private func frozen0(_ y: [Float], _ weights: [Float]) -> Float {
        let mean = y.reduce(0, +) / Float(y.count)
        return zip(weights, y).reduce(0) { $0 + $1.0 * ($1.1 - mean) }
    }

    // MARK: Extra inputs

    func testControlTrackFeedsEveryRecordAndMatchesOnnxruntime() throws {
        let plain = try Self.model("control"), sequences = try Self.sequences("control")
        XCTAssertEqual(plain.inputName, "X")
        XCTAssertEqual(plain.extraInputs.map(\.info.name), ["X_ctl"])
        let zeros = try Self.npz("outputs_zeros.npz", in: "control"), control = try Self.npz("outputs_control.npz", in: "control")
        let fed = try plain.feeding(["X_ctl": Self.array("control.npy", in: "control")])
        for (model, expected, label) in [(plain, zeros, "zeros"), (fed, control, "control")] {
            for output in ["profile", "counts"] {
                let values = try model.resolveTarget(output == "counts" ? "counts" : "profile:reduce=sum", length: 64)
                if output == "counts" {
                    assertClose(try values.model.predict(sequences).scalars, expected["counts"]!.scalars, "\(label) counts")
                } else {
                    let sums = (0..<3).map { n in expected["profile"]!.scalars[n * 128 ..< (n + 1) * 128].reduce(0, +) }
                    assertClose(try values.model.predict(sequences).scalars, sums, "\(label) profile sum", tolerance: 1e-5)
                }
            }
        }
        let counts = try fed.resolveTarget("counts", length: 64)
        assertClose(try saliency(counts, sequences), try Self.array("counts_attr_control.npy", in: "control").scalars, "counts saliency with control")
        let incremental = try SaturationMutagenesis(model: counts.model, engine: .incremental).run(sequences)
        let naive = try SaturationMutagenesis(model: counts.model, engine: .naive).run(sequences)
        assertClose(incremental.deltas.scalars, naive.deltas.scalars, "incremental vs naive ISM with control", tolerance: 1e-5)
    }

    // MARK: Refusals, one line each

    func testRefusalsNameTheOutputsAndTheSyntax() throws {
        let bpnet = try Self.model("bpnet"), enformer = try Self.model("enformer"), control = try Self.model("control")
        let cases: [(() throws -> Any, String)] = [
            ({ try bpnet.resolveTarget(nil, length: 64) },
             "output 'profile' has 2 axes per sequence, so say what to read with --target [OUTPUT:]TASK or [OUTPUT:]track=NAME|INDEX,bins=START:END,reduce=sum|mean|profile; outputs: profile (N, 2, 64), counts (N, 1)"),
            ({ try bpnet.resolveTarget("profil:track=0", length: 64) },
             "target 'profil:track=0': no output named 'profil'; outputs: profile (N, 2, 64), counts (N, 1)"),
            ({ try bpnet.resolveTarget("profile:bins=40:80", length: 64) },
             "target 'profile:bins=40:80': bins=40:80 is outside output 'profile', which has 64 bins (0:64, end excluded)"),
            ({ try enformer.resolveTarget("track=ATAC", length: 64) },
             "target 'ATAC' is not a track of output 'tracks'; tracks: 0 DNase, 1 CAGE, 2 H3K27ac"),
            ({ try bpnet.resolveTarget("profile:strand=0", length: 64) },
             "target 'profile:strand=0': 'strand=0' is not one of track=…, bins=…, reduce=…, axes=…; the syntax is [OUTPUT:]TASK or [OUTPUT:]track=NAME|INDEX,bins=START:END,reduce=sum|mean|profile"),
            ({ try control.feeding(["X_ctl": Tensor(shape: [64, 2], repeating: 0)]) },
             "--input X_ctl=…: an array of shape [64, 2] does not fit input 'X_ctl' (batch, 2, 64); give one sequence's worth, shape (2, 64), fed to every sequence"),
        ]
        for (call, message) in cases {
            XCTAssertThrowsError(try call()) { XCTAssertEqual("\($0)", message) }
        }
    }
}
