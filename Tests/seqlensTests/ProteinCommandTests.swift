import Foundation
import Inference
import TestSupport
import XCTest

/// The headless commands on protein ONNX models (issue 16, item 1): 20 channels channels-first
/// (cf20) and 21 channels, gap first, channels-last (cl21), against the references of
/// tools/make-protein-fixtures.py; and the one-line refusals of the other kind of input.
final class ProteinCommandTests: XCTestCase {
    private var directory: URL!
    private let plain = ["PATH": "/usr/bin:/bin"]

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-protein-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func model(_ name: String) -> String { Fixtures.url("protein/\(name)/model.onnx").path }
    private func fasta(_ name: String) -> String { Fixtures.url("protein/\(name)/sequences.fa").path }
    private let dnaModel = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    private let dnaFASTA = Fixtures.url("rendering/tiny-motifs-3.fa").path

    private func array(_ path: String) throws -> Tensor<Float> {
        guard case .float(let tensor) = try NPY.read(contentsOf: URL(fileURLWithPath: path)) else { throw InferenceError("\(path) is not float") }
        return tensor
    }

    private func reference(_ name: String, _ file: String) throws -> Tensor<Float> {
        try array(Fixtures.url("protein/\(name)/\(file).npy").path)
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let scale = expected.map(abs).max() ?? 1
        let comparison = compare(actual, expected, absolute: 1e-4 * scale, relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison)", file: file, line: line)
    }

    private func run(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        let result = try runSeqlens(arguments, environment: plain)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return result
    }

    func testPredictMatchesOnnxruntimeInBothLayouts() throws {
        for name in ["cf20", "cl21"] {
            let result = try run(["predict", model(name), fasta(name)])
            let rows = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").dropFirst().map { Float($0)! } }
            assertClose(rows.flatMap { $0 }, try reference(name, "predictions").scalars, "\(name) predict")
            XCTAssertEqual(rows.map(\.count), [2, 2, 2].map { name == "cf20" ? $0 : 1 })
            // The X of record p0: the existing one-line warning, in protein words.
            XCTAssertEqual(result.stderr, name == "cf20"
                ? "seqlens: warning: 1 of 3 records contains 1 non-ACDEFGHIKLMNPQRSTVWY letter (X, B, Z, *, gaps and the like); it is encoded as an all-zero column\n"
                : "seqlens: warning: 1 of 3 records contains 1 non--ACDEFGHIKLMNPQRSTVWY letter (X, B, Z, * and the like); it is encoded as an all-zero column\n")
        }
    }

    func testAttrAndISMWriteArraysInTheAlphabetsOrder() throws {
        for (name, letters) in [("cf20", 20), ("cl21", 21)] {
            let saliency = directory.appendingPathComponent("\(name)-sal.npy").path
            _ = try run(["attr", model(name), fasta(name), "-o", saliency])
            let written = try array(saliency)
            XCTAssertEqual(written.shape, [3, letters, name == "cf20" ? 32 : 30])
            assertClose(written.scalars, try reference(name, "saliency").scalars, "\(name) saliency")
            let gradInput = directory.appendingPathComponent("\(name)-gi.npy").path
            _ = try run(["attr", model(name), fasta(name), "--method", "grad-input", "-o", gradInput])
            assertClose(try array(gradInput).scalars, try reference(name, "grad_input").scalars, "\(name) grad-input")
            let ism = directory.appendingPathComponent("\(name)-ism.npy").path
            _ = try run(["ism", model(name), fasta(name), "--target", "all", "-o", ism])
            XCTAssertEqual(try array(ism).shape, try reference(name, "ism").shape)
            assertClose(try array(ism).scalars, try reference(name, "ism").scalars, "\(name) ism")
        }
    }

