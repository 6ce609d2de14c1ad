import Foundation
import Genomics
import Inference
import TestSupport
import XCTest

/// The demo FASTA of the real-data sample models (assets/sequences/oct4-mafk.fa, 40 test peaks):
/// its annotation file is `seqlens scan`'s own result, and the two models' saliency maps show
/// what the exponential first layer is known for (Koo & Ploenzke 2021).
final class RealDataDemoTests: XCTestCase {
    private let sequences = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences")
    private var fasta: String { sequences.appendingPathComponent("oct4-mafk.fa").path }
    private var directory: URL!
    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// oct4-mafk.tsv (memelite's fimo, written by tools/make-sample-models.py) lists exactly the
    /// hits `seqlens scan` finds for POU5F1, Pou5f1::Sox2 and MAFK at p < 1e-4, with their scores
    /// and p-values.
    func testAnnotationsAreTheHitsOfSeqlensScan() throws {
        let motifs = Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme").path
        let result = try runSeqlens(["scan", motifs, fasta, "--motif", "MA1115.2", "--motif", "MA0142.1", "--motif", "MA0496.4"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let scan = rows(result.stdout)
        XCTAssertEqual(scan.first, ["motif_id", "motif_alt_id", "sequence_name", "start", "stop", "strand", "score", "p-value", "q-value", "matched_sequence"])
        let annotations = rows(try String(contentsOf: sequences.appendingPathComponent("oct4-mafk.tsv"), encoding: .utf8))
        XCTAssertEqual(annotations.first, ["record_id", "motif", "jaspar_id", "strand", "start", "end", "score", "p_value"])
        // record, motif id, name, strand, start, end -> (score, p-value)
        func keyed(_ table: [[String]], _ columns: [Int], score: Int, p: Int) -> [String: (Double, Double)] {
            Dictionary(uniqueKeysWithValues: table.dropFirst().map { row in
                (columns.map { row[$0] }.joined(separator: " "), (Double(row[score])!, Double(row[p])!))
            })
        }
        let scanned = keyed(scan, [2, 0, 1, 5, 3, 4], score: 6, p: 7)
        let annotated = keyed(annotations, [0, 2, 1, 3, 4, 5], score: 6, p: 7)
        XCTAssertEqual(annotated.count, 59)
        XCTAssertEqual(Set(scanned.keys), Set(annotated.keys))
        for (key, (score, p)) in annotated {
            guard let (scanScore, scanP) = scanned[key] else { continue }
            XCTAssertEqual(scanScore, score, accuracy: 1e-3, key)
            XCTAssertEqual(scanP, p, accuracy: p * 0.01, key)
        }
        XCTAssertNotNil(annotated["Oct4_chr16:3058455-3058655 MA0142.1 Pou5f1::Sox2 - 78 93"])
        XCTAssertNotNil(annotated["MafK_chr4:77874430-77874630 MA0496.4 MAFK + 100 110"])
    }

    /// On the 14 Oct4 peaks with a POU5F1 / Pou5f1::Sox2 hit that both models call confidently,
    /// the exponential model puts a larger share of its grad×input map (|values|) inside the
    /// annotated sites than the ReLU twin — on every one of them, and about three times as much
    /// on average (measured 0.350 vs 0.121).
    func testExponentialModelConcentratesItsMapOnTheOct4Sites() throws {
        let records = try FASTAReader.read(contentsOf: URL(fileURLWithPath: fasta))
        let chosen = records.indices.filter { records[$0].description.contains("[Oct4 peak, POU5F1 or Pou5f1::Sox2 site, both models confident]") }
        XCTAssertEqual(chosen.count, 14)
        let sites = try IntervalFile.read(contentsOf: sequences.appendingPathComponent("oct4-mafk.tsv"))
            .filter { $0.label == "POU5F1" || $0.label == "Pou5f1::Sox2" }
        var shares: [String: [Double]] = [:]
        for name in ["oct4-mafk-relu", "oct4-mafk-exp"] {
            let out = directory.appendingPathComponent("\(name).npy").path
            let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/\(name).onnx").path
            let result = try runSeqlens(["attr", model, fasta, "--method", "grad-input", "-o", out])
            XCTAssertEqual(result.status, 0, result.stderr)
            guard case .float(let maps) = try NPY.read(contentsOf: URL(fileURLWithPath: out)) else { return XCTFail("not float32") }
            XCTAssertEqual(maps.shape, [records.count, 4, 200])
            shares[name] = chosen.map { r in
                var inside = [Bool](repeating: false, count: 200)
                for site in sites where site.record == records[r].id { for p in site.positions { inside[p] = true } }
                XCTAssertTrue(inside.contains(true), records[r].id)
                var total = 0.0, inSites = 0.0
                for p in 0..<200 {
                    let value = abs(Double((0..<4).map { maps.scalars[(r * 4 + $0) * 200 + p] }.reduce(0, +)))
                    total += value
                    if inside[p] { inSites += value }
                }
                return inSites / total
            }
        }
        let relu = shares["oct4-mafk-relu"]!, exp = shares["oct4-mafk-exp"]!
        for (k, r) in chosen.enumerated() {
            XCTAssertGreaterThan(exp[k], relu[k], records[r].id)
        }
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(values.count) }
        XCTAssertEqual(mean(relu), 0.121, accuracy: 0.005)
        XCTAssertEqual(mean(exp), 0.350, accuracy: 0.005)
    }
}
