import CVectorMath

/// Gemm and MatMul, through BLAS.
enum MatrixProduct {
    static func gemmShape(_ a: [Int], _ b: [Int], transA: Bool, transB: Bool, node: Node) throws -> [Int] {
        guard a.count == 2, b.count == 2 else {
            throw InferenceError("node '\(node.name)' (Gemm): inputs must be matrices, got \(a) and \(b)")
        }
        let (m, k) = transA ? (a[1], a[0]) : (a[0], a[1])
        let (kb, n) = transB ? (b[1], b[0]) : (b[0], b[1])
        guard k == kb else {
            throw InferenceError("node '\(node.name)' (Gemm): inner dimensions differ (\(a)\(transA ? "ᵀ" : "") × \(b)\(transB ? "ᵀ" : ""))")
        }
        return [m, n]
    }

    static func gemm(
        _ a: Tensor<Float>, _ b: Tensor<Float>, _ c: Tensor<Float>?, alpha: Float, beta: Float,
        transA: Bool, transB: Bool, outputShape: [Int], node: Node
    ) throws -> Tensor<Float> {
        let (m, n) = (outputShape[0], outputShape[1])
        let k = transA ? a.shape[0] : a.shape[1]
        var y: [Float]
        var betaForProduct: Float = 0
        if let c, beta != 0 {
            try Broadcast.checkFits(c.shape, outputShape, label: "C", node: node)
            y = c.broadcastIfNeeded(to: outputShape).scalars
            betaForProduct = beta
        } else {
            y = [Float](repeating: 0, count: m * n)
        }
        a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
        y.withUnsafeMutableBufferPointer { yp in
            BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                       a: ap.baseAddress!, lda: a.shape[1], b: bp.baseAddress!, ldb: b.shape[1],
                       beta: betaForProduct, c: yp.baseAddress!, ldc: n)
        }}}
        return Tensor(shape: outputShape, scalars: y)
    }

    /// numpy.matmul: 1-D operands are promoted (and the added axis removed), batch axes broadcast.
    static func matMulShape(_ a: [Int], _ b: [Int], node: Node) throws -> [Int] {
        guard !a.isEmpty, !b.isEmpty else {
            throw InferenceError("node '\(node.name)' (MatMul): scalars cannot be multiplied as matrices")
        }
        let a2 = a.count == 1 ? [1, a[0]] : a
        let b2 = b.count == 1 ? [b[0], 1] : b
        guard a2[a2.count - 1] == b2[b2.count - 2] else {
            throw InferenceError("node '\(node.name)' (MatMul): inner dimensions differ (\(a) × \(b))")
        }
        var shape = try Broadcast.shape(Array(a2.dropLast(2)), Array(b2.dropLast(2)), node: node)
        if a.count > 1 { shape.append(a2[a2.count - 2]) }
        if b.count > 1 { shape.append(b2[b2.count - 1]) }
        return shape
    }

    static func matMul(_ a: Value, _ b: Value, outputShape: [Int], node: Node, context: ExecutionContext) throws -> Value {
        switch (a, b) {
        case (.float(let x), .float(let y)):
            return .float(floatMatMul(x, y, outputShape: outputShape, node: node, threads: context.threads, buffers: context.buffers,
                                      softmax: context.softmaxEpilogue, bias: context.biasEpilogue))
        case (.int(let x), .int(let y)):
            // Integer MatMul only appears in shape arithmetic: tiny, so a plain loop.
            let xf = Tensor(shape: x.shape, scalars: x.scalars.map(Float.init))
            let yf = Tensor(shape: y.shape, scalars: y.scalars.map(Float.init))
            return .int(Tensor(shape: outputShape, scalars: floatMatMul(xf, yf, outputShape: outputShape, node: node, threads: 1, buffers: context.buffers).scalars.map { Int64($0.rounded()) }))
        default:
            throw InferenceError("node '\(node.name)' (MatMul): inputs have different element types")
        }
    }

    /// Multiply-adds from which a batch of products (attention's per-head products) is shared
    /// between threads, a part of the batch each: 4 heads of 125 × 125 × 16 at batch 1 (1 M)
    /// take ~10 µs on one thread. The products share no operand, so unlike one product's
    /// blocks the parts need no cache warm-up, and the pool hands them out in ~0.4 µs.
    static let minimumBatchSplitWork = 1 << 18

    /// Threads a batch of `batches` products sharing `multiplyAdds` runs on, each a part of the batch.
    static func batchParts(batches: Int, multiplyAdds: Int, threads: Int) -> Int {
        multiplyAdds >= minimumBatchSplitWork ? min(threads, batches) : 1
    }

    /// Output rows a product shared by all rows of A (a projection) computes at a time when it
    /// adds a fused bias: 64 KB of output, still in cache for the add.
    static func biasChunkRows(width: Int) -> Int { max(1, (1 << 14) / max(width, 1)) }

    /// With `softmax`, each row of the output's last axis is then softmax-normalised (a fused
    /// Softmax); with `bias` (n values), it is added to each row (a fused Add). A batch of
    /// products does each product's rows right after it (or, batched into one call, each
    /// thread's part after that part: 1.2 MB of scores at batch 64, within L2), and a product
    /// whose B all rows share goes in chunks of `biasChunkRows`, while they are in cache.
    private static func floatMatMul(_ a: Tensor<Float>, _ b: Tensor<Float>, outputShape: [Int], node: Node, threads: Int, buffers: BufferPool,
                                    softmax: Bool = false, bias: Tensor<Float>? = nil) -> Tensor<Float> {
        let a2 = a.rank == 1 ? [1, a.shape[0]] : a.shape
        let b2 = b.rank == 1 ? [b.shape[0], 1] : b.shape
        let (m, k, n) = (a2[a2.count - 2], a2[a2.count - 1], b2[b2.count - 1])
        let batchShape = (try? Broadcast.shape(Array(a2.dropLast(2)), Array(b2.dropLast(2)), node: node)) ?? []
        let batches = batchShape.reduce(1, *)
        let aBatch = Broadcast.broadcastStrides(Array(a2.dropLast(2)), to: batchShape)
        let bBatch = Broadcast.broadcastStrides(Array(b2.dropLast(2)), to: batchShape)
        let batchStrides = strides(of: batchShape)
        // Every product writes its block whole (beta 0): a pooled buffer needs no zeroing.
        var y = buffers.take(count: batches * m * n)
        if k == 0 { y.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        let row = outputShape.last ?? 1
        a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
        (bias?.scalars ?? []).withUnsafeBufferPointer { biasp in
        y.withUnsafeMutableBufferPointer { yp in
            func normalise(_ start: Int, _ count: Int) {
                if softmax { for r in stride(from: start, to: start + count, by: row) { seqlens_softmax(yp.baseAddress! + r, row, 0) } }
                if let shift = biasp.baseAddress, bias != nil {
                    for r in stride(from: start, to: start + count, by: row) {
                        let o = yp.baseAddress! + r
                        for j in 0..<row { o[j] += shift[j] }
                    }
                }
            }
            // Rows all sharing one B (a projection) with a bias: chunks, each added to while in cache.
            if bias != nil && bBatch.allSatisfy({ $0 == 0 }) && (aBatch.allSatisfy({ $0 != 0 }) || batches == 1) {
                let rows = batches * m, chunk = biasChunkRows(width: n), chunks = (rows + chunk - 1) / chunk
                func product(_ c: Int) {
                    let start = c * chunk, count = min(chunk, rows - start)
                    BLAS.sgemm(transA: false, transB: false, m: count, n: n, k: k, a: ap.baseAddress! + start * k, lda: k,
                               b: bp.baseAddress!, ldb: n, c: yp.baseAddress! + start * n, ldc: n, splitting: false)
                    normalise(start * n, count * n)
                }
                let parts = batchParts(batches: chunks, multiplyAdds: rows * n * k, threads: threads)
                concurrently(parts) { part in
                    for c in (chunks * part / parts)..<(chunks * (part + 1) / parts) { product(c) }
                }
                return
            }
            // A (…, m, k) whose batch axes are all broadcast against a shared B is one tall product.
            if aBatch.allSatisfy({ $0 != 0 }) && bBatch.allSatisfy({ $0 == 0 }) && batches > 1 {
                BLAS.sgemm(transA: false, transB: false, m: batches * m, n: n, k: k,
                           a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: yp.baseAddress!, ldc: n)
                normalise(0, batches * m * n)
                return
            }
            func product(_ batch: Int, splitting: Bool) {
                var offsetA = 0, offsetB = 0
                for axis in batchShape.indices {
                    let i = (batch / batchStrides[axis]) % batchShape[axis]
                    offsetA += i * aBatch[axis]
                    offsetB += i * bBatch[axis]
                }
                BLAS.sgemm(transA: false, transB: false, m: m, n: n, k: k,
                           a: ap.baseAddress! + offsetA * m * k, lda: k,
                           b: bp.baseAddress! + offsetB * k * n, ldb: n,
                           c: yp.baseAddress! + batch * m * n, ldc: n, splitting: splitting)
                normalise(batch * m * n, m * n)
            }
            let parts = batchParts(batches: batches, multiplyAdds: batches * m * n * k, threads: threads)
            // Neither operand broadcast (attention's heads): a part's products in one call.
            if Array(a2.dropLast(2)) == batchShape && Array(b2.dropLast(2)) == batchShape
                && batches >= BLAS.minimumBatchedProducts * parts {
                concurrently(parts) { part in
                    let start = batches * part / parts, end = batches * (part + 1) / parts
                    BLAS.batchedSgemm(batches: end - start, m: m, n: n, k: k, a: ap.baseAddress! + start * m * k,
                                      b: bp.baseAddress! + start * k * n, c: yp.baseAddress! + start * m * n)
                    normalise(start * m * n, (end - start) * m * n)
                }
                return
            }
            if parts > 1 {
                concurrently(parts) { part in
                    for batch in (batches * part / parts)..<(batches * (part + 1) / parts) { product(batch, splitting: false) }
                }
            } else {
                for batch in 0..<batches { product(batch, splitting: true) }
            }
        }}}}
        return Tensor(shape: outputShape, scalars: y)
    }
}

