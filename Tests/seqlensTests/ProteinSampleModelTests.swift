import Foundation
import Inference
import Interpretation
import TestSupport
import XCTest

/// The protein sample models through the real binary: ww-vae's predictions and ISM against
/// onnxruntime and PyTorch, gb1-additive's ISM against mavenn's own single-mutant effects,
/// and seqlens' scores against measured GB1 mutation effects (Spearman ρ as scipy computes it).
/// Fixtures: tools/train-protein-vae.py, tools/make-protein-vae-fixtures.py, tools/make-gb1-additive.py.
final class ProteinSampleModelTests: XCTestCase {
    private let root = Fixtures.repositoryRoot
    private var directory: URL!
    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    private func repository(_ name: String) -> String { root.appendingPathComponent(name).path }

    private func floats(_ url: URL) throws -> Tensor<Float> {
        guard case .float(let tensor) = try NPY.read(contentsOf: url) else { throw InferenceError("\(url.path): not float32") }
        return tensor
    }

    private func run(_ arguments: [String]) throws {
        let result = try runSeqlens(arguments)
        XCTAssertEqual(result.status, 0, "seqlens \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    private func fixtureMeta(_ name: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url(name))) as? [String: Any])
    }

    /// Rows of a tab-separated fixture with a header line.
    private func table(_ name: String) throws -> [[Substring]] {
        try String(contentsOf: Fixtures.url(name), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: "\t") }
    }

    func testVAEPredictMatchesOnnxruntime() throws {
        try run(["predict", repository("sample-models/ww-vae.onnx"), repository("assets/sequences/ww.fa"), "-o", path("elbo.npy")])
        let actual = try floats(URL(fileURLWithPath: path("elbo.npy")))
        let expected = try floats(Fixtures.url("sample-models/ww-vae/expected.npy"))
        XCTAssertEqual(actual.shape, [4, 1])
        let comparison = compare(actual.scalars, expected.scalars, absolute: 1e-4, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
    }

    /// ISM = ELBO(mutant) − ELBO(wild type) for all 21 × 31 substitutions, gap included.
    func testVAEIsmEqualsPyTorchELBODifferences() throws {
        let first = try String(contentsOfFile: repository("assets/sequences/ww.fa"), encoding: .utf8).split(separator: "\n").prefix(2)
        try (first.joined(separator: "\n") + "\n").write(toFile: path("focus.fa"), atomically: true, encoding: .utf8)
        try run(["ism", repository("sample-models/ww-vae.onnx"), path("focus.fa"), "-o", path("ism.npy")])
        let actual = try floats(URL(fileURLWithPath: path("ism.npy")))
        let expected = try floats(Fixtures.url("ww-vae/ism.npy"))
        XCTAssertEqual(actual.shape, [1, 21, 31])
        XCTAssertEqual(expected.shape, [1, 21, 31])
        let comparison = compare(actual.scalars, expected.scalars, absolute: 1e-4, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
        XCTAssertGreaterThan(expected.scalars.map(abs).max() ?? 0, 1, "effects large enough to mean something")
    }

    /// The exact oracle: the additive model's ISM is mavenn's θ_lc − θ_l,wt for 55 × 19 mutants.
    func testGB1IsmEqualsMavennSingleMutantEffects() throws {
        try run(["ism", repository("sample-models/gb1-additive.onnx"), repository("assets/sequences/gb1.fa"), "--target", "phi", "-o", path("ism.npy")])
        let actual = try floats(URL(fileURLWithPath: path("ism.npy")))
        let expected = try floats(Fixtures.url("gb1/theta.npy"))
        XCTAssertEqual(actual.shape, [2, 20, 55])
        XCTAssertEqual(expected.shape, [20, 55])
        let comparison = compare(Array(actual.scalars[0 ..< 20 * 55]), expected.scalars, absolute: 1e-4, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(comparison)")
        XCTAssertEqual(expected.scalars.filter { $0 != 0 }.count, 55 * 19)
    }

    /// Single mutants: ISM of φ on Nisthal's wild type against Nisthal et al. 2019's ΔΔG.
    func testGB1SinglesSpearmanAgainstMeasuredStability() throws {
        try run(["ism", repository("sample-models/gb1-additive.onnx"), repository("assets/sequences/gb1.fa"), "--target", "phi", "-o", path("ism.npy")])
        let ism = try floats(URL(fileURLWithPath: path("ism.npy")))
        let letters = Array("ACDEFGHIKLMNPQRSTVWY")
        let nisthal = 20 * 55   // the second record
        var scores: [Double] = [], measured: [Double] = []
        for row in try table("gb1/nisthal-singles.tsv") {
            let position = try XCTUnwrap(Int(row[1])), letter = try XCTUnwrap(letters.firstIndex(of: Character(String(row[2]))))
            scores.append(Double(ism.scalars[nisthal + letter * 55 + position]))
            measured.append(try XCTUnwrap(Double(row[3])))
        }
        let meta = try XCTUnwrap(try fixtureMeta("gb1/meta.json")["nisthal_singles"] as? [String: Any])
        XCTAssertEqual(scores.count, meta["variants"] as? Int)
        let rho = try XCTUnwrap(MapSimilarity.spearman(scores, measured))
        XCTAssertEqual(rho, try XCTUnwrap(meta["scipy_spearman"] as? Double), accuracy: 1e-6)
    }

    /// Double mutants of Olson et al. 2014's held-out test split: `predict` φ against log2 enrichment.
    func testGB1DoublesSpearmanAgainstMeasuredBinding() throws {
        let rows = try table("gb1/olson-doubles.tsv")
        let fasta = rows.enumerated().map { ">double_\($0.offset)\n\($0.element[0])\n" }.joined()
        try fasta.write(toFile: path("doubles.fa"), atomically: true, encoding: .utf8)
        try run(["predict", repository("sample-models/gb1-additive.onnx"), path("doubles.fa"), "-o", path("doubles.npy")])
        let predictions = try floats(URL(fileURLWithPath: path("doubles.npy")))
        XCTAssertEqual(predictions.shape, [rows.count, 2])
        let phi = (0 ..< rows.count).map { Double(predictions.scalars[2 * $0]) }
        let measured = try rows.map { try XCTUnwrap(Double($0[1])) }
        let meta = try XCTUnwrap(try fixtureMeta("gb1/meta.json")["olson_doubles"] as? [String: Any])
        XCTAssertEqual(rows.count, meta["variants"] as? Int)
        let rho = try XCTUnwrap(MapSimilarity.spearman(phi, measured))
        XCTAssertEqual(rho, try XCTUnwrap(meta["scipy_spearman"] as? Double), accuracy: 1e-6)
    }
}
