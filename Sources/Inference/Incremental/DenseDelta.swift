import CVectorMath

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
        // Every buffer below is written in full before it is read: no zero-filling first.
        var y = [Float](unsafeUninitializedCapacity: m * n) { $1 = m * n }
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
            var packedB = [Float](unsafeUninitializedCapacity: kept * n) { $1 = kept * n }
            var packedA = [Float](unsafeUninitializedCapacity: m * kept) { $1 = m * kept }
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

    /// The transpose of a row-major rows × columns matrix (CVectorMath's 8 × 8 register
    /// tiles); uninitialised storage spares zero-filling Basset's 14 MB first.
    static func transposed(_ source: [Float], rows: Int, columns: Int) -> [Float] {
        precondition(source.count == rows * columns)
        return [Float](unsafeUninitializedCapacity: rows * columns) { buffer, count in
            source.withUnsafeBufferPointer { from in
                if let from = from.baseAddress, let to = buffer.baseAddress { seqlens_transpose(from, columns, to, rows, columns, rows) }
            }
            count = rows * columns
        }
    }
}

/// The evaluator's delta steps: a Flatten/Reshape of a window becomes a sparse delta, and
/// the Gemm or MatMul after it adds Δ · B[changed features] to the reference output.
extension IncrementalEvaluator {
    /// The op on a flattened delta; nil when the rule or this step's inputs do not allow it.
    func delta(_ step: ExecutionPlan.Step, rule: WindowRule, inputs: [Variant?], changed: [Int]) throws -> Variant? {
        switch rule {
        case .gemm(let alpha, let transB):
            // β · C and the reference's product are in y_ref; only α · Δ · B is added.
            guard changed == [0], case .flattened(let columns, let delta, _)? = inputs[0] else { return nil }
            return .full(.float(try denseDelta(step, columns: columns, delta: delta, alpha: alpha, transB: transB)))
        case .matMul:
            guard changed == [0], case .flattened(let columns, let delta, _)? = inputs[0],
                  plan.slotShapes[step.inputSlots[1] ?? 0].count == 2 else { return nil }
            return .full(.float(try denseDelta(step, columns: columns, delta: delta, alpha: 1, transB: false)))
        case .reshape(toDelta: true):
            return flattened(step, inputs: inputs)
        case .lengthReduction, .globalAverage:
            guard changed == [0] else { return nil }
            return try lengthReductionDelta(step, rule: rule, inputs: inputs)
        case .pointwise, .perChannel, .broadcasting, .convolution, .pool, .transpose, .reshape(toDelta: false),
             .transposedConvolution, .resampling, .crop, .fullPass:
            return nil
        }
    }

    /// A Flatten/Reshape to (batch, features) of a window: keep it as a sparse delta.
    private func flattened(_ step: ExecutionPlan.Step, inputs: [Variant?]) -> Variant? {
        guard case .window(let axis, let start, let data)? = inputs[0], let outputSlot = step.outputSlots[0],
              let inputSlot = step.inputSlots[0] else { return nil }
        let inputShape = plan.slotShapes[inputSlot]
        let outputShape = plan.slotShapes[outputSlot]
        guard outputShape == [inputShape[0], inputShape.dropFirst().reduce(1, *)], case .float(let ref)? = reference[inputSlot] else { return nil }
        let width = data.shape[axis]
        let inner = inputShape[(axis + 1)...].reduce(1, *)
        let outer = inputShape[1..<axis].reduce(1, *)
        let length = inputShape[axis]
        var columns: [Int] = []
        columns.reserveCapacity(outer * width * inner)
        for o in 0..<outer { for p in start..<(start + width) { for i in 0..<inner { columns.append((o * length + p) * inner + i) } } }
        let batch = data.shape[0]
        let perVariant = outer * width * inner
        var delta = [Float](repeating: 0, count: batch * perVariant)
        for b in 0..<batch {
            for (k, column) in columns.enumerated() {
                // data is (M, outer…, width, inner…): the same order as `columns`.
                delta[b * perVariant + k] = data.scalars[b * perVariant + k] - ref.scalars[column]
            }
        }
        return .flattened(columns: columns, delta: Tensor(shape: [batch, columns.count], scalars: delta), window: Window(axis: axis, start: start, data: data))
    }

    /// Gemm or MatMul on a flattened delta: y = y_ref + α · Δ · B[changed features], B
    /// feature-major (transposed once per weight when stored transB).
    private func denseDelta(_ step: ExecutionPlan.Step, columns: [Int], delta: Tensor<Float>, alpha: Float, transB: Bool) throws -> Tensor<Float> {
        guard let outputSlot = step.outputSlots[0], case .float(let yRef)? = reference[outputSlot],
              let weightSlot = step.inputSlots[1], case .float(let b)? = plan.constants[weightSlot] ?? reference[weightSlot],
              b.rank == 2, yRef.rank == 2 else {
            throw InferenceError("incremental Gemm: missing reference values")
        }
        let n = yRef.shape[1], k = columns.count, m = delta.shape[0]
        guard b.shape == (transB ? [n, plan.slotShapes[step.inputSlots[0]!][1]] : [plan.slotShapes[step.inputSlots[0]!][1], n]) else {
            throw InferenceError("incremental Gemm: unexpected weight shape \(b.shape)")
        }
        let weights: [Float]
        if !transB {
            weights = b.scalars
        } else if let cached = featureMajorWeights[weightSlot] {
            weights = cached
        } else {
            weights = DenseDelta.transposed(b.scalars, rows: b.shape[0], columns: b.shape[1])
            featureMajorWeights[weightSlot] = weights
        }
        let y = delta.scalars.withUnsafeBufferPointer { dp in
            yRef.scalars.withUnsafeBufferPointer { rp in
                weights.withUnsafeBufferPointer { wp in
                    DenseDelta.apply(reference: rp.baseAddress!, n: n, delta: dp.baseAddress!, m: m, k: k,
                                     runs: DenseDelta.runs(features: columns, delta: dp.baseAddress!, variants: m),
                                     weights: wp.baseAddress!, alpha: alpha)
                }
            }
        }
        return Tensor(shape: [m, n], scalars: y)
    }
}
