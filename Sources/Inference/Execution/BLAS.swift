#if canImport(Accelerate)
import Accelerate
#else
import CDNNL
import Dispatch
import Synchronization
#endif

/// The engine's one door to BLAS: every matrix product goes through here (oneDNN's sgemm on
/// Linux, Accelerate on macOS).
///
/// oneDNN rather than OpenBLAS on Linux: its JIT kernels follow the CPU's own features, where
/// OpenBLAS's follow `OPENBLAS_CORETYPE`, which some machines pin to Haswell's AVX2 kernels —
/// half the speed on a CPU with full-width AVX-512 (bench/RESULTS.md).
public enum BLAS {
    /// C (m×n) = alpha · op(A) (m×k) · op(B) (k×n) + beta · C, all row-major.
    /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored.
    /// - Parameter splitting: false for a caller that already runs on one of the engine's
    ///   workers (a block of a larger job): the product stays on the calling thread.
    static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, splitting: Bool = true
    ) {
        guard m > 0, n > 0 else { return }
        #if canImport(Accelerate)
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc)
        )
        #else
        let threads = splitting ? threadCount.load(ordering: .relaxed) : 1
        let splitAlongN = n >= m
        let parts = min(threads, max(m, n) / splitGranule)
        // A product with a thin side (a batch-1 dense layer) is bound by reading the other
        // operand from memory, which each core does at its own pace: split it from its size.
        let large = min(m, n) <= thinSide ? max(m, n) * k >= minimumSplitOperand : m * n * k >= minimumSplitWork
        guard parts > 1, large else {
            singleThreaded(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        // Row or column blocks of C, each one single-threaded product on a worker: the
        // engine's threads, not OpenMP's, whose teams spin between the many small products.
        let extent = splitAlongN ? n : m
        let granules = (extent + splitGranule - 1) / splitGranule
        concurrently(parts) { part in
            let start = min(extent, granules * part / parts * splitGranule)
            let end = min(extent, granules * (part + 1) / parts * splitGranule)
            guard end > start else { return }
            if splitAlongN {
                singleThreaded(transA, transB, m, end - start, k, alpha, a, lda,
                               b + (transB ? start * ldb : start), ldb, beta, c + start, ldc)
            } else {
                singleThreaded(transA, transB, end - start, n, k, alpha, a + (transA ? start : start * lda), lda,
                               b, ldb, beta, c + start * ldc, ldc)
            }
        }
        #endif
    }

    #if !canImport(Accelerate)
    /// The thread count products use, one for the process (a worker that runs part of a batch
    /// single-threaded relies on it).
    private static let threadCount = Atomic<Int>(1)
    /// Below this many multiply-adds (about 10 µs) a product runs on one thread: handing half
    /// to a worker (about 1 µs, and the caches' contents) costs more than it saves.
    private static let minimumSplitWork = 1 << 20
    /// Products with at most this many rows or columns are matrix-vector-like.
    private static let thinSide = 4
    /// Floats of its large operand from which a matrix-vector-like product is split (1 MB).
    private static let minimumSplitOperand = 1 << 18
    /// Blocks of C split at multiples of this many rows or columns (whole vector registers).
    private static let splitGranule = 16

    private static func singleThreaded(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        // oneDNN sizes a product by the calling thread's OpenMP count, which starts at the
        // core count on every thread.
        if omp_get_max_threads() != 1 { omp_set_num_threads(1) }
        // Row-major; a single row (batch-1 dense layers) becomes a matrix-vector product inside.
        let status = dnnl_sgemm(
            CChar(UInt8(ascii: transA ? "T" : "N")), CChar(UInt8(ascii: transB ? "T" : "N")),
            Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        assert(status == dnnl_success, "dnnl_sgemm refused its arguments")
    }
    #endif

    /// Starts writing the library's kernels on another thread, for a command allowed several:
    /// oneDNN generates its JIT kernels on a process's first product, ~22 ms of CPU here
    /// (bench/RESULTS.md), which then overlaps reading the model. Call `waitUntilPrepared`
    /// before the process exits.
    public static func prepareInBackground() {
        #if !canImport(Accelerate)
        preparation.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            // A product of each orientation the engine uses, large enough for the JIT path.
            let side = 64
            let a = [Float](repeating: 0, count: side * side), b = a
            var c = a
            for (transA, transB) in [(false, false), (false, true), (true, false)] {
                singleThreaded(transA, transB, side, side, side, 1, a, side, b, side, 0, &c, side)
            }
            preparation.leave()
        }
        #endif
    }

    /// Returns once `prepareInBackground`'s products are done: exiting while a thread is
    /// inside the library can crash in its teardown.
    public static func waitUntilPrepared() {
        #if !canImport(Accelerate)
        preparation.wait()
        #endif
    }

    #if !canImport(Accelerate)
    private static let preparation = DispatchGroup()
    #endif

    /// Threads a product may use, from now on and on every thread.
    static func setThreads(_ count: Int) {
        #if !canImport(Accelerate)
        threadCount.store(max(1, count), ordering: .relaxed)
        #endif
    }
}
