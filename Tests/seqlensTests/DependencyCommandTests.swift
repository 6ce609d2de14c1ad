import Foundation
import Inference
import TestSupport
import XCTest

/// `seqlens dependency` and `seqlens robustness` end to end, on the tangermeme/sklearn fixtures.
final class DependencyCommandTests: XCTestCase {
    private var directory: URL!
    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private let model = Fixtures.url("dependency/model.onnx").path
    private let fasta = Fixtures.url("dependency/sequences.fa").path

    private func floats(_ array: NPYArray?) -> Tensor<Float>? {
        guard case .float(let tensor)? = array else { return nil }
        return tensor
    }

    func testNpzHoldsTangermemesMapAndTheLabels() throws {
        let out = directory.appendingPathComponent("dep.npz").path
        let result = try runSeqlens(["dependency", model, fasta, "--range", "10:25", "--target", "1", "-o", out, "--threads", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        let arrays = Dictionary(uniqueKeysWithValues: try NPZ.read(contentsOf: URL(fileURLWithPath: out)).map { ($0.0, $0.1) })
        XCTAssertEqual(Set(arrays.keys), ["dependency", "ism", "X", "ids", "tasks", "alphabet", "starts", "lengths", "substituted_starts"])
        let actual = try XCTUnwrap(floats(arrays["dependency"]))
        guard case .float(let expected) = try NPY.read(contentsOf: Fixtures.url("dependency/dependency.npy")) else { return XCTFail("fixture") }
        XCTAssertEqual(actual.shape, [2, 40, 15])
        let scale = expected.scalars.map(abs).max()!
        XCTAssertEqual(compare(actual.scalars, expected.scalars, absolute: 2e-5 * scale, relative: 0).failures, 0)
        guard case .int(let substituted)? = arrays["substituted_starts"] else { return XCTFail("substituted_starts") }
        XCTAssertEqual(substituted.scalars, [10, 10])
        XCTAssertEqual(floats(arrays["ism"])?.shape, [2, 4, 40])
    }

    func testSubstitutionsAsNpyAndTsv() throws {
        let npy = directory.appendingPathComponent("pairs.npy").path
        XCTAssertEqual(try runSeqlens(["dependency", model, fasta, "--range", "10:25", "--target", "1", "--map", "substitutions", "-o", npy]).status, 0)
        guard case .float(let actual) = try NPY.read(contentsOf: URL(fileURLWithPath: npy)),
              case .float(let expected) = try NPY.read(contentsOf: Fixtures.url("dependency/substitutions.npy")) else { return XCTFail("arrays") }
        XCTAssertEqual(actual.shape, [2, 4, 40, 4, 15])
        let scale = expected.scalars.map(abs).max()!
        XCTAssertEqual(compare(actual.scalars, expected.scalars, absolute: 2e-5 * scale, relative: 0).failures, 0)

        let tsv = directory.appendingPathComponent("dep.tsv").path
        XCTAssertEqual(try runSeqlens(["dependency", model, fasta, "--record", "seq1", "--range", "38:40", "--target", "1", "-o", tsv]).status, 0)
        let lines = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 40 * 2)
        XCTAssertEqual(lines[0], "record\tposition\tsubstituted\tvalue")
        XCTAssert(lines[1].hasPrefix("seq1\t0\t38\t"), String(lines[1]))
    }

    func testFigureInTheTerminalAndAsSVG() throws {
        let result = try runSeqlens(["dependency", model, fasta, "--record", "0", "--range", "10:25", "--target", "1", "--width", "40",
                                     "--height", "8", "--color", "never"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "seq0 · dependency map · task task_1")
        XCTAssertEqual(lines[2], "      10        20")
        // 40 positions in 8 rows of five, one column per substituted position; then the scale.
        XCTAssertEqual(lines[3].prefix(6), "    0 ")
        XCTAssertEqual(lines[8].prefix(6), "   25 ")
        XCTAssertEqual(lines[3].count, 6 + 15)
        XCTAssertEqual(lines.count, 3 + 8 + 3 + 1)
        XCTAssert(lines[11].hasPrefix("-0.0"), lines[11])
        XCTAssertEqual(lines[13], "1 × 5 positions per cell (the largest |…")
        let svg = directory.appendingPathComponent("dep.svg").path
        let drawn = try runSeqlens(["dependency", model, fasta, "--record", "0", "--range", "10:25", "--target", "1", "--figure", svg])
        XCTAssertEqual(drawn.status, 0, drawn.stderr)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssert(text.hasPrefix("<svg") || text.hasPrefix("<?xml"), String(text.prefix(40)))
        XCTAssert(text.contains(">dependency</text>") && text.contains("<rect"))
    }

    func testRefusals() throws {
        assertRefusal(try runSeqlens(["dependency", model, fasta, "--range", "10:25", "--map", "pairs"]),
                      "unknown --map 'pairs'; choose positions or substitutions")
        assertRefusal(try runSeqlens(["dependency", model, fasta, "--record", "seq0", "--range", "30:50"]),
                      "--range 30:50 is outside positions 0 to 40 (0-based, end excluded)")
        assertRefusal(try runSeqlens(["dependency", model, fasta, "-o", "dep.csv"]),
                      "--output must end in .npy, .npz or .tsv (got 'dep.csv'); see `seqlens dependency --help`")
        assertRefusal(try runSeqlens(["dependency", fasta, model]),
                      "the first argument (sequences.fa) is a FASTA file and the second (model.onnx) an ONNX model; the order is MODEL FASTA")
    }

    func testRobustnessTableForTwoModels() throws {
        // Truth: positions 5–9 of each record at 1.5 bits, 20–21 at 0.005 (left out), the rest 0.
        var ic = [Float](repeating: 0, count: 80)
        for s in 0..<2 { for p in 5..<10 { ic[s * 40 + p] = 1.5 }; ic[s * 40 + 20] = 0.005; ic[s * 40 + 21] = 0.005 }
        let truth = directory.appendingPathComponent("ic.npy")
        try NPY.encode(Tensor(shape: [2, 40], scalars: ic)).write(to: truth)
        let arguments = ["robustness", model, model, fasta, "--truth", truth.path, "--method", "grad-input", "--noise-samples", "3"]
        let result = try runSeqlens(arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[0], "sequences.fa · truth ic.npy: IC > 0.01 bits positive, lowest IC negative · score l2 · noise 3 copies, sigma 0.1, seed 0")
        XCTAssert(lines[1].hasPrefix("model  method      AUROC  AUPRC  scored  Spearman  cosine"), lines[1])
        XCTAssertEqual(lines[2], lines[3], "the same model twice gives the same row")
        let fields = lines[2].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(fields[0], "model")
        XCTAssertEqual(fields[1], "grad-input")
        XCTAssertEqual(fields[4], "2")
        for value in [fields[2], fields[3], fields[5], fields[6]] { XCTAssertNotNil(Double(value), value) }
        // The same seed gives the same table.
        XCTAssertEqual(try runSeqlens(arguments).stdout, result.stdout)

        let wrong = directory.appendingPathComponent("wrong.npy"), one = directory.appendingPathComponent("one.fa")
        try NPY.encode(Tensor(shape: [3, 40], scalars: [Float](repeating: 0, count: 120))).write(to: wrong)
        try Data(try String(contentsOfFile: fasta, encoding: .utf8).split(separator: "\n").prefix(2).joined(separator: "\n").utf8).write(to: one)
        assertRefusal(try runSeqlens(["robustness", model, one.path, "--truth", wrong.path]),
                      "\(wrong.path): shape [3, 40] does not match 1 record of 40 nt; give one IC row per FASTA record, in order")
        assertRefusal(try runSeqlens(["robustness", model]), "give one or more models, then a FASTA file; see `seqlens robustness --help`")
    }
}
