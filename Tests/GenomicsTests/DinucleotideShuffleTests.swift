import Genomics
import XCTest

final class DinucleotideShuffleTests: XCTestCase {
    private func pairCounts(_ s: [UInt8]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for i in 0..<(s.count - 1) { counts[String(decoding: [s[i], s[i + 1]], as: UTF8.self), default: 0] += 1 }
        return counts
    }

    func testKeepsEveryDinucleotideCountAndTheEnds() {
        var generator = SeededGenerator(seed: 7)
        let letters = Array("ACGT".utf8)
        for length in [3, 10, 200, 1000] {
            let sequence = (0..<length).map { _ in letters.randomElement(using: &generator)! } + Array("NNACGT".utf8)
            for _ in 0..<5 {
                let shuffled = DinucleotideShuffle.shuffle(sequence, using: &generator)
                XCTAssertEqual(shuffled.count, sequence.count)
                XCTAssertEqual(shuffled.first, sequence.first)
                XCTAssertEqual(shuffled.last, sequence.last)
                XCTAssertEqual(pairCounts(shuffled), pairCounts(sequence))
            }
        }
    }

    func testShufflesAndIsReproducibleFromASeed() {
        var source = SeededGenerator(seed: 1)
        let sequence = (0..<300).map { _ in Array("ACGT".utf8).randomElement(using: &source)! }
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = DinucleotideShuffle.shuffle(sequence, using: &a)
        XCTAssertEqual(first, DinucleotideShuffle.shuffle(sequence, using: &b))
        XCTAssertNotEqual(first, DinucleotideShuffle.shuffle(sequence, using: &c))
        XCTAssertNotEqual(first, sequence)
    }

    func testGaussianSamplesHaveUnitVariance() {
        var generator = SeededGenerator(seed: 3)
        let samples = (0..<20000).map { _ in Double(generator.nextGaussian()) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }
}
