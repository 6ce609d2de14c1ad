import Foundation
import Inference
import TestSupport
import XCTest

/// One `--range START:END` for attr, ism, logo, heatmap and show: same syntax, same errors.
final class RangeOptionTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    let fasta = Fixtures.url("rendering/tiny-motifs-3.fa").path
    private var directory: URL!
    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func floats(_ path: String) throws -> Tensor<Float> {
        guard case .float(let t) = try NPY.read(contentsOf: URL(fileURLWithPath: path)) else { throw InferenceError("not float") }
        return t
    }

    func testAttrKeepsTheRangeColumnsOfTheFullMap() throws {
        XCTAssertEqual(try runSeqlens(["attr", model, fasta, "-o", path("full.npy")]).status, 0)
        let windowed = try runSeqlens(["attr", model, fasta, "--range", "40:50", "-o", path("window.npy")])
        XCTAssertEqual(windowed.status, 0, windowed.stderr)
        let full = try floats(path("full.npy")), window = try floats(path("window.npy"))
        XCTAssertEqual(window.shape, [3, 4, 10])
        for record in 0 ..< 3 {
            for letter in 0 ..< 4 {
                let row = (record * 4 + letter) * 200
                XCTAssertEqual(Array(window.scalars[(record * 4 + letter) * 10 ..< (record * 4 + letter + 1) * 10]), Array(full.scalars[row + 40 ..< row + 50]))
            }
        }
        // Open ends: 195: is the last five positions, and the TSV counts the record's positions.
        XCTAssertEqual(try runSeqlens(["attr", model, fasta, "--range", "195:", "-o", path("tail.tsv")]).status, 0)
        let rows = try String(contentsOfFile: path("tail.tsv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: "\t") }
        XCTAssertEqual(rows.count, 3 * 5 * 4)
        XCTAssertEqual(Set(rows.map { Int($0[1])! }), Set(195 ..< 200))
    }

    func testIsmMutatesOnlyTheRange() throws {
        let result = try runSeqlens(["ism", model, fasta, "--range", ":3", "-o", path("head.npy")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try floats(path("head.npy")).shape, [3, 4, 3])
    }

    func testFiguresStartTheirRulerAtTheRange() throws {
        for command in ["logo", "heatmap"] {
            let result = try runSeqlens([command, model, fasta, "--range", "140:", "--width", "80", "--color", "never"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let ruler = result.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("140 ") }
            XCTAssertNotNil(ruler, "\(command): ruler from 140\n\(result.stdout)")
            XCTAssertTrue(ruler?.contains("190") == true, "\(command): open end reaches the last positions")
        }
    }

    func testSameErrorsEverywhere() throws {
        let commands: [[String]] = [
            ["attr", model, fasta, "-o", path("a.npy")], ["ism", model, fasta, "-o", path("i.npy")],
            ["logo", model, fasta], ["heatmap", model, fasta], ["show", Fixtures.url("rendering/tiny-motifs-attr.npy").path],
        ]
        for command in commands {
            for (range, message) in [
                ("5:2", "--range 5:2 is empty: START must be less than END (0-based, end excluded: 40:50 is ten bases)"),
                ("7:7", "--range 7:7 is empty: START must be less than END (0-based, end excluded: 40:50 is ten bases)"),
                ("a:9", "--range 'a:9' is not START:END with whole numbers (0-based, end excluded: 40:50 is ten bases; :50 and 40: leave an end open)"),
                ("40-50", "--range '40-50' is not START:END with whole numbers (0-based, end excluded: 40:50 is ten bases; :50 and 40: leave an end open)"),
                ("150:300", "--range 150:300 is outside positions 0 to 200 (0-based, end excluded)"),
            ] {
                assertRefusal(try runSeqlens(command + ["--range", range]), message)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("a.npy")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("i.npy")))
    }

    func testHelpShowsOneSyntax() throws {
        for command in ["attr", "ism", "logo", "heatmap", "show"] {
            let help = try runSeqlens([command, "--help"]).stdout
            XCTAssertTrue(help.contains("--range <start:end>"), command)
            XCTAssertFalse(help.contains("--start"), command)
        }
    }
}
