import Alignments
import Foundation
import TestSupport
import XCTest

/// `seqlens msa-fit` on the WW fixture against plmc's parameter file for the same alignment
/// (Tests/Fixtures/potts, tools/make-potts-fixtures.py: plmc -f B7G9D5 -t 0.2 -lh 0.01 -le 1.6 -m 100).
final class MSAFitCommandTests: XCTestCase {
    let alignment = Fixtures.url("potts/ww-small.fa").path
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("msa-fit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testPottsFitWritesWhatPlmcWritesForTheSameAlignment() throws {
        let output = folder.appendingPathComponent("ww.params").path
        let result = try runSeqlens(["msa-fit", alignment, "--focus", "B7G9D5", "--threads", "2", "-o", output])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("\(output): Potts model, "), result.stdout)
        XCTAssertTrue(result.stdout.contains(" iterations (converged), 2 threads; N = 299, N_eff = 98.7, L = 9, q = 21, "), result.stdout)

        let ours = try PlmcParameterFile(contentsOf: URL(fileURLWithPath: output))
        let plmc = try PlmcParameterFile(contentsOf: Fixtures.url("potts/ww-small.params"))
        XCTAssertEqual([ours.sequenceCount, ours.skippedSequenceCount, ours.maxIterations],
                       [plmc.sequenceCount, plmc.skippedSequenceCount, plmc.maxIterations])
        XCTAssertEqual([ours.theta, ours.lambdaH, ours.lambdaJ, ours.lambdaGroup], [plmc.theta, plmc.lambdaH, plmc.lambdaJ, plmc.lambdaGroup])
        XCTAssertEqual(ours.effectiveCount, plmc.effectiveCount, accuracy: 1e-4)
        XCTAssertEqual(ours.model.alphabet, plmc.model.alphabet)
        XCTAssertEqual(ours.model.focusSequence, plmc.model.focusSequence)
        XCTAssertEqual(ours.model.positions, plmc.model.positions)
        XCTAssertEqual(ours.neighbourCounts, plmc.neighbourCounts)
        XCTAssertLessThan(compare(ours.model.frequencies, plmc.model.frequencies).maxAbsolute, 1e-6)
        XCTAssertLessThan(compare(ours.pairFrequencies, plmc.pairFrequencies).maxAbsolute, 1e-6)
        let fields = compare(ours.model.fields, plmc.model.fields, absolute: 1e-3, relative: 0)
        XCTAssertEqual(fields.failures, 0, "\(fields)")
        let contacts = compare(ContactScores(model: ours.model).corrected.map(Float.init),
                               ContactScores(model: plmc.model).corrected.map(Float.init), absolute: 1e-4, relative: 0)
        XCTAssertEqual(contacts.failures, 0, "\(contacts)")
    }

    func testPSSMIsWrittenInTheSameFormatWithoutCouplings() throws {
        let output = folder.appendingPathComponent("pssm.params").path
        let result = try runSeqlens(["msa-fit", alignment, "--model", "pssm", "-o", output])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("\(output): PSSM; N = 299, N_eff = 98.7, L = 9, q = 21, "), result.stdout)
        let file = try PlmcParameterFile(contentsOf: URL(fileURLWithPath: output))
        XCTAssertTrue(file.model.isSiteIndependent)
        XCTAssertEqual(file.maxIterations, 0)
        XCTAssertEqual(file.model.fields.count, 9 * 21)
        // Fields are ln(q f_i(a)) with one pseudocount per state: the focus residue scores above a gap.
        let column = 4, observed = file.model.alphabet.firstIndex(of: file.model.focusSequence[column])!
        XCTAssertGreaterThan(file.model.fields[column * 21 + observed], file.model.fields[column * 21])
        let plmc = try PlmcParameterFile(contentsOf: Fixtures.url("potts/ww-small.params"))
        XCTAssertLessThan(compare(file.model.frequencies, plmc.model.frequencies).maxAbsolute, 1e-6)
    }

    func testBadOptionsAreOneLine() throws {
        let output = folder.appendingPathComponent("never.params").path
        assertRefusal(try runSeqlens(["msa-fit", alignment, "--lambda-j=-1", "-o", output]),
                      "--lambda-j must be a finite number, 0 or more, such as 0.01; see `seqlens msa-fit --help`")
        assertRefusal(try runSeqlens(["msa-fit", alignment, "--iterations=-5", "-o", output]),
                      "--iterations must be from 0 (until convergence) to 100000; see `seqlens msa-fit --help`")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }
}
