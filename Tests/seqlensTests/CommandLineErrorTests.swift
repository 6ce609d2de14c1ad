import Foundation
import TestSupport
import XCTest

/// Mistakes on the command line itself (usage errors) take the same path as every other error:
/// one line on stderr, exit status 2, nothing on stdout; help and --version exit 0.
final class CommandLineErrorTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
    let commands = ["explore", "demo", "inspect", "predict", "attr", "ism", "dependency", "robustness", "variant", "design", "logo", "heatmap", "benchmark", "show", "motif", "scan", "seqlets", "filters", "modisco", "gia", "creme", "merge", "msa-fit", "score"]

    func testUsageErrorsAreOneLineWithExitStatus2AndPointToHelp() throws {
        assertRefusal(try runSeqlens(["predict", model]), "give a FASTA file after the model, or --genome FILE with --region or --regions; see `seqlens predict --help`")
        assertRefusal(try runSeqlens(["predict", model, fasta, "--batch", "many"]),
                      "the value 'many' is invalid for '--batch <batch>'; see `seqlens predict --help`")
        assertRefusal(try runSeqlens(["predict", model, fasta, "--batch", "0"]), "--batch must be at least 1; see `seqlens predict --help`")
        assertRefusal(try runSeqlens(["attr", model, fasta]), "missing expected argument '--output <output>'; see `seqlens attr --help`")
        assertRefusal(try runSeqlens(["predict", model, fasta, "--pad", "middle"]),
                      "the value 'middle' is invalid for '--pad <center|left|right>'; please provide one of 'center', 'left' or 'right'; see `seqlens predict --help`")
    }

    func testUnknownOutputExtensionIsRefusedBeforeAnyWork() throws {
        // The model path does not exist: the extension is checked before anything is loaded.
        let absent = "/nonexistent/model.onnx"
        assertRefusal(try runSeqlens(["predict", absent, fasta, "-o", "p.csv"]),
                      "--output must end in .tsv, .npy, .bw or .bedgraph (got 'p.csv'); see `seqlens predict --help`")
        assertRefusal(try runSeqlens(["attr", absent, fasta, "-o", "a.png"]),
                      "--output must end in .npy, .npz, .tsv, .bw or .bedgraph (got 'a.png'); see `seqlens attr --help`")
        assertRefusal(try runSeqlens(["variant", absent, fasta, "--mutations", "1:A>G", "-o", "v.npy"]),
                      "--output must end in .tsv (got 'v.npy'); see `seqlens variant --help`")
        assertRefusal(try runSeqlens(["logo", absent, fasta, "-o", "logo.png"]),
                      "--output must end in .svg, .txt or .ans (got 'logo.png'); see `seqlens logo --help`")
        assertRefusal(try runSeqlens(["heatmap", absent, fasta, "--format", "svg", "-o", "h.txt"]),
                      "--output must end in .svg (got 'h.txt'); see `seqlens heatmap --help`")
    }

    func testMistypedCommandGetsTheNearestName() throws {
        assertRefusal(try runSeqlens(["predcit", model, fasta]), "unknown command 'predcit'; did you mean 'predict'?")
        assertRefusal(try runSeqlens(["heatmpa"]), "unknown command 'heatmpa'; did you mean 'heatmap'?")
        assertRefusal(try runSeqlens(["frobnicate", model]), "unknown command 'frobnicate'; commands: \(commands.joined(separator: ", "))")
    }

    func testMistypedOptionGetsTheNearestOption() throws {
        assertRefusal(try runSeqlens(["attr", model, fasta, "--tagret", "GATA", "-o", "a.npy"]), "unknown option '--tagret'; did you mean '--target'?")
        assertRefusal(try runSeqlens(["logo", model, fasta, "--corected"]), "unknown option '--corected'; did you mean '--corrected'?")
        assertRefusal(try runSeqlens(["predict", model, fasta, "--zzzzzz"]), "unknown option '--zzzzzz'; see `seqlens predict --help`")
    }

    func testLongUserInputIsCutTo80CharactersInMessages() throws {
        let pasted = String(repeating: "ACGT", count: 100)
        assertRefusal(try runSeqlens(["predict", model, fasta, "--batch", pasted]),
                      "the value '\(pasted.prefix(80))…' is invalid for '--batch <batch>'; see `seqlens predict --help`")
        let result = try runSeqlens(["heatmap", model, fasta, "--target", pasted])
        assertRefusal(result, "target '\(pasted.prefix(80))…' is not a task of this model; tasks: 0 GATA, 1 Ebox")
    }

    func testVersion() throws {
        let result = try runSeqlens(["--version"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "seqlens 0.9.0\n")
        XCTAssertEqual(result.stderr, "")
    }

    func testHelpStillExits0() throws {
        for arguments in [["--help"], ["predict", "--help"], ["help", "variant"]] {
            let result = try runSeqlens(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            XCTAssert(result.stdout.contains("USAGE: seqlens"), result.stdout)
            XCTAssertEqual(result.stderr, "")
        }
    }

    /// Every command's --help at 80 columns: examples are not wrapped mid-command (they read the
    /// same as at 300 columns) and no option states its default twice.
    func testHelpAt80ColumnsKeepsExamplesWholeAndDefaultsSingle() throws {
        for command in commands {
            let narrow = try runSeqlens([command, "--help"], environment: ["COLUMNS": "80"]).stdout
            let wide = try runSeqlens([command, "--help"], environment: ["COLUMNS": "300"]).stdout
            let examples = { (help: String) in help.split(separator: "\n").filter { $0.hasPrefix("  seqlens ") || $0.hasPrefix("      --") } }
            XCTAssertEqual(examples(narrow), examples(wide), command)
            // ArgumentParser never wraps the USAGE line; everything else fits.
            for line in narrow.split(separator: "\n") where !line.hasPrefix("USAGE:") {
                XCTAssertLessThanOrEqual(line.count, 80, "\(command): \(line)")
            }
            // One entry per option: its first line starts "  -", its wrapped lines are indented further.
            let options = try XCTUnwrap(wide.components(separatedBy: "OPTIONS:\n").last).components(separatedBy: "\n  -")
            for option in options {
                XCTAssertLessThanOrEqual(option.components(separatedBy: "(default").count, 2, "\(command): -\(option)")
            }
        }
        let root = try runSeqlens(["--help"], environment: ["COLUMNS": "80"]).stdout
        XCTAssert(root.contains("  seqlens attr $M $F --method ig --target CEBPB -o ig.npy\n"), root)
    }
}
