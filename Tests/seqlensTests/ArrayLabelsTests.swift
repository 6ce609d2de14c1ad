import Foundation
import Inference
import TestSupport
import XCTest

/// The .npz files attr and ism write name their records, tasks and positions, and `show` draws
/// them without the FASTA file; `logo --method ism` draws the ISM-derived map.
final class ArrayLabelsTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    let fasta = Fixtures.url("rendering/tiny-motifs-3.fa").path
    let plain = ["PATH": "/usr/bin:/bin"]
    private var directory: URL!
    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func arrays(_ path: String) throws -> [String: NPYArray] {
        Dictionary(uniqueKeysWithValues: try NPZ.read(contentsOf: URL(fileURLWithPath: path)).map { ($0.name, $0.value) })
    }

    func testNPZHoldsIdsTasksAlphabetStartsAndLengths() throws {
        for command in ["attr", "ism"] {
            let result = try runSeqlens([command, model, fasta, "--range", "60:100", "-o", path("\(command).npz")])
            XCTAssertEqual(result.status, 0, result.stderr)
            let stored = try arrays(path("\(command).npz"))
            guard case .text(let ids)? = stored["ids"], case .text(let tasks)? = stored["tasks"], case .text(let alphabet)? = stored["alphabet"],
                  case .int(let starts)? = stored["starts"], case .int(let lengths)? = stored["lengths"], case .float(let x)? = stored["X"] else {
                return XCTFail("\(command): labels missing or of the wrong type: \(stored.mapValues(\.shape))")
            }
            XCTAssertEqual(ids.scalars, ["pos_gata_1", "pos_ebox_1", "pos_both_1"])
            XCTAssertEqual(tasks.scalars, ["GATA", "Ebox"])
            XCTAssertEqual(alphabet.scalars, ["A", "C", "G", "T"])
            XCTAssertEqual(starts.scalars, [60, 60, 60])
            XCTAssertEqual(lengths.scalars, [200, 200, 200])
            XCTAssertEqual(x.shape, [3, 4, 40])
            // pos_ebox_1 has the E-box CACGTG at 89 (tiny-motifs.fa); X holds the window's bases.
            let letters = (0 ..< 40).map { column in "ACGT".map(String.init)[(0 ..< 4).first { x.scalars[(4 + $0) * 40 + column] == 1 }!] }.joined()
            XCTAssertTrue(letters.contains("CACGTG"), letters)
        }
    }

    func testShowNamesRecordsAndCountsTheirPositionsWithoutFASTA() throws {
        XCTAssertEqual(try runSeqlens(["attr", model, fasta, "--range", "60:100", "-o", path("attr.npz")]).status, 0)
        let result = try runSeqlens(["show", path("attr.npz"), "--record", "pos_ebox_1", "--width", "60", "--height", "4", "--color", "never"], environment: plain)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "record pos_ebox_1 (2 of 3) · attr.npz:attributions")
        XCTAssertEqual(lines[1], "(N, A, L) = (3, 4, 40) · positions 60–100")
        XCTAssertTrue(lines.contains("          60   65   70   75   80   85   90   95"), result.stdout)
        XCTAssertTrue(lines.contains("          GAGGCCTTCTATCGGTCTTAAAGCAATGACCACGTGTGGG"), "bases from X\n\(result.stdout)")
        // --range is in the record's positions, inside the part the array holds.
        let zoomed = try runSeqlens(["show", path("attr.npz"), "--record", "1", "--range", "85:95", "--width", "100", "--color", "never"], environment: plain)
        XCTAssertTrue(zoomed.stdout.contains("positions 85–95 of the array's 60–100"), zoomed.stdout)
        // With the FASTA file too, the window's bases come from the record at the array's start.
        let withFASTA = try runSeqlens(["show", path("attr.npz"), "--fasta", fasta, "--record", "pos_ebox_1", "--width", "60", "--height", "4", "--color", "never"], environment: plain)
        XCTAssertEqual(withFASTA.status, 0, withFASTA.stderr)
        XCTAssertTrue(withFASTA.stdout.contains("\n          GAGGCCTTCTATCGGTCTTAAAGCAATGACCACGTGTGGG\n"), withFASTA.stdout)
        assertRefusal(try runSeqlens(["show", path("attr.npz"), "--range", "10:70"]),
                      "--range 10:70 is outside positions 60 to 100 that attr.npz:attributions holds of this record (0-based, end excluded)")
        assertRefusal(try runSeqlens(["show", path("attr.npz"), "--record", "chr1"]),
                      "no record 'chr1' in attr.npz's ids; give an id or an index from 0 to 2")
    }

    func testShowDrawsOneTaskOfA4DIsmArray() throws {
        XCTAssertEqual(try runSeqlens(["ism", model, fasta, "--target", "all", "--range", "80:100", "-o", path("all.npz")]).status, 0)
        XCTAssertEqual(try runSeqlens(["ism", model, fasta, "--target", "Ebox", "--range", "80:100", "-o", path("ebox.npz")]).status, 0)
        let arguments = ["--record", "pos_ebox_1", "--width", "80", "--color", "never"]
        let byName = try runSeqlens(["show", path("all.npz"), "--target", "Ebox"] + arguments, environment: plain)
        XCTAssertEqual(byName.status, 0, byName.stderr)
        XCTAssertTrue(byName.stdout.contains("\ntask Ebox (2 of 2)\n"), byName.stdout)
        let single = try runSeqlens(["show", path("ebox.npz")] + arguments, environment: plain)
        let body = { (text: String) in text.split(separator: "\n").filter { $0.contains("┤") || $0.contains("│") } }
        XCTAssertEqual(body(byName.stdout), body(single.stdout), "task 1 of the 4-D array is the single-task array")
        XCTAssertFalse(body(single.stdout).isEmpty)
        let byIndex = try runSeqlens(["show", path("all.npz"), "--target", "1"] + arguments, environment: plain)
        XCTAssertEqual(body(byIndex.stdout), body(single.stdout))
        let first = try runSeqlens(["show", path("all.npz")] + arguments, environment: plain)
        XCTAssertTrue(first.stdout.contains("\ntask GATA (1 of 2; --target picks another)\n"), first.stdout)
        assertRefusal(try runSeqlens(["show", path("all.npz"), "--target", "CTCF"]), "target 'CTCF' is not a task of this model; tasks: 0 GATA, 1 Ebox")
        assertRefusal(try runSeqlens(["show", path("ebox.npz"), "--target", "0"]),
                      "--target 0 picks a task of a 4-D ISM array (N, A, L, T); ebox.npz:ism has shape (3, 4, 20)")
    }

    /// `--logits` ISM against onnxruntime's logit changes (Tests/Fixtures/rendering/README.md).
    func testLogitsIsmMatchesOnnxRuntime() throws {
        let result = try runSeqlens(["ism", model, fasta, "--target", "all", "--logits", "-o", path("logits.npy")])
        XCTAssertEqual(result.status, 0, result.stderr)
        guard case .float(let ism) = try NPY.read(contentsOf: URL(fileURLWithPath: path("logits.npy"))),
              case .float(let expected)? = try NPZ.read(contentsOf: Fixtures.url("rendering/tiny-motifs-attr.npz")).first(where: { $0.name == "ism" })?.value else {
            return XCTFail("arrays")
        }
        XCTAssertEqual(ism.shape, [3, 4, 200, 2])
        for (record, task) in [(0, 0), (1, 1), (2, 1)] {
            let actual = (0 ..< 800).map { ism.scalars[(record * 800 + $0) * 2 + task] }
            let reference = Array(expected.scalars[record * 800 ..< (record + 1) * 800])
            XCTAssertEqual(compare(actual, reference, absolute: 1e-3, relative: 1e-4).failures, 0, "record \(record)")
        }
        // Probabilities would have shrunk those changes to almost nothing.
        XCTAssertGreaterThan(ism.scalars.map(abs).max()!, 5)
    }

    /// logo --method ism draws the map `ism --scores centered` writes (tangermeme's ISM attribution).
    func testLogoMethodIsmIsTheCenteredIsmMap() throws {
        let logo = try runSeqlens(["logo", model, fasta, "--record", "pos_ebox_1", "--method", "ism", "--target", "Ebox", "--range", "80:100",
                                   "--width", "80", "--height", "6", "--color", "never"], environment: plain)
        XCTAssertEqual(logo.status, 0, logo.stderr)
        XCTAssertTrue(logo.stdout.hasPrefix("pos_ebox_1 · ISM-derived · task Ebox\n"), logo.stdout)
        XCTAssertEqual(try runSeqlens(["ism", model, fasta, "--target", "Ebox", "--scores", "centered", "--range", "80:100", "-o", path("c.npz")]).status, 0)
        let show = try runSeqlens(["show", path("c.npz"), "--record", "pos_ebox_1", "--width", "80", "--height", "6", "--color", "never"], environment: plain)
        XCTAssertEqual(show.status, 0, show.stderr)
        let panel = { (text: String) in text.split(separator: "\n").filter { $0.contains("┤") || $0.contains("│") || $0.contains("┼") }.map(String.init) }
        XCTAssertEqual(panel(logo.stdout).count, 6)
        XCTAssertEqual(panel(logo.stdout), panel(show.stdout))
        let ruler = { (text: String) in text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("80 ") }.map(String.init) }
        XCTAssertNotNil(ruler(logo.stdout))
        XCTAssertEqual(ruler(logo.stdout), ruler(show.stdout), "both count the record's positions")
        assertRefusal(try runSeqlens(["logo", model, fasta, "--method", "deeplift"]), "unknown method 'deeplift'; methods: saliency, grad-input, smoothgrad, ig, deepshap, ism")
    }
}
