import Alignments
import Foundation
import Genomics
import TestSupport
import XCTest

final class PseudolikelihoodFitTests: XCTestCase {
    /// ww-small's focus columns with plmc's own weights (tools/make-potts-fixtures.py), built
    /// directly: the sequences plmc kept, in file order.
    static func wwSmall() throws -> EncodedAlignment {
        let table = Alphabet.proteinGapped.channelTable
        let rows = try String(contentsOf: Fixtures.url("potts/ww-small.columns"), encoding: .utf8).split(separator: "\n")
        let weights = try String(contentsOf: Fixtures.url("potts/ww-small.weights"), encoding: .utf8)
            .split(separator: "\n").compactMap { Float($0) }.filter { $0 > 0 }
        let length = rows[0].utf8.count
        let states = rows.flatMap { $0.utf8.map { UInt8(table[Int($0)]) } }
        let focus = try PlmcParameterFile(contentsOf: PottsFixture.parameters).model
        return EncodedAlignment(alphabet: Alphabet.proteinGapped.letters, ids: rows.indices.map { "s\($0)" }, length: length, states: states,
                                weights: weights, positions: focus.positions, focusSequence: focus.focusSequence)
    }

    func testGradientMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 16)
        let length = 4, count = 12
        let states = (0..<(length * count)).map { _ in UInt8.random(in: 0..<3, using: &generator) }
        let alignment = EncodedAlignment(alphabet: Array("-AC".utf8), ids: (0..<count).map { "s\($0)" }, length: length, states: states,
                                         weights: (0..<count).map { _ in Float.random(in: 0.2..<1, using: &generator) },
                                         positions: Array(1...length), focusSequence: Array("AACA".utf8))
        for threads in [1, 2] {
            let objective = PseudolikelihoodObjective(alignment: alignment, lambdaH: 0.3, lambdaJ: 0.7, threads: threads)
            let n = objective.parameterCount
            var x = (0..<n).map { _ in Double.random(in: -1..<1, using: &generator) }
            var gradient = [Double](repeating: 0, count: n)
            _ = objective.evaluate(x, gradient: &gradient)
            var scratch = gradient
            for k in stride(from: 0, to: n, by: 5) {
                let saved = x[k], step = 1e-6
                x[k] = saved + step
                let up = objective.evaluate(x, gradient: &scratch)
                x[k] = saved - step
                let down = objective.evaluate(x, gradient: &scratch)
                x[k] = saved
                XCTAssertEqual(gradient[k], (up - down) / (2 * step), accuracy: 1e-5, "parameter \(k), \(threads) threads")
            }
        }
    }

    func testFitReachesPlmcsOptimumOnTheSameAlignment() throws {
        let plmc = try PlmcParameterFile(contentsOf: PottsFixture.parameters)
        let alignment = try Self.wwSmall()
        XCTAssertEqual(alignment.count, plmc.sequenceCount)
        XCTAssertEqual(alignment.effectiveCount, plmc.effectiveCount, accuracy: 1e-3)
        let options = PseudolikelihoodOptions(lambdaH: 0.01, lambdaJ: 0.01, maxIterations: 100)
        XCTAssertEqual(Float(options.scaledLambdaJ(length: alignment.length, states: alignment.stateCount)), plmc.lambdaJ)
        let fit = PottsModel.fitPseudolikelihood(to: alignment, options: options)
        XCTAssertEqual(fit.model.frequencies.count, plmc.model.frequencies.count)
        XCTAssertLessThan(compare(fit.model.frequencies, plmc.model.frequencies, absolute: 1e-6).maxAbsolute, 1e-6)

        // Couplings in the zero-sum gauge, and the contact scores, against plmc's.
        var ours = [Float](), theirs = [Float]()
        for i in 0..<alignment.length {
            for j in (i + 1)..<alignment.length {
                ours += fit.model.zeroSumCouplings(i, j).map(Float.init)
                theirs += plmc.model.zeroSumCouplings(i, j).map(Float.init)
            }
        }
        let couplings = compare(ours, theirs, absolute: 1e-4, relative: 0)
        XCTAssertEqual(couplings.failures, 0, "\(couplings)")
        let scale = theirs.map(abs).max()!
        XCTAssertGreaterThan(scale, 0.1)
        let contacts = compare(ContactScores(model: fit.model).corrected.map(Float.init),
                               ContactScores(model: plmc.model).corrected.map(Float.init), absolute: 1e-4, relative: 0)
        XCTAssertEqual(contacts.failures, 0, "\(contacts)")
        print("fit vs plmc: couplings \(couplings); contacts \(contacts); \(fit.iterations) iterations, status \(fit.status)")
    }

    func testTwoThreadsFitTheSameModelAsOne() throws {
        let alignment = try Self.wwSmall()
        let one = PottsModel.fitPseudolikelihood(to: alignment, options: .init(maxIterations: 20, threads: 1))
        let two = PottsModel.fitPseudolikelihood(to: alignment, options: .init(maxIterations: 20, threads: 2))
        XCTAssertEqual(one.iterations, two.iterations)
        let difference = compare(two.model.couplings, one.model.couplings, absolute: 1e-4, relative: 0)
        XCTAssertEqual(difference.failures, 0, "\(difference)")
        XCTAssertEqual(two.objective, one.objective, accuracy: 1e-6 * abs(one.objective))
    }
}
