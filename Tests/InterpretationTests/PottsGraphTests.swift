import Alignments
import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// A Potts model read as a sequence model (`PottsGraph`): the graph's output is H, its gradient
/// the local fields, and the native mutagenesis equals the engine's over the graph.
final class PottsGraphTests: XCTestCase {
    private let url = URL(fileURLWithPath: "family.params")

    private func letters(_ potts: PottsModel, _ states: [UInt8]) -> [UInt8] { states.map { potts.alphabet[Int($0)] } }

    private func randomStates(_ potts: PottsModel, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0 ..< potts.length).map { _ in UInt8(generator.next() % UInt64(potts.stateCount)) }
    }

    func testTheGraphsOutputIsTheHamiltonian() throws {
        for siteIndependent in [false, true] {
            let potts = randomPottsModel(length: 9, seed: 3, siteIndependent: siteIndependent)
            let model = try SequenceModel(potts: potts, url: url)
            XCTAssertEqual(model.alphabet, .proteinGapped)
            XCTAssertEqual(try model.taskNames(length: 9), ["H"])
            let sequences = (0 ..< 4).map { randomStates(potts, seed: 10 + UInt64($0)) }
            let output = try model.predict(sequences.map { letters(potts, $0) })
            XCTAssertEqual(output.shape, [4, 1])
            for (row, states) in sequences.enumerated() {
                XCTAssertEqual(output.scalars[row], potts.hamiltonian(states), accuracy: 1e-4, "site-independent: \(siteIndependent)")
            }
        }
    }

    func testSaliencyIsTheGradientByFiniteDifferences() throws {
        let potts = randomPottsModel(length: 6, seed: 4)
        let model = try SequenceModel(potts: potts, url: url)
        let sequence = letters(potts, randomStates(potts, seed: 5))
        let saliency = try LiveModel(model: model).attribution(sequence, method: .saliency, task: 0)
        let q = potts.stateCount, l = potts.length
        let x = try OneHot.encode([sequence], alphabet: model.alphabet, layout: .channelsFirst)
        let epsilon: Float = 1e-2
        for (letter, position) in [(0, 0), (3, 2), (20, 5), (7, 4), (Int(model.alphabet.index(of: sequence[1])!), 1)] {
            var up = x, down = x
            up[letter * l + position] += epsilon
            down[letter * l + position] -= epsilon
            let values = try model.predictEncoded(Tensor(shape: [2, q, l], scalars: up + down)).scalars
            let difference = (values[0] - values[1]) / (2 * epsilon)
            XCTAssertEqual(saliency[letter * l + position], difference, accuracy: 2e-3, "letter \(letter) at \(position)")
            // Exactly the local field h_i(a) + Σ_j J_ij(a, σ_j).
            let states = sequence.map { UInt8(model.alphabet.index(of: $0)!) }
            let local = potts.fields[position * q + letter] + (0 ..< l).reduce(Float(0)) { $0 + potts.coupling(position, $1, letter, Int(states[$1])) }
            XCTAssertEqual(saliency[letter * l + position], local, accuracy: 1e-4)
        }
    }

    func testNativeMutagenesisEqualsTheEngineOverTheGraph() throws {
        let potts = randomPottsModel(length: 8, seed: 6)
        let native = try SequenceModel(potts: potts, url: url)
        // The same graph without the PottsModel: every mutant through the couplings' product.
        let engine = try SequenceModel(graph: native.graph, url: url, card: native.card)
        let sequences = [letters(potts, randomStates(potts, seed: 7)), letters(potts, randomStates(potts, seed: 8))]
        let fast = try SaturationMutagenesis(model: native).run(sequences, window: 2 ..< 7)
        let slow = try SaturationMutagenesis(model: engine).run(sequences, window: 2 ..< 7)
        XCTAssertEqual(fast.deltas.shape, [2, 21, 5, 1])
        XCTAssertEqual(fast.deltas.shape, slow.deltas.shape)
        for (a, b) in zip(fast.deltas.scalars, slow.deltas.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        for (a, b) in zip(fast.reference.scalars, slow.reference.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        // And LiveModel's predictions (native sums) equal the graph's.
        let live = LiveModel(model: native)
        XCTAssertEqual(try live.predict(sequences[1])[0], try engine.predict([sequences[1]]).scalars[0], accuracy: 1e-4)
    }

    func testLettersOutsideTheAlphabetAndOtherLengthsAreRefused() throws {
        let potts = randomPottsModel(length: 4, seed: 9)
        let model = try SequenceModel(potts: potts, url: url)
        XCTAssertThrowsError(try LiveModel(model: model).predict(Array("ACXD".utf8))) { error in
            XCTAssertEqual("\(error)", "family.params: position 2 is 'X', not one of -ACDEFGHIKLMNPQRSTVWY")
        }
        XCTAssertThrowsError(try LiveModel(model: model).predict(Array("ACD".utf8))) { error in
            XCTAssertEqual("\(error)", "family.params scores sequences of its 4 focus columns, not 3 residues")
        }
    }
}
