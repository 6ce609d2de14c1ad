/// What a model file or a plan may ask the engine to allocate or index, checked where each value
/// enters (docs/ARCHITECTURE.md, "Limits"): a corrupt or hostile file gets a one-line error
/// instead of an overflow trap or an allocation the machine cannot make.
enum Limits {
    /// The most elements one tensor may hold (2^31, 8 GiB of float32).
    static let maximumElementCount = 1 << 31
    /// The largest kernel size, stride, dilation or pad a Conv or pool may give (2^31):
    /// products and sums of a few of them stay far from overflowing Int.
    static let maximumWindowAttribute = 1 << 31

    /// The number of elements of `shape`, or nil when a dimension is negative or the product
    /// overflows or exceeds `maximumElementCount`.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maximumElementCount else { return nil }
            count = product
        }
        return count
    }
}
