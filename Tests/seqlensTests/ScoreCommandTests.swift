import Foundation
import TestSupport
import XCTest

/// `seqlens score` on plmc's parameter file for the WW fixture, against EVcouplings' numbers
/// (Tests/Fixtures/potts/ww-small.json, tools/make-potts-fixtures.py).
final class ScoreCommandTests: XCTestCase {
    let parameters = Fixtures.url("potts/ww-small.params").path
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("score-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// EVcouplings' delta_hamiltonian of each mutant in the fixture.
    func evcouplingsEffects() throws -> [String: Float] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("potts/ww-small.json"))) as! [String: Any]
        var effects = [String: Float]()
        for effect in json["effects"] as! [[String: Any]] { effects[effect["mutant"] as! String] = Float(effect["delta"] as! Double) }
        return effects
    }

    func rows(_ tsv: String) -> [[Substring]] { tsv.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) } }

    func testEverySingleMutantByDefaultEqualsEVcouplings() throws {
        let result = try runSeqlens(["score", parameters])
        XCTAssertEqual(result.status, 0, result.stderr)
        let table = rows(result.stdout)
        XCTAssertEqual(table[0], ["mutant", "delta_H", "singles_sum", "epistasis"])
        XCTAssertEqual(table.count, 1 + 9 * 19)
        let expected = try evcouplingsEffects()
        for row in table.dropFirst() {
            XCTAssertEqual(Float(row[1])!, expected[String(row[0])]!, accuracy: 1e-4, String(row[0]))
            XCTAssertEqual(row[1], row[2])
            XCTAssertEqual(Float(row[3]), 0)
        }
    }

    func testMultipleMutantsGetTheirSinglesSumAndEpistasis() throws {
        let output = folder.appendingPathComponent("effects.tsv").path
        let result = try runSeqlens(["score", parameters, "--mutants", "P251A", "W254F", "P251A,W254F", "-o", output])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        let table = rows(try String(contentsOfFile: output, encoding: .utf8))
        XCTAssertEqual(table.map { String($0[0]) }, ["mutant", "P251A", "W254F", "P251A,W254F"])
        let single1 = Float(table[1][1])!, single2 = Float(table[2][1])!, double = Float(table[3][1])!
        XCTAssertEqual(Float(table[3][2])!, single1 + single2, accuracy: 1e-5)
        XCTAssertEqual(Float(table[3][3])!, double - single1 - single2, accuracy: 1e-5)
        XCTAssertGreaterThan(abs(Float(table[3][3])!), 1e-4)
    }

    func testMutantsFileSkipsItsHeaderAndComments() throws {
        let expected = try evcouplingsEffects()
        let multiple = expected.keys.filter { $0.split(separator: ",").count == 3 }.sorted()[0]
        let file = folder.appendingPathComponent("mutants.txt")
        try "mutant\n# a comment\nL250A\n\(multiple)\textra column\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try runSeqlens(["score", parameters, "--mutants-file", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let table = rows(result.stdout)
        XCTAssertEqual(table.map { String($0[0]) }, ["mutant", "L250A", multiple])
        XCTAssertEqual(Float(table[2][1])!, expected[multiple]!, accuracy: 1e-4)
    }

    func testContactsEqualEVcouplingsSortedByCN() throws {
        let contacts = folder.appendingPathComponent("contacts.tsv").path
        let result = try runSeqlens(["score", parameters, "--contacts", contacts])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "", "only the contacts when no mutants or -o are asked for")
        let table = rows(try String(contentsOfFile: contacts, encoding: .utf8))
        XCTAssertEqual(table[0], ["i", "A_i", "j", "A_j", "fn", "cn"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("potts/ww-small.json"))) as! [String: Any]
        let pairs = json["pairs"] as! [[String: Any]]
        XCTAssertEqual(table.count, 1 + pairs.count)
        for pair in pairs {
            let row = table.first { $0[0] == "\(pair["i"]!)" && $0[2] == "\(pair["j"]!)" }!
            XCTAssertEqual(Float(row[4])!, Float(pair["fn"] as! Double), accuracy: 1e-5)
            XCTAssertEqual(Float(row[5])!, Float(pair["cn"] as! Double), accuracy: 1e-5)
        }
        // A_i and A_j are the focus sequence's letters at those residues.
        let target = Array(json["target_seq"] as! String), residues = json["index_list"] as! [Int]
        for row in table.dropFirst() {
            XCTAssertEqual(row[1], "\(target[residues.firstIndex(of: Int(row[0])!)!])")
            XCTAssertEqual(row[3], "\(target[residues.firstIndex(of: Int(row[2])!)!])")
        }
    }

    func testBadInputIsOneLineAndExitStatus2() throws {
        let output = folder.appendingPathComponent("never.tsv").path
        assertRefusal(try runSeqlens(["score", parameters, "--mutants", "L999G", "-o", output]),
                      "--mutants: L999G: residue 999 is not a column of the model (focus residues 250-258); number residues as the focus sequence does")
        assertRefusal(try runSeqlens(["score", parameters, "--mutants", "L250A", "A251G", "-o", output]),
                      "--mutants: A251G: residue 251 is P in the focus sequence, not A; check the wild-type letter")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))

        let file = folder.appendingPathComponent("mutants.txt")
        try "L250A\nP251\n".write(to: file, atomically: true, encoding: .utf8)
        assertRefusal(try runSeqlens(["score", parameters, "--mutants-file", file.path]),
                      "\(file.path):2: 'P251' is not a mutant; write wild-type letter, residue number, new letter, e.g. A24G, and join several with commas: A24G,K30R")

        let truncated = folder.appendingPathComponent("cut.params")
        try Data(contentsOf: URL(fileURLWithPath: parameters)).prefix(5000).write(to: truncated)
        assertRefusal(try runSeqlens(["score", truncated.path]),
                      "\(truncated.path): truncated: 5000 bytes where L = 9, q = 21, N = 300 need 129826; give a parameter file written by plmc -o or seqlens msa-fit")

        assertRefusal(try runSeqlens(["score", Fixtures.url("potts/pssm-small.params").path, "--contacts", output]),
                      "\(Fixtures.url("potts/pssm-small.params").path): a site-independent model (PSSM) has no couplings to score contacts from; fit a Potts model with seqlens msa-fit")
    }
}
