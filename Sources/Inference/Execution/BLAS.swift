#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// The engine's one door to BLAS: every matrix product goes through here
/// (OpenBLAS on Linux, Accelerate on macOS).
enum BLAS {
    /// C (m×n) = alpha · op(A) (m×k) · op(B) (k×n) + beta · C, all row-major.
    /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored.
    static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if m == 1 {
            // A single row (batch-1 dense layers): BLAS's matrix-vector kernel streams the
            // weights once, much faster than a 1-row sgemm.
            cblas_sgemv(CblasRowMajor, transB ? CblasNoTrans : CblasTrans, Int32(transB ? n : k), Int32(transB ? k : n),
                        alpha, b, Int32(ldb), a, Int32(transA ? lda : 1), beta, c, 1)
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc)
        )
    }

    /// Threads BLAS may use. Changing OpenBLAS's count is not free, so only changes are passed on.
    static func setThreads(_ count: Int) {
        #if !canImport(Accelerate)
        let wanted = Int32(max(1, count))
        guard openblas_get_num_threads() != wanted else { return }
        openblas_set_num_threads(wanted)
        #endif
    }
}
