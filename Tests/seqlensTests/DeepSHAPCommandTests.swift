import Foundation
import Inference
import Interpretation
import TestSupport
import XCTest

/// `seqlens attr --method deepshap` end to end: numbers against tangermeme with the same
/// references, the convergence report in every output, and the refusals.
final class DeepSHAPCommandTests: XCTestCase {
    private var directory: URL!
    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func arrays(_ url: URL) throws -> [String: Tensor<Float>] {
        var result: [String: Tensor<Float>] = [:]
        for (name, value) in try NPZ.read(contentsOf: url) { if case .float(let t) = value { result[name] = t } }
        return result
    }

    /// FASTA of one-hot rows (N, 4, L).
    private func write(_ x: Tensor<Float>, to name: String) throws -> String {
        let (n, l) = (x.shape[0], x.shape[2])
        var text = ""
        for s in 0..<n {
            let letters: [Character] = (0..<l).map { p in
                let channel = (0..<4).first { x.scalars[(s * 4 + $0) * l + p] == 1 } ?? 4
                return Array("ACGTN")[channel]
            }
            text += ">seq\(s)\n\(String(letters))\n"
        }
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testReferencesFromAFileGiveTangermemesNumbersAndTheConvergenceInEveryOutput() throws {
        let fixture = try arrays(Fixtures.url("deepshap/smooth.npz"))
        let model = Fixtures.url("deepshap/smooth.onnx").path
        let fasta = try write(try XCTUnwrap(fixture["X"]), to: "x.fa")
        let references = directory.appendingPathComponent("refs.npy")
        try NPY.encode(try XCTUnwrap(fixture["references"])).write(to: references)
        let npz = directory.appendingPathComponent("shap.npz")
        let result = try runSeqlens(["attr", model, fasta, "--method", "deepshap", "--references", references.path, "-o", npz.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("seqlens: deepshap: 3 sequences, largest |convergence| "), result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("; 0 flagged above 0.01\n"), result.stderr)
        let written = try arrays(npz)
        let expected = try XCTUnwrap(fixture["tangermeme"]), actual = try XCTUnwrap(written["attributions"])
        let scale = expected.scalars.map(abs).max()!
        XCTAssertEqual(compare(actual.scalars, expected.scalars, absolute: 1e-4 * scale, relative: 0).failures, 0)
        let convergence = try XCTUnwrap(written["convergence"])
        XCTAssertEqual(convergence.shape, [3])
        for (index, delta) in convergence.scalars.enumerated() {
            let sum = actual.scalars[index * 240 ..< (index + 1) * 240].reduce(0, +)
            XCTAssertEqual(delta, sum - fixture["difference"]!.scalars[index], accuracy: 1e-6)
            XCTAssertLessThan(abs(delta), 1e-6)
        }

        let hypothetical = directory.appendingPathComponent("hyp.npy")
        XCTAssertEqual(try runSeqlens(["attr", model, fasta, "--method", "deepshap", "--references", references.path, "--hypothetical", "-o", hypothetical.path]).status, 0)
        guard case .float(let values) = try NPY.read(contentsOf: hypothetical) else { return XCTFail("not float") }
        let expectedHypothetical = try XCTUnwrap(fixture["tangermeme_hyp"])
        XCTAssertEqual(compare(values.scalars, expectedHypothetical.scalars, absolute: 1e-4 * expectedHypothetical.scalars.map(abs).max()!, relative: 0).failures, 0)
    }

    /// LSTM has no DeepLIFT rule: the command runs, and each flagged sequence gets one warning
    /// naming the node; the .tsv carries the convergence column.
    func testAFlaggedSequenceIsWarnedAboutNamingTheNodesWithoutARule() throws {
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("zoo/danq/meta.json"))) as! [String: Any]
        let sequences = meta["sequences"] as! [String]
        let fasta = directory.appendingPathComponent("d.fa")
        try Data(">first\n\(sequences[0])\n>second\n\(sequences[1])\n".utf8).write(to: fasta)
        let tsv = directory.appendingPathComponent("d.tsv")
        let result = try runSeqlens(["attr", Fixtures.url("zoo/danq/model.onnx").path, fasta.path, "--method", "deepshap", "--target", "output:1",
                                     "--shuffles", "3", "-o", tsv.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, result.stderr)
        for (line, id) in zip(lines, ["first", "second"]) {
            XCTAssertTrue(line.hasPrefix("seqlens: warning: '\(id)': DeepSHAP does not converge: Σ attributions − (f(x) − mean f(ref)) = "), line)
            XCTAssertTrue(line.hasSuffix("; nodes without a DeepLIFT rule: '/lstm/LSTM' (LSTM: recurrent layers have no DeepLIFT rule)"), line)
        }
        XCTAssertTrue(lines[2].hasSuffix("; 2 flagged above 0.01"), lines[2])
        let text = try String(contentsOf: tsv, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("record\tposition\tbase\tvalue\tconvergence\nfirst\t0\t"), String(text.prefix(80)))
    }

    func testBadReferencesAndOptionsAreRefusedInOneLine() throws {
        let model = Fixtures.url("deepshap/smooth.onnx").path
        let fasta = directory.appendingPathComponent("x.fa")
        try Data(">x\n\(String(repeating: "ACGTAC", count: 10))\n".utf8).write(to: fasta)
        func run(_ extra: [String]) throws -> CommandResult {
            try runSeqlens(["attr", model, fasta.path, "-o", directory.appendingPathComponent("o.npy").path] + extra)
        }
        let short = directory.appendingPathComponent("short.fa")
        try Data(">r1\n\(String(repeating: "ACGTAC", count: 10))\n>r2\n\(String(repeating: "ACG", count: 19))\n".utf8).write(to: short)
        assertRefusal(try run(["--method", "deepshap", "--references", short.path]),
                      "\(short.path): reference 'r2' has 57 nt but the sequences have 60; references must have their length")
        let rna = directory.appendingPathComponent("rna.fa")
        try Data(">r1\n\(String(repeating: "ACGUAC", count: 10))\n".utf8).write(to: rna)
        assertRefusal(try run(["--method", "deepshap", "--references", rna.path]),
                      "\(rna.path): reference 'r1' has the letter 'U', outside ACGT and N; give references in the model's alphabet")
        let wrongShape = directory.appendingPathComponent("wrong.npy")
        try NPY.encode(Tensor<Float>(shape: [2, 5, 60], repeating: 0)).write(to: wrongShape)
        assertRefusal(try run(["--method", "deepshap", "--references", wrongShape.path]),
                      "references have shape [2, 5, 60] but the model reads 4 letters (ACGT) on the second-to-last axis")
        assertRefusal(try run(["--method", "saliency", "--references", rna.path]), "--references and --hypothetical apply to --method deepshap, not saliency")
        assertRefusal(try run(["--method", "deepshap", "--corrected"]),
                      "--corrected applies to gradient methods; deepshap's contributions already add up to the output's change")
    }

    /// A Gather whose indices are computed from the batch size cannot be split into examples
    /// and references: refused naming the node, nothing written.
    func testAModelDeepLIFTCannotSplitIsRefusedNamingTheNode() throws {
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("zoo/borzoi-pytorch-dynamo/meta.json"))) as! [String: Any]
        let fasta = directory.appendingPathComponent("b.fa")
        try Data(">b\n\((meta["sequences"] as! [String])[0])\n".utf8).write(to: fasta)
        let out = directory.appendingPathComponent("b.npy")
        assertRefusal(try runSeqlens(["attr", Fixtures.url("zoo/borzoi-pytorch-dynamo/model.onnx").path, fasta.path, "--method", "deepshap",
                                      "--target", "output:track=1,bins=12", "--shuffles", "2", "-o", out.path]),
                      "model.onnx: node 'node_as_strided' (Gather): its input 2 is computed from the batch size (it indexes or bounds the batch axis); DeepLIFT pairs examples with references along that axis and cannot split it here")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
