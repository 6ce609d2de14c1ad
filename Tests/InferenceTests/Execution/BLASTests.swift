import Foundation
@testable import Inference
import XCTest

/// The one door to matrix products: each orientation against a direct sum, also while the
/// library writes its kernels on another thread (`prepareInBackground`, which commands given
/// several threads start before reading the model).
final class BLASTests: XCTestCase {
    private func product(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, seed: Int) -> (actual: [Float], expected: [Float]) {
        let a = (0..<(m * k)).map { Float(($0 * 7 + seed) % 13) - 6 }
        let b = (0..<(k * n)).map { Float(($0 * 5 + seed) % 11) - 5 }
        var c = [Float](repeating: .nan, count: m * n)
        BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: transA ? m : k, b: b, ldb: transB ? k : n, c: &c, ldc: n)
        var expected = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k { sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]) }
                expected[i * n + j] = sum
            }
        }
        return (c, expected)
    }

    func testProductsWhileKernelsArePreparedOnAnotherThread() {
        BLAS.prepareInBackground()
        for (index, (transA, transB)) in [(false, false), (false, true), (true, false), (true, true)].enumerated() {
            // Small integers: every sum is exact in float32, whatever the kernel's order.
            let (actual, expected) = product(transA: transA, transB: transB, m: 37, n: 53, k: 29, seed: index)
            XCTAssertEqual(actual, expected, "transA \(transA) transB \(transB)")
        }
        BLAS.waitUntilPrepared()
        BLAS.waitUntilPrepared()  // returns at once when nothing is being prepared
        let (actual, expected) = product(transA: false, transB: false, m: 64, n: 64, k: 64, seed: 9)
        XCTAssertEqual(actual, expected)
    }
}
