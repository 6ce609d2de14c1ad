import Alignments
import Genomics
import TestSupport
import XCTest

/// `singleMutantEffects` (local fields, O(L²·q)) against `deltaHamiltonian` of each single.
final class SingleMutantEffectsTests: XCTestCase {
    func testEverySingleEqualsDeltaHamiltonian() {
        for model in [PottsModelTests.randomModel(length: 7, seed: 11), randomPottsModel(length: 5, seed: 12),
                      randomPottsModel(length: 5, seed: 13, siteIndependent: true)] {
            var generator = SeededGenerator(seed: 14)
            let q = model.stateCount
            let states = (0 ..< model.length).map { _ in UInt8(generator.next() % UInt64(q)) }
            let effects = model.singleMutantEffects(states)
            XCTAssertEqual(effects.count, model.length * q)
            for i in 0 ..< model.length { for b in 0 ..< q {
                let expected = Int(states[i]) == b ? 0 : model.deltaHamiltonian(of: [(position: i, state: UInt8(b))], in: states)
                XCTAssertEqual(effects[i * q + b], expected, accuracy: 1e-4, "site \(i) state \(b)")
            } }
        }
    }
}