    func testVariantReadsProteinSubstitutionsWithResiduesFromOne() throws {
        // p1 = HQEEVISGAYYGVNK…: A at residue 9 (0-based position 8), G the 6th letter of ACDEFGHIKLMNPQRSTVWY.
        let result = try run(["variant", model("cf20"), fasta("cf20"), "--mutations", "A9G,h1w", "--record", "p1"])
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows[0], ["record", "mutation", "task", "reference", "alternative", "delta"])
        XCTAssertEqual(rows.dropFirst().map { [$0[0], $0[1], $0[2]] }, [["p1", "A9G", "task_0"], ["p1", "A9G", "task_1"], ["p1", "H1W", "task_0"], ["p1", "H1W", "task_1"]])
        let ism = try reference("cf20", "ism")  // (N, 20, 32, 2)
        func effect(_ letter: Int, _ position: Int, _ task: Int) -> Float { ism.scalars[((1 * 20 + letter) * 32 + position) * 2 + task] }
        assertClose(rows.dropFirst().map { Float($0[5])! }, [effect(5, 8, 0), effect(5, 8, 1), effect(18, 0, 0), effect(18, 0, 1)], "variant deltas")
    }

    func testLogoAndHeatmapDrawTwentyLettersInChemistryColours() throws {
        let logo = try run(["logo", model("cf20"), fasta("cf20"), "--record", "p2", "--width", "80", "--height", "6", "--color", "never"]).stdout
        XCTAssertTrue(logo.contains("\n        M Q I T M D G Y D V D W E Y R P Q I L C Y Q V P P P C A C W T I\n"), logo)
        XCTAssertTrue(logo.contains("\n GSTYC  QN  KRH  DE  AVLIPWFM   polar, neutral, basic, acidic, hydrophobic"), logo)
        let heatmap = try run(["heatmap", model("cl21"), fasta("cl21"), "--record", "p1", "--width", "60", "--height", "4", "--color", "never"]).stdout
        let labels = heatmap.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: "│", maxSplits: 1)
            return parts.count == 2 && parts[0].hasSuffix(" ") && parts[0].trimmingCharacters(in: .whitespaces).count == 1 ? parts[0].trimmingCharacters(in: .whitespaces) : nil
        }
        XCTAssertEqual(labels.joined(), "-ACDEFGHIKLMNPQRSTVWY", heatmap)
        XCTAssertTrue(heatmap.contains("model.onnx · 600 substitutions"), "30 positions × 20 other letters: \(heatmap)")
        // SVG: the hydrophobic M in chemistry black on paper.
        let svg = try run(["logo", model("cf20"), fasta("cf20"), "--record", "p2", "--format", "svg"]).stdout
        XCTAssertTrue(svg.contains("fill=\"#000000\""))
        XCTAssertTrue(svg.contains("fill=\"#800080\""), "neutral Q in purple")
    }

    func testShowDrawsProteinArraysWithAndWithoutLabels() throws {
        let archive = directory.appendingPathComponent("sal.npz").path
        _ = try run(["attr", model("cf20"), fasta("cf20"), "-o", archive])
        let labelled = try run(["show", archive, "--record", "p2", "--width", "80", "--color", "never"]).stdout
        XCTAssertTrue(labelled.contains(" M Q I T M D G Y D V D W E Y R P Q I L C Y Q V P P P C A C W T I\n"), labelled)
        XCTAssertTrue(labelled.contains(" GSTYC  QN  KRH  DE  AVLIPWFM "), labelled)
        // A bare (N, 20, L) array, e.g. from captum: protein from the shape, letters from the map.
        let bare = Fixtures.url("protein/cf20/grad_input.npy").path
        let drawn = try run(["show", bare, "--record", "2", "--width", "80", "--scheme", "hydrophobicity", "--color", "never"]).stdout
        XCTAssertTrue(drawn.contains(" M Q I T M D G Y D V D W E Y R P Q I L C Y Q V P P P C A C W T I\n"), drawn)
        XCTAssertTrue(drawn.contains(" RKDENQ  SGHTAP  YVMCLFIW   hydrophilic, neutral, hydrophobic"), drawn)
    }

    func testTheOtherKindOfInputIsRefusedInOneLine() throws {
        assertRefusal(try runSeqlens(["predict", dnaModel, fasta("cf20")]),
                      "\(fasta("cf20")):1: record 'p0' is a protein sequence but the model reads DNA (ACGT); give DNA sequences or a protein model")
        assertRefusal(try runSeqlens(["attr", model("cf20"), dnaFASTA, "-o", directory.appendingPathComponent("a.npy").path]),
                      "\(dnaFASTA):1: record 'pos_gata_1' is DNA (only A, C, G, T and N) but the model reads protein (ACDEFGHIKLMNPQRSTVWY); translate it first or give a DNA model")
        assertRefusal(try runSeqlens(["predict", model("cf20"), "--genome", "hg38.fa", "--region", "chr1:1-32"]),
                      "--genome reads DNA regions but model.onnx reads protein (ACDEFGHIKLMNPQRSTVWY); give a FASTA file of protein sequences")
        // Strand averaging (variant --vcf, and its --no-rc) is DNA only.
        assertRefusal(try runSeqlens(["variant", model("cf20"), "--genome", "hg38.fa", "--vcf", "calls.vcf", "--no-rc"]),
                      "--vcf scores DNA variants of a genome on both strands but model.onnx reads protein (ACDEFGHIKLMNPQRSTVWY); score substitutions in a protein FASTA with --mutations (e.g. A24G)")
        assertRefusal(try runSeqlens(["variant", model("cf20"), fasta("cf20"), "--mutations", "A8", "--record", "p1"]),
                      "mutation 'A8' is not REF RESIDUE ALT with residues numbered from 1 (e.g. A24G: the A at residue 24 to G)")
        assertRefusal(try runSeqlens(["variant", model("cf20"), fasta("cf20"), "--mutations", "A8G", "--record", "p1"]),
                      "mutation A8G: record 'p1' has G at residue 8, not A; A is at residue 9: residues are numbered from 1")
        assertRefusal(try runSeqlens(["logo", model("cf20"), fasta("cf20"), "--scheme", "classic"]),
                      "--scheme classic colours A, C, G and T; protein figures take chemistry (the default), hydrophobicity or colorblind")
        assertRefusal(try runSeqlens(["logo", dnaModel, dnaFASTA, "--scheme", "chemistry"]),
                      "--scheme chemistry colours amino acids; DNA figures take classic or colorblind")
        assertRefusal(try runSeqlens(["scan", Fixtures.url("rendering/jaspar-excerpt.meme").path, fasta("cf20")]),
                      "\(fasta("cf20")):1: record 'p0' is a protein sequence; scan finds DNA motif sites on both strands")
        assertRefusal(try runSeqlens(["gia", model("cf20"), "--pattern", "GATA", "-o", directory.appendingPathComponent("g.tsv").path]),
                      "gia plants DNA patterns in dinucleotide-shuffled backgrounds but model.onnx reads protein (ACDEFGHIKLMNPQRSTVWY); use ism or variant --mutations")
    }
}
