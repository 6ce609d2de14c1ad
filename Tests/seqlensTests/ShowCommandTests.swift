import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import XCTest

/// Asserts the text parses as XML and returns how many elements of each name it has.
func svgElementCounts(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Int] {
    final class Counter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            counts[name, default: 0] += 1
        }
    }
    let parser = XMLParser(data: Data(svg.utf8))
    let counter = Counter()
    parser.delegate = counter
    XCTAssertTrue(parser.parse(), "SVG is not well-formed", file: file, line: line)
    return counter.counts
}

final class ShowCommandTests: XCTestCase {
    let attributions = Fixtures.url("rendering/tiny-motifs-attr.npy").path
    let archive = Fixtures.url("rendering/tiny-motifs-attr.npz").path
    let fasta = Fixtures.url("rendering/tiny-motifs-3.fa").path
    let plain = ["PATH": "/usr/bin:/bin"]
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("seqlens-show-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func show(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        try runSeqlens(["show"] + arguments, environment: environment ?? plain)
    }

    private func assertRefused(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        assertRefusal(try show(arguments), message, file: file, line: line)
    }

    /// A float32 .npy file of `shape`, written here so tests need no numpy.
    private func npy(_ name: String, shape: [Int], values: [Float]) throws -> String {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : "")), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8))
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func testSnapshotsWithoutColour() throws {
        let gata = try show([attributions, "--fasta", fasta, "--record", "pos_gata_1", "--width", "80", "--color", "never"])
        XCTAssertEqual(gata.status, 0, gata.stderr)
        XCTAssertEqual(gata.stderr, "")
        try assertSnapshot(gata.stdout, "show-pos_gata_1-80.txt")
        let wide = try show([attributions, "--fasta", fasta, "--record", "2", "--width", "200", "--heatmap", "--color", "never"])
        try assertSnapshot(wide.stdout, "show-pos_both_1-200-heatmap.txt")
        let zoomedIn = try show([attributions, "--fasta", fasta, "--record", "1", "--range", "79:110", "--width", "80", "--height", "6", "--color", "never"])
        try assertSnapshot(zoomedIn.stdout, "show-pos_ebox_1-80-range.txt")
        for result in [gata, wide, zoomedIn] {
            XCTAssertFalse(result.stdout.utf8.contains(0x1B), "--color never writes no escape byte")
        }
        for line in wide.stdout.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 200) }
    }

    func testSnapshotsWithColour() throws {
        let arguments = [attributions, "--fasta", fasta, "--record", "pos_gata_1", "--width", "80", "--color", "always"]
        let palette = try show(arguments, environment: ["TERM": "xterm-256color"])
        try assertSnapshot(palette.stdout, "show-pos_gata_1-80-256.txt")
        XCTAssertTrue(palette.stdout.contains("\u{1B}[38;5;"))
        let truecolor = try show(arguments, environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"])
        try assertSnapshot(truecolor.stdout, "show-pos_gata_1-80-truecolor.txt")
        XCTAssertTrue(truecolor.stdout.contains("\u{1B}[1;38;2;255;255;255;48;2;0;128;0mAA"), "white A on classic green")
        let sixteen = try show(arguments, environment: ["TERM": "xterm"])
        XCTAssertFalse(sixteen.stdout.contains("38;5;"))
        XCTAssertFalse(sixteen.stdout.contains("38;2;"))
        // Same cells whatever the depth.
        let stripped = { (text: String) in text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) }
        let never = try show([attributions, "--fasta", fasta, "--record", "pos_gata_1", "--width", "80", "--color", "never"])
        XCTAssertEqual(stripped(palette.stdout).split(separator: "\n").count, never.stdout.split(separator: "\n").count)
        XCTAssertEqual(stripped(truecolor.stdout).split(separator: "\n").first, never.stdout.split(separator: "\n").first)
    }

    func testAutoColourIsOffInPipesAndWithNoColor() throws {
        let piped = try show([attributions, "--width", "80"], environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"])
        XCTAssertFalse(piped.stdout.utf8.contains(0x1B))
        let noColor = try show([attributions, "--width", "80", "--color", "auto"], environment: ["TERM": "xterm-256color", "NO_COLOR": "1"])
        XCTAssertFalse(noColor.stdout.utf8.contains(0x1B))
    }

    func testChannelsLastNPZDrawsTheSameLogo() throws {
        let npy = try show([attributions, "--fasta", fasta, "--record", "1", "--width", "100", "--color", "never"])
        let npz = try show([archive, "--key", "attr", "--fasta", fasta, "--record", "1", "--width", "100", "--color", "never"])
        XCTAssertEqual(npz.status, 0, npz.stderr)
        let body = { (text: String) in Array(text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2)) }
        XCTAssertEqual(body(npz.stdout), body(npy.stdout))
        XCTAssertTrue(npz.stdout.contains("(N, L, A) = (3, 200, 4)"))
        XCTAssertTrue(npz.stdout.hasPrefix("record pos_ebox_1 (2 of 3) · tiny-motifs-attr.npz:attr"))
    }

    func testHypotheticalContributionsAreProjectedUnlessAsked() throws {
        // Hypothetical contributions: every letter made up from the ISM deltas and the attributions.
        let hypothetical = try npy("hypothetical.npy", shape: [1, 4, 3], values: [0.5, -0.1, 0, 0.2, 0.3, 0, 0, 0, 0.7, -0.2, 0.1, 0.4])
        let short = directory.appendingPathComponent("three.fa")
        try Data(">s\nACG\n".utf8).write(to: short)
        let projected = try show([hypothetical, "--fasta", short.path, "--width", "80", "--color", "never"])
        XCTAssertEqual(projected.status, 0, projected.stderr)
        XCTAssertTrue(projected.stdout.contains("hypothetical contributions × sequence (--hypothetical draws every letter)\n"), projected.stdout)
        let ism = try show([archive, "--key", "ism", "--fasta", fasta, "--width", "80", "--color", "never"])
        XCTAssertTrue(ism.stdout.contains("0 at every observed base, as in-silico mutagenesis is: every letter drawn, with\na heatmap\n"), ism.stdout)
        XCTAssertTrue(ism.stdout.contains("    A │"), "the heatmap panel")
        let all = try show([archive, "--key", "ism", "--fasta", fasta, "--hypothetical", "--width", "80", "--color", "never"])
        XCTAssertTrue(all.stdout.contains("hypothetical contributions of every letter\n"))
        let bare = try show([archive, "--key", "ism", "--width", "80", "--color", "never"])
        XCTAssertTrue(bare.stdout.contains("hypothetical contributions of every letter; --fasta projects them onto the\nsequence\n"), "notes wrap at the width")
        let guessed = try show([attributions, "--width", "80", "--color", "never"])
        XCTAssertTrue(guessed.stdout.contains("bases: the letter with a non-zero value at each position"))
        XCTAssertTrue(guessed.stdout.hasPrefix("map 0 (1 of 3) · tiny-motifs-attr.npy\n"))
    }

    func testWarnsAboutNonACGTLettersOnlyInTheRecordDrawn() throws {
        let maps = try npy("two.npy", shape: [2, 4, 3], values: [Float](repeating: 0.5, count: 24))
        let fasta = directory.appendingPathComponent("one-ambiguous.fa")
        try Data(">clean\nACG\n>masked\nNNG\n".utf8).write(to: fasta)
        for picked in [["--record", "clean"], ["--record", "0"], []] {
            let result = try show([maps, "--fasta", fasta.path, "--width", "60", "--color", "never"] + picked)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stderr, "", "the N's of the record not drawn are not mentioned (\(picked))")
        }
        let masked = try show([maps, "--fasta", fasta.path, "--record", "masked", "--width", "60", "--color", "never"])
        XCTAssertEqual(masked.status, 0, masked.stderr)
        XCTAssertEqual(masked.stderr, "seqlens: warning: 1 of 1 record contains 2 non-ACGT letters (N or IUPAC); they are encoded as all-zero columns\n")
        XCTAssertTrue(masked.stdout.hasPrefix("record masked (2 of 2) · two.npy\n"), masked.stdout)
    }

    func testAmbiguousShapeIsExplained() throws {
        let path = try npy("square.npy", shape: [4, 4], values: (0 ..< 16).map { Float($0) })
        let result = try show([path, "--width", "60", "--color", "never"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.replacingOccurrences(of: "\n", with: " ").contains("shape (4, 4) is ambiguous; took axis 1 as the letters (N, A, L) as tangermeme saves them; pass --layout channels-last for (N, L, A)"), result.stdout)
        let forced = try show([path, "--layout", "channels-last", "--width", "60", "--color", "never"])
        XCTAssertTrue(forced.stdout.contains("(N, L, A) = (1, 4, 4)"))
    }

    func testSVGOutput() throws {
        let url = directory.appendingPathComponent("logo.svg")
        let result = try show([attributions, "--fasta", fasta, "--range", "49:70", "--output", url.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        let counts = svgElementCounts(try String(contentsOf: url, encoding: .utf8))
        XCTAssertEqual(counts["path"], 21, "one letter per position of 50–70 (projected attributions)")
        let stdout = try show([attributions, "--range", "0:10", "--format", "svg"])
        XCTAssertTrue(stdout.stdout.hasPrefix("<?xml"))
        XCTAssertEqual(svgElementCounts(stdout.stdout)["svg"], 1)
    }

    func testBackgroundAndSchemeSetTheHeatmapColours() throws {
        let arguments = [attributions, "--record", "2", "--heatmap", "--width", "100", "--color", "always"]
        let truecolor = ["TERM": "xterm-256color", "COLORTERM": "truecolor"]
        // The colour of the largest |value| (t = ±1), as a truecolor background escape, per theme.
        func strongest(_ arguments: [String]) throws -> Set<String> {
            let result = try show(arguments, environment: truecolor)
            XCTAssertEqual(result.status, 0, result.stderr)
            return Set(["255;154;115", "124;196;242", "103;0;31", "5;48;97", "138;56;0", "0;63;102"].filter { result.stdout.contains("48;2;\($0)m") })
        }
        XCTAssertEqual(try strongest(arguments).isSubset(of: ["255;154;115", "124;196;242"]), true, "dark by default: light red or blue")
        XCTAssertFalse(try strongest(arguments).isEmpty)
        XCTAssertEqual(try strongest(arguments + ["--background", "light"]).isSubset(of: ["103;0;31", "5;48;97"]), true, "deep red or blue on light")
        XCTAssertFalse(try strongest(arguments + ["--background", "light"]).isEmpty)
        XCTAssertEqual(try strongest(arguments + ["--background", "light", "--scheme", "colorblind"]).isSubset(of: ["138;56;0", "0;63;102"]), true)
        XCTAssertFalse(try strongest(arguments + ["--background", "light", "--scheme", "colorblind"]).isEmpty)
        let svg = try show([attributions, "--record", "2", "--heatmap", "--format", "svg", "--background", "dark"])
        XCTAssertTrue(svg.stdout.contains("fill=\"#1C1C1C\"/>"), "a dark page when asked")
    }

    func testBadInputIsOneLine() throws {
        try assertRefused([archive], "tiny-motifs-attr.npz holds 2 arrays (attr (3, 200, 4), ism (3, 4, 200)); pick one with --key")
        try assertRefused([archive, "--key", "shap"], "tiny-motifs-attr.npz has no array 'shap'; it holds attr (3, 200, 4), ism (3, 4, 200)")
        try assertRefused([attributions, "--record", "9"], "--record 9 is out of range; tiny-motifs-attr.npy holds maps 0 to 2")
        try assertRefused([attributions, "--record", "chr1"], "--record 'chr1' is not a number; without --fasta, maps are picked by index (0 to 2)")
        try assertRefused([attributions, "--fasta", fasta, "--record", "chr1"], "no record 'chr1' in tiny-motifs-attr.npy's FASTA file; give an id or an index from 0 to 2")
        try assertRefused([attributions, "--range", "150:300"], "--range 150:300 is outside positions 0 to 200 (0-based, end excluded)")
        let two = directory.appendingPathComponent("two.fa")
        try Data(">a\nACGT\n>b\nACGT\n".utf8).write(to: two)
        try assertRefused([attributions, "--fasta", two.path], "tiny-motifs-attr.npy holds 3 maps but \(two.path) has 2 records; give the FASTA file the array was computed from")
        let short = directory.appendingPathComponent("short.fa")
        try Data(">a\nACGT\n>b\nACGT\n>c\nACGT\n".utf8).write(to: short)
        try assertRefused([attributions, "--fasta", short.path], "record 'a' has 4 bases but the maps have 200 positions; give the FASTA file the array was computed from")
        let pt = directory.appendingPathComponent("attr.pt")
        try Data([1, 2, 3]).write(to: pt)
        try assertRefused([pt.path], "attr.pt: give a .npy or .npz file (numpy.save, numpy.savez); a torch tensor t saves with numpy.save(path, t.numpy())")
        try assertRefused([try npy("bad.npy", shape: [2, 5, 7], values: [Float](repeating: 0, count: 70))], "bad.npy: shape (2, 5, 7) has no axis of 4 letters; expected (N, 4, L) or (N, L, 4)")
        try assertRefused([directory.appendingPathComponent("missing.npy").path], "\(directory.path)/missing.npy: no such file; check the path")
    }

    func testHelpTeaches() throws {
        let help = try show(["--help"])
        XCTAssertTrue(help.stdout.contains("  seqlens show attr.npy --fasta peaks.fa --record chr1:1000-1200 --range 80:140\n"))
        XCTAssertTrue(help.stdout.contains("--color <auto|always|never>"))
        XCTAssertTrue(help.stdout.contains("Positions are 0-based and the end is exclusive"))
    }
}
