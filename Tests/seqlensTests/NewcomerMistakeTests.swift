import Foundation
import TestSupport
import XCTest

/// The mistakes people make on their first runs get a message that says what to do.
final class NewcomerMistakeTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    let fasta = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa").path
    /// Record 0 of tiny-motifs.fa: AGATAA planted at 57–63, so position 58 is G and 59 is A.
    let first = "pos_gata_1"
    let ambiguityWarning = "seqlens: warning: 1 of 8 records contains 5 non-ACGT letters (N or IUPAC); they are encoded as all-zero columns\n"
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testSwappedModelAndFASTA() throws {
        for command in [["predict"], ["attr", "-o", "a.npy"], ["ism", "-o", "i.npy"], ["logo"], ["heatmap"], ["variant", "--mutations", "1:A>G"]] {
            assertRefusal(try runSeqlens([command[0], fasta, model] + command.dropFirst()),
                          "the first argument (tiny-motifs.fa) is a FASTA file and the second (tiny-motifs.onnx) an ONNX model; the order is MODEL FASTA")
        }
        assertRefusal(try runSeqlens(["predict", fasta, fasta]), "the first argument (tiny-motifs.fa) is a FASTA file, not an ONNX model; the order is MODEL FASTA")
    }

    func testTaskNamesMatchInAnyLetterCase() throws {
        let lower = directory.appendingPathComponent("lower.npy").path, exact = directory.appendingPathComponent("exact.npy").path
        for (target, output) in [("ebox", lower), ("Ebox", exact)] {
            let result = try runSeqlens(["attr", model, fasta, "--target", target, "-o", output])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let index = directory.appendingPathComponent("index.npy").path
        XCTAssertEqual(try runSeqlens(["attr", model, fasta, "--target", "1", "-o", index]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: lower)), try Data(contentsOf: URL(fileURLWithPath: exact)))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: lower)), try Data(contentsOf: URL(fileURLWithPath: index)))
    }

    func testTaskNamesDifferingOnlyInCaseAreRefusedWhenAmbiguous() throws {
        let twins = try ModelBuilder.tinyConvModel(metadata: ["tasks": "gata,GATA"]).write(to: directory).path
        assertRefusal(try runSeqlens(["heatmap", twins, fasta, "--target", "Gata"]),
                      "target 'Gata' matches 2 tasks in different letter case (0 gata, 1 GATA); give the exact name or the index")
        // The exact spelling still picks one.
        XCTAssertEqual(try runSeqlens(["heatmap", twins, fasta, "--target", "GATA", "--range", "0:4"]).status, 0)
    }

    func testWrongTaskListsTheTasksOrTheFirstFew() throws {
        assertRefusal(try runSeqlens(["heatmap", model, fasta, "--target", "CTCF"]), "target 'CTCF' is not a task of this model; tasks: 0 GATA, 1 Ebox")
        assertRefusal(try runSeqlens(["heatmap", model, fasta, "--target", "7"]), "target 7 is out of range: the model has 2 tasks (0–1)")
        // 20 tasks: a 20-channel convolution.
        var builder = ModelBuilder.tinyConvModel(metadata: ["tasks": (0..<20).map { "task\($0)" }.joined(separator: ",")])
        builder.model.graph.output = [ModelBuilder.valueInfo("y", dims: [nil, 20])]
        builder.model.graph.initializer = [
            ModelBuilder.floatTensor("w", dims: [20, 4, 3], values: (0..<240).map { Float($0 % 7) / 7 - 0.4 }),
            ModelBuilder.floatTensor("b", dims: [20], values: [Float](repeating: 0, count: 20)),
        ]
        let many = try builder.write(to: directory).path
        assertRefusal(try runSeqlens(["heatmap", many, fasta, "--target", "CTCF"]),
                      "target 'CTCF' is not a task of this model; tasks: 0 task0, 1 task1, 2 task2, 3 task3, 4 task4, 5 task5, 6 task6, 7 task7, … (20 in all; seqlens inspect MODEL lists them)")
    }

    func testOneBasedPositionGetsAHint() throws {
        assertRefusal(try runSeqlens(["variant", model, fasta, "--record", first, "--mutations", "59:G>C"]),
                      "mutation 59:G>C: record 'pos_gata_1' has A at position 59, not G; G is at 58: positions are 0-based (the first base is 0)")
        let result = try runSeqlens(["variant", model, fasta, "--record", first, "--mutations", "58:G>C"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 3, "a header and one row per task: \(result.stdout)")
    }

    func testVariantOverSeveralRecordsSaysHowToPickOne() throws {
        // Position 58 is G in the first record but A in the second. All records are read, so the
        // warning about the last one's Ns comes first.
        let refused = try runSeqlens(["variant", model, fasta, "--mutations", "58:G>C"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertEqual(refused.stderr, ambiguityWarning + "seqlens: error: mutation 58:G>C: record 'pos_gata_2' has A at position 58, not G; each mutation is applied to all 8 records of \(fasta): pick one with --record ID|INDEX\n")
        assertRefusal(try runSeqlens(["variant", model, fasta, "--record", "8", "--mutations", "58:G>C"]),
                      "--record 8 is out of range: \(fasta) has 8 records; give an id or an index from 0 to 7")
        assertRefusal(try runSeqlens(["variant", model, fasta, "--record", "pos_gata_9", "--mutations", "58:G>C"]),
                      "no record 'pos_gata_9' in \(fasta); give an id or an index from 0 to 7")
        let byIndex = try runSeqlens(["variant", model, fasta, "--record", "0", "--mutations", "58:G>C"])
        XCTAssertEqual(byIndex.status, 0, byIndex.stderr)
        XCTAssert(byIndex.stdout.contains("\npos_gata_1\t58:G>C\tGATA\t"), byIndex.stdout)
    }

    func testDuplicateIDsAreRenamedWithAWarning() throws {
        let records = try String(contentsOfFile: fasta, encoding: .utf8).components(separatedBy: ">").filter { !$0.isEmpty }
        let body = { (i: Int) in records[i].split(separator: "\n", maxSplits: 1)[1] }
        let duplicated = directory.appendingPathComponent("dup.fa")
        try Data(">a\n\(body(0))>b\n\(body(1))>a\n\(body(2))".utf8).write(to: duplicated)
        let result = try runSeqlens(["predict", model, duplicated.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] }, ["id", "a", "b", "a_2"])
        XCTAssertEqual(result.stderr, "seqlens: warning: 1 id occurs more than once (a x2); repeats are renamed a_2 as seqkit rename does\n")
        // The renamed record is reachable by its new id, and picking an unaffected record says nothing.
        let renamed = try runSeqlens(["variant", model, duplicated.path, "--record", "a_2", "--mutations", "0:\(body(2).first!)>N"])
        XCTAssertEqual(renamed.status, 0, renamed.stderr)
        XCTAssert(renamed.stdout.contains("\na_2\t0:"), renamed.stdout)
        XCTAssertEqual(try runSeqlens(["variant", model, duplicated.path, "--record", "b", "--mutations", "0:\(body(1).first!)>N"]).stderr, "")
    }

    func testNonACGTWarningOnlyForTheRecordsUsed() throws {
        XCTAssertEqual(try runSeqlens(["predict", model, fasta]).stderr, ambiguityWarning)
        XCTAssertEqual(try runSeqlens(["variant", model, fasta, "--record", "0", "--mutations", "58:G>C"]).stderr, "")
        XCTAssertEqual(try runSeqlens(["heatmap", model, fasta, "--record", "1", "--range", "0:4"]).stderr, "")
        XCTAssertEqual(try runSeqlens(["heatmap", model, fasta, "--record", "pos_ebox_softmasked_N", "--range", "0:4"]).stderr,
                       "seqlens: warning: 1 of 1 record contains 5 non-ACGT letters (N or IUPAC); they are encoded as all-zero columns\n")
    }
}
