import Foundation
import TestSupport
import XCTest

/// `seqlens variant MODEL --genome G.fa --vcf calls.vcf`: the scores against the references of
/// tools/make-variant-fixtures.py, and the refusals (one line, exit 2, no output file).
final class VariantVCFCommandTests: XCTestCase {
    private var directory: URL!
    private var genome: String!
    let model = Fixtures.repositoryRoot.appendingPathComponent("sample-models/multitask-deep-relu.onnx").path
    let chromBPNet = Fixtures.url("zoo/bpnetlite-chrombpnet/model.onnx").path
    let vcf = Fixtures.url("variants/mini.vcf").path

    override func setUpWithError() throws {
        directory = try temporaryDirectory()
        // A copy, so the .fai index is built outside the repository.
        genome = directory.appendingPathComponent("mini.fa").path
        try FileManager.default.copyItem(atPath: Fixtures.url("genome/mini.fa").path, toPath: genome)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func rows(_ text: String) -> [[String]] { tableRows(text) }

    private func assertMatches(_ actual: String, fixture: String, line: UInt = #line) throws {
        let got = rows(actual), expected = rows(try String(contentsOf: Fixtures.url("variants/\(fixture)"), encoding: .utf8))
        XCTAssertEqual(got.first, expected.first, line: line)
        XCTAssertEqual(variantTableMismatches(Array(got.dropFirst()), Array(expected.dropFirst())), [], line: line)
    }

    func testScoresEveryVariantOfTheVCF() throws {
        let output = path("effects.tsv")
        let result = try runSeqlens(["variant", model, "--genome", genome, "--build-index", "--vcf", vcf, "-o", output, "--threads", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "seqlens: skipped 3 ALT alleles that are not bases (symbolic <DEL>, *, breakends) in \(vcf)\n")
        try assertMatches(try String(contentsOfFile: output, encoding: .utf8), fixture: "mini.multitask.tsv")
        // No hidden partial file is left beside the output.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["effects.tsv", "mini.fa", "mini.fa.fai"])

        let forward = try runSeqlens(["variant", model, "--genome", genome, "--vcf", vcf, "--no-rc", "--batch", "7"])
        XCTAssertEqual(forward.status, 0, forward.stderr)
        try assertMatches(forward.stdout, fixture: "mini.multitask.forward.tsv")
    }

    func testProfileModelsGiveTheJensenShannonDistance() throws {
        let result = try runSeqlens(["variant", chromBPNet, "--genome", genome, "--build-index", "--vcf", vcf])
        XCTAssertEqual(result.status, 0, result.stderr)
        try assertMatches(result.stdout, fixture: "mini.chrombpnet.tsv")
        // With --target, one row per variant: the counts head only.
        let counts = try runSeqlens(["variant", chromBPNet, "--genome", genome, "--vcf", vcf, "--target", "counts"])
        XCTAssertEqual(counts.status, 0, counts.stderr)
        let expected = rows(try String(contentsOf: Fixtures.url("variants/mini.chrombpnet.tsv"), encoding: .utf8)).filter { $0[5] != "profile" }
        XCTAssertEqual(rows(counts.stdout).map { Array($0[0 ..< 6]) }, expected.map { Array($0[0 ..< 6]) })
    }

    func testRegionReadsTheIndexedVCF() throws {
        let compressed = Fixtures.url("variants/mini.vcf.gz").path
        let expected = rows(try String(contentsOf: Fixtures.url("variants/mini.multitask.tsv"), encoding: .utf8))
        // chr1:1-700 (1-based, both ends included) holds the variants at POS 5 to 700.
        for (region, kept) in [("chr2", { (row: [String]) in row[0] == "chr2" }), ("chr1:1-700", { (row: [String]) in row[0] == "chr1" && Int(row[1])! <= 700 })] {
            let result = try runSeqlens(["variant", model, "--genome", genome, "--build-index", "--vcf", compressed, "--region", region])
            XCTAssertEqual(result.status, 0, result.stderr)
            let got = rows(result.stdout)
            XCTAssertEqual(got.map { Array($0[0 ..< 6]) }, ([expected[0]] + expected.dropFirst().filter(kept)).map { Array($0[0 ..< 6]) }, region)
            XCTAssertGreaterThan(got.count, 12, region)
        }
    }

    func testRefusalsNameTheLineAndWriteNothing() throws {
        let output = path("effects.tsv")
        func refuse(_ vcfText: String, region: [String] = [], _ message: (String) -> String, line: UInt = #line) throws {
            let file = path("calls.vcf")
            try vcfText.write(toFile: file, atomically: true, encoding: .utf8)
            assertRefusal(try runSeqlens(["variant", model, "--genome", genome, "--build-index", "--vcf", file, "-o", output] + region), message(file), line: line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), line: line)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }, [], line: line)
        }
        let header = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        let good = "chr1\t101\trs101\tA\tG\t.\t.\t.\n"
        // The mismatch is on the last line: nothing is written although earlier lines were fine.
        try refuse(header + good + "chr1\t102\t.\tG\tT\t.\t.\t.\n") {
            "\($0):4: REF G at chr1:102 does not match the genome, which has T there (\(self.genome!)); is the VCF for this genome build?"
        }
        try refuse(header + good + "chr1\t102\t.\tA\n") {
            "\($0):4: malformed VCF line: 4 tab-separated columns where a VCF record has at least 8 (CHROM POS ID REF ALT QUAL FILTER INFO); are the columns separated by tabs?"
        }
        try refuse(header + "1\t102\t.\tA\tC\t.\t.\t.\n") {
            "\($0):3: chromosome '1' is not in the genome \(self.genome!) (it has chr1, chr2); use a VCF and genome with the same chromosome names"
        }
        try refuse(header + good, region: ["--region", "chr1:1-200"]) {
            "\($0): --region chr1:1-200 needs a bgzip-compressed VCF with a tabix index: `bgzip \($0) && tabix -p vcf \($0).gz`"
        }
        let unindexed = path("calls.vcf.gz")
        try FileManager.default.copyItem(atPath: Fixtures.url("variants/chr22-excerpt.vcf.gz").path, toPath: unindexed)
        assertRefusal(try runSeqlens(["variant", model, "--genome", genome, "--vcf", unindexed, "--region", "22", "-o", output]),
                      "\(unindexed): --region 22 needs an index (\(unindexed).tbi or .csi) and there is none; build it with `tabix -p vcf \(unindexed)`")
        assertRefusal(try runSeqlens(["variant", model, "--vcf", vcf]), "scoring a VCF takes both --genome G.fa and --vcf calls.vcf; see `seqlens variant --help`")
        assertRefusal(try runSeqlens(["variant", model, "--genome", genome, "--vcf", vcf, "--region", "chr1:200-100"]),
                      "--region 'chr1:200-100' ends before it starts; both ends are included, so one base at 200 is chr1:200-200")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }
}
