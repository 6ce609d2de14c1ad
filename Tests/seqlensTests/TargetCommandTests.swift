import Foundation
import Inference
import TestSupport
import XCTest

/// `--target` on multi-output models and `--input` for extra inputs, through the binary:
/// numbers against the PyTorch / onnxruntime fixtures of tools/make-target-fixtures.py,
/// refusals as exact lines with exit status 2 and no file written.
final class TargetCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func fixture(_ path: String) -> String { Fixtures.url("targets/\(path)").path }
    private func output(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func array(_ path: String) throws -> Tensor<Float> {
        guard case .float(let tensor) = try NPY.read(contentsOf: URL(fileURLWithPath: path)) else { throw InferenceError("\(path) is not float") }
        return tensor
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let scale = expected.map(abs).max() ?? 0
        XCTAssertGreaterThan(scale, 0, label, file: file, line: line)
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 1e-4 * scale, "\(label): max |Δ| \(worst)", file: file, line: line)
    }

    func testAttrOfTheProfileTargetMatchesPyTorch() throws {
        let result = try runSeqlens(["attr", fixture("bpnet/model.onnx"), fixture("bpnet/seqs.fa"), "--target", "profile:reduce=profile", "-o", output("profile.npy")])
        XCTAssertEqual(result.status, 0, result.stderr)
        assertClose(try array(output("profile.npy")).scalars, try array(fixture("bpnet/profile_attr.npy")).scalars, "profile saliency")
    }

    func testISMOfTheProfileTargetMatchesBruteForce() throws {
        let result = try runSeqlens(["ism", fixture("bpnet/model.onnx"), fixture("bpnet/seqs.fa"), "--target", "profile:reduce=profile", "-o", output("ism.npy")])
        XCTAssertEqual(result.status, 0, result.stderr)
        assertClose(try array(output("ism.npy")).scalars, try array(fixture("bpnet/profile_ism.npy")).scalars, "profile ISM")
    }

    func testControlTrackFromANpyFile() throws {
        let attr = try runSeqlens(["attr", fixture("control/model.onnx"), fixture("control/seqs.fa"), "--target", "counts",
                                   "--input", "X_ctl=\(fixture("control/control.npy"))", "-o", output("counts.npy")])
        XCTAssertEqual(attr.status, 0, attr.stderr)
        assertClose(try array(output("counts.npy")).scalars, try array(fixture("control/counts_attr_control.npy")).scalars, "counts saliency")
        let predict = try runSeqlens(["predict", fixture("control/model.onnx"), fixture("control/seqs.fa"), "--output-name", "counts",
                                      "--input", "X_ctl=\(fixture("control/control.npy"))"])
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let values = predict.stdout.split(separator: "\n").dropFirst().map { Float($0.split(separator: "\t")[1])! }
        let expected = try NPZ.read(contentsOf: URL(fileURLWithPath: fixture("control/outputs_control.npz"))).first { $0.name.hasPrefix("counts") }!
        guard case .float(let counts) = expected.value else { return XCTFail("counts is not float") }
        assertClose(values, counts.scalars, "counts with the control track")
        let profile = try runSeqlens(["predict", fixture("bpnet/model.onnx"), fixture("bpnet/seqs.fa"), "--target", "profile:reduce=profile"])
        XCTAssertEqual(profile.status, 0, profile.stderr)
        XCTAssertEqual(profile.stdout.split(separator: "\n").first, "id\tprofile:reduce=profile")
        assertClose(profile.stdout.split(separator: "\n").dropFirst().map { Float($0.split(separator: "\t")[1])! },
                    try array(fixture("bpnet/profile_value.npy")).scalars, "profile target values")
    }

    func testExploreOpensOnTheTargetAndRefusesAProfileWithoutOne() throws {
        let arguments = ["explore", fixture("bpnet/model.onnx"), fixture("bpnet/seqs.fa"), "--save-as", output("s")]
        let opened = try runSeqlens(arguments + ["--target", "profile:reduce=profile", "--snapshot", output("view.svg")])
        XCTAssertEqual(opened.status, 0, opened.stderr)
        XCTAssert(try String(contentsOfFile: output("view.svg"), encoding: .utf8).contains("profile:reduce=profile"))
        try FileManager.default.removeItem(atPath: output("view.svg"))
        assertRefusal(try runSeqlens(arguments + ["--snapshot", output("view.svg")]),
                      "output 'profile' has 2 axes per sequence, so say what to read with --target [OUTPUT:]TASK or [OUTPUT:]track=NAME|INDEX,bins=START:END,reduce=sum|mean|profile; outputs: profile (N, 2, 64), counts (N, 1)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output("view.svg")))
    }

    func testInspectListsEveryOutputAndTheSyntax() throws {
        let result = try runSeqlens(["inspect", fixture("control/model.onnx")])
        XCTAssertEqual(result.status, 0, result.stderr)
        for line in [
            "input        X_ctl  float (batch, 2, 64)  extra input: zeros unless --input X_ctl=FILE.npy",
            "output       profile  float (batch, 2, 64)  2 tracks × 64 bins (tracks-bins; override with axes=)",
            "output       counts  float (batch, 1)  1 task",
            "target       --target [OUTPUT:]TASK or [OUTPUT:]track=NAME|INDEX,bins=START:END,reduce=sum|mean|profile  e.g. --target 'profile:track=0,bins=0:32,reduce=profile'",
        ] {
            XCTAssert(result.stdout.contains(line + "\n"), "missing '\(line)' in\n\(result.stdout)")
        }
        // Enformer-style: the card's names are the tracks of the last axis.
        let enformer = try runSeqlens(["inspect", fixture("enformer/model.onnx")])
        XCTAssertEqual(enformer.status, 0, enformer.stderr)
        for line in ["output       tracks  float (batch, 8, 3)  3 tracks × 8 bins (bins-tracks; override with axes=)", "tasks        3: DNase, CAGE, H3K27ac"] {
            XCTAssert(enformer.stdout.contains(line + "\n"), "missing '\(line)' in\n\(enformer.stdout)")
        }
    }

    func testLogoAndHeatmapReadTheTarget() throws {
        let heatmap = try runSeqlens(["heatmap", fixture("bpnet/model.onnx"), fixture("bpnet/seqs.fa"), "--target", "profile:reduce=profile", "--width", "80"])
        XCTAssertEqual(heatmap.status, 0, heatmap.stderr)
        XCTAssert(heatmap.stdout.hasPrefix("seq0 · in-silico mutagenesis · task profile:reduce=profile\n"), heatmap.stdout)
        let logo = try runSeqlens(["logo", fixture("enformer/model.onnx"), fixture("enformer/seqs.fa"), "--record", "1", "--target", "track=CAGE,bins=2:5,reduce=mean", "--width", "80"])
        XCTAssertEqual(logo.status, 0, logo.stderr)
        XCTAssert(logo.stdout.hasPrefix("seq1 · saliency · task tracks:track=CAGE,bins=2:5,reduce=mean\n"), logo.stdout)
    }

    func testVariantReadsTheTarget() throws {
        let result = try runSeqlens(["variant", fixture("bpnet/model.onnx"), fixture("bpnet/seqs.fa"), "--record", "seq0", "--mutations", "3:\(try base(3))>\(try base(3) == "A" ? "C" : "A")", "--target", "counts"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = result.stdout.split(separator: "\n")
        XCTAssertEqual(rows.count, 2, result.stdout)
        let fields = rows[1].split(separator: "\t")
        XCTAssertEqual(fields[2], "counts")
        XCTAssertEqual(Float(fields[3])!, try array(fixture("bpnet/counts.npy")).scalars[0], accuracy: 1e-5)
    }

    private func base(_ position: Int) throws -> String {
        let text = try String(contentsOfFile: fixture("bpnet/seqs.fa"), encoding: .utf8)
        return String(Array(text.split(separator: "\n")[1])[position])
    }

    func testRefusalsAreOneLineAndWriteNothing() throws {
        let model = fixture("bpnet/model.onnx"), fasta = fixture("bpnet/seqs.fa")
        let outputs = "outputs: profile (N, 2, 64), counts (N, 1)"
        let syntax = "[OUTPUT:]TASK or [OUTPUT:]track=NAME|INDEX,bins=START:END,reduce=sum|mean|profile"
        let cases: [([String], String)] = [
            (["attr", model, fasta, "-o", output("a.npy")], "output 'profile' has 2 axes per sequence, so say what to read with --target \(syntax); \(outputs)"),
            (["ism", model, fasta, "-o", output("a.npy")], "output 'profile' has 2 axes per sequence, so say what to read with --target \(syntax); \(outputs)"),
            (["variant", model, fasta, "--record", "0", "--mutations", "3:A>C", "-o", output("a.tsv")], "output 'profile' has 2 axes per sequence, so say what to read with --target \(syntax); \(outputs)"),
            (["attr", model, fasta, "--target", "profiles:reduce=profile", "-o", output("a.npy")], "target 'profiles:reduce=profile': no output named 'profiles'; \(outputs)"),
            (["ism", model, fasta, "--target", "profile:bins=60:70", "-o", output("a.npy")], "target 'profile:bins=60:70': bins=60:70 is outside output 'profile', which has 64 bins (0:64, end excluded)"),
            (["attr", fixture("enformer/model.onnx"), fasta, "--target", "tracks:track=ATAC", "-o", output("a.npy")], "target 'ATAC' is not a track of output 'tracks'; tracks: 0 DNase, 1 CAGE, 2 H3K27ac"),
            (["attr", fixture("control/model.onnx"), fasta, "--target", "counts", "--input", "X_ctl=\(fixture("bpnet/counts.npy"))", "-o", output("a.npy")],
             "--input X_ctl=…: an array of shape [3, 1] does not fit input 'X_ctl' (batch, 2, 64); give one sequence's worth, shape (2, 64), fed to every sequence"),
            (["predict", model, fasta, "--input", "X_ctl=\(fixture("control/control.npy"))"], "--input X_ctl=…: model.onnx has no extra input 'X_ctl' (its only input is the sequence, 'X')"),
        ]
        for (arguments, message) in cases {
            assertRefusal(try runSeqlens(arguments), message)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "nothing written")
    }
}
