import Alignments
import Foundation
import Genomics
import TestSupport
import XCTest

final class PlmcParameterFileTests: XCTestCase {
    func testReadsPlmcsFileAsEVcouplingsReadsIt() throws {
        let expected = try PottsFixture.load()
        let file = try PlmcParameterFile(contentsOf: PottsFixture.parameters)
        XCTAssertEqual([file.model.length, file.model.stateCount, file.sequenceCount, file.skippedSequenceCount, file.maxIterations],
                       [expected.L, expected.q, expected.N_valid, expected.N_invalid, expected.num_iter])
        XCTAssertEqual([file.theta, file.lambdaH, file.lambdaJ, file.lambdaGroup, file.effectiveCount],
                       [expected.theta, expected.lambda_h, expected.lambda_J, expected.lambda_group, expected.N_eff])
        XCTAssertEqual(String(decoding: file.model.alphabet, as: UTF8.self), expected.alphabet)
        XCTAssertEqual(String(decoding: file.model.focusSequence, as: UTF8.self), expected.target_seq)
        XCTAssertEqual(file.model.positions, expected.index_list)
        XCTAssertEqual(file.neighbourCounts, expected.weights)
        XCTAssertEqual(file.model.frequencies, expected.f_i)
        XCTAssertFalse(file.model.isSiteIndependent)
        // J_ji(b, a) = J_ij(a, b) and J_ii = 0, as CouplingsModel fills its L×L×q×q array.
        let (a, b) = (file.model.alphabet.firstIndex(of: file.model.focusSequence[1])!, file.model.alphabet.firstIndex(of: file.model.focusSequence[4])!)
        XCTAssertEqual(file.model.coupling(1, 4, a, b), file.model.coupling(4, 1, b, a))
        XCTAssertGreaterThan(abs(file.model.coupling(1, 4, a, b)), 0.01)
        XCTAssertEqual(file.model.coupling(2, 2, 5, 5), 0)
    }

    func testWritesWhatPlmcWroteByteForByte() throws {
        for url in [PottsFixture.parameters, PottsFixture.siteIndependentParameters] {
            let bytes = try Data(contentsOf: url)
            XCTAssertEqual(try PlmcParameterFile(contentsOf: url).data, bytes, url.lastPathComponent)
        }
    }

    func testAFileWithNoCouplingsReadsAsASiteIndependentModel() throws {
        let full = try PlmcParameterFile(contentsOf: PottsFixture.parameters)
        let pssm = try PlmcParameterFile(contentsOf: PottsFixture.siteIndependentParameters)
        XCTAssertTrue(pssm.model.isSiteIndependent)
        XCTAssertEqual(pssm.model.fields, full.model.fields)
        XCTAssertEqual(pssm.pairFrequencies, full.pairFrequencies)
    }

    func testWritingIsAtomicAndReadsBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plmc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var file = try PlmcParameterFile(contentsOf: PottsFixture.parameters)
        file.maxIterations = 7
        let url = folder.appendingPathComponent("copy.params")
        try file.write(to: url)
        XCTAssertEqual(try PlmcParameterFile(contentsOf: url).maxIterations, 7)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["copy.params"])
    }

    func testATruncatedFileIsOneLineNamingTheFileAndTheSizes() throws {
        let bytes = try Data(contentsOf: PottsFixture.parameters)
        XCTAssertThrowsError(try PlmcParameterFile(data: bytes.prefix(1000), path: "cut.params")) { error in
            XCTAssertEqual("\(error)", "cut.params: truncated: 1000 bytes where L = 9, q = 21, N = 300 need 129826; "
                           + "give a parameter file written by plmc -o or seqlens msa-fit")
        }
        XCTAssertThrowsError(try PlmcParameterFile(data: Data("hello".utf8), path: "x.txt")) { error in
            XCTAssertEqual("\(error)", "x.txt: not a plmc parameter file (5 bytes, shorter than its header); "
                           + "give a parameter file written by plmc -o or seqlens msa-fit")
        }
        XCTAssertThrowsError(try PlmcParameterFile(data: Data(repeating: 0xff, count: 64), path: "junk")) { error in
            XCTAssertEqual("\(error)", "junk: not a plmc parameter file (header L = -1, q = -1, N = -1, skipped = -1); "
                           + "give a parameter file written by plmc -o or seqlens msa-fit")
        }
    }
}
