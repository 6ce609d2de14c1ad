#if canImport(Accelerate)
import Accelerate
#else
import CDNNL
import Synchronization
#endif

/// A batch of equal, independent products in one call: attention's per-head scores and
/// weighted values.
///
/// On Linux one oneDNN matmul primitive runs the whole batch: 64 products of 49 × 16 × 49 take
/// 34 µs, against 67 µs as separate sgemm calls, each of which pays its own dispatch and
/// packing (bench/kernels.c; 1.5× on 49 × 49 × 16).
extension BLAS {
    /// With its own stream and memory objects each run (1–3 µs), the primitive is about as fast
    /// as separate sgemm calls at 4 products and 1.2–1.6× faster at 8 (bench/kernels.c).
    static let minimumBatchedProducts = 8

    /// C_i (m×n) = A_i (m×k) · B_i (k×n) for i in 0..<batches: all row-major, each operand's
    /// matrices one after another. On the calling thread.
    static func batchedSgemm(batches: Int, m: Int, n: Int, k: Int,
                             a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        guard batches > 0, m > 0, n > 0 else { return }
        #if !canImport(Accelerate)
        if batches >= minimumBatchedProducts, k > 0,
           let product = BatchedMatMul.cached(BatchedMatMul.Shape(batches: batches, m: m, n: n, k: k)),
           product.run(a: a, b: b, c: c) {
            return
        }
        #endif
        for i in 0..<batches {
            sgemm(transA: false, transB: false, m: m, n: n, k: k, a: a + i * m * k, lda: k,
                  b: b + i * k * n, ldb: n, c: c + i * m * n, ldc: n, splitting: false)
        }
    }
}

#if !canImport(Accelerate)
/// One oneDNN matmul primitive for a batch shape, made once (its JIT kernels take 0.2–1 ms, the
/// process's first 2–7 ms; bench/kernels.c) and kept for the process.
///
/// @unchecked Sendable: a primitive is immutable once created, and oneDNN allows executing one
/// from several threads at once, each with its own stream and memory objects.
final class BatchedMatMul: @unchecked Sendable {
    struct Shape: Hashable {
        let batches: Int, m: Int, n: Int, k: Int
    }

    private let primitive: dnnl_primitive_t
    private let a: dnnl_memory_desc_t, b: dnnl_memory_desc_t, c: dnnl_memory_desc_t
    /// The primitive's working memory, given by each run: oneDNN's own (the default) is one
    /// buffer for all threads, so two threads' products would overwrite each other's.
    private let scratchpad: dnnl_memory_desc_t
    private let scratchpadBytes: Int

    /// Shapes met so far; nil where oneDNN declined one (the caller then loops over sgemm).
    private static let cache = Mutex<[Shape: BatchedMatMul?]>([:])
    /// A model meets a few shapes (a pass, its last part of a batch); more means a caller
    /// varies its batch, and the cache then starts again rather than grow for ever.
    private static let cacheLimit = 64

    private init?(_ shape: Shape) {
        guard let engine = CPUEngine.shared.engine else { return nil }
        func descriptor(_ rows: Int, _ columns: Int) -> dnnl_memory_desc_t? {
            var desc = dnnl_memory_desc_t()
            let dims = [Int64(shape.batches), Int64(rows), Int64(columns)]
            return dnnl_memory_desc_init_by_tag(&desc, 3, dims, dnnl_f32, dnnl_abc) == dnnl_success ? desc : nil
        }
        guard var a = descriptor(shape.m, shape.k), var b = descriptor(shape.k, shape.n), var c = descriptor(shape.m, shape.n)
        else { return nil }
        var attributes: dnnl_primitive_attr_t?
        guard dnnl_primitive_attr_create(&attributes) == dnnl_success, let attributes else { return nil }
        defer { dnnl_primitive_attr_destroy(attributes) }
        var operation = dnnl_matmul_desc_t()
        var descriptor: dnnl_primitive_desc_t?
        var primitive: dnnl_primitive_t?
        guard dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user) == dnnl_success,
              dnnl_matmul_desc_init(&operation, &a, &b, nil, &c) == dnnl_success,
              dnnl_primitive_desc_create(&descriptor, &operation, attributes, engine, nil) == dnnl_success, let descriptor
        else { return nil }
        defer { dnnl_primitive_desc_destroy(descriptor) }
        guard let scratchpad = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0)?.pointee,
              dnnl_primitive_create(&primitive, descriptor) == dnnl_success, let primitive
        else { return nil }
        (self.primitive, self.a, self.b, self.c, self.scratchpad) = (primitive, a, b, c, scratchpad)
        scratchpadBytes = withUnsafePointer(to: scratchpad) { dnnl_memory_desc_get_size($0) }
    }

    deinit { dnnl_primitive_destroy(primitive) }

    static func cached(_ shape: Shape) -> BatchedMatMul? {
        if let known = cache.withLock({ $0[shape] }) { return known }
        // Made outside the lock: another thread's products need not wait for the JIT.
        let made = BatchedMatMul(shape)
        return cache.withLock { cache in
            if let known = cache[shape] { return known }
            // A thread still running a dropped primitive holds it: it is destroyed after.
            if cache.count >= cacheLimit { cache.removeAll() }
            cache[shape] = .some(made)
            return made
        }
    }

    /// False if oneDNN refused (the caller falls back to separate products).
    func run(a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) -> Bool {
        guard let engine = CPUEngine.shared.engine else { return false }
        // oneDNN sizes the work by the calling thread's OpenMP count, the core count at first.
        if omp_get_max_threads() != 1 { omp_set_num_threads(1) }
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, UInt32(dnnl_stream_default_flags.rawValue)) == dnnl_success, let stream else { return false }
        defer { dnnl_stream_destroy(stream) }
        let working = UnsafeMutableRawPointer.allocate(byteCount: max(scratchpadBytes, 1), alignment: 64)
        defer { working.deallocate() }
        var memories: [dnnl_memory_t?] = [nil, nil, nil, nil]
        defer { for memory in memories { if let memory { dnnl_memory_destroy(memory) } } }
        let handles = [UnsafeMutableRawPointer(mutating: a), UnsafeMutableRawPointer(mutating: b), UnsafeMutableRawPointer(c), working]
        for (index, var desc) in [self.a, self.b, self.c, scratchpad].enumerated() {
            guard dnnl_memory_create(&memories[index], &desc, engine, handles[index]) == dnnl_success else { return false }
        }
        var arguments = zip([DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_SCRATCHPAD], memories).map {
            dnnl_exec_arg_t(arg: Int32($0), memory: $1)
        }
        return dnnl_primitive_execute(primitive, stream, Int32(arguments.count), &arguments) == dnnl_success
            && dnnl_stream_wait(stream) == dnnl_success
    }
}

/// oneDNN's CPU engine, one for the process.
final class CPUEngine: @unchecked Sendable {
    static let shared = CPUEngine()
    let engine: dnnl_engine_t?

    private init() {
        var engine: dnnl_engine_t?
        self.engine = dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success ? engine : nil
    }
}
#endif
