import Alignments
import Genomics
import XCTest

final class PottsModelTests: XCTestCase {
    /// A model with random fields and symmetric couplings over `length` columns of 3 states.
    static func randomModel(length: Int, seed: UInt64) -> PottsModel {
        var generator = SeededGenerator(seed: seed)
        let q = 3
        let fields = (0..<(length * q)).map { _ in Float.random(in: -1..<1, using: &generator) }
        var couplings = [Float](repeating: 0, count: length * length * q * q)
        for i in 0..<length { for j in (i + 1)..<max(i + 1, length) { for a in 0..<q { for b in 0..<q {
            let value = Float.random(in: -1..<1, using: &generator)
            couplings[((i * length + j) * q + a) * q + b] = value
            couplings[((j * length + i) * q + b) * q + a] = value
        } } } }
        return PottsModel(alphabet: Array("-AC".utf8), positions: Array(1...length), focusSequence: Array(repeating: UInt8(ascii: "A"), count: length),
                          fields: fields, couplings: couplings)
    }

    /// H summed term by term over i < j, the definition EVcouplings' `hamiltonians` uses.
    func bruteForceHamiltonian(_ model: PottsModel, _ s: [UInt8]) -> Float {
        var h: Float = 0
        for i in 0..<model.length {
            h += model.fields[i * model.stateCount + Int(s[i])]
            for j in 0..<model.length where j > i { h += model.coupling(i, j, Int(s[i]), Int(s[j])) }
        }
        return h
    }

    func testHamiltonianSumsFieldsAndEachPairOnce() {
        let model = Self.randomModel(length: 6, seed: 1)
        let s: [UInt8] = [0, 1, 2, 2, 1, 0]
        XCTAssertEqual(model.hamiltonian(s), bruteForceHamiltonian(model, s), accuracy: 1e-5)
    }

    func testDeltaHamiltonianOfSinglesAndDoublesEqualsTheDifferenceOfEnergies() {
        let model = Self.randomModel(length: 7, seed: 2)
        let wildType: [UInt8] = [1, 1, 2, 0, 2, 1, 0]
        for substitutions in [[(position: 3, state: UInt8(2))], [(position: 0, state: 2), (position: 5, state: 0)],
                              [(position: 6, state: 1), (position: 2, state: 0), (position: 3, state: 1)]] {
            var mutant = wildType
            for s in substitutions { mutant[s.position] = s.state }
            let expected = bruteForceHamiltonian(model, mutant) - bruteForceHamiltonian(model, wildType)
            XCTAssertEqual(model.deltaHamiltonian(of: substitutions, in: wildType), expected, accuracy: 1e-4)
        }
    }
}
