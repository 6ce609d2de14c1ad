import Foundation
import Inference
import Interpretation
import TestSupport
import XCTest

/// `seqlens attr | ism | variant` end to end, against the captum/onnxruntime fixtures.
final class AttributionCommandTests: XCTestCase {
    private var directory: URL!
    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// The fixture's one-hot input as FASTA (zero columns → N).
    private func fasta(for fixture: String) throws -> String {
        guard case .float(let stored) = try NPY.read(contentsOf: Fixtures.url("attribution/\(fixture)/input.npy")) else { throw InferenceError("input") }
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("attribution/\(fixture)/meta.json"))) as! [String: Any]
        let x = meta["layout"] as? String == "channels-last" ? stored.swappingLastAxes() : stored
        let (n, a, l) = (x.shape[0], x.shape[1], x.shape[2])
        var text = ""
        for s in 0..<n {
            text += ">seq\(s)\n"
            for p in 0..<l {
                let column = (0..<a).map { x.scalars[(s * a + $0) * l + p] }
                text += column.allSatisfy({ $0 == 0 }) ? "N" : ["A", "C", "G", "T"][column.firstIndex(of: 1)!]
            }
            text += "\n"
        }
        let url = directory.appendingPathComponent("\(fixture).fa")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func array(_ path: String) throws -> Tensor<Float> {
        guard case .float(let t) = try NPY.read(contentsOf: URL(fileURLWithPath: path)) else { throw InferenceError("not float") }
        return t
    }

    func testAttrSaliencyAndIGMatchCaptum() throws {
        let model = Fixtures.url("attribution/basset_folded/model.onnx").path
        let fa = try fasta(for: "basset_folded")
        for (arguments, reference, tolerance) in [(["--method", "saliency"], "saliency", Float(1e-4)), (["--method", "ig"], "ig_zero", 1e-3), (["--method", "ig", "--logits"], "", 0)] {
            let out = directory.appendingPathComponent("a.npy").path
            let result = try runSeqlens(["attr", model, fa, "--target", "1", "-o", out] + arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            guard !reference.isEmpty else { continue }
            let expected = try array(Fixtures.url("attribution/basset_folded/\(reference).npy").path)
            let actual = try array(out)
            XCTAssertEqual(actual.shape, expected.shape)
            let scale = expected.scalars.map(abs).max()!
            XCTAssertEqual(compare(actual.scalars, expected.scalars, absolute: tolerance * scale, relative: 0).failures, 0, reference)
        }
    }

    func testIsmMatchesBruteForceInEveryFormat() throws {
        let model = Fixtures.url("attribution/channels_last/model.onnx").path
        let fa = try fasta(for: "channels_last")
        let npy = directory.appendingPathComponent("ism.npy").path
        XCTAssertEqual(try runSeqlens(["ism", model, fa, "--target", "all", "-o", npy]).status, 0)
        let expected = try array(Fixtures.url("attribution/channels_last/ism_all.npy").path)
        let actual = try array(npy)
        XCTAssertEqual(actual.shape, expected.shape)
        XCTAssertEqual(compare(actual.scalars, expected.scalars, absolute: 1e-4 * expected.scalars.map(abs).max()!, relative: 0).failures, 0)

        let tsv = directory.appendingPathComponent("ism.tsv").path
        XCTAssertEqual(try runSeqlens(["ism", model, fa, "--range", "10:12", "-o", tsv]).status, 0)
        let lines = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "record\tposition\tbase\tvalue")
        XCTAssertEqual(lines.count, 1 + 3 * 2 * 4)
        XCTAssert(lines[1].hasPrefix("seq0\t10\tA\t"), String(lines[1]))

        let npz = directory.appendingPathComponent("ism.npz").path
        XCTAssertEqual(try runSeqlens(["ism", model, fa, "-o", npz]).status, 0)
        let arrays = try NPZ.read(contentsOf: URL(fileURLWithPath: npz))
        XCTAssertEqual(arrays.map(\.name), ["ism", "predictions", "X", "ids", "tasks", "alphabet", "starts", "lengths"])
    }

    func testVariantReportsEveryTask() throws {
        let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
        let fa = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
        let result = try runSeqlens(["variant", model, fa, "--mutations", "57:A>G", "--record", "pos_gata_1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows[0], ["record", "mutation", "task", "reference", "alternative", "delta"])
        XCTAssertEqual(rows.count, 3)
        // Breaking the GATA motif (AGATAA → GGATAA) removes the GATA prediction.
        XCTAssertEqual(rows[1][2], "GATA")
        XCTAssertGreaterThan(Float(rows[1][3])!, 0.9)
        XCTAssertLessThan(Float(rows[1][5])!, -0.9)
        XCTAssertEqual(Float(rows[1][5])!, Float(rows[1][4])! - Float(rows[1][3])!, accuracy: 1e-6)
    }

    private func assertRefused(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        assertRefusal(try runSeqlens(arguments), message, file: file, line: line)
    }

    func testBadInputGetsOneLineAndExit2() throws {
        let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
        let clean = directory.appendingPathComponent("clean.fa")
        try Data((">r1\n" + String(repeating: "ACGT", count: 50) + "\n").utf8).write(to: clean)
        let out = directory.appendingPathComponent("x.npy").path
        try assertRefused(["attr", model, clean.path, "--target", "9", "-o", out], "target 9 is out of range: the model has 2 tasks (0–1)")
        try assertRefused(["attr", model, clean.path, "--method", "deeplift", "-o", out], "unknown method 'deeplift'; methods: saliency, grad-input, smoothgrad, ig, deepshap")
        try assertRefused(["variant", model, clean.path, "--mutations", "5:A>G"], "mutation 5:A>G: record 'r1' has C at position 5, not A; A is at 4: positions are 0-based (the first base is 0)")
        try assertRefused(["ism", model, clean.path, "--range", "190:210", "-o", out], "--range 190:210 is outside positions 0 to 200 (0-based, end excluded)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
