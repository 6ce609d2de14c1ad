/// The dense layer after a Flatten, evaluated as a correction to the reference output:
/// y = y_ref + α · Δ · B[changed features], where B is the weight laid out feature-major
/// (features × outputs), so that each changed feature is one contiguous row.
///
/// Why feature-major: PyTorch exports Linear as Gemm with transB = 1, i.e. W (outputs ×
/// features). A window of a channels-first flatten changes a few features per channel, spread
/// over the whole row length of W; reading those columns touches a cache line per output and
/// feature run all over a matrix far larger than the caches (Basset: 14 MB), and that gather
/// was most of the time of a live single-base edit. In Wᵀ the same features are a few
/// contiguous runs of rows, read once at streaming speed. Gemm with transB = 0 and MatMul
/// already store B feature-major.
enum DenseDelta {
    /// A run of changed features whose rows of B are consecutive: delta columns
    /// [column, column + count) are rows [row, row + count) of B.
    struct Run: Equatable {
        var column: Int
        var row: Int
        var count: Int
    }

    /// The runs of `features` (ascending within runs, as `flattened` lists them) whose delta
    /// column is non-zero for some variant. Features that no variant changes are left out:
    /// after ReLU and max pooling many of a window's features are exactly unchanged, and a
    /// skipped feature is a row of B not read.
    static func runs(features: [Int], delta: UnsafePointer<Float>, variants m: Int) -> [Run] {
        let k = features.count
        var runs: [Run] = []
        for column in 0..<k {
            var changed = false
            for i in 0..<m where delta[i * k + column] != 0 { changed = true; break }
            guard changed else { continue }
            let row = features[column]
            if let last = runs.last, last.column + last.count == column, last.row + last.count == row {
                runs[runs.count - 1].count += 1
            } else {
                runs.append(Run(column: column, row: row, count: 1))
            }
        }
        return runs
    }

    /// y (m × n) = y_ref (1 × n, broadcast) + α · Δ (m × k) · B[rows of `runs`], B feature-major
    /// with n columns.
    static func apply(
        reference yRef: UnsafePointer<Float>, n: Int, delta: UnsafePointer<Float>, m: Int, k: Int,
        runs: [Run], weights b: UnsafePointer<Float>, alpha: Float
    ) -> [Float] {
        var y = [Float](repeating: 0, count: m * n)
        y.withUnsafeMutableBufferPointer { yp in
            let c = yp.baseAddress!
            for i in 0..<m { (c + i * n).update(from: yRef, count: n) }
            guard !runs.isEmpty else { return }
            if m == 1 || runs.count == 1 {
                // One variant (live edits): a matrix-vector product per run, straight from the
                // rows of B, which are read once. (A single run needs no gather either.)
                for run in runs {
                    BLAS.sgemm(transA: false, transB: false, m: m, n: n, k: run.count, alpha: alpha,
                               a: delta + run.column, lda: k, b: b + run.row * n, ldb: n, beta: 1, c: c, ldc: n)
                }
                return
            }
            // Many variants (ISM chunks): many short runs would each be a thin sgemm that
            // rereads and rewrites all of y, so copy the runs' rows (contiguous, memcpy speed)
            // and delta columns into packed matrices and multiply once.
            let kept = runs.reduce(0) { $0 + $1.count }
            var packedB = [Float](repeating: 0, count: kept * n)
            var packedA = [Float](repeating: 0, count: m * kept)
            packedB.withUnsafeMutableBufferPointer { pb in
            packedA.withUnsafeMutableBufferPointer { pa in
                var offset = 0
                for run in runs {
                    (pb.baseAddress! + offset * n).update(from: b + run.row * n, count: run.count * n)
                    for i in 0..<m { (pa.baseAddress! + i * kept + offset).update(from: delta + i * k + run.column, count: run.count) }
                    offset += run.count
                }
                BLAS.sgemm(transA: false, transB: false, m: m, n: n, k: kept, alpha: alpha,
                           a: pa.baseAddress!, lda: kept, b: pb.baseAddress!, ldb: n, beta: 1, c: c, ldc: n)
            }}
        }
        return y
    }

    /// The transpose of a row-major rows × columns matrix. Strips of 8 columns: one vector load
    /// per row, written to 8 sequential streams (about 3 ms for Basset's 1000 × 3600, 3× faster
    /// than square tiles); uninitialised storage spares zero-filling 14 MB first.
    static func transposed(_ source: [Float], rows: Int, columns: Int) -> [Float] {
        precondition(source.count == rows * columns)
        return [Float](unsafeUninitializedCapacity: rows * columns) { buffer, count in
            let r = buffer.baseAddress!
            source.withUnsafeBufferPointer { sp in
                let s = sp.baseAddress!
                var j0 = 0
                while j0 + 8 <= columns {
                    for i in 0..<rows {
                        let v = UnsafeRawPointer(s + i * columns + j0).loadUnaligned(as: SIMD8<Float>.self)
                        for t in 0..<8 { r[(j0 + t) * rows + i] = v[t] }
                    }
                    j0 += 8
                }
                for j in j0..<columns { for i in 0..<rows { r[j * rows + i] = s[i * columns + j] } }
            }
            count = rows * columns
        }
    }
}
