import Foundation
import TestSupport
import XCTest

final class MotifCommandTests: XCTestCase {
    let meme = Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme").path
    let jaspar = Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.jaspar").path
    let excerpt = Fixtures.url("rendering/jaspar-excerpt.meme").path
    let plain = ["PATH": "/usr/bin:/bin"]

    private func motif(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        try runSeqlens(["motif"] + arguments, environment: environment ?? plain)
    }

    private func assertRefused(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        assertRefusal(try motif(arguments), message, file: file, line: line)
    }

    func testSnapshots() throws {
        let sp1 = try motif([excerpt, "--name", "SP1", "--width", "80", "--color", "never"])
        XCTAssertEqual(sp1.status, 0, sp1.stderr)
        try assertSnapshot(sp1.stdout, "motif-SP1-80.txt")
        let ctcf = try motif([meme, "--name", "MA0139.2", "--width", "200", "--height", "12", "--color", "never"])
        try assertSnapshot(ctcf.stdout, "motif-CTCF-200.txt")
        let gata = try motif([jaspar, "--name", "GATA1", "--width", "80", "--color", "always"], environment: ["TERM": "xterm-256color"])
        try assertSnapshot(gata.stdout, "motif-GATA1-80-256.txt")
        XCTAssertFalse(sp1.stdout.utf8.contains(0x1B))
        XCTAssertTrue(gata.stdout.contains("\u{1B}["))
    }

    func testListIsATable() throws {
        let list = try motif([meme, "--list"])
        let lines = list.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1020)
        XCTAssertEqual(lines[0], "id\tname\twidth\tbits\tconsensus")
        XCTAssertTrue(lines.contains("MA0079.5\tSP1\t9\t14.3\tGGGGCGGGG"))
    }

    func testKindsAndStrands() throws {
        let forward = try motif([excerpt, "--name", "GATA1", "--width", "80", "--color", "never"])
        let reverse = try motif([excerpt, "--name", "GATA1", "--reverse-complement", "--width", "80", "--color", "never"])
        XCTAssertTrue(reverse.stdout.hasPrefix("MA0035.5 GATA1 (reverse complement)\n"))
        XCTAssertTrue(forward.stdout.contains("C  T  A  A  T  C  T"))
        XCTAssertTrue(reverse.stdout.contains("A  G  A  T  T  A  G"))
        let probability = try motif([excerpt, "--name", "GATA1", "--kind", "probability", "--width", "80", "--color", "never"])
        XCTAssertTrue(probability.stdout.contains("probability per row"))
        let weight = try motif([excerpt, "--name", "GATA1", "--kind", "weight", "--width", "80", "--color", "never"])
        XCTAssertTrue(weight.stdout.contains("log2 odds per row"))
        XCTAssertTrue(weight.stdout.contains("┼"), "weights have a baseline with letters below it")
    }

    func testSVG() throws {
        let result = try motif([excerpt, "--name", "SP1", "--format", "svg"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // 9 positions × 4 letters, every probability non-zero.
        XCTAssertEqual(svgElementCounts(result.stdout)["path"], 36)
    }

    func testBadInputIsOneLine() throws {
        try assertRefused([meme, "--name", "CTCF"], "\(meme): 3 motifs are named 'CTCF' (MA0139.2, MA1929.2, MA1930.2); pass one of the ids")
        try assertRefused([excerpt, "--name", "GATA"], "\(excerpt): no motif with id or name 'GATA' (similar: MA0035.5 GATA1); list them with 'seqlens motif FILE --list'")
        try assertRefused([excerpt], "\(excerpt) holds 2 motifs; pick one with --name (--list shows them)")
        try assertRefused([Fixtures.url("rendering/tiny-motifs-3.fa").path], "\(Fixtures.url("rendering/tiny-motifs-3.fa").path):2: a line of letters where counts belong; this looks like FASTA, not a JASPAR motif file")
        let help = try motif(["--help"])
        XCTAssertTrue(help.stdout.contains("seqlens motif assets/motifs/JASPAR2026_CORE_vertebrates.meme --name SP1"))
    }
}
