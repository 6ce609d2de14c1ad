import Foundation
import TestSupport
import XCTest

/// `seqlens seqlets` and `seqlens filters`, run as the real binary.
final class SeqletsAndFiltersCommandTests: XCTestCase {
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/code-shallow-relu.onnx").path
    let jaspar = Fixtures.repositoryRoot.appendingPathComponent("assets/motifs/JASPAR2026_CORE_vertebrates.meme").path

    /// The first `count` records of regulatory-code.fa in a temporary FASTA.
    func fasta(records count: Int) throws -> String {
        let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("assets/sequences/regulatory-code.fa"), encoding: .utf8)
        let records = text.components(separatedBy: ">").dropFirst().prefix(count).map { ">" + $0 }.joined()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seqlets-\(UUID().uuidString).fa")
        try records.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func temporary(_ name: String) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testSeqletsFromComputedAndSavedAttributionsAgree() throws {
        let sequences = try fasta(records: 12)
        let computed = try runSeqlens(["seqlets", model, sequences, "--motifs", jaspar, "--method", "grad-input"])
        XCTAssertEqual(computed.status, 0, computed.stderr)
        let rows = computed.stdout.split(separator: "\n")
        XCTAssertEqual(rows.first, "record\tstart\tend\tattribution\tp_value\trank\tmotif\tmotif_p\tmotif_e\tmotif_q\tstrand\toffset")
        XCTAssertGreaterThan(rows.count, 3)
        for row in rows.dropFirst() {
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
            XCTAssertEqual(fields.count, 12, String(row))
            let start = Int(fields[1])!, end = Int(fields[2])!
            XCTAssertTrue(0 <= start && start < end && end <= 200 && end - start >= 4 && end - start <= 25, String(row))
            XCTAssertLessThan(Double(fields[4])!, 0.01, String(row))
            XCTAssertEqual(fields[5], "1")
        }
        XCTAssertTrue(computed.stderr.hasPrefix("\(rows.count - 1) seqlets in 12 records (grad-input attributions); "), computed.stderr)

        // The same maps written by `attr` and read back give the same table.
        let saved = temporary("maps.npz")
        let attr = try runSeqlens(["attr", model, sequences, "--method", "grad-input", "-o", saved])
        XCTAssertEqual(attr.status, 0, attr.stderr)
        let table = temporary("seqlets.tsv")
        let read = try runSeqlens(["seqlets", model, sequences, "--motifs", jaspar, "--attributions", saved, "--key", "attributions", "-o", table])
        XCTAssertEqual(read.status, 0, read.stderr)
        XCTAssertEqual(try String(contentsOfFile: table, encoding: .utf8), computed.stdout)
        XCTAssertTrue(read.stdout.hasPrefix("\(rows.count - 1) seqlets in 12 records (\(URL(fileURLWithPath: saved).lastPathComponent):attributions attributions)"), read.stdout)
    }

    func testSeqletsRefusals() throws {
        let sequences = try fasta(records: 3)
        let saved = temporary("maps.npz")
        XCTAssertEqual(try runSeqlens(["attr", model, try fasta(records: 2), "-o", saved]).status, 0)
        assertRefusal(try runSeqlens(["seqlets", model, sequences, "--motifs", jaspar, "--attributions", saved, "--key", "attributions"]),
                      "\(URL(fileURLWithPath: saved).lastPathComponent):attributions: has shape (2, 4, 200) but \(sequences) needs (3, 4, 200); give the attributions of these records")
        assertRefusal(try runSeqlens(["seqlets", model, sequences, "--motifs", jaspar, "--threshold", "0"]),
                      "--threshold must be a p-value in (0, 1]; see `seqlens seqlets --help`")
    }

    func testFiltersMatchTheFixtureAndWriteMEME() throws {
        struct Fixture: Decodable { struct Filter: Decodable { var windows: Int; var ppm: [[Double]] }; var filters: [Filter] }
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Fixtures.url("filters/code-shallow-relu.json")))
        let sequences = try fasta(records: 40)
        let meme = temporary("filters.meme")
        let result = try runSeqlens(["filters", model, sequences, "--motifs", jaspar, "--meme", meme])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = result.stdout.split(separator: "\n")
        XCTAssertEqual(rows.first, "filter\twindows\tmax_activation\tconsensus\tbits\tmotif\tmotif_p\tmotif_q\tstrand\toffset")
        XCTAssertEqual(rows.count, 25)
        XCTAssertEqual(rows.dropFirst().map { Int($0.split(separator: "\t")[1])! }, fixture.filters.map(\.windows))
        let matched = rows.dropFirst().filter { Double($0.split(separator: "\t")[7])! < 0.05 }.count
        XCTAssertTrue(result.stderr.hasSuffix("\(matched) of 24 filters (\(Int((100 * Double(matched) / 24).rounded()))%) match a motif of JASPAR2026_CORE_vertebrates.meme at q < 0.05\n"), result.stderr)

        let text = try String(contentsOfFile: meme, encoding: .utf8)
        XCTAssertEqual(text.components(separatedBy: "\nMOTIF filter").count - 1, 24)
        // Filter 0's first column, as written, is the fixture's (A, C, G, T) at position 0.
        let block = text.components(separatedBy: "MOTIF filter0\n")[1].split(separator: "\n")
        XCTAssertEqual(block[0], "letter-probability matrix: alength= 4 w= 19 nsites= \(fixture.filters[0].windows) E= 0")
        let column = block[1].split(separator: " ").map { Double($0)! }
        for (value, expected) in zip(column, fixture.filters[0].ppm.map { $0[0] }) { XCTAssertEqual(value, expected, accuracy: 5e-7) }
    }

    func testFiltersRefusals() throws {
        let sequences = try fasta(records: 2)
        assertRefusal(try runSeqlens(["filters", model, sequences, "--logo", "24"]),
                      "--logo 24: the first layer has 24 filters (0 to 23)")
        let logo = try runSeqlens(["filters", model, sequences, "--logo", "3", "--width", "60", "--color", "never"])
        XCTAssertEqual(logo.status, 0, logo.stderr)
        XCTAssertTrue(logo.stdout.hasPrefix("filter 3 of 24 · code-shallow-relu.onnx"), logo.stdout)
    }
}
