import Foundation
import Genomics
import Inference
import TestSupport
import XCTest

/// `predict` FASTA → TSV streams (read, predicted and written a chunk at a time); its output and
/// warnings must be the whole-file path's (which .npy output still takes).
final class PredictStreamingTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.onnx").path
    private var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// 23 records of the bundled FASTA's sequences: some cut short (so padded), a repeated id, Ns.
    private func writeFASTA(badRecord: Int? = nil) throws -> String {
        let bundled = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-models/tiny-motifs.fa"), encoding: .utf8)
        let sequences = bundled.split(separator: ">").map { $0.split(separator: "\n").dropFirst().joined() }
        var text = ""
        for index in 0 ..< 23 {
            var sequence = sequences[index % sequences.count]
            if index % 5 == 1 { sequence = String(sequence.prefix(60)) }
            if index == 7 { sequence = "N" + sequence.dropFirst() }
            if index == badRecord { sequence = "AC#" + sequence }
            let id = index == 12 ? "r3" : "r\(index)"
            // Wrapped at 70 so lines and records cross the reader's blocks anywhere.
            text += ">\(id) record \(index)\n" + stride(from: 0, to: sequence.count, by: 70).map { offset in
                String(sequence.dropFirst(offset).prefix(70)) + "\n"
            }.joined()
        }
        let path = directory.appendingPathComponent("many.fa").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testStreamedTSVEqualsTheWholeFilePredictionsAndWarnings() throws {
        let fasta = try writeFASTA()
        let tsv = directory.appendingPathComponent("p.tsv").path, npy = directory.appendingPathComponent("p.npy").path
        let options = ["--pad", "center", "--batch", "3", "--threads", "2"]
        let streamed = try runSeqlens(["predict", model, fasta, "-o", tsv] + options)
        let whole = try runSeqlens(["predict", model, fasta, "-o", npy] + options)
        XCTAssertEqual(streamed.status, 0, streamed.stderr)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        // The same warnings: the repeated id, the N, the padded records.
        XCTAssertEqual(streamed.stderr, whole.stderr)
        XCTAssert(streamed.stderr.contains("repeats are renamed r3_2"), streamed.stderr)
        XCTAssert(streamed.stderr.contains("2 of 23 records contain 11 non-ACGT letters"), streamed.stderr)
        XCTAssert(streamed.stderr.contains("'r1' is 60 nt, padded to the model's 200 (70% padding) (and 4 more records)"), streamed.stderr)

        let lines = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(lines.first, ["id", "GATA", "Ebox"])
        XCTAssertEqual(lines.dropFirst().map { $0[0] }, (0 ..< 23).map { $0 == 12 ? "r3_2" : "r\($0)" })
        guard case .float(let values) = try NPY.read(contentsOf: URL(fileURLWithPath: npy)) else { return XCTFail("not float32") }
        XCTAssertEqual(values.shape, [23, 2])
        // Every value exactly the whole-file path's (TSV prints floats in shortest round-trip form).
        XCTAssertEqual(lines.dropFirst().flatMap { $0.dropFirst().map { Float($0)! } }, values.scalars)

        // stdout streams the same text; shards of the stream are stretches of it.
        let stdout = try runSeqlens(["predict", model, fasta] + options)
        XCTAssertEqual(stdout.stdout, try String(contentsOfFile: tsv, encoding: .utf8))
        let shards = try (1 ... 3).map { try runSeqlens(["predict", model, fasta, "--shard", "\($0)/3"] + options) }
        XCTAssertEqual(shards.map(\.status), [0, 0, 0], shards.map(\.stderr).joined())
        let rows = shards.map { $0.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n") }
        XCTAssertEqual(shards.map { $0.stdout.split(separator: "\n").count - 1 }, [6, 9, 8])  // 8 batches of 3 in blocks of 2, 3, 3
        XCTAssertEqual("id\tGATA\tEbox\n" + rows.joined(), stdout.stdout)
    }

    func testErrorInALaterRecordLeavesNoOutputFile() throws {
        let fasta = try writeFASTA(badRecord: 20)
        let tsv = directory.appendingPathComponent("p.tsv").path
        let result = try runSeqlens(["predict", model, fasta, "-o", tsv, "--pad", "center", "--batch", "2"])
        assertRefusal(result, "\(fasta):\(self.line(ofRecord: 20, in: fasta)): unexpected character '#' in the sequence of record 'r20' (column 3); sequence lines may hold only letters, '-', '.' and '*'")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["many.fa"])
    }

    private func line(ofRecord index: Int, in path: String) -> Int {
        let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
        return (lines.firstIndex { $0.hasPrefix(">r\(index) ") } ?? -2) + 2
    }

    /// A repeat's new name must not be an id further on: `a, a, a_2` renames the second `a` to
    /// `a_3`, as the whole-file reader's `SequenceRecord.uniquingIDs` does.
    func testRepeatsAreNotRenamedToAnIdLaterInTheFile() throws {
        let ids = ["a", "b", "a", "a_2", "b", "b_2"]
        let sequence = String(repeating: "ACGT", count: 50)
        let fasta = directory.appendingPathComponent("repeats.fa").path
        try Data(ids.map { ">\($0)\n\(sequence)\n" }.joined().utf8).write(to: URL(fileURLWithPath: fasta))
        let streamed = try runSeqlens(["predict", model, fasta, "--batch", "2"])
        XCTAssertEqual(streamed.status, 0, streamed.stderr)
        let expected = SequenceRecord.uniquingIDs(ids.map { SequenceRecord(id: $0, sequence: Array(sequence.utf8)) }).map(\.id)
        XCTAssertEqual(expected, ["a", "b", "a_3", "a_2", "b_3", "b_2"])
        XCTAssertEqual(streamed.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }, expected)
    }
}
