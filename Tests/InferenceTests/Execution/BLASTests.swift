import Foundation
@testable import Inference
import Synchronization
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

    /// A batch of products in one call against direct sums: below the batch that takes oneDNN's
    /// matmul primitive (separate sgemm calls), at it, and above it; then four batches at once
    /// on several threads (each run needs its own working memory).
    func testBatchedProductsMatchDirectSums() {
        let (m, n, k) = (49, 23, 16)
        func mismatch(batches: Int, seed: Int) -> String? {
            let a = (0..<(batches * m * k)).map { Float(($0 * 7 + seed) % 13) - 6 }
            let b = (0..<(batches * k * n)).map { Float(($0 * 5 + seed) % 11) - 5 }
            var c = [Float](repeating: .nan, count: batches * m * n)
            BLAS.batchedSgemm(batches: batches, m: m, n: n, k: k, a: a, b: b, c: &c)
            for batch in 0..<batches {
                for i in 0..<m {
                    for j in 0..<n {
                        var sum: Float = 0
                        for p in 0..<k { sum += a[(batch * m + i) * k + p] * b[(batch * k + p) * n + j] }
                        if c[(batch * m + i) * n + j] != sum {
                            return "batches \(batches) seed \(seed): \(c[(batch * m + i) * n + j]) at batch \(batch) row \(i) column \(j), expected \(sum)"
                        }
                    }
                }
            }
            return nil
        }
        for batches in [3, BLAS.minimumBatchedProducts, 37] {
            if let failure = mismatch(batches: batches, seed: 0) { return XCTFail(failure) }
        }
        let failures = Mutex<[String]>([])
        concurrently(4, participants: 2) { seed in
            for _ in 0..<20 { if let failure = mismatch(batches: 37, seed: seed) { failures.withLock { $0.append(failure) } } }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        #if !canImport(Accelerate)
        XCTAssertNotNil(BatchedMatMul.cached(BatchedMatMul.Shape(batches: 37, m: m, n: n, k: k)), "oneDNN must take the batch, not the fallback")
        #endif
    }
}
