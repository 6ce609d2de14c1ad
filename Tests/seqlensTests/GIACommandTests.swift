import Foundation
import TestSupport
import XCTest

final class GIACommandTests: XCTestCase {
    let tiny = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    let tinyFASTA = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
    let meme = Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme").path
    let plain = ["PATH": "/usr/bin:/bin"]

    private func gia(_ arguments: [String]) throws -> CommandResult {
        try runSeqlens(["gia", tiny] + arguments, environment: plain)
    }

    /// The TSV's rows as dictionaries keyed by the header.
    private func rows(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    private func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("gia-\(UUID().uuidString)-\(name)")
    }

    func testMarginalEffectOfTheGATAMotif() throws {
        let output = temporary("marginal.tsv")
        let result = try gia(["--pattern", "AGATAA", "--n", "40", "--seed", "3", "-o", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let table = try rows(output)
        XCTAssertEqual(table.map { $0["task"]! }, ["GATA", "Ebox"])
        XCTAssertEqual(table.map { $0["start"]! }, ["97", "97"])
        XCTAssertEqual(table.map { $0["n"]! }, ["40", "40"])
        let gata = table[0], ebox = table[1]
        XCTAssertGreaterThan(Float(gata["gi"]!)!, 0.5)
        XCTAssertLessThan(Float(gata["lower"]!)!, Float(gata["gi"]!)!)
        XCTAssertGreaterThan(Float(gata["upper"]!)!, Float(gata["gi"]!)!)
        XCTAssertLessThan(abs(Float(ebox["gi"]!)!), 0.05)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines[0], "global importance (mean f(with) − f(without), 95 % interval) over 40 backgrounds")
        XCTAssertEqual(lines[1], "AGATAA at start 97, every task:")
        XCTAssertTrue(lines[2].hasPrefix("GATA "), String(lines[2]))
        XCTAssertTrue(lines[2].contains(Float(gata["gi"]!)!.formatted3), String(lines[2]))
        // The same seed, the same numbers.
        let again = temporary("again.tsv")
        XCTAssertEqual(try gia(["--pattern", "AGATAA", "--n", "40", "--seed", "3", "-o", again.path]).status, 0)
        XCTAssertEqual(try String(contentsOf: again, encoding: .utf8), try String(contentsOf: output, encoding: .utf8))
    }

    func testPositionScanFindsTheMotifEverywhereInsideTheWindow() throws {
        let output = temporary("positions.tsv")
        let result = try gia(["--pattern", "CACGTG", "--analysis", "positions", "--step", "10", "--n", "20", "--target", "Ebox", "-o", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let table = try rows(output)
        XCTAssertEqual(table.filter { $0["task"] == "Ebox" }.map { $0["start"]! }, stride(from: 0, through: 194, by: 10).map(String.init))
        XCTAssertTrue(table.filter { $0["task"] == "Ebox" }.allSatisfy { Float($0["gi"]!)! > 0.5 })
        XCTAssertTrue(result.stdout.contains("Ebox, CACGTG by start (0 to 190, 1 start per column):"), result.stdout)
    }

    func testAblationOfTheMatchesInRealRecords() throws {
        let output = temporary("ablate.tsv")
        let result = try gia(["--pattern", "AGATAA", "--analysis", "ablate", "--fasta", tinyFASTA, "--target", "GATA", "-o", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let gata = try rows(output).filter { $0["task"] == "GATA" }
        // AGATAA in pos_gata_1 at 57 (+), pos_gata_2 at 140 (-), pos_both_1 at 40 (0-based; the FASTA
        // headers count from 1); neg_1 has none.
        XCTAssertEqual(gata.map { "\($0["id"]!):\($0["start"]!)-\($0["end"]!)\($0["strand"]!)" }, ["pos_gata_1:57-63+", "pos_gata_2:140-146-", "pos_both_1:40-46+"])
        XCTAssertTrue(gata.allSatisfy { Float($0["gi"]!)! < -0.5 && $0["n"] == "20" && Float($0["reference"]!)! > 0.9 })
        XCTAssertTrue(result.stdout.contains("pos_gata_1:57-63+"), result.stdout)
    }

    func testAblationOfAnnotatedSites() throws {
        let output = temporary("annotated.tsv")
        let fasta = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.fa").path
        let annotations = Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/multitask.tsv").path
        let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-exp.onnx").path
        let result = try runSeqlens(["gia", model, "--analysis", "ablate", "--fasta", fasta, "--annotations", annotations, "--pattern", "cebpb",
                                     "--n", "10", "--target", "CEBPB", "-o", output.path], environment: plain)
        XCTAssertEqual(result.status, 0, result.stderr)
        let cebpb = try rows(output).filter { $0["task"] == "CEBPB" }
        XCTAssertTrue(cebpb.contains { $0["id"] == "mt_test_04056" && $0["start"] == "40" && $0["end"] == "50" && $0["strand"] == "+" })
        XCTAssertEqual(Set(cebpb.map { $0["id"]! }).count, cebpb.count, "one CEBPB site per record")
        // Scrambling the planted site takes the CEBPB call away wherever the model made it.
        XCTAssertTrue(cebpb.filter { Float($0["reference"]!)! > 0.9 }.allSatisfy { Float($0["gi"]!)! < -0.5 })
        XCTAssertTrue(result.stdout.contains("CEBPB, each site of cebpb scrambled"), result.stdout)
        let none = try runSeqlens(["gia", model, "--analysis", "ablate", "--fasta", fasta, "--annotations", annotations, "--pattern", "NOSUCH"], environment: plain)
        XCTAssertEqual(none.status, 2)
        XCTAssertEqual(none.stderr.split(separator: "\n").last.map(String.init),
                       "seqlens: error: no interval of \(annotations) labelled 'NOSUCH' lies in a record of \(fasta) the model sees")
    }

    func testSpacingAndCopiesAndMotifsFromAFile() throws {
        let output = temporary("spacing.tsv")
        let spacing = try gia(["--pattern", "AGATAA", "--pattern", "CACGTG", "--analysis", "spacing", "--spacings", "0:3", "--n", "10", "-o", output.path])
        XCTAssertEqual(spacing.status, 0, spacing.stderr)
        let table = try rows(output).filter { $0["task"] == "GATA" }
        XCTAssertEqual(table.map { "\($0["spacing"]!) \($0["start1"]!) \($0["start2"]!) \($0["placed"]!)" },
                       ["0 94 100 both", "0 94 100 AGATAA", "0 94 100 CACGTG", "0 94 100 interaction",
                        "1 94 101 both", "1 94 101 AGATAA", "1 94 101 CACGTG", "1 94 101 interaction",
                        "2 93 101 both", "2 93 101 AGATAA", "2 93 101 CACGTG", "2 93 101 interaction"])
        let copies = try gia(["--pattern", "AGATAA", "--analysis", "copies", "--copies", "3", "--spacing", "4", "--n", "10", "-o", output.path])
        XCTAssertEqual(copies.status, 0, copies.stderr)
        XCTAssertEqual(try rows(output).filter { $0["task"] == "GATA" }.map { $0["starts"]! }, ["97", "92,102", "87,97,107"])  // 200/2 − extent/2
        let motif = try gia(["--motifs", meme, "--pattern", "MAX", "--n", "10", "-o", output.path])
        XCTAssertEqual(motif.status, 0, motif.stderr)
        XCTAssertGreaterThan(Float(try rows(output)[1]["gi"]!)!, 0.5)  // MAX's consensus is the E-box CACGTG
    }

    func testRefusals() throws {
        assertRefusal(try gia(["--analysis", "spacing", "--pattern", "AGATAA"]), "--analysis spacing takes two --pattern options (first and second); got 1; see `seqlens gia --help`")
        assertRefusal(try gia(["--pattern", "AGXTAA"]), "search pattern 'AGXTAA' has 'X', which is not a base or IUPAC code; use only A C G T U R Y S W K M B D H V N")
        assertRefusal(try gia(["--analysis", "kmers", "-k", "3"]), "--analysis kmers ranks k-mers by one task; name it with --target (tasks: GATA, Ebox)")
        assertRefusal(try gia(["--pattern", "AGATAA", "--n", "0"]), "--n must be at least 1; see `seqlens gia --help`")
        assertRefusal(try gia(["--pattern", "AGATAA", "--background", "profile"]), "--background profile draws from records; give them with --fasta")
        assertRefusal(try gia(["--pattern", "AGATAA", "--analysis", "ablate"]), "--analysis ablate needs --fasta: the records whose sites it ablates; see `seqlens gia --help`")
        let none = try gia(["--pattern", "TTTTTTTTTT", "--analysis", "ablate", "--fasta", tinyFASTA])
        XCTAssertEqual(none.status, 2)
        XCTAssertEqual(none.stderr.split(separator: "\n").last.map(String.init), "seqlens: error: no match of TTTTTTTTTT in \(tinyFASTA) (either strand); give sites with --range START:END")
        assertRefusal(try gia(["--motifs", meme, "--pattern", "NOSUCHMOTIF"]), "\(meme): no motif with id or name 'NOSUCHMOTIF'; list them with 'seqlens motif FILE --list'")
        assertRefusal(try gia(["--pattern", "AGATAA", "--pattern", "CACGTG", "--analysis", "spacing", "--spacings", "5:2"]),
                      "--spacings '5:2' is not START:END with whole numbers, 0 ≤ START < END (0:20 tries spacings 0 to 19)")
        assertRefusal(try gia(["--pattern", "AGATAA", "--pattern", "CACGTG", "--analysis", "spacing", "--spacings", "0:200"]),
                      "AGATAA and CACGTG at spacing 199 take 211 nt, more than the 200 nt the model takes; give smaller --spacings")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let anyLength = try ModelBuilder.tinyConvModel().write(to: directory).path
        assertRefusal(try runSeqlens(["gia", anyLength, "--pattern", "GCATG"], environment: plain),
                      "model.onnx takes sequences of any length; give --length or --fasta")
        assertRefusal(try runSeqlens(["gia", anyLength, "--pattern", "GCATG", "--length", "100000", "--n", "20000"], environment: plain),
                      "--n 20000 backgrounds of 100000 nt would hold 2000 MB; give at most --n 10000")
        let small = try runSeqlens(["gia", anyLength, "--pattern", "GCATG", "--length", "30", "--n", "5"], environment: plain)
        XCTAssertEqual(small.status, 0, small.stderr)
        XCTAssertTrue(small.stdout.hasPrefix("global importance (mean f(with) − f(without), 95 % interval) over 5 backgrounds\nGCATG at start 13, every task:\n"), small.stdout)
        assertRefusal(try gia(["--pattern", "AGATAA", "--analysis", "positions", "--start", "3"]),
                      "--start places the pattern of --analysis marginal and kmers; positions places its own; see `seqlens gia --help`")
        assertRefusal(try gia(["--pattern", "AGATAA", "--annotations", tinyFASTA]),
                      "--annotations is for --analysis ablate: the sites it scrambles; see `seqlens gia --help`")
        assertRefusal(try gia(["--pattern", "AGATAA", "-o", "out.npy"]), "--output must end in .tsv (got 'out.npy'); see `seqlens gia --help`")
    }
}

private extension Float {
    var formatted3: String { String(format: "%.3f", Double(self)) }
}
