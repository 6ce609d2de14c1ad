import Foundation
import Genomics
import Inference
import Interpretation
import TestSupport
import XCTest

/// Dependency maps against tangermeme 1.6's dependency_map and brute-force double mutants
/// through onnxruntime (tools/make-dependency-fixtures.py).
final class DependencyMapTests: XCTestCase {
    static let folder = Fixtures.url("dependency")
    static let window = 10..<25, target = 1

    static func model() throws -> SequenceModel { try SequenceModel(contentsOf: folder.appendingPathComponent("model.onnx")) }

    static func sequences() throws -> [[UInt8]] {
        try FASTAReader.read(contentsOf: folder.appendingPathComponent("sequences.fa")).map(\.sequence)
    }

    static func expected(_ name: String) throws -> Tensor<Float> {
        guard case .float(let tensor) = try NPY.read(contentsOf: folder.appendingPathComponent("\(name).npy")) else { throw CancellationError() }
        return tensor
    }

    private func assertClose(_ actual: [Float], _ expected: ArraySlice<Float>, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let scale = expected.map(abs).max() ?? 0
        let comparison = compare(actual, Array(expected), absolute: max(2e-5 * scale, 1e-6), relative: 0)
        XCTAssertEqual(comparison.failures, 0, "\(label): \(comparison) (scale \(scale))", file: file, line: line)
    }

    func testBothMapsMatchTangermemeAndDoubleMutantsOnBothEngines() throws {
        let positions = try Self.expected("dependency"), substitutions = try Self.expected("substitutions")
        XCTAssertEqual(positions.shape, [2, 40, 15])
        XCTAssertEqual(substitutions.shape, [2, 4, 40, 4, 15])
        for engine in MutagenesisEngine.allCases {
            let map = DependencyMap(model: try Self.model(), task: Self.target, batchSize: 16, threads: 1, engine: engine)
            for (n, sequence) in try Self.sequences().enumerated() {
                let result = try map.run(sequence, window: Self.window)
                let perPositions = 40 * 15, perSubstitutions = 4 * 40 * 4 * 15
                assertClose(result.positions, positions.scalars[n * perPositions ..< (n + 1) * perPositions], "\(engine) record \(n) positions")
                assertClose(result.substitutions, substitutions.scalars[n * perSubstitutions ..< (n + 1) * perSubstitutions], "\(engine) record \(n) substitutions")
            }
        }
    }

    func testThreadsAndOrderGiveTheSameNumbers() throws {
        let sequence = try Self.sequences()[1]
        let one = try DependencyMap(model: try Self.model(), task: Self.target, threads: 1).run(sequence, window: Self.window)
        var done: [Int] = []
        let lock = NSLock()
        let two = try DependencyMap(model: try Self.model(), task: Self.target, threads: 2)
            .run(sequence, window: Self.window, order: Array(Self.window).reversed()) { count, total in
                lock.withLock { done.append(count) }
                XCTAssertEqual(total, 15 * 3 + 1)  // the N at 14 has four substitutions
            }
        XCTAssertEqual(one.positions, two.positions)
        XCTAssertEqual(one.substitutions, two.substitutions)
        XCTAssertEqual(done.sorted(), Array(1...46))
    }

    func testCancellationStopsTheRun() throws {
        let map = DependencyMap(model: try Self.model(), task: Self.target, threads: 2)
        XCTAssertThrowsError(try map.run(try Self.sequences()[0], window: Self.window, isCancelled: { true })) { error in
            XCTAssert(error is CancellationError, "\(error)")
        }
    }

    func testAWindowOutsideTheSequenceIsRefused() throws {
        let map = DependencyMap(model: try Self.model(), task: Self.target)
        XCTAssertThrowsError(try map.run(try Self.sequences()[0], window: 30..<41)) { error in
            XCTAssertEqual("\(error)", "window 30–41 is outside the sequence (0–40)")
        }
    }
}