extension MatrixProduct {
    /// For Y = α·op(A)·op(B): d op(A) = α·dY·op(B)ᵀ and d op(B) = α·op(A)ᵀ·dY, transposed back
    /// when A or B was stored transposed.
    static func gemmBackward(
        _ dy: Tensor<Float>, _ a: Tensor<Float>, _ b: Tensor<Float>, alpha: Float, transA: Bool, transB: Bool, wanted: (Bool, Bool), buffers: BufferPool
    ) throws -> (Tensor<Float>?, Tensor<Float>?) {
        let (m, n) = (dy.shape[0], dy.shape[1])
        let k = transA ? a.shape[0] : a.shape[1]
        var da: Tensor<Float>?, db: Tensor<Float>?
        dy.scalars.withUnsafeBufferPointer { dyp in
        a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
            let g = dyp.baseAddress!, aBase = ap.baseAddress!, bBase = bp.baseAddress!
            if wanted.0 {
                var out = buffers.takeZeroed(count: a.count)
                out.withUnsafeMutableBufferPointer { o in
                    if transA {  // dA (k×m) = α·op(B)·dYᵀ
                        BLAS.sgemm(transA: transB, transB: true, m: k, n: m, k: n, alpha: alpha, a: bBase, lda: b.shape[1], b: g, ldb: n, c: o.baseAddress!, ldc: m)
                    } else {  // dA (m×k) = α·dY·op(B)ᵀ
                        BLAS.sgemm(transA: false, transB: !transB, m: m, n: k, k: n, alpha: alpha, a: g, lda: n, b: bBase, ldb: b.shape[1], c: o.baseAddress!, ldc: k)
                    }
                }
                da = Tensor(shape: a.shape, scalars: out)
            }
            if wanted.1 {
                var out = buffers.takeZeroed(count: b.count)
                out.withUnsafeMutableBufferPointer { o in
                    if transB {  // dB (n×k) = α·dYᵀ·op(A)
                        BLAS.sgemm(transA: true, transB: transA, m: n, n: k, k: m, alpha: alpha, a: g, lda: n, b: aBase, ldb: a.shape[1], c: o.baseAddress!, ldc: k)
                    } else {  // dB (k×n) = α·op(A)ᵀ·dY
                        BLAS.sgemm(transA: !transA, transB: false, m: k, n: n, k: m, alpha: alpha, a: aBase, lda: a.shape[1], b: g, ldb: n, c: o.baseAddress!, ldc: n)
                    }
                }
                db = Tensor(shape: b.shape, scalars: out)
            }
        }}}
        return (da, db)
    }

    /// numpy.matmul backward: per batch pair dA += dY·Bᵀ and dB += Aᵀ·dY, summed over the
    /// batch axes an operand was broadcast along.
    static func matMulBackward(_ dy: Tensor<Float>, _ a: Tensor<Float>, _ b: Tensor<Float>, wanted: (Bool, Bool), node: Node) throws -> (Tensor<Float>?, Tensor<Float>?) {
        let a2 = a.rank == 1 ? [1, a.shape[0]] : a.shape
        let b2 = b.rank == 1 ? [b.shape[0], 1] : b.shape
        let (m, k, n) = (a2[a2.count - 2], a2[a2.count - 1], b2[b2.count - 1])
        let batchShape = try Broadcast.shape(Array(a2.dropLast(2)), Array(b2.dropLast(2)), node: node)
        let aBatch = Broadcast.broadcastStrides(Array(a2.dropLast(2)), to: batchShape)
        let bBatch = Broadcast.broadcastStrides(Array(b2.dropLast(2)), to: batchShape)
        let batchStrides = strides(of: batchShape)
        var da = [Float](repeating: 0, count: wanted.0 ? a.count : 0)
        var db = [Float](repeating: 0, count: wanted.1 ? b.count : 0)
        dy.scalars.withUnsafeBufferPointer { dyp in
        a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
        da.withUnsafeMutableBufferPointer { dap in
        db.withUnsafeMutableBufferPointer { dbp in
            for batch in 0..<batchShape.reduce(1, *) {
                var offsetA = 0, offsetB = 0
                for axis in batchShape.indices {
                    let i = (batch / batchStrides[axis]) % batchShape[axis]
                    offsetA += i * aBatch[axis]
                    offsetB += i * bBatch[axis]
                }
                let g = dyp.baseAddress! + batch * m * n
                if wanted.0 {  // beta 1: broadcast batches accumulate
                    BLAS.sgemm(transA: false, transB: true, m: m, n: k, k: n, a: g, lda: n,
                               b: bp.baseAddress! + offsetB * k * n, ldb: n, beta: 1, c: dap.baseAddress! + offsetA * m * k, ldc: k)
                }
                if wanted.1 {
                    BLAS.sgemm(transA: true, transB: false, m: k, n: n, k: m, a: ap.baseAddress! + offsetA * m * k, lda: k,
                               b: g, ldb: n, beta: 1, c: dbp.baseAddress! + offsetB * k * n, ldc: n)
                }
            }
        }}}}}
        return (wanted.0 ? Tensor(shape: a.shape, scalars: da) : nil, wanted.1 ? Tensor(shape: b.shape, scalars: db) : nil)
    }
}
