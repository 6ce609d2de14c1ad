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
            _ = try Broadcast.shape(c.shape, outputShape, node: node)
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

    static func matMul(_ a: Value, _ b: Value, outputShape: [Int], node: Node) throws -> Value {
        switch (a, b) {
        case (.float(let x), .float(let y)):
            return .float(floatMatMul(x, y, outputShape: outputShape, node: node))
        case (.int(let x), .int(let y)):
            // Integer MatMul only appears in shape arithmetic: tiny, so a plain loop.
            let xf = Tensor(shape: x.shape, scalars: x.scalars.map(Float.init))
            let yf = Tensor(shape: y.shape, scalars: y.scalars.map(Float.init))
            return .int(Tensor(shape: outputShape, scalars: floatMatMul(xf, yf, outputShape: outputShape, node: node).scalars.map { Int64($0.rounded()) }))
        default:
            throw InferenceError("node '\(node.name)' (MatMul): inputs have different element types")
        }
    }

    private static func floatMatMul(_ a: Tensor<Float>, _ b: Tensor<Float>, outputShape: [Int], node: Node) -> Tensor<Float> {
        let a2 = a.rank == 1 ? [1, a.shape[0]] : a.shape
        let b2 = b.rank == 1 ? [b.shape[0], 1] : b.shape
        let (m, k, n) = (a2[a2.count - 2], a2[a2.count - 1], b2[b2.count - 1])
        let batchShape = (try? Broadcast.shape(Array(a2.dropLast(2)), Array(b2.dropLast(2)), node: node)) ?? []
        let batches = batchShape.reduce(1, *)
        let aBatch = Broadcast.broadcastStrides(Array(a2.dropLast(2)), to: batchShape)
        let bBatch = Broadcast.broadcastStrides(Array(b2.dropLast(2)), to: batchShape)
        let batchStrides = strides(of: batchShape)
        var y = [Float](repeating: 0, count: batches * m * n)
        a.scalars.withUnsafeBufferPointer { ap in
        b.scalars.withUnsafeBufferPointer { bp in
        y.withUnsafeMutableBufferPointer { yp in
            // A (…, m, k) whose batch axes are all broadcast against a shared B is one tall product.
            if aBatch.allSatisfy({ $0 != 0 }) && bBatch.allSatisfy({ $0 == 0 }) && batches > 1 {
                BLAS.sgemm(transA: false, transB: false, m: batches * m, n: n, k: k,
                           a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: yp.baseAddress!, ldc: n)
                return
            }
            for batch in 0..<batches {
                var offsetA = 0, offsetB = 0
                for axis in batchShape.indices {
                    let i = (batch / batchStrides[axis]) % batchShape[axis]
                    offsetA += i * aBatch[axis]
                    offsetB += i * bBatch[axis]
                }
                BLAS.sgemm(transA: false, transB: false, m: m, n: n, k: k,
                           a: ap.baseAddress! + offsetA * m * k, lda: k,
                           b: bp.baseAddress! + offsetB * k * n, ldb: n,
                           c: yp.baseAddress! + batch * m * n, ldc: n)
            }
        }}}
        return Tensor(shape: outputShape, scalars: y)
    }
}
