import Foundation

/// How many threads the engine may use. Under an address-space limit (`ulimit -v`) a thread
/// whose stack or malloc arena is refused can crash or hang the process instead of failing
/// (measured with 2 threads at 150 MB). Thread counts therefore stay within the cores and within
/// what the limit leaves room for, and a limit too small for one thread is refused up front.
public enum ThreadBudget {
    /// Address space one engine thread takes: its malloc arena (64 MB reserved) and its stack.
    static let bytesPerThread = 80 << 20
    /// What the process takes besides (the Swift runtime, ICU data and oneDNN: a sample model
    /// predicts within 200 MB), with room for a small model and its activations.
    static let baseBytes = 256 << 20

    /// The address-space limit in bytes, nil when there is none.
    public static var addressSpaceLimit: Int? {
        var limit = rlimit()
        // RLIM_INFINITY is all ones (rlim_t.max); Swift cannot import the macro as unsigned.
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// `requested` threads (nil: every core), at most the cores and what the address-space limit
    /// leaves room for, at least one.
    public static func threads(requested: Int?, cores: Int, addressSpace: Int? = addressSpaceLimit) -> Int {
        var threads = min(requested ?? cores, max(1, cores))
        if let addressSpace { threads = min(threads, (addressSpace - baseBytes) / bytesPerThread) }
        return max(1, threads)
    }

    /// Refuses, in one line, an address-space limit too small for the engine's first thread.
    public static func checkAddressSpace(_ addressSpace: Int? = addressSpaceLimit) throws {
        guard let addressSpace, addressSpace < baseBytes + bytesPerThread else { return }
        throw InferenceError("the address-space limit (ulimit -v) is \(addressSpace >> 20) MB, but seqlens needs at least \((baseBytes + bytesPerThread) >> 20) MB; raise the limit")
    }
}
