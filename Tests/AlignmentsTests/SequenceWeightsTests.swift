import Alignments
import Genomics
import XCTest

final class SequenceWeightsTests: XCTestCase {
    /// EVcouplings' `num_cluster_members` written out: every pair, identity = matches / L.
    func bruteForceClusterSizes(_ states: [UInt8], length: Int, identity: Double) -> [Int] {
        let count = states.count / length
        var sizes = [Int](repeating: 1, count: count)
        for i in 0..<count {
            for j in 0..<count where j != i {
                let matches = (0..<length).count { states[i * length + $0] == states[j * length + $0] }
                if Double(matches) / Double(length) >= identity { sizes[i] += 1 }
            }
        }
        return sizes
    }

    /// Related random rows (mutants of a few parents) so every threshold finds neighbours; lengths
    /// around the 16-column chunks and past 255 chunks (one lane's limit before it is summed).
    func testClusterSizesEqualTheDefinitionAtEveryLengthAndThreshold() {
        var generator = SeededGenerator(seed: 7)
        for length in [1, 15, 16, 17, 33, 4_100] {
            // 100 rows of 4,100 columns span two tiles of 64 rows.
            let count = length > 1_000 ? 100 : 150
            let parents = (0..<3).map { _ in (0..<length).map { _ in UInt8.random(in: 0..<21, using: &generator) } }
            var states: [UInt8] = []
            for n in 0..<count {
                var row = parents[n % 3]
                for i in row.indices where Double.random(in: 0..<1, using: &generator) < 0.25 { row[i] = UInt8.random(in: 0..<21, using: &generator) }
                states += row
            }
            for identity in [0.0, 0.5, 0.8, 0.9, 1.0] {
                XCTAssertEqual(SequenceWeights.clusterSizes(states: states, length: length, identity: identity),
                               bruteForceClusterSizes(states, length: length, identity: identity), "L \(length), identity \(identity)")
            }
        }
    }

    /// 0.8 of 35 columns is 28 matches: exactly 28 counts, 27 does not.
    func testThresholdIsInclusive() {
        let a = [UInt8](repeating: 1, count: 35)
        var b = a, c = a
        for i in 0..<7 { b[i] = 2 }
        for i in 0..<8 { c[i] = 3 }
        XCTAssertEqual(SequenceWeights.clusterSizes(states: a + b, length: 35, identity: 0.8), [2, 2])
        XCTAssertEqual(SequenceWeights.clusterSizes(states: a + c, length: 35, identity: 0.8), [1, 1])
        XCTAssertEqual(SequenceWeights.weights(states: a + b + a, length: 35, identity: 0.8), [1 / 3, 1 / 3, 1 / 3])
    }
}
