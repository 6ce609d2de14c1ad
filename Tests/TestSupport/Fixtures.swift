import Foundation
import Inference

/// Where committed fixtures live: Tests/Fixtures, found from this file's path so tests
/// run from any working directory.
public enum Fixtures {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// The repository root (for sample models and assets).
    public static let repositoryRoot = root.deletingLastPathComponent().deletingLastPathComponent()
}

/// The largest difference between two tensors, llm.c style: reports where and how much.
public struct Comparison: CustomStringConvertible {
    public var maxAbsolute: Float = 0
    public var maxRelative: Float = 0
    public var worstIndex = 0
    public var failures = 0
    public var count = 0

    public var description: String {
        "max |Δ| \(maxAbsolute), max rel \(maxRelative) at flat index \(worstIndex); \(failures) of \(count) outside tolerance"
    }
}

/// Elementwise check: each element must be within `absolute` OR within `relative` of the expected value
/// (the "1e-4 absolute or 1e-5 relative" rule).
public func compare(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-4, relative: Float = 1e-5) -> Comparison {
    var result = Comparison()
    result.count = expected.count
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        if a.isNaN && e.isNaN { continue }
        if a == e { continue }  // equal infinities too
        let difference = abs(a - e)
        let relativeDifference = difference / max(abs(e), Float.leastNormalMagnitude)
        if difference > result.maxAbsolute { result.maxAbsolute = difference; result.worstIndex = index }
        result.maxRelative = max(result.maxRelative, relativeDifference)
        if !(difference <= absolute || relativeDifference <= relative) { result.failures += 1 }
    }
    if actual.count != expected.count { result.failures += abs(actual.count - expected.count) }
    return result
}
