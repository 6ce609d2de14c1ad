import Alignments
import Foundation
import XCTest

final class PSSMTests: XCTestCase {
    /// Three sequences of two columns, weights 1, 1, 2: column 0 holds A, A, C (weighted 2, 2 of 4).
    func testFrequenciesAndFieldsByHand() {
        let alphabet = Array("-ACDEFGHIKLMNPQRSTVWY".utf8)
        let a: UInt8 = 1, c: UInt8 = 2, gap: UInt8 = 0
        let alignment = EncodedAlignment(alphabet: alphabet, ids: ["x", "y", "z"], length: 2, states: [a, a, a, gap, c, a],
                                         weights: [1, 1, 2], positions: [4, 5], focusSequence: Array("AA".utf8))
        let plain = PSSM.frequencies(alignment, pseudocount: 0)
        XCTAssertEqual(plain[1], 0.5)
        XCTAssertEqual(plain[2], 0.5)
        XCTAssertEqual(plain[21 + 0], 0.25)
        XCTAssertEqual(plain[21 + 1], 0.75)
        let model = PSSM.fit(alignment, pseudocount: 0.5)
        // (2 + 0.5) / (4 + 21 · 0.5) for A at column 0; (0 + 0.5) / 14.5 for D.
        XCTAssertEqual(model.fields[1], Float(log(21 * 2.5 / 14.5)), accuracy: 1e-6)
        XCTAssertEqual(model.fields[3], Float(log(21 * 0.5 / 14.5)), accuracy: 1e-6)
        XCTAssertEqual(model.frequencies, plain)
        // ΔH of A→C at column 1 is ln(f(C) / f(A)) = ln(0.5 / 3.5).
        XCTAssertEqual(model.deltaHamiltonian(of: [(position: 1, state: c)], in: [a, a]), Float(log(0.5 / 3.5)), accuracy: 1e-6)
    }
}
