import Alignments
import Foundation
import Genomics
import TestSupport
import XCTest

final class MutationEffectsTests: XCTestCase {
    func testDeltaHamiltoniansEqualEVcouplingsOnTheSameParameterFile() throws {
        let expected = try PottsFixture.load()
        let model = try PlmcParameterFile(contentsOf: PottsFixture.parameters).model
        XCTAssertEqual(expected.effects.filter { !$0.mutant.contains(",") }.count, 9 * 20)
        XCTAssertGreaterThan(expected.effects.filter { $0.mutant.split(separator: ",").count == 3 }.count, 0)
        for reference in expected.effects {
            let effect = try model.effect(of: Mutant(parsing: reference.mutant))
            XCTAssertEqual(effect.mutant.name, reference.mutant)
            XCTAssertEqual(effect.delta, reference.delta, accuracy: 1e-4, reference.mutant)
        }
    }

    func testMultipleMutantsSplitIntoTheirSinglesAndEpistasis() throws {
        let model = try PlmcParameterFile(contentsOf: PottsFixture.parameters).model
        let double = try model.effect(of: Mutant(parsing: "P251A,W254F"))
        let first = try model.effect(of: Mutant(parsing: "P251A")), second = try model.effect(of: Mutant(parsing: "W254F"))
        XCTAssertEqual(double.singlesSum, first.delta + second.delta, accuracy: 1e-6)
        // The epistasis of a double is the change of their shared coupling: J(a', b') − J(a', b) − J(a, b') + J(a, b).
        let a = 1, b = 4, s = model.focusStates!
        let newA = model.alphabet.firstIndex(of: UInt8(ascii: "A"))!, newB = model.alphabet.firstIndex(of: UInt8(ascii: "F"))!
        let coupling = model.coupling(a, b, newA, newB) - model.coupling(a, b, newA, Int(s[b]))
            - model.coupling(a, b, Int(s[a]), newB) + model.coupling(a, b, Int(s[a]), Int(s[b]))
        XCTAssertEqual(double.epistasis, coupling, accuracy: 1e-5)
        XCTAssertNotEqual(double.epistasis, 0)
        XCTAssertEqual(first.epistasis, 0)
    }

    func testEverySingleMutantOfTheFocusSequence() throws {
        let model = try PlmcParameterFile(contentsOf: PottsFixture.parameters).model
        let mutants = model.singleMutants()
        XCTAssertEqual(mutants.count, 9 * 19)
        XCTAssertEqual(mutants.first?.name, "L250A")
        XCTAssertEqual(mutants.last?.name, "V258Y")
        XCTAssertFalse(mutants.contains { $0.name.hasSuffix("-") })
    }

    func testBadMutantsAreOneLineSayingWhatToFix() throws {
        let model = try PlmcParameterFile(contentsOf: PottsFixture.parameters).model
        let cases = [
            ("L999G", "L999G: residue 999 is not a column of the model (focus residues 250-258); number residues as the focus sequence does"),
            ("A250G", "A250G: residue 250 is L in the focus sequence, not A; check the wild-type letter"),
            ("L250B", "L250B: B is not a state of the model (-ACDEFGHIKLMNPQRSTVWY)"),
            ("L250G,L250A", "L250G,L250A: residue 250 is substituted twice; name each residue once"),
            ("L250", "'L250' is not a mutant; write wild-type letter, residue number, new letter, e.g. A24G, and join several with commas: A24G,K30R"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try model.effect(of: Mutant(parsing: text)), text) { XCTAssertEqual("\($0)", message) }
        }
    }
}

final class ContactScoresTests: XCTestCase {
    func testFrobeniusAndAPCScoresEqualEVcouplings() throws {
        let expected = try PottsFixture.load()
        let model = try PlmcParameterFile(contentsOf: PottsFixture.parameters).model
        let scores = ContactScores(model: model)
        XCTAssertEqual(expected.pairs.count, 9 * 8 / 2)
        for pair in expected.pairs {
            let i = model.positions.firstIndex(of: pair.i)!, j = model.positions.firstIndex(of: pair.j)!
            XCTAssertEqual(Float(scores.frobenius[i * 9 + j]), pair.fn, accuracy: 1e-5)
            XCTAssertEqual(Float(scores.corrected[i * 9 + j]), pair.cn, accuracy: 1e-5)
        }
    }

    func testTableIsSortedByCNWithResidueNumbersAndLetters() throws {
        let expected = try PottsFixture.load()
        let model = try PlmcParameterFile(contentsOf: PottsFixture.parameters).model
        let lines = ContactScores(model: model).tsv(for: model).split(separator: "\n")
        XCTAssertEqual(lines[0], "i\tA_i\tj\tA_j\tfn\tcn")
        XCTAssertEqual(lines.count, 1 + 36)
        let best = expected.pairs.max { $0.cn < $1.cn }!
        let fields = lines[1].split(separator: "\t")
        XCTAssertEqual(fields[0...3].joined(separator: " "),
                       "\(best.i) \(Character(UnicodeScalar(model.focusSequence[model.positions.firstIndex(of: best.i)!]))) "
                       + "\(best.j) \(Character(UnicodeScalar(model.focusSequence[model.positions.firstIndex(of: best.j)!])))")
        let cn = lines.dropFirst().map { Float($0.split(separator: "\t")[5])! }
        XCTAssertEqual(cn, cn.sorted(by: >))
    }

    func testASiteIndependentModelHasNoContacts() throws {
        let model = try PlmcParameterFile(contentsOf: PottsFixture.siteIndependentParameters).model
        let scores = ContactScores(model: model)
        XCTAssertEqual(scores.frobenius.max(), 0)
        XCTAssertEqual(scores.corrected.max(), 0)
    }
}
